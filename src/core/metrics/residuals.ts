/**
 * @file Residuals and a bounded sample of (actual, predicted, residual) points for the residual and
 * predicted-vs-actual plots.
 */
import type { NumberArray } from './input-checks';
import { MetricsError } from './metrics-error';
import { checkRegressionInput } from './regression-scores';

/** Points kept for the regression plots by default. */
export const REGRESSION_SAMPLE_POINTS = 1000;

/** Residual of each row: actual - predicted (positive when the model under-predicts). */
export function residuals(yTrue: NumberArray, yPred: NumberArray): Float64Array {
  checkRegressionInput(yTrue, yPred);
  const result = new Float64Array(yTrue.length);
  for (let i = 0; i < yTrue.length; i++) result[i] = yTrue[i] - yPred[i];
  return result;
}

/** Sampled rows for the predicted-vs-actual and residual plots (parallel arrays). */
export interface RegressionSample {
  /** Row indices in the evaluated split, ascending. */
  rows: number[];
  actual: number[];
  predicted: number[];
  /** actual - predicted. */
  residual: number[];
}

/**
 * At most `maxPoints` rows, evenly spaced over the split (first row included), so the sample is deterministic and
 * spans the whole split whatever its order. All rows when there are few enough.
 */
export function predictedVsActualSample(
  yTrue: NumberArray,
  yPred: NumberArray,
  maxPoints: number = REGRESSION_SAMPLE_POINTS,
): RegressionSample {
  checkRegressionInput(yTrue, yPred);
  if (!Number.isInteger(maxPoints) || maxPoints < 1) {
    throw new MetricsError('bad-argument', `maxPoints is ${maxPoints}; expected a positive integer`);
  }
  const n = yTrue.length;
  const count = Math.min(n, maxPoints);
  const sample: RegressionSample = { rows: [], actual: [], predicted: [], residual: [] };
  for (let j = 0; j < count; j++) {
    const row = Math.floor((j * n) / count);
    sample.rows.push(row);
    sample.actual.push(yTrue[row]);
    sample.predicted.push(yPred[row]);
    sample.residual.push(yTrue[row] - yPred[row]);
  }
  return sample;
}
