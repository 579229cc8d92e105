import { describe, expect, it } from 'vitest';
import { rocAucPerClass, rocAucScore } from './roc-auc';
import { BINARY_GOLDEN, BINARY_Y, binaryProbabilities, expectAllClose, expectClose, MULTI_GOLDEN, MULTI_P, MULTI_Y } from '../../test/sklearn-fixtures';

describe('rocAucScore', () => {
  it('scores class 1 of a binary model, as scikit-learn', () => {
    expectClose(rocAucScore(BINARY_Y, binaryProbabilities(), 2).value, BINARY_GOLDEN.rocAuc);
  });

  it("matches scikit-learn's one-vs-rest macro and weighted averages", () => {
    expectClose(rocAucScore(MULTI_Y, MULTI_P, 3).value, MULTI_GOLDEN.rocAucMacro);
    expectClose(rocAucScore(MULTI_Y, MULTI_P, 3, 'weighted').value, MULTI_GOLDEN.rocAucWeighted);
    expectAllClose(
      rocAucPerClass(MULTI_Y, MULTI_P, 3).map((r) => r.value ?? NaN),
      MULTI_GOLDEN.rocAucPerClass,
    );
  });

  it('averages over the defined classes and says which were left out', () => {
    // Class 2 never occurs in yTrue; classes 0 and 1 are ranked perfectly.
    const result = rocAucScore([0, 1, 0, 1], [0.8, 0.1, 0.1, 0.1, 0.7, 0.2, 0.6, 0.2, 0.2, 0.2, 0.6, 0.2], 3);
    expect(result.value).toBe(1);
    expect(result).toMatchObject({ note: expect.stringMatching(/^Averaged over 2 of 3 classes; left out class 2 \(No positive rows/) });
  });

  it('is null with a reason when yTrue holds a single class', () => {
    const binary = rocAucScore([1, 1, 1], [0.2, 0.8, 0.4, 0.6, 0.5, 0.5], 2);
    expect(binary).toEqual({ value: null, reason: 'No negative rows in yTrue; the metric needs both classes' });
    const multi = rocAucScore([0, 0], [0.5, 0.25, 0.25, 0.2, 0.4, 0.4], 3);
    expect(multi.value).toBeNull();
    expect(multi).toMatchObject({ reason: expect.stringContaining('Undefined for every class') });
  });

  it('rejects probabilities of the wrong shape or sum, naming the row', () => {
    expect(() => rocAucScore([0, 1], [0.5, 0.5, 0.9, 0.9], 2)).toThrow(/row 1 sum to 1\.8/);
    expect(() => rocAucScore([0, 1], [0.5, 0.5], 2)).toThrow(/expected 2 rows x 2 classes/);
  });
});
