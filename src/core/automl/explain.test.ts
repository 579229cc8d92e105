import { describe, expect, it } from 'vitest';
import { Rng } from '../random/rng';
import { explainAutoMLModel } from './explain';
import { loadAutoMLModel, refitAutoMLModel } from './final-model';
import type { RawColumn } from './guardrails';
import { runAutoML } from './search';

/** y depends on `a` only; `b` and `colour` are noise. */
function table(n: number, classify: boolean): RawColumn[] {
  const rng = new Rng(42);
  const a = Array.from({ length: n }, () => rng.next() * 10);
  const b = Array.from({ length: n }, () => rng.next() * 10);
  const colour = Array.from({ length: n }, () => ['red', 'green', 'blue'][rng.int(3)]);
  const y = a.map((x) => (classify ? (x > 5 ? 'high' : 'low') : 2 * x + 0.05 * rng.normal()));
  return [
    { name: 'a', values: a },
    { name: 'b', values: b },
    { name: 'colour', values: colour },
    { name: 'y', values: y },
  ];
}

async function fitted(columns: RawColumn[], families: string[]) {
  const result = await runAutoML(columns, { target: 'y', budget: { trials: 2 }, seed: 0, families, ensemble: false });
  const file = await refitAutoMLModel(columns, result, { target: 'y', inputTypes: [], rows: result.folds[0].train, seed: 0 });
  const rows = Uint32Array.from(result.folds[0].validation, (r) => result.keptRows[r]);
  const y = new Float64Array(columns[0].values.length);
  result.keptRows.forEach((raw, i) => (y[raw] = result.y[i]));
  return { result, model: loadAutoMLModel(file), rows, y };
}

describe('explainAutoMLModel', () => {
  it('ranks the one informative column first, noise near 0, and its regression dependence is monotone', async () => {
    const columns = table(200, false);
    const { model, rows, y } = await fitted(columns, ['linear']);
    const options = { metric: 'r2' as const, seed: 7, basis: 'validation rows of fold 1' };
    const explanation = explainAutoMLModel(model, columns, y, rows, options);
    expect(explanation.importance.map((i) => i.column)[0]).toBe('a');
    expect(explanation.importance[0].mean).toBeGreaterThan(1);
    for (const noise of explanation.importance.slice(1)) expect(Math.abs(noise.mean)).toBeLessThan(0.02);
    const pd = explanation.partialDependence.find((p) => p.column === 'a');
    expect(pd?.kind).toBe('numeric');
    expect(pd?.series.map((s) => s.label)).toEqual(['prediction']);
    const values = pd?.series[0].values ?? [];
    expect(values.length).toBeGreaterThan(5);
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThan(values[i - 1]);
    const grid = pd?.grid as number[];
    for (let i = 1; i < grid.length; i++) expect(grid[i]).toBeGreaterThan(grid[i - 1]);
    expect(explanation.partialDependence.find((p) => p.column === 'colour')?.kind).toBe('categorical');
    // Deterministic for a seed; another seed shuffles differently.
    expect(explainAutoMLModel(model, columns, y, rows, options)).toEqual(explanation);
    expect(explainAutoMLModel(model, columns, y, rows, { ...options, seed: 8 }).importance[0].mean).not.toBe(explanation.importance[0].mean);
  });

  it('explains a classifier: one probability series per class, importance as the log-loss increase', async () => {
    const columns = table(160, true);
    const { model, rows, y } = await fitted(columns, ['logistic']);
    const explanation = explainAutoMLModel(model, columns, y, rows, { metric: 'log-loss', seed: 1, top: 1, repeats: 3, basis: 'test' });
    expect(explanation.importance[0].column).toBe('a');
    expect(explanation.importance[0].mean).toBeGreaterThan(0.1);
    expect(explanation.partialDependence).toHaveLength(1);
    const [pd] = explanation.partialDependence;
    expect(pd.series.map((s) => s.label)).toEqual(model.classes);
    const high = pd.series[model.classes.indexOf('high')].values;
    expect(high[high.length - 1]).toBeGreaterThan(high[0] + 0.5);
    pd.grid.forEach((_, gi) => expect(pd.series[0].values[gi] + pd.series[1].values[gi]).toBeCloseTo(1, 9));
    expect(() => explainAutoMLModel(model, columns, new Float64Array(160).fill(NaN), rows, { metric: 'accuracy', seed: 1, basis: 'test' })).toThrow(/explained rows need a target/);
    expect(() => explainAutoMLModel(model, columns.slice(1), y, rows, { metric: 'accuracy', seed: 1, basis: 'test' })).toThrow(/Input column "a" is missing/);
  });
});
