import { afterEach, describe, expect, it, vi } from 'vitest';
import { testTrainSpec } from '../../test/storage-run-fixtures';
import { FIXTURE_HASH } from '../../test/train-spec-fixture';
import { SweepForm, SWEEP_JSON_CHECK_DELAY_MS, type SweepFormSource } from './sweep-form.svelte';
import { paramFieldId } from './sweep-form';

function source(changes: Partial<SweepFormSource> = {}): SweepFormSource {
  const base = testTrainSpec();
  return {
    datasetName: 'Titanic',
    validation: {
      columns: [
        { name: 'age', type: 'number' },
        { name: 'fare', type: 'number' },
        { name: 'sex', type: 'category' },
        { name: 'survived', type: 'category' },
      ],
      contentHash: FIXTURE_HASH,
    },
    base: { ...base, data: { ...base.data, contentHash: FIXTURE_HASH } },
    concurrency: 2,
    cores: 4,
    seed: 5,
    ...changes,
  } as SweepFormSource;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('SweepForm', () => {
  it('starts valid with the defaults and names the sweep after the data', () => {
    const form = new SweepForm(source());
    expect(form.problems).toEqual([]);
    expect(form.name).toBe('Titanic · mlp sweep');
    const spec = form.specToStart();
    expect(spec).not.toBeNull();
    expect(spec?.sampler).toMatchObject({ type: 'tpe', options: { startupTrials: 5, multivariate: true } });
    expect(spec?.maxConcurrentTrials).toBe(2);
  });

  it('names the field of a bad range and of a choice list that does not parse', () => {
    const form = new SweepForm(source());
    const lr = form.draft.space[0];
    if (lr.type !== 'loguniform') throw new Error('expected the learning rate first');
    lr.max = 1e-5;
    expect(form.errorFor(paramFieldId(0, 'max'))).toMatch(/max greater than min/);
    const batch = form.draft.space.findIndex((p) => p.path === 'batchSize');
    form.setChoiceText(batch, '16, thirty-two');
    expect(form.errorFor(paramFieldId(batch, 'values'))).toMatch(/JSON values separated by commas/);
    expect(form.canStart).toBe(false);
    expect(form.specToStart()).toBeNull();
    lr.max = 0.1;
    form.setChoiceText(batch, '16, 32');
    expect(form.problems).toEqual([]);
    expect(form.specToStart()?.space[batch]).toEqual({ path: 'batchSize', type: 'choice', values: [16, 32] });
  });

  it('flags a path the base spec lacks, and more trials at once than the workspace trains', () => {
    const form = new SweepForm(source());
    form.addParam();
    const last = form.draft.space.length - 1;
    form.draft.space[last].path = 'model.nonsense';
    expect(form.errorFor(paramFieldId(last, 'path'))).toBeTruthy();
    form.removeParam(last);
    form.draft.maxConcurrentTrials = 3;
    expect(form.errorFor('sweep-max-concurrent')).toMatch(/at most 2/);
    form.concurrency = 3;
    expect(form.errorFor('sweep-max-concurrent')).toBeUndefined();
  });

  it('converts a row to another type and switches sampler and policy with their defaults', () => {
    const form = new SweepForm(source());
    form.setParamType(0, 'choice');
    expect(form.choiceText(0)).toBe('0.0001, 0.1');
    form.samplerType = 'grid';
    expect(form.draft.sampler).toEqual({ type: 'grid', options: { pointsPerAxis: 5, shuffle: false } });
    form.terminationType = 'median';
    expect(form.draft.termination).toMatchObject({ type: 'median' });
    form.metricKey = 'val_accuracy';
    expect(form.draft.metric).toEqual({ key: 'val_accuracy', goal: 'maximize' });
    form.timeBudgetMinutes = 1.5;
    expect(form.draft.timeBudgetMs).toBe(90_000);
    form.timeBudgetMinutes = null;
    expect(form.draft.timeBudgetMs).toBeUndefined();
  });

  it('applies valid typed JSON to the form and blocks it while the JSON is wrong', () => {
    vi.useFakeTimers();
    const form = new SweepForm(source());
    const edited = JSON.parse(form.jsonText) as { maxTrials: number; space: unknown[] };
    edited.maxTrials = 7;
    edited.space = edited.space.slice(0, 1);
    form.editJson(JSON.stringify(edited));
    expect(form.jsonPending).toBe(true);
    vi.advanceTimersByTime(SWEEP_JSON_CHECK_DELAY_MS);
    expect(form.jsonIssues).toEqual([]);
    expect(form.draft.maxTrials).toBe(7);
    expect(form.draft.space).toHaveLength(1);

    form.editJson('{"specVersion": 1, "kind": "sweep"');
    form.checkJson();
    expect(form.jsonBlocked).toBe(true);
    expect(form.problems[0]).toMatchObject({ fieldId: null, path: expect.stringMatching(/^line 1, column/) });
    form.discardJson();
    expect(form.jsonBlocked).toBe(false);
    expect(JSON.parse(form.jsonText)).toMatchObject({ maxTrials: 7 });
  });

  it('reports a wrong field typed in JSON with its path and place', () => {
    const form = new SweepForm(source());
    const edited = JSON.parse(form.jsonText) as Record<string, unknown>;
    edited.maxTrials = 0;
    form.editJson(JSON.stringify(edited, null, 2));
    form.checkJson();
    const issue = form.jsonIssues.find((i) => i.path === 'maxTrials');
    expect(issue).toBeDefined();
    expect(issue?.line).toBeGreaterThan(1);
  });
});

describe('SweepForm from a sweep', () => {
  it('keeps the sweep spec but takes the base spec and a fresh seed, and names itself after the source', () => {
    const first = new SweepForm(source());
    first.samplerType = 'sobol';
    first.draft.maxTrials = 9;
    const sweep = first.specToStart();
    if (!sweep) throw new Error('expected a valid spec');
    const again = new SweepForm(source({ sweep, seed: 77, sourceRun: { id: 's1', name: 'Titanic sweep' } }));
    expect(again.draft).toMatchObject({ sampler: { type: 'sobol' }, maxTrials: 9, seed: 77 });
    expect(again.name).toBe('Titanic sweep (edited)');
    expect(again.problems).toEqual([]);
  });
});
