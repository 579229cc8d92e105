/**
 * @file Sweeps in storage: a sweep is a parent run (kind `sweep`: its `spec` the base training spec, `sweep` the sweep
 * spec and its state) whose trials are child runs (kind `trial`, `parentId` the sweep: their complete spec, and
 * `trial` their number and parameters). Everything a sweep needs to carry on after a reload is here; the runner
 * (`src/runtime/sweep-runner.ts`) and the CLI drive sweeps through these functions, and pages read them.
 */
import type { RunEnvironment, SweepRunInfo, TrialRunInfo } from '../protocol/run';
import type { ParamAssignment, SweepSpec } from '../protocol/sweep';
import type { TrainSpec } from '../protocol/train';
import type { SweepTrialSnapshot, SweepTrialStatus } from '../core/tune/sweep-plan';
import type { TrialProgress } from '../core/tune/termination/trial-progress';
import { metricSeries } from './metrics';
import type { RunRecord } from './records';
import { RunTransitionError, transitionRun } from './run-status';
import { createRun } from './runs';
import type { WorkspaceDb } from './workspace-schema';

/** What a new sweep needs; the spec should have passed validation (`src/core/tune/sweep-spec.ts`). */
export interface NewSweep {
  spec: SweepSpec;
  environment: RunEnvironment;
  /** Shown to the user; `sweep <short id>` by default. */
  name?: string;
  experimentId?: string;
  tags?: string[];
  notes?: string;
}

/** Creates a queued sweep run; the leading tab's sweep runner starts it. */
export async function createSweepRun(db: WorkspaceDb, init: NewSweep): Promise<RunRecord> {
  const info: SweepRunInfo = { spec: init.spec, trialsStarted: 0 };
  return createRun(db, {
    kind: 'sweep',
    spec: init.spec.base,
    sweep: info,
    environment: init.environment,
    name: init.name ?? `sweep ${crypto.randomUUID().slice(0, 8)}`,
    ...(init.experimentId === undefined ? {} : { experimentId: init.experimentId }),
    ...(init.tags === undefined ? {} : { tags: init.tags }),
    ...(init.notes === undefined ? {} : { notes: init.notes }),
  });
}

/** A sweep run and its sweep info; `undefined` when it does not exist. Throws when the run is not a sweep. */
export async function getSweep(db: WorkspaceDb, sweepId: string): Promise<(RunRecord & { sweep: SweepRunInfo }) | undefined> {
  const run = await db.runs.get(sweepId);
  if (!run) return undefined;
  return asSweep(run);
}

function asSweep(run: RunRecord): RunRecord & { sweep: SweepRunInfo } {
  if (run.kind !== 'sweep' || !run.sweep) throw new Error(`Run "${run.id}" is a ${run.kind} run, not a sweep`);
  return run as RunRecord & { sweep: SweepRunInfo };
}

async function requireSweep(db: WorkspaceDb, sweepId: string): Promise<RunRecord & { sweep: SweepRunInfo }> {
  const sweep = await getSweep(db, sweepId);
  if (!sweep) throw new Error(`Sweep "${sweepId}" does not exist`);
  return sweep;
}

/** A trial run, with its trial info. */
export type TrialRecord = RunRecord & { trial: TrialRunInfo };

/** The trials of a sweep, by trial number. Works inside `liveQuery`. */
export async function listTrials(db: WorkspaceDb, sweepId: string): Promise<TrialRecord[]> {
  const children = await db.runs.where('parentId').equals(sweepId).toArray();
  return children.filter((r): r is TrialRecord => r.kind === 'trial' && r.trial !== undefined).sort((a, b) => a.trial.number - b.trial.number);
}

/** A trial to create. */
export interface NewTrial {
  number: number;
  params: ParamAssignment;
  /** The complete training spec of the trial. */
  spec: TrainSpec;
  name: string;
}

/**
 * Creates queued trial runs of a running sweep and advances its `trialsStarted`, in one transaction: the numbers
 * must continue from `trialsStarted` without gaps, so that two writers (an old and a new leader) cannot create the
 * same trial twice. Throws when the sweep is not running or the numbers do not continue.
 */
export async function createTrialRuns(db: WorkspaceDb, sweepId: string, trials: readonly NewTrial[]): Promise<TrialRecord[]> {
  if (trials.length === 0) return [];
  return db.transaction('rw', db.runs, db.experiments, async () => {
    const sweep = await requireSweep(db, sweepId);
    if (sweep.status !== 'running') throw new Error(`Sweep "${sweepId}" is ${sweep.status}; trials are created only while it is running`);
    const numbers = trials.map((t) => t.number);
    const expected = numbers.map((_, i) => sweep.sweep.trialsStarted + i);
    if (numbers.some((n, i) => n !== expected[i])) {
      throw new Error(`Sweep "${sweepId}" has started ${sweep.sweep.trialsStarted} trials; the next trials are ${expected.join(', ')}, not ${numbers.join(', ')}`);
    }
    const created: TrialRecord[] = [];
    for (const trial of trials) {
      let run = (await createRun(db, {
        kind: 'trial',
        parentId: sweepId,
        spec: trial.spec,
        name: trial.name,
        environment: sweep.environment,
        trial: { number: trial.number, params: trial.params },
      })) as TrialRecord;
      // The queue starts the oldest run first: trials created in the same millisecond still start in number order.
      const previous = created[created.length - 1];
      if (previous && run.createdAt <= previous.createdAt) {
        run = { ...run, createdAt: previous.createdAt + 1 };
        await db.runs.put(run);
      }
      created.push(run);
    }
    const fresh = await requireSweep(db, sweepId);
    await db.runs.put({ ...fresh, sweep: { ...fresh.sweep, trialsStarted: expected[expected.length - 1] + 1 }, updatedAt: Date.now() });
    return created;
  });
}

