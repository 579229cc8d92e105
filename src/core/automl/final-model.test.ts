import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadAutoMLModel, refitAutoMLModel } from './final-model';
import type { RawColumn } from './guardrails';
import { metricValue } from './leaderboard';
import { runAutoML, type AutoMLResult } from './search';

function iris(): RawColumn[] {
  const [header, ...lines] = readFileSync('public/datasets/iris.csv', 'utf8').trim().split(/\r?\n/);
  const names = header.split(',');
  const rows = lines.map((l) => l.split(','));
  return names.map((name, j) => ({ name, values: rows.map((r) => r[j]) }));
}

const inputTypes = iris()
  .filter((c) => c.name !== 'species')
  .map((c) => ({ name: c.name, type: 'number' }));

function accuracyOn(model: ReturnType<typeof loadAutoMLModel>, columns: RawColumn[], result: AutoMLResult): number {
  const nRows = columns[0].values.length;
  const pred = model.predict(columns, nRows);
  return metricValue('accuracy', result.y, pred, model.width, Uint32Array.from({ length: nRows }, (_, i) => i));
}

describe('refitAutoMLModel and loadAutoMLModel', () => {
  it('refits the best trial on all rows, predicts the training rows well, and loads back identically', async () => {
    const columns = iris();
    const result = await runAutoML(columns, { target: 'species', budget: { trials: 4 }, seed: 0, ensemble: false });
    expect(result.best?.kind).toBe('single');
    expect(result.keptRows).toHaveLength(150);
    expect(result.folds).toHaveLength(5);
    const file = await refitAutoMLModel(columns, result, { target: 'species', inputTypes, seed: 0 });
    expect(file.members).toHaveLength(1);
    expect(file.classes).toEqual(result.classes);
    expect(file.inputs.map((i) => i.name)).toEqual(inputTypes.map((i) => i.name));
    const model = loadAutoMLModel(file);
    expect(model.width).toBe(3);
    expect(accuracyOn(model, columns, result)).toBeGreaterThan(0.93);
    const again = loadAutoMLModel(JSON.parse(JSON.stringify(file)));
    expect(again.predict(columns, 150)).toEqual(model.predict(columns, 150));
    // Probabilities sum to 1 per row.
    const p = model.predict(columns, 2);
    expect(p[0] + p[1] + p[2]).toBeCloseTo(1, 9);
  });

  it('refits every ensemble member with its weight', async () => {
    const columns = iris();
    const result = await runAutoML(columns, { target: 'species', budget: { trials: 6 }, seed: 0 });
    // Force the ensemble path with two leaderboard trials, whatever the search kept.
    const [a, b] = result.leaderboard;
    const forced: AutoMLResult = { ...result, best: { kind: 'ensemble', weights: [{ trial: a.trial, weight: 0.75 }, { trial: b.trial, weight: 0.25 }], mean: a.mean, std: a.std } };
    const file = await refitAutoMLModel(columns, forced, { target: 'species', inputTypes, seed: 3 });
    expect(file.members.map((m) => [m.trial, m.weight, m.family])).toEqual([
      [a.trial, 0.75, a.family],
      [b.trial, 0.25, b.family],
    ]);
    const model = loadAutoMLModel(JSON.parse(JSON.stringify(file)));
    const singleA = loadAutoMLModel({ ...file, members: [{ ...file.members[0], weight: 1 }] });
    const singleB = loadAutoMLModel({ ...file, members: [{ ...file.members[1], weight: 1 }] });
    const p = model.predict(columns, 150);
    const pa = singleA.predict(columns, 150);
    const pb = singleB.predict(columns, 150);
    for (let i = 0; i < p.length; i++) expect(p[i]).toBeCloseTo(0.75 * pa[i] + 0.25 * pb[i], 12);
    expect(accuracyOn(model, columns, result)).toBeGreaterThan(0.9);
  });

  it('refits on chosen rows only, and fits a regression', async () => {
    const n = 80;
    const columns: RawColumn[] = [
      { name: 'x', values: Array.from({ length: n }, (_, i) => i / 10) },
      { name: 'c', values: Array.from({ length: n }, (_, i) => ['a', 'b', 'c'][i % 3]) },
      { name: 'y', values: Array.from({ length: n }, (_, i) => (i === 5 ? null : 2 * (i / 10) + (i % 3) + 0.1 * Math.sin(i))) },
    ];
    const result = await runAutoML(columns, { target: 'y', budget: { trials: 3 }, seed: 1, families: ['linear'] });
    expect(result.keptRows).toHaveLength(n - 1);
    const file = await refitAutoMLModel(columns, result, { target: 'y', inputTypes: [{ name: 'x', type: 'number' }], rows: result.folds[0].train, seed: 1 });
    expect(file.inputs).toEqual([
      { name: 'x', type: 'number' },
      { name: 'c', type: 'category' },
    ]);
    const model = loadAutoMLModel(file);
    expect(model.width).toBe(1);
    const held = result.folds[0].validation;
    const pred = model.predict(columns.map((c) => ({ name: c.name, values: Array.from(held, (r) => c.values[result.keptRows[r]]) })), held.length);
    const yHeld = Float64Array.from(held, (r) => result.y[r]);
    expect(metricValue('r2', yHeld, pred, 1, Uint32Array.from(held, (_, i) => i))).toBeGreaterThan(0.95);
  });

  it('refuses garbage with a clear message, and __proto__ keys do no harm', async () => {
    expect(() => loadAutoMLModel(null)).toThrow(/Not a valid AutoML model file/);
    expect(() => loadAutoMLModel({ format: 'benchtop-tabular', version: 2 })).toThrow(/version/);
    const columns = iris();
    const result = await runAutoML(columns, { target: 'species', budget: { trials: 1 }, seed: 0 });
    const file = await refitAutoMLModel(columns, result, { target: 'species', inputTypes, seed: 0 });
    const text = JSON.stringify(file);
    const hostile = JSON.parse(text.replace('{"format"', '{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},"format"')) as unknown;
    const model = loadAutoMLModel(hostile);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(model.predict(columns, 3)).toHaveLength(9);
    const badWeights = JSON.parse(text) as typeof file;
    badWeights.members[0].weight = 0.5;
    expect(() => loadAutoMLModel(badWeights)).toThrow(/weights sum to 0.5/);
    const badModel = JSON.parse(text) as typeof file;
    badModel.members[0].model = { format: 'benchtop-tabular-model', version: 1, family: 'nope' };
    expect(() => loadAutoMLModel(badModel)).toThrow(/member 1 .*Unknown tabular model family "nope"/);
    const badFeatures = JSON.parse(text) as typeof file;
    badFeatures.featurizer.fitted[0] = null;
    expect(() => loadAutoMLModel(badFeatures)).toThrow(/column "sepal length \(cm\)" \(numeric\)/);
    expect(() => model.predict(columns.slice(1), 150)).toThrow(/Input column "sepal length \(cm\)" is missing/);
  });
});
