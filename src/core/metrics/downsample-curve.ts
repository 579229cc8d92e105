/**
 * @file Thinning a curve for plotting: Largest-Triangle-Three-Buckets (Steinarsson, 2013) keeps the points that
 * shape the line, always keeps both endpoints, and is deterministic.
 */
import { MetricsError } from './metrics-error';

/** Points kept for a plotted curve: enough for a smooth line, small enough to store with every run. */
export const CURVE_MAX_POINTS = 200;

/**
 * Indices (ascending) of at most `maxPoints` points of the polyline (x[i], y[i]) that keep its shape, first and
 * last included. All indices when the curve is already short enough. Throws when `maxPoints` < 3.
 */
export function downsampleIndices(x: readonly number[], y: readonly number[], maxPoints: number = CURVE_MAX_POINTS): number[] {
  if (!Number.isInteger(maxPoints) || maxPoints < 3) {
    throw new MetricsError('bad-argument', `maxPoints is ${maxPoints}; expected an integer of at least 3`);
  }
  const n = x.length;
  if (n <= maxPoints) return Array.from({ length: n }, (_, i) => i);
  const bucketSize = (n - 2) / (maxPoints - 2);
  const kept = [0];
  let anchor = 0;
  for (let bucket = 0; bucket < maxPoints - 2; bucket++) {
    // Average of the next bucket (or the last point) is the third corner of the triangle.
    const nextStart = Math.floor((bucket + 1) * bucketSize) + 1;
    const nextEnd = Math.min(Math.floor((bucket + 2) * bucketSize) + 1, n);
    let avgX = 0;
    let avgY = 0;
    for (let i = nextStart; i < nextEnd; i++) {
      avgX += x[i];
      avgY += y[i];
    }
    const nextCount = nextEnd - nextStart;
    if (nextCount > 0) {
      avgX /= nextCount;
      avgY /= nextCount;
    } else {
      avgX = x[n - 1];
      avgY = y[n - 1];
    }
    const start = Math.floor(bucket * bucketSize) + 1;
    const end = Math.min(Math.floor((bucket + 1) * bucketSize) + 1, n - 1);
    let best = start;
    let bestArea = -1;
    for (let i = start; i < end; i++) {
      const area = Math.abs((x[anchor] - avgX) * (y[i] - y[anchor]) - (x[anchor] - x[i]) * (avgY - y[anchor]));
      if (area > bestArea) {
        bestArea = area;
        best = i;
      }
    }
    kept.push(best);
    anchor = best;
  }
  kept.push(n - 1);
  return kept;
}

/**
 * A copy of `curve` keeping the points chosen by {@link downsampleIndices} on its `xKey` and `yKey` arrays. Every
 * array field is thinned with the same indices; an array shorter than the curve (a precision-recall curve's
 * thresholds, which lack the final point) keeps the indices it has.
 */
export function downsampleCurve<C extends { [K in keyof C]: number[] }>(
  curve: C,
  xKey: keyof C,
  yKey: keyof C,
  maxPoints: number = CURVE_MAX_POINTS,
): C {
  const indices = downsampleIndices(curve[xKey], curve[yKey], maxPoints);
  const thinned = {} as C;
  for (const key of Object.keys(curve) as (keyof C)[]) {
    const values = curve[key];
    thinned[key] = indices.filter((i) => i < values.length).map((i) => values[i]) as C[keyof C];
  }
  return thinned;
}
