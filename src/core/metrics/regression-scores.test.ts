import { describe, expect, it } from 'vitest';
import { meanAbsoluteError, r2Score, rootMeanSquaredError } from './regression-scores';
import { expectClose, REGRESSION_F32, REGRESSION_GOLDEN, REGRESSION_PRED, REGRESSION_Y } from '../../test/sklearn-fixtures';

describe('regression scores', () => {
  it('match scikit-learn', () => {
    expectClose(rootMeanSquaredError(REGRESSION_Y, REGRESSION_PRED), REGRESSION_GOLDEN.rmse);
    expectClose(meanAbsoluteError(REGRESSION_Y, REGRESSION_PRED), REGRESSION_GOLDEN.mae);
    expectClose(r2Score(REGRESSION_Y, REGRESSION_PRED), REGRESSION_GOLDEN.r2);
  });

  it('accept float32 inputs', () => {
    expectClose(r2Score(Float32Array.from(REGRESSION_F32.yTrue), Float32Array.from(REGRESSION_F32.yPred)), REGRESSION_F32.r2);
  });

  it('give R² 1 or 0 for a constant target (never NaN), and negative R² for a bad model', () => {
    expect(r2Score([2, 2, 2], [2, 2, 2])).toBe(1);
    expect(r2Score([2, 2, 2], [2, 2, 3])).toBe(0);
    expect(r2Score([1, 2, 3], [3, 2, 1])).toBe(-3);
  });

  it('name the row of a NaN prediction or target', () => {
    expect(() => rootMeanSquaredError([1, 2, 3], [1, NaN, 3])).toThrow('Prediction at row 1 is NaN; expected a finite number');
    expect(() => r2Score([1, Infinity], [1, 2])).toThrow('Target at row 1 is Infinity; expected a finite number');
  });

  it('reject empty and mismatched input', () => {
    expect(() => meanAbsoluteError([], [])).toThrow('yTrue is empty; expected at least one row');
    expect(() => meanAbsoluteError([1, 2], [1])).toThrow('yTrue has 2 rows but yPred has 1; expected the same number');
  });
});
