/**
 * @file The ROC curve of a binary problem and the area under it.
 */
import { classTotals, singleClassReason, thresholdCounts, type ThresholdCounts } from './binary-threshold-counts';
import type { NumberArray } from './input-checks';
import { defined, undefinedMetric, type MetricResult } from './metric-result';
import { MetricsError } from './metrics-error';

/** Points of a ROC curve, from (0, 0) to (1, 1); `thresholds[i]` is the score cut that gives point i. */
export interface RocCurve {
  fpr: number[];
  tpr: number[];
  thresholds: number[];
}

/**
 * The ROC curve of a binary `target` (1 = positive) against `scores`, point for point scikit-learn's
 * `roc_curve(drop_intermediate=False)`: one point per distinct score, highest first, plus a leading (0, 0) point
 * whose threshold is the top score + 1 (scikit-learn 1.2's choice; 1.3+ uses Infinity, which JSON cannot carry).
 * Throws a `single-class` {@link MetricsError} when the target has only one class.
 */
export function rocCurve(target: NumberArray, scores: NumberArray): RocCurve {
  return rocCurveFromCounts(thresholdCounts(target, scores));
}

/** {@link rocCurve} from counts already computed. */
export function rocCurveFromCounts(counts: ThresholdCounts): RocCurve {
  const reason = singleClassReason(counts);
  if (reason !== null) throw new MetricsError('single-class', `No ROC curve: ${reason}`);
  const { positives, negatives } = classTotals(counts);
  const fpr = [0];
  const tpr = [0];
  const thresholds = [counts.thresholds[0] + 1];
  for (let i = 0; i < counts.thresholds.length; i++) {
    fpr.push(counts.falsePositives[i] / negatives);
    tpr.push(counts.truePositives[i] / positives);
    thresholds.push(counts.thresholds[i]);
  }
  return { fpr, tpr, thresholds };
}

/** Area under a curve by the trapezoidal rule (x must be monotonic). */
export function trapezoidArea(x: readonly number[], y: readonly number[]): number {
  let area = 0;
  for (let i = 1; i < x.length; i++) area += ((x[i] - x[i - 1]) * (y[i] + y[i - 1])) / 2;
  return area;
}

/** ROC AUC of a binary target; `null` with the reason when only one class is present. */
export function binaryRocAuc(target: NumberArray, scores: NumberArray): MetricResult {
  return rocAucFromCounts(thresholdCounts(target, scores));
}

/** {@link binaryRocAuc} from counts already computed. */
export function rocAucFromCounts(counts: ThresholdCounts): MetricResult {
  const reason = singleClassReason(counts);
  if (reason !== null) return undefinedMetric(reason);
  const curve = rocCurveFromCounts(counts);
  return defined(trapezoidArea(curve.fpr, curve.tpr));
}
