import { describe, expect, it } from 'vitest';
import { checkProbabilities, classColumn, oneVsRest, predictedLabels } from './class-probabilities';
import { MetricsError } from './metrics-error';
import { MULTI_GOLDEN, MULTI_P } from '../../test/sklearn-fixtures';

describe('checkProbabilities', () => {
  it('accepts float32 rows that sum to 1 up to rounding', () => {
    expect(() => checkProbabilities(MULTI_P, 12, 3)).not.toThrow();
    expect(() => checkProbabilities([0.5, 0.5004], 1, 2)).not.toThrow();
  });

  it('names the row whose sum is off', () => {
    expect(() => checkProbabilities([0.5, 0.5, 0.9, 0.3], 2, 2)).toThrow(/row 1 sum to 1\.2.*expected 1/);
  });

  it('names the row and class of a NaN or out-of-range value', () => {
    expect(() => checkProbabilities([0.5, 0.5, NaN, 1], 2, 2)).toThrow('Probability of class 0 at row 1 is NaN; expected a number in [0, 1]');
    expect(() => checkProbabilities([1.5, -0.5], 1, 2)).toThrow(/class 0 at row 0 is 1\.5/);
  });

  it('rejects a wrong shape, no rows and fewer than two classes', () => {
    expect(() => checkProbabilities([0.5, 0.5, 1], 2, 2)).toThrow('probabilities has 3 values; expected 2 rows x 2 classes = 4');
    expect(() => checkProbabilities([], 0, 2)).toThrow(/probabilities is empty/);
    expect(() => checkProbabilities([1], 1, 1)).toThrow(/classCount is 1/);
    expect(() => checkProbabilities([0.2, 0.2], 1, 2)).toThrow(expect.objectContaining({ name: 'MetricsError', code: 'bad-probabilities' }));
    expect(() => checkProbabilities([0.2, 0.2], 1, 2)).toThrow(MetricsError);
  });
});

describe('predictedLabels', () => {
  it('is the argmax of each row, ties to the lower class', () => {
    expect([...predictedLabels(MULTI_P, 3)]).toEqual(MULTI_GOLDEN.predicted);
    expect([...predictedLabels([0.5, 0.5, 0.25, 0.75], 2)]).toEqual([0, 1]);
  });
});

describe('one-vs-rest helpers', () => {
  it('extracts a class column and its binary target', () => {
    expect([...classColumn([0.1, 0.9, 0.6, 0.4], 2, 1)]).toEqual([0.9, 0.4]);
    expect([...oneVsRest([0, 2, 1, 2], 2)]).toEqual([0, 1, 0, 1]);
  });
});
