import { describe, expect, it } from 'vitest';
import { accuracy } from './accuracy';
import { confusionMatrix } from './confusion-matrix';
import { MULTI_GOLDEN, MULTI_Y } from '../../test/sklearn-fixtures';

describe('confusionMatrix', () => {
  it('matches scikit-learn, rows = true class', () => {
    expect(confusionMatrix(MULTI_Y, MULTI_GOLDEN.predicted, 3)).toEqual(MULTI_GOLDEN.confusion);
  });

  it('has a row and column for classes that never occur', () => {
    expect(confusionMatrix([0, 0], [0, 1], 3)).toEqual([
      [1, 1, 0],
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });

  it('rejects mismatched lengths, empty input and labels outside 0..K-1', () => {
    expect(() => confusionMatrix([0, 1], [0], 2)).toThrow('yTrue has 2 rows but yPred has 1; expected the same number');
    expect(() => confusionMatrix([], [], 2)).toThrow('yTrue is empty; expected at least one row');
    expect(() => confusionMatrix([0, 2], [0, 1], 2)).toThrow('yTrue at row 1 is 2; expected a class index in 0..1');
    expect(() => confusionMatrix([0, 1], [0, 0.5], 2)).toThrow('yPred at row 1 is 0.5; expected a class index in 0..1');
  });
});

describe('accuracy', () => {
  it('matches scikit-learn', () => {
    expect(accuracy(MULTI_Y, MULTI_GOLDEN.predicted)).toBeCloseTo(MULTI_GOLDEN.accuracy, 12);
  });

  it('rejects empty and mismatched input', () => {
    expect(() => accuracy([], [])).toThrow(/empty/);
    expect(() => accuracy([1], [1, 0])).toThrow(/1 rows but yPred has 2/);
  });
});
