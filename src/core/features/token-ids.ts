/**
 * @file Text as token ids for embedding models: a vocabulary of the most frequent training tokens, each text
 * written as a fixed-length id sequence. Id 0 pads, id 1 stands for any token outside the vocabulary.
 */
import type { TokenIdsSpec } from './feature-spec';
import type { FeatureInput, Featurizer } from './featurizer';
import { textReader } from './hashed-bag-of-words';
import { tokenize } from './tokenize';

/** Fitted state: `vocabulary[i]` has id `i + 2`. */
export interface TokenIdsState {
  type: 'token-ids';
  column: string;
  vocabulary: string[];
  maxLength: number;
}

/** Padding id. */
export const PAD_ID = 0;
/** Out-of-vocabulary id. */
export const OOV_ID = 1;
/** Ids stay exact in float32 below 2^24. */
const MAX_VOCABULARY = (1 << 24) - 2;

/** Encodes one text column as token ids. */
export class TokenIdsFeaturizer implements Featurizer<TokenIdsState> {
  readonly #state: TokenIdsState;
  readonly #ids: Map<string, number>;

  private constructor(state: TokenIdsState) {
    this.#state = state;
    this.#ids = new Map(state.vocabulary.map((t, i) => [t, i + 2]));
  }

  /** Builds the vocabulary from `rows`: the `vocabularySize` most frequent tokens, ties in code-unit order. */
  static fit(spec: TokenIdsSpec, input: FeatureInput, rows: ArrayLike<number>): TokenIdsFeaturizer {
    const size = spec.vocabularySize ?? 10000;
    const maxLength = spec.maxLength ?? 64;
    if (!Number.isInteger(size) || size < 1 || size > MAX_VOCABULARY) {
      throw new Error(`vocabularySize for column "${spec.column}" is ${size}; expected an integer from 1 to ${MAX_VOCABULARY}`);
    }
    if (!Number.isInteger(maxLength) || maxLength < 1 || maxLength > 4096) {
      throw new Error(`maxLength for column "${spec.column}" is ${maxLength}; expected an integer from 1 to 4096`);
    }
    const text = textReader(input, spec.column);
    const counts = new Map<string, number>();
    for (let i = 0; i < rows.length; i++) {
      const value = text(rows[i]);
      if (value) for (const token of tokenize(value)) counts.set(token, (counts.get(token) ?? 0) + 1);
    }
    const vocabulary = [...counts]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, size)
      .map(([t]) => t);
    return new TokenIdsFeaturizer({ type: 'token-ids', column: spec.column, vocabulary, maxLength });
  }

  /** Restores a featurizer from {@link TokenIdsFeaturizer.toJSON}. */
  static fromJSON(state: TokenIdsState): TokenIdsFeaturizer {
    return new TokenIdsFeaturizer({ ...state, vocabulary: [...state.vocabulary] });
  }

  get column(): string {
    return this.#state.column;
  }

  get width(): number {
    return this.#state.maxLength;
  }

  /** Size of the id space an embedding layer needs: vocabulary plus padding and out-of-vocabulary. */
  get inputDim(): number {
    return this.#state.vocabulary.length + 2;
  }

  featureNames(): string[] {
    return Array.from({ length: this.#state.maxLength }, (_, i) => `${this.#state.column}[${i}]`);
  }

  /** Writes each row's first `maxLength` token ids, padded with 0; missing and empty texts are all padding. */
  transform(input: FeatureInput, rows: ArrayLike<number>, out: Float32Array, stride: number, offset: number): void {
    const { column, maxLength } = this.#state;
    const text = textReader(input, column);
    for (let i = 0; i < rows.length; i++) {
      const at = i * stride + offset;
      out.fill(PAD_ID, at, at + maxLength);
      const value = text(rows[i]);
      if (!value) continue;
      const tokens = tokenize(value);
      const n = Math.min(tokens.length, maxLength);
      for (let j = 0; j < n; j++) out[at + j] = this.#ids.get(tokens[j]) ?? OOV_ID;
    }
  }

  toJSON(): TokenIdsState {
    return { ...this.#state, vocabulary: [...this.#state.vocabulary] };
  }
}
