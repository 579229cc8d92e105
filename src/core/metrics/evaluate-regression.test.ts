import { describe, expect, it } from 'vitest';
import { evaluateRegression } from './evaluate-regression';
import { expectClose, REGRESSION_GOLDEN, REGRESSION_PRED, REGRESSION_Y } from '../../test/sklearn-fixtures';

describe('evaluateRegression', () => {
  it('reports RMSE, MAE and R² matching scikit-learn, a residual summary and a plot sample', () => {
    const report = evaluateRegression({ yTrue: REGRESSION_Y, yPred: REGRESSION_PRED, samplePoints: 4 });
    expect(report).toMatchObject({ task: 'regression', version: 1, sampleCount: 8 });
    expectClose(report.rmse, REGRESSION_GOLDEN.rmse);
    expectClose(report.mae, REGRESSION_GOLDEN.mae);
    expectClose(report.r2, REGRESSION_GOLDEN.r2);
    // Residuals 0.5, -0.5, 0, -1, 0.3, -0.5, 0.3, 0.5: mean -0.05; population std sqrt(mean(r²) - mean²).
    expectClose(report.residualMean, -0.05);
    expectClose(report.residualStd, Math.sqrt(REGRESSION_GOLDEN.rmse ** 2 - 0.05 ** 2));
    expect(report.sample.rows).toEqual([0, 2, 4, 6]);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('reports R² 1 for a perfectly predicted constant target', () => {
    expect(evaluateRegression({ yTrue: Float32Array.from([4, 4]), yPred: Float32Array.from([4, 4]) }).r2).toBe(1);
  });

  it('names the row of a NaN prediction', () => {
    expect(() => evaluateRegression({ yTrue: [1, 2, 3], yPred: Float32Array.from([1, 2, NaN]) })).toThrow('Prediction at row 2 is NaN; expected a finite number');
  });
});
