/**
 * @file One-hot featurizer: one feature per training category (the most frequent, up to a cap) and a last
 * `<column>=<other>` feature for capped-out, unseen and missing values, so test rows never fail on a new category.
 */
import type { OneHotFeatureSpec } from './feature-spec';
import { expectKind, type FeatureInput, type Featurizer } from './featurizer';

/** Fitted state: the kept categories, most frequent first (ties in first-seen order). */
export interface OneHotState {
  type: 'one-hot';
  column: string;
  categories: string[];
}

/** Default cap on one-hot categories. */
export const DEFAULT_MAX_CATEGORIES = 50;

/** Name of the other/unseen/missing slot. */
export const OTHER_CATEGORY = '<other>';

/** One-hot encodes one categorical column. */
export class OneHotFeaturizer implements Featurizer<OneHotState> {
  readonly #state: OneHotState;
  readonly #slot: Map<string, number>;

  private constructor(state: OneHotState) {
    this.#state = state;
    this.#slot = new Map(state.categories.map((c, i) => [c, i]));
  }

  /** Counts categories over `rows` of `input` (categories, text, or numbers read as their text) and keeps the top ones. */
  static fit(spec: OneHotFeatureSpec, input: FeatureInput, rows: ArrayLike<number>): OneHotFeaturizer {
    const max = spec.maxCategories ?? DEFAULT_MAX_CATEGORIES;
    if (!Number.isInteger(max) || max < 1) throw new Error(`maxCategories for column "${spec.column}" is ${max}; expected an integer of at least 1`);
    const key = keyReader(input, spec.column);
    const counts = new Map<string, number>();
    for (let i = 0; i < rows.length; i++) {
      const k = key(rows[i]);
      if (k !== null) counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    // Array.prototype.sort is stable, so ties keep first-seen order.
    const categories = [...counts].sort((a, b) => b[1] - a[1]).slice(0, max).map(([c]) => c);
    return new OneHotFeaturizer({ type: 'one-hot', column: spec.column, categories });
  }

  /** Restores a featurizer from {@link OneHotFeaturizer.toJSON}. */
  static fromJSON(state: OneHotState): OneHotFeaturizer {
    return new OneHotFeaturizer({ ...state, categories: [...state.categories] });
  }

  get column(): string {
    return this.#state.column;
  }

  get width(): number {
    return this.#state.categories.length + 1;
  }

  featureNames(): string[] {
    const c = this.#state.column;
    return [...this.#state.categories.map((k) => `${c}=${k}`), `${c}=${OTHER_CATEGORY}`];
  }

  transform(input: FeatureInput, rows: ArrayLike<number>, out: Float32Array, stride: number, offset: number): void {
    const width = this.width;
    const other = width - 1;
    let slotOf: (row: number) => number;
    if (input.kind === 'categorical') {
      // Codes index this materialization's dictionary: map each once, not each row's string.
      const bySlot = Int32Array.from(input.categories, (c) => this.#slot.get(c) ?? other);
      slotOf = (row) => (input.codes[row] < 0 ? other : bySlot[input.codes[row]]);
    } else {
      const key = keyReader(input, this.#state.column);
      slotOf = (row) => {
        const k = key(row);
        return k === null ? other : (this.#slot.get(k) ?? other);
      };
    }
    for (let i = 0; i < rows.length; i++) {
      const at = i * stride + offset;
      out.fill(0, at, at + width);
      out[at + slotOf(rows[i])] = 1;
    }
  }

  toJSON(): OneHotState {
    return { ...this.#state, categories: [...this.#state.categories] };
  }
}

function keyReader(input: FeatureInput, column: string): (row: number) => string | null {
  const values = expectKind(input, ['categorical', 'text', 'numeric'], column, 'one-hot');
  switch (values.kind) {
    case 'categorical':
      return (row) => (values.codes[row] < 0 ? null : values.categories[values.codes[row]]);
    case 'text':
      return (row) => values.values[row] ?? null;
    case 'numeric':
      return (row) => (values.values[row] !== values.values[row] ? null : String(values.values[row]));
  }
}
