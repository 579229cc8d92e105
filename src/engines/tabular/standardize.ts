/**
 * @file Feature standardisation for the linear and nearest-neighbour families: mean and population standard
 * deviation per feature over the training rows (missing values skipped), then `(x - mean) / std` with a missing value
 * becoming 0 (the training mean). A constant feature keeps a scale of 1, as scikit-learn's StandardScaler.
 */
import { float64From, numbersOf } from './tabular-data';
import type { FeatureMatrix } from './tabular-model';

/** Per-feature mean and scale. */
export interface Standardizer {
  mean: Float64Array;
  scale: Float64Array;
}

/** Fits means and scales on `nRows × nFeatures` rows of `X`. */
export function fitStandardizer(X: FeatureMatrix, nRows: number, nFeatures: number): Standardizer {
  const mean = new Float64Array(nFeatures);
  const scale = new Float64Array(nFeatures);
  const count = new Float64Array(nFeatures);
  for (let r = 0; r < nRows; r++) {
    for (let f = 0, o = r * nFeatures; f < nFeatures; f++) {
      const x = X[o + f];
      if (x === x) {
        mean[f] += x;
        count[f]++;
      }
    }
  }
  for (let f = 0; f < nFeatures; f++) mean[f] = count[f] > 0 ? mean[f] / count[f] : 0;
  for (let r = 0; r < nRows; r++) {
    for (let f = 0, o = r * nFeatures; f < nFeatures; f++) {
      const x = X[o + f];
      if (x === x) scale[f] += (x - mean[f]) * (x - mean[f]);
    }
  }
  for (let f = 0; f < nFeatures; f++) {
    const std = count[f] > 0 ? Math.sqrt(scale[f] / count[f]) : 0;
    // Below this a feature is constant up to rounding (scikit-learn's threshold is about 10 ulps of the mean).
    scale[f] = std > 1e-12 * Math.max(1, Math.abs(mean[f])) ? std : 1;
  }
  return { mean, scale };
}

/** Standardized copy of `X`; missing values become 0. */
export function standardize(X: FeatureMatrix, nRows: number, nFeatures: number, s: Standardizer): Float64Array {
  const out = new Float64Array(nRows * nFeatures);
  for (let r = 0; r < nRows; r++) {
    for (let f = 0, o = r * nFeatures; f < nFeatures; f++) {
      const x = X[o + f];
      out[o + f] = x === x ? (x - s.mean[f]) / s.scale[f] : 0;
    }
  }
  return out;
}

/** The JSON form of a standardizer. */
export function standardizerToJson(s: Standardizer): { mean: (number | null)[]; scale: (number | null)[] } {
  return { mean: numbersOf(s.mean), scale: numbersOf(s.scale) };
}

/** A standardizer from its JSON form. */
export function standardizerFromJson(json: { mean: unknown; scale: unknown } | undefined, nFeatures: number): Standardizer {
  return { mean: float64From(json?.mean, nFeatures, 'standardizer mean'), scale: float64From(json?.scale, nFeatures, 'standardizer scale') };
}
