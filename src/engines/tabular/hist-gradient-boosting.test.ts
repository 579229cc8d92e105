import { describe, expect, it } from 'vitest';
import { histGradientBoosting, type HistGradientBoostingModel } from './hist-gradient-boosting';
import type { TabularData } from './tabular-model';
import { f64, golden, goldenData, maxAbsDiff } from './testdata/golden';

const hgb = golden.histGradientBoosting;

/** scikit-learn's parameter names to ours. */
function paramsOf(p: Record<string, unknown>) {
  return histGradientBoosting.resolveParams('regression', {
    maxIterations: p.max_iter,
    maxLeafNodes: p.max_leaf_nodes,
    minSamplesLeaf: p.min_samples_leaf,
    learningRate: p.learning_rate,
    earlyStopping: p.early_stopping ? 'on' : 'off',
    ...(p.l2_regularization !== undefined ? { l2Regularization: p.l2_regularization } : {}),
    ...(p.max_depth !== undefined ? { maxDepth: p.max_depth } : {}),
    ...(p.max_bins !== undefined ? { maxBins: p.max_bins } : {}),
  });
}

async function fitGolden(data: TabularData, p: Record<string, unknown>): Promise<HistGradientBoostingModel> {
  return (await histGradientBoosting.fit(data, paramsOf(p), { seed: 0 })) as HistGradientBoostingModel;
}

describe('histogram gradient boosting against scikit-learn', () => {
  it.each(['regression', 'regressionL2Depth', 'regressionQuantileBins'] as const)('grows the same regression trees (%s)', async (name) => {
    const data = goldenData('toyRegression', 'regression');
    const model = await fitGolden(data, hgb[name].params);
    expect(maxAbsDiff(model.predict(data.X, data.nRows), f64(hgb[name].train))).toBeLessThan(1e-9);
    expect(maxAbsDiff(model.predict(data.XTest as Float64Array, data.nTest as number), f64(hgb[name].test))).toBeLessThan(1e-9);
  });

  it('learns where missing values go, as scikit-learn (binary, 10% missing)', async () => {
    const data = goldenData('toyBinaryMissing', 'binary');
    const model = await fitGolden(data, hgb.binaryMissing.params);
    expect(maxAbsDiff(model.predictProba(data.X, data.nRows), f64(hgb.binaryMissing.train))).toBeLessThan(1e-9);
    expect(maxAbsDiff(model.predictProba(data.XTest as Float64Array, data.nTest as number), f64(hgb.binaryMissing.test))).toBeLessThan(1e-9);
  });

  it('fits one tree per class per round with the softmax loss (iris)', async () => {
    const data = goldenData('iris', 'multiclass');
    const model = await fitGolden(data, hgb.irisMulticlass.params);
    expect(model.trees).toHaveLength(20 * 3);
    expect(maxAbsDiff(model.predictProba(data.X, data.nRows), f64(hgb.irisMulticlass.train))).toBeLessThan(1e-9);
  });
});

describe('histogram gradient boosting', () => {
  const iris = goldenData('iris', 'multiclass');

  it('is deterministic for a seed and restores from JSON exactly', async () => {
    const params = histGradientBoosting.resolveParams('multiclass', { maxIterations: 15, featureFraction: 0.5, earlyStopping: 'on' });
    const a = await histGradientBoosting.fit(iris, params, { seed: 7 });
    const b = await histGradientBoosting.fit(iris, params, { seed: 7 });
    const c = await histGradientBoosting.fit(iris, params, { seed: 8 });
    expect(JSON.stringify(a.toJSON())).toBe(JSON.stringify(b.toJSON()));
    expect(JSON.stringify(a.toJSON())).not.toBe(JSON.stringify(c.toJSON()));
    const restored = histGradientBoosting.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
    expect(Array.from(restored.predictProba(iris.X, iris.nRows))).toEqual(Array.from(a.predictProba(iris.X, iris.nRows)));
  });

  it('stops early when the validation loss stops improving, and reports progress', async () => {
    const seen: number[] = [];
    const model = (await histGradientBoosting.fit(
      iris,
      histGradientBoosting.resolveParams('multiclass', { maxIterations: 500, learningRate: 0.5, earlyStopping: 'on', validationFraction: 0.2 }),
      { seed: 1, onProgress: (p) => p.status === 'fitting' && seen.push(p.completed) },
    )) as HistGradientBoostingModel;
    expect(model.info.stoppedEarly).toBe(true);
    expect(model.info.iterations).toBeLessThan(500);
    expect(model.info.validationLoss).toHaveLength(model.info.iterations + 1);
    expect(seen).toEqual(Array.from({ length: model.info.iterations }, (_, i) => i + 1));
  });

  it('rejects with the abort reason between iterations', async () => {
    const controller = new AbortController();
    const fit = histGradientBoosting.fit(iris, histGradientBoosting.resolveParams('multiclass', { maxIterations: 100_000 }), {
      seed: 0,
      signal: controller.signal,
      onProgress: (p) => p.status === 'fitting' && p.completed === 3 && controller.abort(new Error('stop here')),
    });
    await expect(fit).rejects.toThrow('stop here');
  });

  it('names a bad parameter and the known ones', () => {
    expect(() => histGradientBoosting.resolveParams('binary', { maxLeafNodes: 1 })).toThrow('"maxLeafNodes" must be an integer from 2');
    expect(() => histGradientBoosting.resolveParams('binary', { maxLeaves: 3 })).toThrow(/no parameter "maxLeaves"; known parameters: maxIterations, learningRate/);
  });

  it('trains digits-sized data (1797 × 64, 10 classes, 100 rounds) in a few seconds', async () => {
    // Synthetic 8×8 "digits": each class a fixed random template plus noise, pixel values 0..16 as in the real set.
    const n = 1797;
    const F = 64;
    const X = new Float64Array(n * F);
    const y = new Float64Array(n);
    let s = 1;
    const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const templates = Array.from({ length: 10 }, () => Array.from({ length: F }, () => Math.floor(rand() * 17)));
    for (let r = 0; r < n; r++) {
      y[r] = r % 10;
      for (let f = 0; f < F; f++) X[r * F + f] = Math.max(0, Math.min(16, templates[r % 10][f] + Math.round((rand() - 0.5) * 12)));
    }
    const started = performance.now();
    const model = await histGradientBoosting.fit({ X, nRows: n, nFeatures: F, y, task: 'multiclass' }, histGradientBoosting.resolveParams('multiclass', {}), { seed: 0 });
    const seconds = (performance.now() - started) / 1000;
    const predicted = model.predict(X, n);
    let correct = 0;
    for (let r = 0; r < n; r++) correct += predicted[r] === y[r] ? 1 : 0;
    expect(correct / n).toBeGreaterThan(0.99);
    expect(seconds).toBeLessThan(20); // measured ~2 s here; a loose bound for a loaded CI machine
  }, 60_000);
});
