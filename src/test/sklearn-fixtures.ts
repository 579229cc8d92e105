/**
 * @file Test fixtures (tests only) and their reference values from scikit-learn 1.2.1 (Debian python3-sklearn),
 * computed once with /usr/bin/python3 and pasted here; the tests do not need Python. Probabilities were rounded to
 * float32 first (`np.array(p, dtype=np.float32).astype(np.float64)`) so Python saw the values the tests pass.
 * Calls used, per constant: see the comment on each.
 */
import { expect } from 'vitest';

/** Binary fixture: ties at 0.4 (mixed labels) and 0.55 (both positive). */
export const BINARY_Y = Int32Array.from([0, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1]);
/** P(class 1) of each row. */
export const BINARY_P1 = [0.1, 0.4, 0.35, 0.8, 0.4, 0.9, 0.55, 0.65, 0.4, 0.2, 0.75, 0.55];

/** N x 2 float32 probabilities [1 - p1, p1] of the binary fixture. */
export function binaryProbabilities(): Float32Array {
  const p1 = Float32Array.from(BINARY_P1);
  const matrix = new Float32Array(p1.length * 2);
  p1.forEach((p, i) => {
    matrix[2 * i] = 1 - p;
    matrix[2 * i + 1] = p;
  });
  return matrix;
}

/** Golden values of the binary fixture. */
export const BINARY_GOLDEN = {
  /** roc_auc_score(y, p1) */
  rocAuc: 0.8,
  /** roc_curve(y, p1, drop_intermediate=False) */
  roc: {
    fpr: [0.0, 0.0, 0.0, 0.0, 0.2, 0.2, 0.6, 0.6, 0.8, 1.0],
    tpr: [0.0, 0.14285714285714285, 0.2857142857142857, 0.42857142857142855, 0.42857142857142855, 0.7142857142857143, 0.8571428571428571, 1.0, 1.0, 1.0],
    thresholds: [1.899999976158142, 0.8999999761581421, 0.800000011920929, 0.75, 0.6499999761581421, 0.550000011920929, 0.4000000059604645, 0.3499999940395355, 0.20000000298023224, 0.10000000149011612],
  },
  /** average_precision_score(y, p1) */
  averagePrecision: 0.861904761904762,
  /** precision_recall_curve(y, p1) */
  pr: {
    precision: [0.5833333333333334, 0.6363636363636364, 0.7, 0.6666666666666666, 0.8333333333333334, 0.75, 1.0, 1.0, 1.0, 1.0],
    recall: [1.0, 1.0, 1.0, 0.8571428571428571, 0.7142857142857143, 0.42857142857142855, 0.42857142857142855, 0.2857142857142857, 0.14285714285714285, 0.0],
    thresholds: [0.10000000149011612, 0.20000000298023224, 0.3499999940395355, 0.4000000059604645, 0.550000011920929, 0.6499999761581421, 0.75, 0.800000011920929, 0.8999999761581421],
  },
  /** log_loss(y, P, eps=1e-15) with P the float32 N x 2 matrix */
  logLoss: 0.5148291935693073,
  /** P.argmax(axis=1) */
  predicted: [0, 0, 0, 1, 0, 1, 1, 1, 0, 0, 1, 1],
  /** accuracy_score(y, predicted) */
  accuracy: 0.75,
  /** precision_recall_fscore_support(y, predicted, zero_division=0) */
  precision: [0.6666666666666666, 0.8333333333333334],
  recall: [0.8, 0.7142857142857143],
  f1: [0.7272727272727272, 0.7692307692307692],
  support: [5, 7],
};

/** Multiclass fixture, K = 3, supports 5 / 4 / 3. */
export const MULTI_Y = Int32Array.from([0, 1, 2, 2, 1, 0, 1, 0, 0, 1, 2, 0]);
/** N x 3 probabilities, row-major. */
export const MULTI_P = Float32Array.from([
  0.7, 0.2, 0.1, 0.2, 0.5, 0.3, 0.1, 0.3, 0.6, 0.3, 0.3, 0.4, 0.25, 0.45, 0.3, 0.6, 0.3, 0.1,
  0.4, 0.35, 0.25, 0.2, 0.2, 0.6, 0.3, 0.4, 0.3, 0.1, 0.8, 0.1, 0.5, 0.1, 0.4, 0.34, 0.33, 0.33,
]);

