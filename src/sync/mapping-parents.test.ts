import { describe, expect, it } from 'vitest';
import type { AutoMLRunInfo, AutoMLTrialInfo } from '../protocol/automl';
import type { RunRecord } from '../storage/records';
import { testSweepSpec } from '../test/sweep-spec-fixture';
import { mapMetrics, mapRun } from './mapping';
import { automlMetricName, automlMetrics } from './mapping-parents';
import { keyProblem } from './mlflow-limits';
import { syncRun, syncSpec } from './sync-test-fixtures';

const automlInfo: AutoMLRunInfo = {
  spec: { target: 'survived', metric: 'log-loss', budget: { trials: 3 }, validation: { kind: 'cv', folds: 3 }, seed: 5, families: ['logistic', 'knn'] },
  task: 'binary',
  metric: 'log-loss',
  findings: [],
  trialsFinished: 2,
  bestTrial: { trial: 2, runId: 'trial-2', family: 'knn', mean: 0.41, std: 0.02 },
  best: { kind: 'single', trial: 2, family: 'knn', params: { k: 5 }, mean: 0.41, std: 0.02 },
  stoppedBy: 'trials',
};

function automlParent(changes: Partial<RunRecord> = {}): RunRecord {
  return syncRun({ id: 'automl-1', kind: 'automl', name: 'titanic automl', automl: automlInfo, summary: [{ key: 'log-loss', value: 0.41 }], ...changes });
}

function automlTrial(number: number, info: Partial<AutoMLTrialInfo> = {}): RunRecord {
  const automlTrial: AutoMLTrialInfo = { number, family: 'knn', params: { k: 3 + number, weights: 'distance' }, foldScores: [0.5, 0.4, 0.45], mean: 0.45, std: 0.04, trainMs: 12.5, ...info };
  return syncRun({ id: `trial-${number}`, kind: 'trial', parentId: 'automl-1', trial: { number, params: automlTrial.params as Record<string, number | string> }, automlTrial, summary: [{ key: 'log-loss', value: automlTrial.mean }, { key: 'log-loss_std', value: automlTrial.std }], endedAt: 1_700_000_200_000 + number });
}

describe('nested runs', () => {
  it('tags a child with its parent MLflow run id once the parent is pushed, and only then', () => {
    const trial = syncRun({ kind: 'trial', parentId: 'sweep-1', trial: { number: 0, params: {} } });
    const tag = (context: Parameters<typeof mapRun>[1]) => mapRun(trial, context).tags.find((t) => t.key === 'mlflow.parentRunId')?.value;
    expect(tag({})).toBeUndefined();
    expect(tag({ remoteParentRunId: 'abc123' })).toBe('abc123');
    expect(mapRun(trial).tags.find((t) => t.key === 'benchtop.parent_id')?.value).toBe('sweep-1');
  });

  it('gives a sweep parent its base spec as params and the sweep spec under sweep.', () => {
    const spec = syncSpec();
    const sweep = syncRun({ kind: 'sweep', sweep: { spec: testSweepSpec({ maxTrials: 4 }, spec), trialsStarted: 4 } });
    const params = new Map(mapRun(sweep).params.map((p) => [p.key, p.value]));
    expect(params.get('optimizer.learningRate')).toBe('0.001');
    expect(params.get('sweep.maxTrials')).toBe('4');
    expect(params.get('sweep.sampler.type')).toBe('random');
    expect(params.get('sweep.space.0.path')).toBe('optimizer.learningRate');
    expect([...params.keys()].some((k) => k.startsWith('sweep.base'))).toBe(false);
    for (const key of params.keys()) expect(keyProblem(key), key).toBeUndefined();
  });
});

describe('AutoML runs', () => {
  it('maps the parent: the AutoML spec as params, benchtop.automl tags', () => {
    const mapped = mapRun(automlParent());
    expect(Object.fromEntries(mapped.params.map((p) => [p.key, p.value]))).toEqual({
      'budget.trials': '3',
      families: '["logistic","knn"]',
      metric: 'log-loss',
      seed: '5',
      target: 'survived',
      'validation.folds': '3',
      'validation.kind': 'cv',
    });
    const tags = Object.fromEntries(mapped.tags.map((t) => [t.key, t.value]));
    expect(tags).toMatchObject({
      'benchtop.kind': 'automl',
      'benchtop.automl.task': 'binary',
      'benchtop.automl.metric': 'log-loss',
      'benchtop.automl.best_trial': '2',
      'benchtop.automl.recommended': 'trial 2',
      'benchtop.automl.stopped_by': 'trials',
      'benchtop.automl.trials_finished': '2',
    });
  });

  it('maps a trial: family and hyperparameters as params; its leaderboard metric, fold scores and fit time', () => {
    const trial = automlTrial(1);
    const mapped = mapRun(trial);
    expect(Object.fromEntries(mapped.params.map((p) => [p.key, p.value]))).toEqual({ family: 'knn', k: '4', weights: 'distance' });
    expect(Object.fromEntries(mapped.tags.map((t) => [t.key, t.value]))).toMatchObject({ 'benchtop.automl.family': 'knn', 'benchtop.automl.trial': '1', 'benchtop.trial.number': '1' });
    const metrics = mapMetrics(trial, [], { parent: automlParent() });
    expect(metrics.map((m) => [m.key, m.step, m.value])).toEqual([
      ['log-loss', 50, 0.45],
      ['log-loss_fold', 1, 0.5],
      ['log-loss_fold', 2, 0.4],
      ['log-loss_fold', 3, 0.45],
      ['log-loss_std', 50, 0.04],
      ['train_ms', 0, 12.5],
    ]);
    // The same record always maps to the same points (a repeated push sends nothing new).
    expect(mapMetrics(trial, [], { parent: automlParent() })).toEqual(metrics);
  });

  it('sends the parent leaderboard only once the job has ended, one point per trial by number', () => {
    const children = [automlTrial(2, { mean: 0.41 }), automlTrial(1, { mean: 0.45 }), syncRun({ id: 'other', kind: 'trial' })];
    expect(automlMetrics(automlParent({ status: 'running' }), { children })).toEqual([]);
    const points = automlMetrics(automlParent(), { children });
    expect(points.map((p) => [p.key, p.step, p.value])).toEqual([
      ['leaderboard_log-loss', 1, 0.45],
      ['leaderboard_log-loss', 2, 0.41],
    ]);
    // A stored series of the same key wins over the computed one.
    const stored = [{ runId: 'automl-1', key: 'leaderboard_log-loss', step: 1, value: 9, time: 1 }];
    expect(mapMetrics(automlParent(), stored, { children }).filter((m) => m.key === 'leaderboard_log-loss').map((m) => m.value)).toEqual([9]);
  });

  it('names a trial metric after its parent, falling back to the spec and then to score', () => {
    expect(automlMetricName(automlParent())).toBe('log-loss');
    expect(automlMetricName(automlParent({ automl: { ...automlInfo, metric: undefined } }))).toBe('log-loss');
    expect(automlMetricName(undefined)).toBe('score');
  });
});
