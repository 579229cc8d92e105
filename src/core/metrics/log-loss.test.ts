import { describe, expect, it } from 'vitest';
import { LOG_LOSS_EPSILON, logLoss } from './log-loss';
import { BINARY_GOLDEN, BINARY_Y, binaryProbabilities, expectClose, MULTI_GOLDEN, MULTI_P, MULTI_Y } from '../../test/sklearn-fixtures';

describe('logLoss', () => {
  it('matches scikit-learn on the binary and multiclass fixtures', () => {
    expectClose(logLoss(BINARY_Y, binaryProbabilities(), 2), BINARY_GOLDEN.logLoss);
    expectClose(logLoss(MULTI_Y, MULTI_P, 3), MULTI_GOLDEN.logLoss);
  });

  it('clips a zero probability of the true class instead of returning Infinity', () => {
    const loss = logLoss([1, 0], [1, 0, 1, 0], 2);
    expectClose(loss, -Math.log(LOG_LOSS_EPSILON) / 2, 1e-9);
    expect(Number.isFinite(loss)).toBe(true);
  });

  it('rejects probabilities that are not probabilities, and bad labels', () => {
    expect(() => logLoss([0], [2, 3], 2)).toThrow(/class 0 at row 0 is 2/);
    expect(() => logLoss([0, 1], [0.5, 0.5], 2)).toThrow(/expected 2 rows x 2 classes/);
    expect(() => logLoss([3], [0.5, 0.5], 2)).toThrow('yTrue at row 0 is 3; expected a class index in 0..1');
    expect(() => logLoss([], [], 2)).toThrow(/empty/);
  });
});
