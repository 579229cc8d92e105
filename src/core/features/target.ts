/**
 * @file Target encoding: classification labels to class indices (the class list fitted on the training rows and
 * saved with the model), and regression targets to float32. Row numbers in messages are 1-based.
 */
import { describeKind, type ColumnValues } from '../table/column-values';
import { FLOAT32_MAX, quote } from './featurizer';

/** Saved class list: index i of a prediction is `classes[i]`. */
export interface ClassLabelsState {
  type: 'class-labels';
  column: string;
  classes: string[];
}

/** Maps labels to class indices; classes sorted (numbers numerically, text by code unit), fitted on train rows. */
export class ClassLabels {
  readonly #state: ClassLabelsState;
  readonly #index: Map<string, number>;

  private constructor(state: ClassLabelsState) {
    this.#state = state;
    this.#index = new Map(state.classes.map((c, i) => [c, i]));
  }

  /** Collects the classes of `rows`. Throws when every label is missing or there is only one class. */
  static fit(column: string, values: ColumnValues, rows: ArrayLike<number>): ClassLabels {
    const label = labelReader(column, values);
    const counts = new Map<string, number>();
    for (let i = 0; i < rows.length; i++) {
      const l = label(rows[i]);
      if (l !== null) counts.set(l, (counts.get(l) ?? 0) + 1);
    }
    if (counts.size === 0) {
      throw new Error(`Target column "${column}" has no values in the ${rows.length} training rows (all missing); choose another target`);
    }
    if (counts.size === 1) {
      const [[only, n]] = counts;
      throw new Error(`Target column "${column}" has only one class in the training rows (${quote(only)}, ${n} rows); classification needs at least two`);
    }
    const classes = [...counts.keys()];
    if (values.kind === 'numeric') classes.sort((a, b) => Number(a) - Number(b));
    else classes.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return new ClassLabels({ type: 'class-labels', column, classes });
  }

  /** Restores a class list saved with {@link ClassLabels.toJSON}. */
  static fromJSON(state: ClassLabelsState): ClassLabels {
    return new ClassLabels({ ...state, classes: [...state.classes] });
  }

  get classes(): readonly string[] {
    return this.#state.classes;
  }

  /** Class index of each of `rows`. Throws on a missing label or labels unseen in training, listing them. */
  encode(values: ColumnValues, rows: ArrayLike<number>): Int32Array {
    const { column, classes } = this.#state;
    const label = labelReader(column, values);
    const out = new Int32Array(rows.length);
    const unseen = new Map<string, number>();
    for (let i = 0; i < rows.length; i++) {
      const l = label(rows[i]);
      if (l === null) throw new Error(`Target column "${column}" is missing at row ${rows[i] + 1}; rows without a target cannot be used`);
      const k = this.#index.get(l);
      if (k === undefined) {
        if (!unseen.has(l)) unseen.set(l, rows[i]);
        continue;
      }
      out[i] = k;
    }
    if (unseen.size > 0) {
      const listed = [...unseen].slice(0, 5).map(([l, row]) => `${quote(l)} (row ${row + 1})`);
      const more = unseen.size > 5 ? ` and ${unseen.size - 5} more` : '';
      throw new Error(
        `Target column "${column}" has labels not seen in training: ${listed.join(', ')}${more}; known classes: ${classes.map(quote).join(', ')}`,
      );
    }
    return out;
  }

  toJSON(): ClassLabelsState {
    return { ...this.#state, classes: [...this.#state.classes] };
  }
}

/**
 * The regression target of `rows` as float32. Throws for a non-numeric column (naming a few of its values), all
 * missing, a missing value in a row, or an infinite or float32-overflowing value.
 */
export function encodeRegressionTarget(column: string, values: ColumnValues, rows: ArrayLike<number>): Float32Array {
  if (values.kind !== 'numeric') {
    const examples = values.kind === 'image' ? '' : ` (e.g. ${sampleLabels(column, values, rows).map(quote).join(', ')})`;
    throw new Error(
      `Target column "${column}" holds ${describeKind(values.kind)}${examples}; regression needs numbers. Change the column type to number, or train a classifier`,
    );
  }
  const out = new Float32Array(rows.length);
  let missing = 0;
  let firstMissing = -1;
  for (let i = 0; i < rows.length; i++) {
    const v = values.values[rows[i]];
    if (v !== v) {
      if (missing++ === 0) firstMissing = rows[i];
      continue;
    }
    if (!(Math.abs(v) <= FLOAT32_MAX)) throw new Error(`Target column "${column}" has a non-finite or too large value at row ${rows[i] + 1} (${v})`);
    out[i] = v;
  }
  if (missing === rows.length && rows.length > 0) throw new Error(`Target column "${column}" has no values in the ${rows.length} rows given (all missing)`);
  if (missing > 0) throw new Error(`Target column "${column}" is missing in ${missing} rows (first at row ${firstMissing + 1}); rows without a target cannot be used`);
  return out;
}

function labelReader(column: string, values: ColumnValues): (row: number) => string | null {
  switch (values.kind) {
    case 'categorical':
      return (row) => (values.codes[row] < 0 ? null : values.categories[values.codes[row]]);
    case 'text':
      return (row) => values.values[row] ?? null;
    case 'numeric':
      return (row) => (values.values[row] !== values.values[row] ? null : String(values.values[row]));
    case 'image':
      throw new Error(`Target column "${column}" holds images; a target must be numbers, categories or text`);
  }
}

function sampleLabels(column: string, values: ColumnValues, rows: ArrayLike<number>): string[] {
  const label = labelReader(column, values);
  const seen = new Set<string>();
  for (let i = 0; i < rows.length && seen.size < 3; i++) {
    const l = label(rows[i]);
    if (l !== null) seen.add(l);
  }
  return [...seen];
}
