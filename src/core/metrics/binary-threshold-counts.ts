/**
 * @file True- and false-positive counts at every distinct score threshold of a binary problem: the common core of
 * the ROC and precision-recall curves (scikit-learn's `_binary_clf_curve`).
 */
import { checkFinite, checkSameLength, type NumberArray } from './input-checks';
import { MetricsError } from './metrics-error';

/** Counts at each distinct score, highest score first: predicting positive when score >= thresholds[i]. */
export interface ThresholdCounts {
  thresholds: Float64Array;
  truePositives: Float64Array;
  falsePositives: Float64Array;
}

/**
 * Counts for a binary `target` (1 = positive, 0 = negative) and `scores` (higher = more positive). Tied scores form
 * one threshold, so a tie between a positive and a negative row is one diagonal step of the curve, as in
 * scikit-learn. Throws on a mismatch, a non-finite score, or a target other than 0/1.
 */
export function thresholdCounts(target: NumberArray, scores: NumberArray): ThresholdCounts {
  checkSameLength(target, 'target', scores, 'scores');
  checkFinite(scores, 'Score');
  const n = target.length;
  for (let i = 0; i < n; i++) {
    if (target[i] !== 0 && target[i] !== 1) {
      throw new MetricsError('bad-label', `Binary target at row ${i} is ${target[i]}; expected 0 or 1`);
    }
  }
  // Sort positive and negative scores apart with the native numeric sort (no comparator: several times faster on
  // a million rows), then merge them from the top, one point per distinct score.
  let positiveCount = 0;
  for (let i = 0; i < n; i++) positiveCount += target[i];
  const positive = new Float64Array(positiveCount);
  const negative = new Float64Array(n - positiveCount);
  for (let i = 0, p = 0, q = 0; i < n; i++) {
    if (target[i] === 1) positive[p++] = scores[i];
    else negative[q++] = scores[i];
  }
  positive.sort();
  negative.sort();

  const thresholds = new Float64Array(n);
  const truePositives = new Float64Array(n);
  const falsePositives = new Float64Array(n);
  let points = 0;
  let p = positive.length - 1;
  let q = negative.length - 1;
  let tp = 0;
  let fp = 0;
  while (p >= 0 || q >= 0) {
    const score = p < 0 ? negative[q] : q < 0 ? positive[p] : Math.max(positive[p], negative[q]);
    while (p >= 0 && positive[p] === score) {
      tp++;
      p--;
    }
    while (q >= 0 && negative[q] === score) {
      fp++;
      q--;
    }
    thresholds[points] = score;
    truePositives[points] = tp;
    falsePositives[points] = fp;
    points++;
  }
  return {
    thresholds: thresholds.subarray(0, points),
    truePositives: truePositives.subarray(0, points),
    falsePositives: falsePositives.subarray(0, points),
  };
}

/** Positive and negative row counts behind `counts`. */
export function classTotals(counts: ThresholdCounts): { positives: number; negatives: number } {
  const last = counts.thresholds.length - 1;
  return { positives: counts.truePositives[last], negatives: counts.falsePositives[last] };
}

/** Why the counts cannot give a ROC curve (one class only), or null when both classes occur. */
export function singleClassReason(counts: ThresholdCounts): string | null {
  const { positives, negatives } = classTotals(counts);
  if (positives === 0) return 'No positive rows in yTrue; the metric needs both classes';
  if (negatives === 0) return 'No negative rows in yTrue; the metric needs both classes';
  return null;
}
