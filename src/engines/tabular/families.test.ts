import { describe, expect, it } from 'vitest';
import { applyParams } from '../../core/tune/apply-params';
import { createSampler } from '../../core/tune/samplers/sampler';
import { checkParamRange } from '../../core/tune/space';
import { familiesFor, fitTabularModel, TABULAR_FAMILY_NAMES, tabularFamily, tabularModelFromJson, tabularSearchSpaces } from './families';
import type { TabularTask } from './tabular-model';
import { goldenData } from './testdata/golden';

const TASKS: [TabularTask, Parameters<typeof goldenData>[0]][] = [
  ['multiclass', 'iris'],
  ['binary', 'toyBinaryMissing'],
  ['regression', 'toyRegression'],
];

describe('tabular families', () => {
  it('lists the families for each task', () => {
    expect(familiesFor('regression')).toEqual(['linear', 'knn', 'decision-tree', 'random-forest', 'hist-gradient-boosting', 'mlp']);
    expect(familiesFor('binary')).toEqual(['logistic', 'knn', 'decision-tree', 'random-forest', 'hist-gradient-boosting', 'mlp']);
    expect(() => tabularFamily('svm')).toThrow('Unknown tabular model family "svm"; expected one of linear, logistic, knn');
  });

  it.each(TASKS)('gives every %s family a valid space whose trials (and low-cost point) fit and restore', async (task, name) => {
    const data = goldenData(name, task);
    const spaces = tabularSearchSpaces(task, data.nRows, data.nFeatures, task === 'multiclass' ? 3 : 2);
    expect(spaces.map((s) => s.family).sort()).toEqual([...familiesFor(task)].sort());
    for (let i = 1; i < spaces.length; i++) expect(spaces[i].cost.estimatedWork).toBeGreaterThanOrEqual(spaces[i - 1].cost.estimatedWork);
    for (const { family, base, space, cost } of spaces) {
      for (const param of space) expect(checkParamRange(param), `${family} ${param.path}`).toEqual([]);
      expect(Object.keys(cost.lowCost).sort()).toEqual(space.map((p) => p.path).sort());
      const sampler = createSampler({ base, space, sampler: { type: 'random' }, goal: 'maximize' }, 3);
      const trials = [cost.lowCost, sampler.suggest([]), sampler.suggest([{ params: {}, state: 'running' }])];
      for (const assignment of trials) {
        const params = applyParams(base, space, assignment ?? {});
        // Keep the test quick: cap the trees of the sampled trials.
        const quick = { ...params, ...('nEstimators' in params ? { nEstimators: Math.min(5, params.nEstimators as number) } : {}), ...('maxIterations' in params && family === 'hist-gradient-boosting' ? { maxIterations: Math.min(5, params.maxIterations as number) } : {}), ...(family === 'mlp' ? { epochs: Math.min(5, params.epochs as number) } : {}) };
        const model = await fitTabularModel(family, data, quick, { seed: 1 });
        const restored = tabularModelFromJson(JSON.parse(JSON.stringify(model.toJSON())));
        expect(restored.family).toBe(family);
        const head = data.X.subarray(0, 5 * data.nFeatures);
        expect(Array.from(restored.predict(head, 5))).toEqual(Array.from(model.predict(head, 5)));
      }
    }
  }, 60_000);

  it('names every family in the table', () => {
    expect(TABULAR_FAMILY_NAMES).toEqual(['linear', 'logistic', 'knn', 'decision-tree', 'random-forest', 'hist-gradient-boosting', 'mlp']);
    for (const name of TABULAR_FAMILY_NAMES) expect(tabularFamily(name).name).toBe(name);
  });

  it('refuses JSON that is not a tabular model', () => {
    expect(() => tabularModelFromJson({ family: 'knn', format: 'other' })).toThrow('Not a tabular model: expected format "benchtop-tabular-model"');
    expect(() => tabularModelFromJson(null)).toThrow('Not a tabular model: it names no family');
  });
});
