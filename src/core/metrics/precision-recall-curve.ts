/**
 * @file The precision-recall curve of a binary problem and average precision, as scikit-learn 1.2 defines them.
 */
import { classTotals, thresholdCounts, type ThresholdCounts } from './binary-threshold-counts';
import type { NumberArray } from './input-checks';
import { defined, undefinedMetric, type MetricResult } from './metric-result';
import { MetricsError } from './metrics-error';
import { binaryOrOneVsRest, perClassScores, type OneVsRestAverage } from './one-vs-rest';

/**
 * Points of a precision-recall curve in order of decreasing recall, ending at (recall 0, precision 1).
 * `thresholds[i]` gives point i; the final point has none, so `thresholds` is one shorter (as in scikit-learn).
 */
export interface PrecisionRecallCurve {
  precision: number[];
  recall: number[];
  thresholds: number[];
}

/**
 * The precision-recall curve of a binary `target` (1 = positive) against `scores`, as scikit-learn 1.2's
 * `precision_recall_curve`: one point per distinct score, lowest threshold first. Throws a `single-class`
 * {@link MetricsError} when there is no positive row (recall is undefined).
 */
export function precisionRecallCurve(target: NumberArray, scores: NumberArray): PrecisionRecallCurve {
  return precisionRecallCurveFromCounts(thresholdCounts(target, scores));
}

/** {@link precisionRecallCurve} from counts already computed. */
export function precisionRecallCurveFromCounts(counts: ThresholdCounts): PrecisionRecallCurve {
  const last = counts.thresholds.length - 1;
  const { positives } = classTotals(counts);
  if (positives === 0) throw new MetricsError('single-class', 'No precision-recall curve: yTrue has no positive rows');
  const precision: number[] = [];
  const recall: number[] = [];
  const thresholds: number[] = [];
  for (let i = last; i >= 0; i--) {
    const tp = counts.truePositives[i];
    precision.push(tp / (tp + counts.falsePositives[i]));
    recall.push(tp / positives);
    thresholds.push(counts.thresholds[i]);
  }
  precision.push(1);
  recall.push(0);
  return { precision, recall, thresholds };
}

/**
 * Average precision of a binary target: sum over thresholds of (R_n - R_{n-1}) * P_n, the step-function area
 * without interpolation (scikit-learn's `average_precision_score`). `null` with a reason when no row is positive.
 */
export function binaryAveragePrecision(target: NumberArray, scores: NumberArray): MetricResult {
  return averagePrecisionFromCounts(thresholdCounts(target, scores));
}

/** {@link binaryAveragePrecision} from counts already computed. */
export function averagePrecisionFromCounts(counts: ThresholdCounts): MetricResult {
  if (classTotals(counts).positives === 0) return undefinedMetric('No positive rows in yTrue; average precision needs at least one');
  const curve = precisionRecallCurveFromCounts(counts);
  let sum = 0;
  for (let i = 0; i < curve.recall.length - 1; i++) sum += (curve.recall[i] - curve.recall[i + 1]) * curve.precision[i];
  return defined(sum);
}

/**
 * Average precision of N x K `probabilities` against class indices `yTrue`: class 1 when K = 2; for K > 2 the
 * one-vs-rest `average` (`macro` by default: the mean of scikit-learn's binary AP over the binarised classes).
 */
export function averagePrecisionScore(
  yTrue: NumberArray,
  probabilities: NumberArray,
  classCount: number,
  average: OneVsRestAverage = 'macro',
): MetricResult {
  return binaryOrOneVsRest(yTrue, probabilities, classCount, binaryAveragePrecision, average);
}

/** One-vs-rest average precision of each class (index = class). */
export function averagePrecisionPerClass(yTrue: NumberArray, probabilities: NumberArray, classCount: number): MetricResult[] {
  return perClassScores(yTrue, probabilities, classCount, binaryAveragePrecision);
}
