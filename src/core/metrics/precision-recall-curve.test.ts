import { describe, expect, it } from 'vitest';
import { averagePrecisionPerClass, averagePrecisionScore, binaryAveragePrecision, precisionRecallCurve } from './precision-recall-curve';
import {
  BINARY_GOLDEN,
  BINARY_P1,
  BINARY_Y,
  binaryProbabilities,
  expectAllClose,
  expectClose,
  MULTI_GOLDEN,
  MULTI_P,
  MULTI_Y,
} from '../../test/sklearn-fixtures';

const p1 = Float32Array.from(BINARY_P1);

describe('precisionRecallCurve', () => {
  it("matches scikit-learn's precision_recall_curve", () => {
    const curve = precisionRecallCurve(BINARY_Y, p1);
    expectAllClose(curve.precision, BINARY_GOLDEN.pr.precision);
    expectAllClose(curve.recall, BINARY_GOLDEN.pr.recall);
    expectAllClose(curve.thresholds, BINARY_GOLDEN.pr.thresholds);
  });

  it('refuses a target without positives', () => {
    expect(() => precisionRecallCurve([0, 0], [0.3, 0.4])).toThrow(expect.objectContaining({ code: 'single-class' }));
  });
});

describe('average precision', () => {
  it('matches scikit-learn on the binary fixture', () => {
    expectClose(binaryAveragePrecision(BINARY_Y, p1).value, BINARY_GOLDEN.averagePrecision);
    expectClose(averagePrecisionScore(BINARY_Y, binaryProbabilities(), 2).value, BINARY_GOLDEN.averagePrecision);
  });

  it('matches the mean of scikit-learn per-class AP on the multiclass fixture', () => {
    expectAllClose(
      averagePrecisionPerClass(MULTI_Y, MULTI_P, 3).map((r) => r.value ?? NaN),
      MULTI_GOLDEN.averagePrecisionPerClass,
    );
    expectClose(averagePrecisionScore(MULTI_Y, MULTI_P, 3).value, MULTI_GOLDEN.averagePrecisionMacro);
  });

  it('is 1 without negatives and null with a reason without positives', () => {
    expect(binaryAveragePrecision([1, 1], [0.2, 0.9]).value).toBe(1);
    expect(binaryAveragePrecision([0, 0], [0.2, 0.9])).toEqual({ value: null, reason: 'No positive rows in yTrue; average precision needs at least one' });
  });
});
