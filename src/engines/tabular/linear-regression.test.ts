import { describe, expect, it } from 'vitest';
import { linearRegression, type LinearRegressionModel } from './linear-regression';
import { f64, golden, goldenData, maxAbsDiff } from './testdata/golden';

describe('linear regression against scikit-learn (standardized diabetes)', () => {
  const diabetes = goldenData('diabetes', 'regression');

  it.each(['ridge', 'lasso', 'elasticNet'] as const)('finds the same coefficients (%s)', async (name) => {
    const g = golden.linear[name];
    const model = (await linearRegression.fit(diabetes, linearRegression.resolveParams('regression', { alpha: g.alpha, l1Ratio: g.l1Ratio, tol: 1e-12, maxIterations: 100_000 }), { seed: 0 })) as LinearRegressionModel;
    expect(maxAbsDiff(model.coef, f64(g.coef))).toBeLessThan(1e-8);
    expect(maxAbsDiff(model.predict(diabetes.X, diabetes.nRows), f64(g.prediction))).toBeLessThan(1e-5);
  });

  it('zeroes coefficients with a strong L1 penalty and restores from JSON exactly', async () => {
    const model = (await linearRegression.fit(diabetes, linearRegression.resolveParams('regression', { alpha: 0.1, l1Ratio: 1 }), { seed: 0 })) as LinearRegressionModel;
    expect(Array.from(model.coef).filter((c) => c === 0).length).toBeGreaterThanOrEqual(5);
    const restored = linearRegression.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(Array.from(restored.predict(diabetes.X, diabetes.nRows))).toEqual(Array.from(model.predict(diabetes.X, diabetes.nRows)));
  });

  it('fits with a constant feature and missing values', async () => {
    const n = 50;
    const X = new Float64Array(n * 3);
    const y = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      X[r * 3] = r;
      X[r * 3 + 1] = 7; // constant
      X[r * 3 + 2] = r % 5 === 0 ? NaN : r % 3;
      y[r] = 2 * r + 1;
    }
    const model = await linearRegression.fit({ X, nRows: n, nFeatures: 3, y, task: 'regression' }, linearRegression.resolveParams('regression', { alpha: 0 }), { seed: 0 });
    expect(maxAbsDiff(model.predict(X, n), y)).toBeLessThan(1e-6);
  });
});
