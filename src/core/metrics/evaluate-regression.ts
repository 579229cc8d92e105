/**
 * @file The regression evaluation facade: every regression metric in one JSON report.
 */
import { EVALUATION_REPORT_VERSION, type RegressionReport } from './evaluation-report';
import type { NumberArray } from './input-checks';
import { meanAbsoluteError, r2Score, rootMeanSquaredError } from './regression-scores';
import { predictedVsActualSample, REGRESSION_SAMPLE_POINTS, residuals } from './residuals';

/** Input of {@link evaluateRegression}. */
export interface RegressionEvaluationInput {
  yTrue: Float32Array | Float64Array | NumberArray;
  yPred: Float32Array | Float64Array | NumberArray;
  /** Rows kept for the plots (default {@link REGRESSION_SAMPLE_POINTS}). */
  samplePoints?: number;
}

/** RMSE, MAE, R², residual summary and a plot sample. Throws a MetricsError on empty, mismatched or NaN input. */
export function evaluateRegression({ yTrue, yPred, samplePoints = REGRESSION_SAMPLE_POINTS }: RegressionEvaluationInput): RegressionReport {
  const errors = residuals(yTrue, yPred);
  let mean = 0;
  for (const e of errors) mean += e;
  mean /= errors.length;
  let variance = 0;
  for (const e of errors) variance += (e - mean) ** 2;
  variance /= errors.length;
  return {
    task: 'regression',
    version: EVALUATION_REPORT_VERSION,
    sampleCount: yTrue.length,
    rmse: rootMeanSquaredError(yTrue, yPred),
    mae: meanAbsoluteError(yTrue, yPred),
    r2: r2Score(yTrue, yPred),
    residualMean: mean,
    residualStd: Math.sqrt(variance),
    sample: predictedVsActualSample(yTrue, yPred, samplePoints),
  };
}
