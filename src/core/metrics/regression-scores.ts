/**
 * @file Regression scores: RMSE, MAE and R².
 */
import { checkFinite, checkSameLength, type NumberArray } from './input-checks';

/** Throws unless `yTrue` and `yPred` are non-empty, of one length, and finite (naming the first bad row). */
export function checkRegressionInput(yTrue: NumberArray, yPred: NumberArray): void {
  checkSameLength(yTrue, 'yTrue', yPred, 'yPred');
  checkFinite(yTrue, 'Target');
  checkFinite(yPred, 'Prediction');
}

/** Root mean squared error. */
export function rootMeanSquaredError(yTrue: NumberArray, yPred: NumberArray): number {
  checkRegressionInput(yTrue, yPred);
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) sum += (yTrue[i] - yPred[i]) ** 2;
  return Math.sqrt(sum / yTrue.length);
}

/** Mean absolute error. */
export function meanAbsoluteError(yTrue: NumberArray, yPred: NumberArray): number {
  checkRegressionInput(yTrue, yPred);
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) sum += Math.abs(yTrue[i] - yPred[i]);
  return sum / yTrue.length;
}

/**
 * Coefficient of determination, 1 - SS_res / SS_tot (can be negative). A constant target has SS_tot = 0: the score
 * is then 1 for perfect predictions and 0 otherwise, never NaN or -Infinity (scikit-learn's `force_finite=True`).
 */
export function r2Score(yTrue: NumberArray, yPred: NumberArray): number {
  checkRegressionInput(yTrue, yPred);
  const n = yTrue.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += yTrue[i];
  mean /= n;
  let residualSum = 0;
  let totalSum = 0;
  for (let i = 0; i < n; i++) {
    residualSum += (yTrue[i] - yPred[i]) ** 2;
    totalSum += (yTrue[i] - mean) ** 2;
  }
  if (totalSum === 0) return residualSum === 0 ? 1 : 0;
  return 1 - residualSum / totalSum;
}
