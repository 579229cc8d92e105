/**
 * @file Quantile binning of numeric features into at most 255 bins (as scikit-learn's HistGradientBoosting and
 * LightGBM): a feature with at most `maxBins` distinct values gets one bin per value, split at the midpoints; any other
 * feature gets bins at its quantiles (midpoints of the order statistics). Missing values (`NaN`) get one more bin of
 * their own, after the others. Trees then look for splits among bins instead of among values.
 */
import { Rng } from '../../core/random/rng';
import type { FeatureMatrix } from './tabular-model';

/** Most bins of non-missing values per feature (the missing bin is one more, so a bin fits a byte). */
export const MAX_BINS = 255;

/** Rows a bin mapper looks at: larger training sets are subsampled (seeded), as scikit-learn does. */
export const BINNING_SAMPLE = 200_000;

/** Largest threshold magnitude: thresholds stay finite so that models serialise to JSON. */
const ALMOST_INF = 1e300;

/** Where each feature's bins start and end. */
export interface BinMapper {
  /**
   * Upper bin edges per feature, ascending: a value `x` falls in the first bin `b` with `x <= thresholds[f][b]`,
   * or in the last non-missing bin (`thresholds[f].length`) when it exceeds them all.
   */
  thresholds: Float64Array[];
  /** Non-missing bins of each feature (`thresholds[f].length + 1`); the missing bin's index is `nBins[f]`. */
  nBins: Uint16Array;
  /** Start of feature `f`'s bins in a histogram over all features: the sum of `nBins[g] + 1` for `g < f`. */
  offsets: Int32Array;
  /** Bins of all features, missing bins included (the length of a one-channel histogram). */
  totalBins: number;
}

/**
 * Fits bin edges on `rows` of `X` (all rows when absent); at most {@link BINNING_SAMPLE} of them are read, chosen
 * with `seed`. `maxBins` from 2 to 255.
 */
export function fitBinMapper(
  X: FeatureMatrix,
  nFeatures: number,
  rows: Uint32Array,
  maxBins: number,
  seed: number,
): BinMapper {
  if (!Number.isInteger(maxBins) || maxBins < 2 || maxBins > MAX_BINS) throw new Error(`maxBins must be an integer from 2 to ${MAX_BINS}; got ${maxBins}`);
  let sample = rows;
  if (rows.length > BINNING_SAMPLE) {
    const order = new Rng(seed).fork('binning').permutation(rows.length);
    sample = new Uint32Array(BINNING_SAMPLE);
    for (let i = 0; i < BINNING_SAMPLE; i++) sample[i] = rows[order[i]];
    sample.sort();
  }
  const thresholds: Float64Array[] = [];
  const nBins = new Uint16Array(nFeatures);
  const offsets = new Int32Array(nFeatures);
  const column = new Float64Array(sample.length);
  let totalBins = 0;
  for (let f = 0; f < nFeatures; f++) {
    let m = 0;
    for (let i = 0; i < sample.length; i++) {
      const x = X[sample[i] * nFeatures + f];
      if (x === x) column[m++] = x;
    }
    const edges = featureEdges(column.subarray(0, m).sort(), maxBins);
    thresholds.push(edges);
    nBins[f] = edges.length + 1;
    offsets[f] = totalBins;
    totalBins += nBins[f] + 1;
  }
  return { thresholds, nBins, offsets, totalBins };
}

/** Bin edges of one feature from its sorted non-missing values. */
function featureEdges(sorted: Float64Array, maxBins: number): Float64Array {
  const n = sorted.length;
  if (n === 0) return new Float64Array(0);
  const distinct: number[] = [sorted[0]];
  for (let i = 1; i < n && distinct.length <= maxBins; i++) if (sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]);
  const edges: number[] = [];
  if (distinct.length <= maxBins) {
    for (let i = 0; i + 1 < distinct.length; i++) edges.push(midpoint(distinct[i], distinct[i + 1]));
  } else {
    // numpy.percentile(method="midpoint") at 100·i/maxBins, i = 1..maxBins-1.
    for (let i = 1; i < maxBins; i++) {
      const at = ((n - 1) * i) / maxBins;
      const edge = midpoint(sorted[Math.floor(at)], sorted[Math.ceil(at)]);
      if (edges.length === 0 || edge > edges[edges.length - 1]) edges.push(edge);
    }
    // An edge at the largest value would leave the last bin empty.
    while (edges.length > 0 && edges[edges.length - 1] >= sorted[n - 1]) edges.pop();
  }
  return Float64Array.from(edges);
}

function midpoint(a: number, b: number): number {
  const m = a === b ? a : (a + b) * 0.5;
  if (m !== m) return 0; // -Infinity next to +Infinity
  return Math.min(ALMOST_INF, Math.max(-ALMOST_INF, m));
}

/** The bin of value `x` among `edges` (`edges.length` when above them all); NaN is not handled here. */
export function binOf(edges: Float64Array, x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x <= edges[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * The bins of `rows` of `X`; a missing value gets the feature's missing bin (`nBins[f]`).
 * - `columns` (default): feature `f` of the `i`-th listed row is at `f * rows.length + i` (one pass per feature reads
 *   contiguous bytes: the layout of impurity trees, which look at a few features per node);
 * - `rows`: at `i * nFeatures + f` (one row's bins in one cache line: the layout of gradient histograms, which read
 *   every feature of each row).
 */
export function binRows(X: FeatureMatrix, nFeatures: number, rows: Uint32Array, mapper: BinMapper, layout: 'columns' | 'rows' = 'columns'): Uint8Array {
  const n = rows.length;
  const binned = new Uint8Array(n * nFeatures);
  const [rowStride, featureStride] = layout === 'columns' ? [1, n] : [nFeatures, 1];
  for (let f = 0; f < nFeatures; f++) {
    const edges = mapper.thresholds[f];
    const missing = mapper.nBins[f];
    const base = f * featureStride;
    for (let i = 0; i < n; i++) {
      const x = X[rows[i] * nFeatures + f];
      binned[base + i * rowStride] = x === x ? binOf(edges, x) : missing;
    }
  }
  return binned;
}

/** 1 for each feature with a missing value among the binned rows. */
export function featuresWithMissing(binned: Uint8Array, nRows: number, mapper: BinMapper, layout: 'columns' | 'rows'): Uint8Array {
  const F = mapper.nBins.length;
  const has = new Uint8Array(F);
  const [rowStride, featureStride] = layout === 'columns' ? [1, nRows] : [F, 1];
  for (let f = 0; f < F; f++) {
    const missing = mapper.nBins[f];
    for (let i = 0, at = f * featureStride; i < nRows; i++, at += rowStride) {
      if (binned[at] === missing) {
        has[f] = 1;
        break;
      }
    }
  }
  return has;
}
