/**
 * @file Text as a hashed bag of words: each token's FNV-1a hash modulo the bucket count picks its feature.
 * Needs no vocabulary (nothing to fit beyond the options), so unseen words at test time still count.
 */
import { fnv1a32 } from '../random/fnv1a';
import type { HashedBagOfWordsSpec } from './feature-spec';
import { expectKind, type FeatureInput, type Featurizer } from './featurizer';
import { tokenize } from './tokenize';

/** Fitted state: the options in force. */
export interface HashedBagOfWordsState {
  type: 'hashed-bag-of-words';
  column: string;
  buckets: number;
  weighting: 'count' | 'binary';
  l2: boolean;
}

/** Hashes the tokens of one text column into `buckets` features; missing and empty texts give zeros. */
export class HashedBagOfWordsFeaturizer implements Featurizer<HashedBagOfWordsState> {
  readonly #state: HashedBagOfWordsState;

  private constructor(state: HashedBagOfWordsState) {
    this.#state = state;
  }

  /** Checks the input kind and options; the rows are not read (hashing needs no vocabulary). */
  static fit(spec: HashedBagOfWordsSpec, input: FeatureInput, _rows: ArrayLike<number>): HashedBagOfWordsFeaturizer {
    expectKind(input, ['text', 'categorical'], spec.column, 'hashed-bag-of-words');
    const buckets = spec.buckets ?? 1024;
    if (!Number.isInteger(buckets) || buckets < 1 || buckets > 1 << 20) {
      throw new Error(`buckets for column "${spec.column}" is ${buckets}; expected an integer from 1 to 1048576`);
    }
    return new HashedBagOfWordsFeaturizer({
      type: 'hashed-bag-of-words',
      column: spec.column,
      buckets,
      weighting: spec.weighting ?? 'count',
      l2: spec.l2 ?? true,
    });
  }

  /** Restores a featurizer from {@link HashedBagOfWordsFeaturizer.toJSON}. */
  static fromJSON(state: HashedBagOfWordsState): HashedBagOfWordsFeaturizer {
    return new HashedBagOfWordsFeaturizer({ ...state });
  }

  get column(): string {
    return this.#state.column;
  }

  get width(): number {
    return this.#state.buckets;
  }

  featureNames(): string[] {
    return Array.from({ length: this.#state.buckets }, (_, b) => `${this.#state.column}#${b}`);
  }

  transform(input: FeatureInput, rows: ArrayLike<number>, out: Float32Array, stride: number, offset: number): void {
    const { column, buckets, weighting, l2 } = this.#state;
    const text = textReader(input, column);
    const counts = new Float64Array(buckets);
    for (let i = 0; i < rows.length; i++) {
      counts.fill(0);
      const value = text(rows[i]);
      if (value) {
        for (const token of tokenize(value)) {
          const b = fnv1a32(token) % buckets;
          counts[b] = weighting === 'binary' ? 1 : counts[b] + 1;
        }
      }
      let norm = 1;
      if (l2) {
        let sq = 0;
        for (let b = 0; b < buckets; b++) sq += counts[b] * counts[b];
        norm = sq > 0 ? Math.sqrt(sq) : 1;
      }
      const at = i * stride + offset;
      for (let b = 0; b < buckets; b++) out[at + b] = counts[b] / norm;
    }
  }

  toJSON(): HashedBagOfWordsState {
    return { ...this.#state };
  }
}

/** A function giving a row's text, or null where missing; categories are read as their text. */
export function textReader(input: FeatureInput, column: string): (row: number) => string | null {
  const values = expectKind(input, ['text', 'categorical'], column, 'text');
  if (values.kind === 'text') return (row) => values.values[row] ?? null;
  return (row) => (values.codes[row] < 0 ? null : values.categories[values.codes[row]]);
}
