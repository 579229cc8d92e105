import { describe, expect, it } from 'vitest';
import { randomForest } from './random-forest';
import type { TabularData } from './tabular-model';
import type { TreeEnsembleModel } from './tree-ensemble';
import { golden, goldenData, subset } from './testdata/golden';

/** Mean accuracy (classification) or R² (regression) over the golden folds. */
async function crossValidate(data: TabularData, folds: number[][], params: Record<string, unknown>): Promise<number> {
  let total = 0;
  for (const validation of folds) {
    const held = new Set(validation);
    const train = Array.from({ length: data.nRows }, (_, i) => i).filter((i) => !held.has(i));
    const model = await randomForest.fit(subset(data, train), randomForest.resolveParams(data.task, params), { seed: 0 });
    const test = subset(data, validation);
    const predicted = model.predict(test.X, test.nRows);
    if (data.task === 'regression') {
      let mean = 0;
      for (const v of test.y as Float64Array) mean += v / test.nRows;
      let ssRes = 0;
      let ssTot = 0;
      for (let i = 0; i < test.nRows; i++) {
        ssRes += (test.y[i] - predicted[i]) ** 2;
        ssTot += (test.y[i] - mean) ** 2;
      }
      total += 1 - ssRes / ssTot;
    } else {
      let correct = 0;
      for (let i = 0; i < test.nRows; i++) correct += predicted[i] === test.y[i] ? 1 : 0;
      total += correct / test.nRows;
    }
  }
  return total / folds.length;
}

describe('random forest', () => {
  const forest = golden.randomForest;

  it.each([
    ['iris', 'multiclass'],
    ['toyClassification', 'multiclass'],
  ] as const)('cross-validates as accurately as scikit-learn on %s (100 trees, same folds)', async (name, task) => {
    const accuracy = await crossValidate(goldenData(name, task), forest[name].folds, { nEstimators: 100 });
    expect(accuracy).toBeGreaterThan(forest[name].accuracy - 0.04);
  });

  it('cross-validates as well as scikit-learn on a regression toy (R²)', async () => {
    const r2 = await crossValidate(goldenData('toyRegression', 'regression'), forest.toyRegression.folds, { nEstimators: 100 });
    expect(r2).toBeGreaterThan(forest.toyRegression.r2 - 0.05);
  });

  it('averages its trees, is deterministic for a seed and restores from JSON exactly', async () => {
    const iris = goldenData('iris', 'multiclass');
    const params = randomForest.resolveParams('multiclass', { nEstimators: 10 });
    const a = (await randomForest.fit(iris, params, { seed: 3 })) as TreeEnsembleModel<unknown>;
    const b = await randomForest.fit(iris, params, { seed: 3 });
    const c = await randomForest.fit(iris, params, { seed: 4 });
    expect(a.trees).toHaveLength(10);
    expect(JSON.stringify(a.toJSON())).toBe(JSON.stringify(b.toJSON()));
    expect(JSON.stringify(a.toJSON())).not.toBe(JSON.stringify(c.toJSON()));
    const proba = a.predictProba(iris.X, iris.nRows);
    for (let r = 0; r < iris.nRows; r++) expect(proba[r * 3] + proba[r * 3 + 1] + proba[r * 3 + 2]).toBeCloseTo(1, 12);
    const restored = randomForest.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
    expect(Array.from(restored.predictProba(iris.X, iris.nRows))).toEqual(Array.from(proba));
  });

  it('reports each tree and rejects with the abort reason', async () => {
    const iris = goldenData('iris', 'multiclass');
    const controller = new AbortController();
    const done: number[] = [];
    const fit = randomForest.fit(iris, randomForest.resolveParams('multiclass', { nEstimators: 10_000 }), {
      seed: 0,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.status !== 'fitting') return;
        done.push(p.completed);
        if (p.completed === 5) controller.abort(new Error('canceled'));
      },
    });
    await expect(fit).rejects.toThrow('canceled');
    expect(done.slice(0, 5)).toEqual([1, 2, 3, 4, 5]);
  });

  it('checks maxFeatures', () => {
    expect(randomForest.resolveParams('multiclass', {}).maxFeatures).toBe('sqrt');
    expect(randomForest.resolveParams('regression', {}).maxFeatures).toBe(1);
    expect(() => randomForest.resolveParams('regression', { maxFeatures: 0 })).toThrow('"maxFeatures" must be "sqrt", "log2" or a share');
  });
});
