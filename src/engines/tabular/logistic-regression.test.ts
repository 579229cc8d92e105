import { describe, expect, it } from 'vitest';
import { logisticRegression, type LogisticRegressionModel } from './logistic-regression';
import { f64, golden, goldenData, maxAbsDiff } from './testdata/golden';

describe('logistic regression against scikit-learn (converged with newton-cg)', () => {
  it.each(['irisC1', 'irisC01'] as const)('finds the same multinomial coefficients (%s)', async (name) => {
    const g = golden.logistic[name];
    const iris = goldenData('iris', 'multiclass');
    const model = (await logisticRegression.fit(iris, logisticRegression.resolveParams('multiclass', { C: g.C, tol: 1e-10, maxIterations: 10_000 }), { seed: 0 })) as LogisticRegressionModel;
    expect(model.info.converged).toBe(true);
    expect(maxAbsDiff(model.coef, f64(g.coef))).toBeLessThan(1e-6);
    // Softmax intercepts are defined up to a constant; both fits keep their sum at 0.
    expect(maxAbsDiff(model.intercept, f64(g.intercept))).toBeLessThan(1e-6);
    expect(maxAbsDiff(model.predictProba(iris.X, iris.nRows), f64(g.proba))).toBeLessThan(1e-6);
  });

  it('fits one weight vector for a binary task', async () => {
    const g = golden.logistic.toyBinaryC05;
    const data = { ...goldenData('toyClassification', 'binary'), y: f64(g.y) };
    const model = (await logisticRegression.fit(data, logisticRegression.resolveParams('binary', { C: g.C, tol: 1e-10 }), { seed: 0 })) as LogisticRegressionModel;
    expect(model.coef).toHaveLength(data.nFeatures);
    expect(maxAbsDiff(model.coef, f64(g.coef))).toBeLessThan(1e-6);
    expect(maxAbsDiff(model.intercept, f64(g.intercept))).toBeLessThan(1e-6);
    expect(maxAbsDiff(model.predictProba(data.X, data.nRows), f64(g.proba))).toBeLessThan(1e-7);
  });
});

describe('logistic regression', () => {
  const iris = goldenData('iris', 'multiclass');

  it('restores from JSON exactly and predicts the most probable class', async () => {
    const model = await logisticRegression.fit(iris, logisticRegression.resolveParams('multiclass', {}), { seed: 0 });
    const restored = logisticRegression.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(Array.from(restored.predictProba(iris.X, iris.nRows))).toEqual(Array.from(model.predictProba(iris.X, iris.nRows)));
    const predicted = model.predict(iris.X, iris.nRows);
    let correct = 0;
    for (let r = 0; r < iris.nRows; r++) correct += predicted[r] === iris.y[r] ? 1 : 0;
    expect(correct / iris.nRows).toBeGreaterThan(0.95);
  });

  it('weighs classes with classWeight "balanced"', async () => {
    // 3 rows of class 1 among 30: balanced weights move the boundary towards the majority class.
    const n = 30;
    const X = Float64Array.from({ length: n }, (_, i) => i / n);
    const y = Float64Array.from({ length: n }, (_, i) => (i >= 27 ? 1 : 0));
    const data = { X, nRows: n, nFeatures: 1, y, task: 'binary' as const };
    const plain = await logisticRegression.fit(data, logisticRegression.resolveParams('binary', {}), { seed: 0 });
    const balanced = await logisticRegression.fit(data, logisticRegression.resolveParams('binary', { classWeight: 'balanced' }), { seed: 0 });
    const at = Float64Array.of(0.8);
    expect(balanced.predictProba(at, 1)[1]).toBeGreaterThan(plain.predictProba(at, 1)[1] + 0.1);
  });

  it('refuses regression and names bad labels', async () => {
    await expect(logisticRegression.fit({ ...iris, task: 'regression' }, logisticRegression.resolveParams('regression', {}), { seed: 0 })).rejects.toThrow(
      'Logistic regression cannot fit a regression task; it fits binary, multiclass',
    );
    await expect(logisticRegression.fit({ ...iris, y: Float64Array.from(iris.y, (v) => v + 0.5) }, logisticRegression.resolveParams('multiclass', {}), { seed: 0 })).rejects.toThrow(
      'class label of row 0 is 0.5; expected an integer class index',
    );
  });
});
