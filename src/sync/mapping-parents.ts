/**
 * @file What sweeps and AutoML jobs add to a run's MLflow mapping, pure. MLflow nests runs by the child's
 * `mlflow.parentRunId` tag (set by `mapping.ts` from `RunContext.remoteParentRunId`); this file says what the parents
 * and the AutoML trials carry:
 * - a sweep parent: its base training spec as params, plus the sweep spec (space, sampler, metric, budget) under
 *   `sweep.`;
 * - an AutoML parent (kind `automl`): the AutoML job spec, flattened (`target`, `budget.trials`, `validation.folds`...),
 *   `benchtop.automl.*` tags (task, metric, best trial, why it stopped), and once it has ended the leaderboard as a
 *   series (`leaderboard_<metric>`, one point per trial: step = trial number, value = its cross-validated mean);
 * - an AutoML trial: its family and hyperparameters as params, its leaderboard metric (the summary's `<metric>` and
 *   `<metric>_std`, pushed as every run's summary is), the fold scores (`<metric>_fold`, step = fold number) and the
 *   fit time (`train_ms`).
 */
import type { MetricRecord, RunRecord } from '../storage/records';
import type { MlflowKeyValue } from './mlflow-wire';

/** A metric point computed from a record (not stored as a series): `runId` is the run's. */
export type DerivedMetric = Omit<MetricRecord, 'split'>;

/** The primary AutoML metric of a trial: its own parent's, else the spec's; `score` when neither says. */
export function automlMetricName(parent: RunRecord | undefined): string {
  return parent?.automl?.metric ?? parent?.automl?.spec.metric ?? 'score';
}

/** Params of a run that is a parent or an AutoML trial; undefined for other runs (their spec is their params). */
export function parentOrTrialParams(run: RunRecord, flatten: (value: unknown, prefix?: string) => MlflowKeyValue[]): MlflowKeyValue[] | undefined {
  if (run.kind === 'automl' && run.automl) return flatten(run.automl.spec);
  if (run.kind === 'trial' && run.automlTrial) return flatten({ ...run.automlTrial.params, family: run.automlTrial.family });
  if (run.kind === 'sweep' && run.sweep) {
    const { base: _base, ...sweep } = run.sweep.spec;
    return [...flatten(run.spec), ...flatten(sweep, 'sweep')];
  }
  return undefined;
}

/** `benchtop.automl.*` tags of an AutoML parent or trial (values as text; empty ones are dropped by the caller). */
export function automlTags(run: RunRecord): Array<[string, string | number | undefined]> {
  const info = run.automl;
  if (run.kind === 'automl' && info) {
    return [
      ['benchtop.automl.task', info.task],
      ['benchtop.automl.metric', info.metric],
      ['benchtop.automl.trials_finished', info.trialsFinished],
      ['benchtop.automl.best_trial', info.bestTrial?.trial],
      ['benchtop.automl.best_family', info.bestTrial?.family],
      ['benchtop.automl.recommended', info.best ? (info.best.kind === 'ensemble' ? 'ensemble' : `trial ${info.best.trial}`) : undefined],
      ['benchtop.automl.stopped_by', info.stoppedBy],
      ['benchtop.automl.message', info.message],
    ];
  }
  const trial = run.automlTrial;
  if (run.kind === 'trial' && trial) {
    return [
      ['benchtop.automl.family', trial.family],
      ['benchtop.automl.trial', trial.number],
    ];
  }
  return [];
}

/**
 * Metric points computed from an AutoML record: a trial's fold scores and fit time, or (once the job has ended) the
 * parent's leaderboard series over `children`. Timestamps are the run's end (or last change), so the same record
 * always gives the same points.
 */
export function automlMetrics(run: RunRecord, context: { parent?: RunRecord; children?: readonly RunRecord[] }): DerivedMetric[] {
  const time = Math.round(run.endedAt ?? run.updatedAt);
  const trial = run.automlTrial;
  if (run.kind === 'trial' && trial) {
    const metric = automlMetricName(context.parent);
    return [
      ...trial.foldScores.map((value, i) => ({ runId: run.id, key: `${metric}_fold`, step: i + 1, value, time })),
      { runId: run.id, key: 'train_ms', step: 0, value: trial.trainMs, time },
    ];
  }
  const ended = run.status === 'completed' || run.status === 'failed' || run.status === 'canceled';
  if (run.kind !== 'automl' || !run.automl || !ended) return [];
  const metric = automlMetricName(run);
  // Only once ended: every trial is recorded then, so the series goes in one push (a push never sends a step below
  // one it already sent for a key).
  return (context.children ?? [])
    .flatMap((child) => (child.automlTrial ? [{ runId: run.id, key: `leaderboard_${metric}`, step: child.automlTrial.number, value: child.automlTrial.mean, time: Math.round(child.endedAt ?? child.updatedAt) }] : []))
    .sort((a, b) => a.step - b.step);
}
