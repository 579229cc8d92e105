/**
 * @file ROC AUC from class probabilities: binary, and one-vs-rest for multiclass.
 */
import type { NumberArray } from './input-checks';
import type { MetricResult } from './metric-result';
import { binaryOrOneVsRest, perClassScores, type OneVsRestAverage } from './one-vs-rest';
import { binaryRocAuc } from './roc-curve';

/**
 * ROC AUC of N x K `probabilities` (row-major) against class indices `yTrue`. K = 2: the AUC of class 1's
 * probability (scikit-learn's `roc_auc_score(y, p[:, 1])`). K > 2: one-vs-rest, `macro` by default (scikit-learn's
 * `multi_class='ovr'`). `null` with a reason when undefined (one class present).
 */
export function rocAucScore(
  yTrue: NumberArray,
  probabilities: NumberArray,
  classCount: number,
  average: OneVsRestAverage = 'macro',
): MetricResult {
  return binaryOrOneVsRest(yTrue, probabilities, classCount, binaryRocAuc, average);
}

/** One-vs-rest ROC AUC of each class (index = class). */
export function rocAucPerClass(yTrue: NumberArray, probabilities: NumberArray, classCount: number): MetricResult[] {
  return perClassScores(yTrue, probabilities, classCount, binaryRocAuc);
}