/** What the runner changes in a sweep's info: the best trial so far and why it stopped starting trials. */
export interface SweepInfoUpdate {
  best?: SweepRunInfo['best'] | null;
  stopReason?: string | null;
}

/** Updates a sweep's info (`null` removes a field). Returns the updated run. */
export async function updateSweepInfo(db: WorkspaceDb, sweepId: string, changes: SweepInfoUpdate): Promise<RunRecord> {
  return db.transaction('rw', db.runs, async () => {
    const sweep = await requireSweep(db, sweepId);
    const info: SweepRunInfo = { ...sweep.sweep };
    if (changes.best === null) delete info.best;
    else if (changes.best !== undefined) info.best = changes.best;
    if (changes.stopReason === null) delete info.stopReason;
    else if (changes.stopReason !== undefined) info.stopReason = changes.stopReason;
    const next = { ...sweep, sweep: info, updatedAt: Date.now() };
    await db.runs.put(next);
    return next;
  });
}

/** Sets a trial's primary-metric value and, for a trial stopped early, the reason (`null` removes it). Works in any status. */
export async function updateTrialInfo(db: WorkspaceDb, trialId: string, changes: { value?: number; stoppedEarly?: string | null }): Promise<TrialRecord> {
  return db.transaction('rw', db.runs, async () => {
    const run = await db.runs.get(trialId);
    if (!run) throw new Error(`Trial "${trialId}" does not exist`);
    if (run.kind !== 'trial' || !run.trial) throw new Error(`Run "${trialId}" is a ${run.kind} run, not a trial`);
    const trial: TrialRunInfo = { ...run.trial, ...(changes.value === undefined ? {} : { value: changes.value }) };
    if (changes.stoppedEarly === null) delete trial.stoppedEarly;
    else if (changes.stoppedEarly !== undefined) trial.stoppedEarly = changes.stoppedEarly;
    const next = { ...run, trial, updatedAt: Date.now() } as TrialRecord;
    await db.runs.put(next);
    return next;
  });
}

/**
 * Marks a trial stopped early by a policy or the time budget (`reason`), keeping the primary metric's last value, when
 * it is still queued, running or interrupted; the caller then cancels it (its status becomes `canceled`; with
 * `stoppedEarly` set it counts as pruned). Returns `undefined`, changing nothing, when the trial already ended.
 */
export async function markTrialStoppedEarly(db: WorkspaceDb, trialId: string, reason: string, value?: number): Promise<TrialRecord | undefined> {
  return db.transaction('rw', db.runs, async () => {
    const run = await db.runs.get(trialId);
    if (!run || !['queued', 'running', 'interrupted'].includes(run.status)) return undefined;
    return updateTrialInfo(db, trialId, { stoppedEarly: reason, ...(value === undefined ? {} : { value }) });
  });
}

/**
 * Cancels a sweep (queued, running or interrupted → canceled). Returns the ids of its trials that are still queued,
 * running or interrupted: the caller cancels them through the job runtime, which stops their workers. A sweep that
 * already ended is left alone (its active trials, if any, are still returned).
 */
export async function cancelSweepRun(db: WorkspaceDb, sweepId: string): Promise<string[]> {
  return db.transaction('rw', db.runs, async () => {
    const sweep = await requireSweep(db, sweepId);
    if (sweep.status === 'queued' || sweep.status === 'running' || sweep.status === 'interrupted') {
      try {
        await transitionRun(db, sweepId, 'canceled');
      } catch (err) {
        if (!(err instanceof RunTransitionError)) throw err;
      }
    }
    const trials = await listTrials(db, sweepId);
    return trials.filter((t) => t.status === 'queued' || t.status === 'running' || t.status === 'interrupted').map((t) => t.id);
  });
}

/**
 * Where a trial is, for the planner and the sweep table: `queued`; `running` (an interrupted trial too: it holds its
 * slot until resumed or canceled); `complete`; `failed`; `pruned` (canceled with a `stoppedEarly` reason);
 * `canceled` (by a person).
 */
export function trialStatus(run: TrialRecord): SweepTrialStatus {
  switch (run.status) {
    case 'queued':
      return 'queued';
    case 'running':
    case 'interrupted':
      return 'running';
    case 'completed':
      return 'complete';
    case 'failed':
      return 'failed';
    case 'canceled':
      return run.trial.stoppedEarly === undefined ? 'canceled' : 'pruned';
  }
}

/** A trial as the planner reads it. */
export function trialSnapshot(run: TrialRecord): SweepTrialSnapshot {
  return { number: run.trial.number, status: trialStatus(run), params: run.trial.params, ...(run.trial.value === undefined ? {} : { value: run.trial.value }) };
}

/** A trial's per-epoch series of one metric, with its run id: `values[e - 1]` after epoch `e`. */
export interface TrialCurve extends TrialProgress {
  runId: string;
}

/** The per-epoch values of `key` (points at steps 1, 2, ...) of one run. */
export async function epochValues(db: WorkspaceDb, runId: string, key: string): Promise<(number | undefined)[]> {
  const values: (number | undefined)[] = [];
  for (const point of await metricSeries(db, runId, key, 1)) values[point.step - 1] = point.value;
  // Holes (an epoch without a point) stay undefined: termination policies read them as "not reported".
  return Array.from(values);
}

/** Every trial's curve of the metric `key` (for charts and for early termination), by trial number. */
export async function trialCurves(db: WorkspaceDb, sweepId: string, key: string): Promise<TrialCurve[]> {
  const trials = await listTrials(db, sweepId);
  return Promise.all(trials.map(async (t) => ({ runId: t.id, trialNumber: t.trial.number, values: await epochValues(db, t.id, key) })));
}