/** Golden values of the multiclass fixture. */
export const MULTI_GOLDEN = {
  /** P.argmax(axis=1) */
  predicted: [0, 1, 2, 2, 1, 0, 0, 2, 1, 1, 0, 0],
  /** accuracy_score */
  accuracy: 0.6666666666666666,
  /** confusion_matrix(y, predicted, labels=[0, 1, 2]) */
  confusion: [
    [3, 1, 1],
    [1, 3, 0],
    [1, 0, 2],
  ],
  /** precision_recall_fscore_support(y, predicted, zero_division=0) */
  precision: [0.6, 0.75, 0.6666666666666666],
  recall: [0.6, 0.75, 0.6666666666666666],
  f1: [0.6, 0.75, 0.6666666666666666],
  support: [5, 4, 3],
  /** the same with average='macro' and 'weighted' (precision, recall, F1 are equal here) */
  macro: 0.6722222222222222,
  weighted: 0.6666666666666666,
  /** log_loss(y, P, eps=1e-15, labels=[0, 1, 2]) (renormalises rows; within 2e-8 of the unnormalised mean) */
  logLoss: 0.8223123900564469,
  /** roc_auc_score(y, P, multi_class='ovr', average='macro' | 'weighted') */
  rocAucMacro: 0.8730048500881834,
  rocAucWeighted: 0.859292328042328,
  /** roc_auc_score(label_binarize(y)[:, k], P[:, k]) */
  rocAucPerClass: [0.7428571428571429, 0.96875, 0.9074074074074074],
  /** average_precision_score(label_binarize(y)[:, k], P[:, k]), and their mean (1.2 refuses multiclass y) */
  averagePrecisionPerClass: [0.7342857142857142, 0.95, 0.6666666666666666],
  averagePrecisionMacro: 0.7836507936507936,
  /** roc_curve(label_binarize(y)[:, 2], P[:, 2], drop_intermediate=False) */
  rocClass2: {
    fpr: [0.0, 0.1111111111111111, 0.1111111111111111, 0.2222222222222222, 0.5555555555555556, 0.6666666666666666, 1.0],
    tpr: [0.0, 0.3333333333333333, 1.0, 1.0, 1.0, 1.0, 1.0],
    thresholds: [1.600000023841858, 0.6000000238418579, 0.4000000059604645, 0.33000001311302185, 0.30000001192092896, 0.25, 0.10000000149011612],
  },
};

/** Zero division: class 2 is never predicted. precision_recall_fscore_support(labels=[0, 1, 2], zero_division=0) */
export const ZERO_DIVISION = {
  yTrue: [0, 1, 2, 2, 1, 0],
  yPred: [0, 1, 1, 0, 1, 0],
  precision: [0.6666666666666666, 0.6666666666666666, 0.0],
  recall: [1.0, 1.0, 0.0],
  f1: [0.8, 0.8, 0.0],
  /** average='macro' */
  macro: [0.4444444444444444, 0.6666666666666666, 0.5333333333333333],
};

/** Class 3 of K = 4 occurs in neither array: average='macro' with labels=None averages classes 0..2 only. */
export const ABSENT_CLASS = { yTrue: [0, 1, 2, 0], yPred: [0, 2, 2, 1], macro: [0.5, 0.5, 0.4444444444444444] };

/** Regression fixture. */
export const REGRESSION_Y = Float64Array.from([3, -0.5, 2, 7, 4.2, 1.1, 0, 5.5]);
export const REGRESSION_PRED = Float64Array.from([2.5, 0.0, 2, 8, 3.9, 1.6, -0.3, 5.0]);
/** sqrt(mean_squared_error), mean_absolute_error, r2_score */
export const REGRESSION_GOLDEN = { rmse: 0.5220153254455275, mae: 0.45000000000000007, r2: 0.9556809229752738 };
/** r2_score on float32-rounded [1.5, 2.25, 3.1, 4.7] vs [1.4, 2.5, 2.9, 5.0] */
export const REGRESSION_F32 = { yTrue: [1.5, 2.25, 3.1, 4.7], yPred: [1.4, 2.5, 2.9, 5.0], r2: 0.9642344507616588 };

/** Tolerance of every golden comparison. */
export const GOLDEN_TOLERANCE = 1e-6;

/** Expects two arrays of equal length whose elements agree within `tolerance`. */
export function expectAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = GOLDEN_TOLERANCE): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= tolerance)) {
      expect.fail(`element ${i}: ${actual[i]} differs from ${expected[i]} by more than ${tolerance}`);
    }
  }
}

/** Expects `actual` within `tolerance` of `expected` (absolute). */
export function expectClose(actual: number | null | undefined, expected: number, tolerance = GOLDEN_TOLERANCE): void {
  expect(actual).toBeTypeOf('number');
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(tolerance);
}
