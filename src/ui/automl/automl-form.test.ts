import { describe, expect, it } from 'vitest';
import type { ColumnProfile, ColumnSchema } from '../../protocol/dataset';
import { AUTOML_FAMILIES, AUTOML_FIELD_IDS, defaultDraft, maxTrialsAtOnce, draftProblems, draftToSpec, metricsFor, targetTask, type AutoMLFormData } from './automl-form';

function column(name: string, type: ColumnSchema['type']): ColumnSchema {
  return { name, type, inferredType: type, storage: type === 'category' || type === 'text' ? 'dict' : 'f64' } as ColumnSchema;
}

const data: AutoMLFormData = {
  rows: 150,
  columns: [column('petal_length', 'number'), column('species', 'category'), column('same', 'category'), column('price', 'number')],
  profiles: [
    { name: 'petal_length', type: 'number', count: 150, missing: 0, distinct: 43, numeric: { min: 1, max: 6.9 } } as ColumnProfile,
    { name: 'species', type: 'category', count: 150, missing: 0, distinct: 3, top: [{ value: 'setosa', count: 50 }] },
    { name: 'same', type: 'category', count: 150, missing: 0, distinct: 1, top: [{ value: 'x', count: 150 }] },
    { name: 'price', type: 'number', count: 150, missing: 0, distinct: 120, numeric: { min: 1, max: 99.5 } } as ColumnProfile,
  ],
};

const draft = () => defaultDraft({ target: 'species', columns: data.columns, datasetName: 'Iris', seed: 7 });

describe('AutoML form', () => {
  it('starts valid with the defaults: 60 s, 5-fold CV, every family, ensembling', () => {
    const d = draft();
    expect(draftProblems(d, data)).toEqual([]);
    expect(draftToSpec(d)).toEqual({ target: 'species', budget: { timeMs: 60_000 }, validation: { kind: 'cv', folds: 5 }, seed: 7, concurrency: Math.min(2, maxTrialsAtOnce()), ensemble: true });
  });

  it('turns trials, a holdout, a task, a metric and chosen families into the spec', () => {
    const d = { ...draft(), task: 'multiclass' as const, metric: 'log-loss' as const, budgetKind: 'trials' as const, trials: 8, validationKind: 'holdout' as const, holdoutPercent: 25, families: ['knn', 'logistic'], ensemble: false };
    expect(draftProblems(d, data)).toEqual([]);
    expect(draftToSpec(d)).toEqual({
      target: 'species',
      task: 'multiclass',
      metric: 'log-loss',
      budget: { trials: 8 },
      validation: { kind: 'holdout', fraction: 0.25 },
      seed: 7,
      concurrency: Math.min(2, maxTrialsAtOnce()),
      families: ['knn', 'logistic'],
      ensemble: false,
    });
  });

  it('names every bad field', () => {
    const d = { ...draft(), name: ' ', seconds: 0, folds: 1, seed: -1, families: [] };
    const problems = draftProblems(d, data);
    expect(problems.map((p) => p.fieldId)).toEqual([AUTOML_FIELD_IDS.name, AUTOML_FIELD_IDS.seconds, AUTOML_FIELD_IDS.folds, AUTOML_FIELD_IDS.seed, AUTOML_FIELD_IDS.families]);
    expect(draftProblems({ ...draft(), budgetKind: 'trials', trials: 2.5 }, data)[0].message).toMatch(/whole number of trials/);
    expect(draftProblems({ ...draft(), validationKind: 'holdout', holdoutPercent: 60 }, data)[0].fieldId).toBe(AUTOML_FIELD_IDS.holdout);
  });

  it('refuses a target with one value, a missing column, and binary on three classes', () => {
    expect(draftProblems({ ...draft(), target: 'same' }, data)[0]).toMatchObject({ fieldId: AUTOML_FIELD_IDS.target, message: expect.stringMatching(/one value \("x"\)/) });
    expect(draftProblems({ ...draft(), target: 'gone' }, data)[0].message).toMatch(/"gone" is not in this dataset/);
    expect(draftProblems({ ...draft(), task: 'binary' }, data)[0]).toMatchObject({ fieldId: AUTOML_FIELD_IDS.task, message: expect.stringMatching(/has 3/) });
  });

  it('needs a family that fits the task', () => {
    expect(draftProblems({ ...draft(), families: ['linear'] }, data)[0]).toMatchObject({ fieldId: AUTOML_FIELD_IDS.families, message: expect.stringMatching(/multiclass/) });
    expect(draftProblems({ ...draft(), target: 'price', families: ['linear'] }, data)).toEqual([]);
    expect(draftProblems({ ...draft(), target: 'price', families: ['logistic'] }, data)[0].message).toMatch(/regression/);
  });

  it('detects the task and offers the metrics that fit it', () => {
    expect(targetTask(data, 'species')).toEqual({ task: 'multiclass', classes: 3 });
    expect(targetTask(data, 'price')).toEqual({ task: 'regression' });
    expect(targetTask(data, 'nope')).toBeUndefined();
    expect(metricsFor('detect').map((m) => m.value)).toEqual(['default']);
    expect(metricsFor('regression').map((m) => m.value)).toEqual(['default', 'r2', 'rmse']);
    expect(metricsFor('binary').map((m) => m.value)).toEqual(['default', 'accuracy', 'log-loss']);
    expect(AUTOML_FAMILIES).toHaveLength(7);
  });

  it('asks for 1 to the number of cores trials at once', () => {
    expect(maxTrialsAtOnce(4)).toBe(4);
    expect(maxTrialsAtOnce(undefined)).toBe(8);
    expect(maxTrialsAtOnce(64)).toBe(16);
    const max = maxTrialsAtOnce();
    expect(draftToSpec({ ...draft(), concurrency: 1 }).concurrency).toBe(1);
    for (const concurrency of [0, max + 1, 1.5, null]) {
      expect(draftProblems({ ...draft(), concurrency }, data)).toEqual([{ fieldId: AUTOML_FIELD_IDS.concurrency, path: 'concurrency', message: `Enter a whole number of trials at once from 1 to ${max}` }]);
    }
  });
});
