/**
 * @file Numeric featurizer: imputes missing values, scales, and optionally flags what was missing.
 * Statistics come from the observed training values only. Infinite inputs are errors (not silently imputed):
 * they usually mean a broken column, and imputing would hide it.
 */
import type { NumericFeatureSpec } from './feature-spec';
import { expectKind, FLOAT32_MAX, type FeatureInput, type Featurizer } from './featurizer';

/** Fitted state: output = ((value, or `fill` where missing) - center) / scale. */
export interface NumericState {
  type: 'numeric';
  column: string;
  scaling: NonNullable<NumericFeatureSpec['scaling']>;
  impute: NonNullable<NumericFeatureSpec['impute']>;
  fill: number;
  center: number;
  scale: number;
  missingIndicator: boolean;
}

/** Imputes, scales and flags missing values of one numeric column. */
export class NumericFeaturizer implements Featurizer<NumericState> {
  readonly #state: NumericState;

  private constructor(state: NumericState) {
    this.#state = state;
  }

  /**
   * Fits on `rows` of `input`. With no observed value in those rows, the fill is `fillValue` (or 0) and scaling is
   * the identity. Throws on an infinite value, naming the column and its first row.
   */
  static fit(spec: NumericFeatureSpec, input: FeatureInput, rows: ArrayLike<number>): NumericFeaturizer {
    const values = expectKind(input, ['numeric'], spec.column, 'numeric').values;
    const observed: number[] = [];
    for (let i = 0; i < rows.length; i++) {
      const v = values[rows[i]];
      if (v !== v) continue;
      if (v === Infinity || v === -Infinity) throw infiniteError(spec.column, rows[i], v);
      observed.push(v);
    }
    const scaling = spec.scaling ?? 'standardize';
    const impute = spec.impute ?? 'mean';
    const fillValue = spec.fillValue ?? 0;
    if (!Number.isFinite(fillValue)) throw new Error(`Fill value for column "${spec.column}" is ${fillValue}; expected a finite number`);
    let center = 0;
    let scale = 1;
    let fill = fillValue;
    if (observed.length > 0) {
      const mean = observed.reduce((a, b) => a + b, 0) / observed.length;
      let min = Infinity;
      let max = -Infinity;
      let squares = 0;
      for (const v of observed) {
        if (v < min) min = v;
        if (v > max) max = v;
        squares += (v - mean) * (v - mean);
      }
      if (impute === 'mean') fill = mean;
      else if (impute === 'median') fill = median(observed);
      if (scaling === 'standardize') {
        center = mean;
        scale = Math.sqrt(squares / observed.length);
      } else if (scaling === 'min-max') {
        center = min;
        scale = max - min;
      }
      if (!(scale > 0 && Number.isFinite(scale))) scale = 1; // a constant column: centred, not divided by 0
    }
    return new NumericFeaturizer({
      type: 'numeric',
      column: spec.column,
      scaling,
      impute,
      fill,
      center,
      scale,
      missingIndicator: spec.missingIndicator ?? true,
    });
  }

  /** Restores a featurizer from {@link NumericFeaturizer.toJSON}. */
  static fromJSON(state: NumericState): NumericFeaturizer {
    return new NumericFeaturizer({ ...state });
  }

  get column(): string {
    return this.#state.column;
  }

  get width(): number {
    return this.#state.missingIndicator ? 2 : 1;
  }

  featureNames(): string[] {
    const c = this.#state.column;
    return this.#state.missingIndicator ? [c, `${c} (missing)`] : [c];
  }

  /** Throws on an infinite value, or one that overflows float32 after scaling, naming the column and row. */
  transform(input: FeatureInput, rows: ArrayLike<number>, out: Float32Array, stride: number, offset: number): void {
    const { column, fill, center, scale, missingIndicator } = this.#state;
    const values = expectKind(input, ['numeric'], column, 'numeric').values;
    for (let i = 0; i < rows.length; i++) {
      const raw = values[rows[i]];
      const missing = raw !== raw;
      const y = ((missing ? fill : raw) - center) / scale;
      if (!(Math.abs(y) <= FLOAT32_MAX)) {
        if (raw === Infinity || raw === -Infinity) throw infiniteError(column, rows[i], raw);
        throw new Error(`Column "${column}" has a value too large for 32-bit features at row ${rows[i] + 1} (${raw}); rescale the column`);
      }
      const at = i * stride + offset;
      out[at] = y;
      if (missingIndicator) out[at + 1] = missing ? 1 : 0;
    }
  }

  toJSON(): NumericState {
    return { ...this.#state };
  }
}

function infiniteError(column: string, row: number, value: number): Error {
  return new Error(`Column "${column}" has an infinite value at row ${row + 1} (${value}); expected finite numbers or missing values`);
}

function median(values: number[]): number {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
