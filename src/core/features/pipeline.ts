/**
 * @file The feature pipeline: one featurizer per feature spec, fitted on the training rows only, writing all
 * features of a row side by side into one row-major Float32Array. Its JSON state is saved with the model.
 *
 * Non-finite values never reach the output: missing numbers are imputed, and an infinite or float32-overflowing
 * input is an error naming the column and the first bad row (1-based), never silently replaced.
 */
import type { FeatureSpec } from './feature-spec';
import { FEATURE_TYPES } from './feature-spec';
import { columnOf, type FeatureColumns, type Featurizer } from './featurizer';
import { HashedBagOfWordsFeaturizer, type HashedBagOfWordsState } from './hashed-bag-of-words';
import { ImageFeaturizer, type ImageState } from './image';
import { NumericFeaturizer, type NumericState } from './numeric';
import { OneHotFeaturizer, type OneHotState } from './one-hot';
import { TokenIdsFeaturizer, type TokenIdsState } from './token-ids';

/** The saved state of any featurizer. */
export type FeaturizerState = NumericState | OneHotState | HashedBagOfWordsState | TokenIdsState | ImageState;

/** A fitted pipeline, as saved with a model. */
export interface FeaturePipelineState {
  version: 1;
  features: FeaturizerState[];
}

/** Where one featurizer's features sit in a row: the engine uses it to route token ids or pixels to their layers. */
export interface FeatureSegment {
  column: string;
  type: FeatureSpec['type'];
  offset: number;
  width: number;
  /** Token-id segments: size of the id space (vocabulary + padding + out-of-vocabulary). */
  inputDim?: number;
  /** Image segments: the [height, width, channels] shape of the features. */
  shape?: [number, number, number];
}

/** Featurizes rows of a table into a float32 matrix (rows × {@link FeaturePipeline.featureCount}). */
export class FeaturePipeline {
  readonly #featurizers: Featurizer<FeaturizerState>[];

  private constructor(featurizers: Featurizer<FeaturizerState>[]) {
    this.#featurizers = featurizers;
  }

  /** Fits every spec on `trainRows` of its column. Throws for no specs, no rows, an unknown type or bad values. */
  static fit(specs: readonly FeatureSpec[], columns: FeatureColumns, trainRows: ArrayLike<number>): FeaturePipeline {
    if (specs.length === 0) throw new Error('No feature columns were chosen; choose at least one');
    if (trainRows.length === 0) throw new Error('No training rows to fit the features on');
    return new FeaturePipeline(specs.map((spec) => fitOne(spec, columns, trainRows)));
  }

  /** Restores a pipeline saved with {@link FeaturePipeline.toJSON}; it transforms exactly as the original. */
  static fromJSON(state: FeaturePipelineState): FeaturePipeline {
    if (state?.version !== 1 || !Array.isArray(state.features)) {
      throw new Error(`Unsupported feature pipeline state (version ${String(state?.version)}); expected version 1`);
    }
    return new FeaturePipeline(state.features.map(restoreOne));
  }

  /** One name per output feature, in column order. */
  get featureNames(): string[] {
    return this.#featurizers.flatMap((f) => f.featureNames());
  }

  /** Features per row. */
  get featureCount(): number {
    return this.#featurizers.reduce((n, f) => n + f.width, 0);
  }

  /** Each featurizer's place in a row. */
  get segments(): FeatureSegment[] {
    let offset = 0;
    return this.#featurizers.map((f) => {
      const state = f.toJSON();
      const segment: FeatureSegment = { column: f.column, type: state.type, offset, width: f.width };
      if (f instanceof TokenIdsFeaturizer) segment.inputDim = f.inputDim;
      if (state.type === 'image') segment.shape = [state.height, state.width, state.channels];
      offset += f.width;
      return segment;
    });
  }

  /**
   * Features of `rows` (0-based table rows), row-major: row i's features start at `i * featureCount`.
   * Writes into `out` when given (it must hold `rows.length * featureCount` values).
   */
  transform(columns: FeatureColumns, rows: ArrayLike<number>, out?: Float32Array): Float32Array {
    const stride = this.featureCount;
    const size = rows.length * stride;
    if (out && out.length < size) throw new Error(`Output holds ${out.length} values; ${rows.length} rows × ${stride} features need ${size}`);
    const matrix = out ?? new Float32Array(size);
    let offset = 0;
    for (const f of this.#featurizers) {
      f.transform(columnOf(columns, f.column), rows, matrix, stride, offset);
      offset += f.width;
    }
    for (let i = 0; i < size; i++) {
      if (!Number.isFinite(matrix[i])) {
        // Featurizers guarantee finite output; this guards the contract if one ever breaks it.
        const feature = this.featureNames[i % stride];
        throw new Error(`Feature "${feature}" is ${matrix[i]} at row ${rows[Math.floor(i / stride)] + 1}; features must be finite`);
      }
    }
    return matrix;
  }

  /** The fitted state, JSON-serialisable. */
  toJSON(): FeaturePipelineState {
    return { version: 1, features: this.#featurizers.map((f) => f.toJSON()) };
  }
}

function fitOne(spec: FeatureSpec, columns: FeatureColumns, rows: ArrayLike<number>): Featurizer<FeaturizerState> {
  const input = columnOf(columns, spec.column);
  switch (spec.type) {
    case 'numeric':
      return NumericFeaturizer.fit(spec, input, rows);
    case 'one-hot':
      return OneHotFeaturizer.fit(spec, input, rows);
    case 'hashed-bag-of-words':
      return HashedBagOfWordsFeaturizer.fit(spec, input, rows);
    case 'token-ids':
      return TokenIdsFeaturizer.fit(spec, input, rows);
    case 'image':
      return ImageFeaturizer.fit(spec, input, rows);
    default:
      throw unknownType((spec as { type: unknown }).type, (spec as { column?: unknown }).column);
  }
}

function restoreOne(state: FeaturizerState): Featurizer<FeaturizerState> {
  switch (state.type) {
    case 'numeric':
      return NumericFeaturizer.fromJSON(state);
    case 'one-hot':
      return OneHotFeaturizer.fromJSON(state);
    case 'hashed-bag-of-words':
      return HashedBagOfWordsFeaturizer.fromJSON(state);
    case 'token-ids':
      return TokenIdsFeaturizer.fromJSON(state);
    case 'image':
      return ImageFeaturizer.fromJSON(state);
    default:
      throw unknownType((state as { type: unknown }).type, (state as { column?: unknown }).column);
  }
}

function unknownType(type: unknown, column: unknown): Error {
  return new Error(`Unknown featurizer type ${JSON.stringify(type)} for column ${JSON.stringify(column)}; expected one of ${FEATURE_TYPES.join(', ')}`);
}
