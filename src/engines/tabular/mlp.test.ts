import { describe, expect, it } from 'vitest';
import { kFolds } from '../../core/data/k-fold';
import { Rng } from '../../core/random/rng';
import { fitTabularModel, tabularModelFromJson } from './families';
import { mlp } from './mlp';
import type { TabularData } from './tabular-model';
import { goldenData, subset } from './testdata/golden';

const iris = goldenData('iris', 'multiclass');

function accuracy(pred: Float64Array, y: ArrayLike<number>): number {
  let ok = 0;
  pred.forEach((p, i) => (ok += p === y[i] ? 1 : 0));
  return ok / pred.length;
}

describe('mlp family', () => {
  it('learns iris: over 0.9 cross-validated accuracy', async () => {
    const folds = kFolds({ kind: 'categorical', codes: Int32Array.from(iris.y), categories: ['0', '1', '2'] }, { k: 5, task: 'classification', seed: 0, column: 'y' });
    const scores: number[] = [];
    for (const fold of folds) {
      const model = await fitTabularModel('mlp', subset(iris, fold.train), { hiddenLayers: 1, units: 32, learningRate: 1e-2, epochs: 100 }, { seed: 0 });
      const test = subset(iris, fold.validation);
      scores.push(accuracy(model.predict(test.X, test.nRows), test.y));
    }
    expect(scores.reduce((a, b) => a + b) / scores.length).toBeGreaterThan(0.9);
  });

  it('fits a regression, stopping early on held-out rows', async () => {
    const rng = new Rng(3);
    // 340 training rows: 34 are held out for early stopping.
    const n = 400;
    const X = Float64Array.from({ length: n * 2 }, () => rng.next() * 4 - 2);
    const y = Float64Array.from({ length: n }, (_, i) => 10 + 3 * X[i * 2] * X[i * 2] - 2 * X[i * 2 + 1] + 0.1 * rng.normal());
    const data: TabularData = { X, nRows: n, nFeatures: 2, y, task: 'regression' };
    const train = Uint32Array.from({ length: 340 }, (_, i) => i);
    const test = Uint32Array.from({ length: 60 }, (_, i) => 340 + i);
    const model = await fitTabularModel('mlp', subset(data, train), { hiddenLayers: 2, units: 32, learningRate: 1e-2, epochs: 1000, batchSize: 32 }, { seed: 1 });
    const t = subset(data, test);
    const pred = model.predict(t.X, t.nRows);
    const mean = Array.from(t.y).reduce((a, b) => a + b) / t.nRows;
    let res = 0;
    let tot = 0;
    pred.forEach((p, i) => {
      res += (p - t.y[i]) ** 2;
      tot += (t.y[i] - mean) ** 2;
    });
    expect(1 - res / tot).toBeGreaterThan(0.95);
    expect((model.toJSON().state as { stoppedEarly: boolean }).stoppedEarly).toBe(true);
  });

  it('is deterministic for a seed, and restores exactly from JSON', async () => {
    const params = { hiddenLayers: 2, units: 8, dropout: 0.2, epochs: 60, patience: 3, classWeight: 'balanced' };
    const a = await fitTabularModel('mlp', iris, params, { seed: 5 });
    const b = await fitTabularModel('mlp', iris, params, { seed: 5 });
    const c = await fitTabularModel('mlp', iris, params, { seed: 6 });
    expect(JSON.stringify(a.toJSON())).toBe(JSON.stringify(b.toJSON()));
    expect(JSON.stringify(a.toJSON())).not.toBe(JSON.stringify(c.toJSON()));
    const restored = tabularModelFromJson(JSON.parse(JSON.stringify(a.toJSON())));
    expect(restored.predictProba(iris.X, iris.nRows)).toEqual(a.predictProba(iris.X, iris.nRows));
  });

  it('refuses bad parameters and broken JSON with a message', async () => {
    expect(() => mlp.resolveParams('binary', { units: 0 })).toThrow('MLP parameter "units" must be an integer from 1 to 4096; got 0');
    expect(() => mlp.resolveParams('binary', { layers: 2 })).toThrow(/MLP has no parameter "layers"/);
    const json = (await fitTabularModel('mlp', iris, { units: 4, epochs: 2 }, { seed: 0 })).toJSON() as { state: { layers: { weights: unknown[] }[] } };
    json.state.layers[0].weights = [1, 2];
    expect(() => tabularModelFromJson(json)).toThrow(/layer 1 weights has 2 values; expected 16/);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(fitTabularModel('mlp', iris, {}, { seed: 0, signal: controller.signal })).rejects.toThrow('stop');
  });
});
