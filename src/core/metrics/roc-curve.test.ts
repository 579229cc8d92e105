import { describe, expect, it } from 'vitest';
import { thresholdCounts } from './binary-threshold-counts';
import { binaryRocAuc, rocCurve, trapezoidArea } from './roc-curve';
import { BINARY_GOLDEN, BINARY_P1, BINARY_Y, expectAllClose, expectClose } from '../../test/sklearn-fixtures';

const p1 = Float32Array.from(BINARY_P1);

describe('rocCurve', () => {
  it("matches scikit-learn's roc_curve(drop_intermediate=False), ties included", () => {
    const curve = rocCurve(BINARY_Y, p1);
    expectAllClose(curve.fpr, BINARY_GOLDEN.roc.fpr);
    expectAllClose(curve.tpr, BINARY_GOLDEN.roc.tpr);
    expectAllClose(curve.thresholds, BINARY_GOLDEN.roc.thresholds);
  });

  it('does not depend on row order', () => {
    const order = [11, 3, 0, 7, 5, 1, 9, 2, 10, 4, 8, 6];
    const curve = rocCurve(
      order.map((i) => BINARY_Y[i]),
      order.map((i) => p1[i]),
    );
    expect(curve).toEqual(rocCurve(BINARY_Y, p1));
  });

  it('makes one diagonal step for a tie between a positive and a negative row', () => {
    expect(rocCurve([0, 1], [0.5, 0.5])).toEqual({ fpr: [0, 1], tpr: [0, 1], thresholds: [1.5, 0.5] });
  });

  it('refuses a single-class target with a single-class MetricsError', () => {
    expect(() => rocCurve([1, 1], [0.2, 0.7])).toThrow(expect.objectContaining({ code: 'single-class' }));
  });

  it('rejects NaN scores and non-binary targets, naming the row', () => {
    expect(() => rocCurve([0, 1, 1], [0.1, NaN, 0.3])).toThrow('Score at row 1 is NaN; expected a finite number');
    expect(() => thresholdCounts([0, 2], [0.1, 0.2])).toThrow('Binary target at row 1 is 2; expected 0 or 1');
  });
});

describe('binaryRocAuc', () => {
  it('matches scikit-learn', () => {
    expectClose(binaryRocAuc(BINARY_Y, p1).value, BINARY_GOLDEN.rocAuc);
  });

  it('is 1 for a perfect ranking and 0.5 when all scores tie', () => {
    expect(binaryRocAuc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]).value).toBe(1);
    expect(binaryRocAuc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]).value).toBe(0.5);
  });

  it('is null with a reason, not NaN, when one class is present', () => {
    expect(binaryRocAuc([0, 0, 0], [0.1, 0.2, 0.3])).toEqual({ value: null, reason: 'No positive rows in yTrue; the metric needs both classes' });
    expect(binaryRocAuc([1, 1], [0.1, 0.2]).value).toBeNull();
  });

  it('still rejects malformed input when one class is present', () => {
    expect(() => binaryRocAuc([1, 1], [0.1, NaN])).toThrow(/row 1 is NaN/);
  });
});

describe('trapezoidArea', () => {
  it('integrates a polyline', () => {
    expect(trapezoidArea([0, 0.5, 1], [0, 1, 1])).toBe(0.75);
  });
});
