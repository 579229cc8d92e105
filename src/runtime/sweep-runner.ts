/**
 * @file The leader's sweep runner: drives every queued or running sweep of the workspace from storage. It exists only
 * in the tab that leads the job queue (`JobRuntime` creates it), and keeps nothing that storage does not have, so a
 * new leader (after a reload, or another tab) carries on where the last one stopped: trial numbers continue from the
 * sweep's `trialsStarted`, the sampler suggests the same trials from the same history, and interrupted trials are
 * resumed by the runtime's recovery like any run.
 *
 * On every change to a sweep or its trials (a `liveQuery`), one pass per sweep, one at a time:
 * - a queued sweep starts (running, its `startedAt` the start of its time budget); a sweep whose dataset version is
 *   gone fails, canceling its trials;
 * - each running trial's newly reported epochs are judged (`judgeEpochs`: a non-finite metric or training loss fails
 *   the trial; the early-termination policy may stop it: `trial.stoppedEarly` and its last value are written, then it
 *   is canceled through the job queue); a primary metric the trials do not record fails the sweep, naming the keys
 *   they do record;
 * - a completed trial gets its value (the metric in its summary, else its last point) and the best trial is updated;
 * - the planner (`planSweep`) says which trials to create (queued child runs: the job queue runs them on the worker
 *   pool, within the global concurrency) and when the sweep is finished: completed with `best_<metric>` and trial
 *   counts in its summary, or failed when no trial completed with a value.
 *
 * Time budget: wall time from the sweep's start. When it is spent no trial starts, and the active trials are stopped
 * (as Azure ML does): they end canceled with `stoppedEarly` "time budget", keeping their last value.
 */
import { liveQuery, type Subscription } from 'dexie';
import { bestTrial, isActiveTrial, planSweep, sweepOutcome, sweepSampler, trialName, trialSpec, type PlannedTrial } from '../core/tune/sweep-plan';
import type { Sampler } from '../core/tune/samplers/sampler';
import type { MetricValue, SweepRunInfo } from '../protocol/run';
import type { SweepSpec } from '../protocol/sweep';
import { getVersion } from '../storage/datasets';
import type { RunRecord } from '../storage/records';
import { RunTransitionError, transitionRun } from '../storage/run-status';
import {
  createTrialRuns,
  getSweep,
  listTrials,
  markTrialStoppedEarly,
  trialSnapshot,
  updateSweepInfo,
  updateTrialInfo,
  type TrialRecord,
} from '../storage/sweeps';
import type { WorkspaceDb } from '../storage/workspace-schema';
import { SweepStop, SweepTrialJudge } from './sweep-trial-judge';

/** Something the runner did, for logs and tests. */
export type SweepRunnerEvent =
  | { type: 'sweep-started'; sweepId: string }
  | { type: 'trials-created'; sweepId: string; numbers: number[] }
  | { type: 'trial-stopped'; sweepId: string; trialId: string; reason: string; failed: boolean }
  | { type: 'sweep-ended'; sweepId: string; status: 'completed' | 'failed'; message?: string };

/** What the runner needs from the runtime around it. */
export interface SweepRunnerOptions {
  db: WorkspaceDb;
  /** Cancels a trial run through the job queue (stops its worker; a queued one never starts). */
  cancelRun: (runId: string) => Promise<void>;
  /** New trials were queued: schedule them. */
  wake: () => void;
  /** Epoch milliseconds; `Date.now` by default. */
  now?: () => number;
  onEvent?: (event: SweepRunnerEvent) => void;
}

type SweepRecord = RunRecord & { sweep: SweepRunInfo };

/** Drives the workspace's sweeps while this tab leads. `start()` once; `stop()` when leadership ends. */
export class SweepRunner {
  readonly #options: SweepRunnerOptions;
  readonly #db: WorkspaceDb;
  readonly #now: () => number;
  /** Samplers by sweep id: a pure function of seed and history, kept so that a grid is enumerated once. */
  readonly #samplers = new Map<string, Sampler>();
  readonly #judge: SweepTrialJudge;
  /** Trials this runner asked to cancel. */
  readonly #canceling = new Set<string>();
  readonly #budgetTimers = new Map<string, ReturnType<typeof setTimeout>>();
  #watch: Subscription | undefined;
  #pass: Promise<void> | undefined;
  #again = false;
  #stopped = false;

  constructor(options: SweepRunnerOptions) {
    this.#options = options;
    this.#db = options.db;
    this.#now = options.now ?? Date.now;
    this.#judge = new SweepTrialJudge(options.db);
  }

  /** Watches the sweeps and their trials, and advances them on every change. */
  start(): void {
    if (this.#watch || this.#stopped) return;
    const db = this.#db;
    this.#watch = liveQuery(async () => {
      const sweeps = await db.runs.where('kind').equals('sweep').filter((r) => r.status === 'queued' || r.status === 'running').toArray();
      const trials = await Promise.all(sweeps.map((s) => db.runs.where('parentId').equals(s.id).toArray()));
      return { sweeps, trials };
    }).subscribe({
      next: () => this.wake(),
      error: (err: unknown) => console.error('Could not watch the sweeps', err),
    });
  }

  /** Advances every sweep now (or once more after the pass in progress). */
  wake(): void {
    if (this.#stopped) return;
    if (this.#pass) {
      this.#again = true;
      return;
    }
    this.#pass = (async () => {
      do {
        this.#again = false;
        await this.#advanceAll();
      } while (this.#again && !this.#stopped);
    })()
      .catch((err: unknown) => console.error('Could not advance the sweeps', err))
      .finally(() => (this.#pass = undefined));
  }

  /** Resolves when the pass in progress (if any) is done (tests, orderly shutdown). */
  async idle(): Promise<void> {
    while (this.#pass) await this.#pass;
  }

  /** Stops watching and writing; resolves once the pass in progress is done. A new leader's runner takes over. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#watch?.unsubscribe();
    this.#watch = undefined;
    for (const timer of this.#budgetTimers.values()) clearTimeout(timer);
    this.#budgetTimers.clear();
    await this.idle();
  }

  async #advanceAll(): Promise<void> {
    const sweeps = await this.#db.runs.where('kind').equals('sweep').filter((r) => r.status === 'queued' || r.status === 'running').toArray();
    for (const { id, name } of sweeps.sort((a, b) => a.createdAt - b.createdAt)) {
      if (this.#stopped) return;
      try {
        await this.#advance(id);
      } catch (err) {
        if (this.#stopped) return;
        if (err instanceof SweepStop) await this.#fail(id, err.message);
        else console.error(`Could not advance sweep "${name}"`, err);
      }
    }
  }

  async #advance(sweepId: string): Promise<void> {
    const db = this.#db;
    let sweep = await getSweep(db, sweepId);
    if (!sweep || this.#stopped) return;
    if (sweep.status === 'queued') {
      await this.#requireDataset(sweep);
      const started = await moveRun(db, sweepId, 'running');
      if (!started) return;
      sweep = started as SweepRecord;
      this.#options.onEvent?.({ type: 'sweep-started', sweepId });
    }
    if (sweep.status !== 'running') return;
    await this.#requireDataset(sweep);
    const spec = sweep.sweep.spec;

    let trials = await listTrials(db, sweepId);
    // A trial stopped early whose cancel did not take (the last leader closed first) is canceled again.
    for (const t of trials) if (t.trial.stoppedEarly !== undefined && isActiveTrial(trialSnapshot(t))) this.#cancel(t.id);
    if (await this.#stopJudgedTrials(spec, trials)) trials = await listTrials(db, sweepId);
    // The trials as planned from here on: those completed meanwhile are not in this list, and wait for the next pass.
    trials = await this.#withValues(spec, trials);
    if (this.#stopped) return;

    const snapshots = trials.map(trialSnapshot);
    const best = bestTrial(
      trials.map((t, i) => ({ ...snapshots[i], runId: t.id })),
      spec.metric.goal,
    );
    const bestInfo = best && { runId: best.runId, trialNumber: best.number, value: best.value as number };
    if (!sameBest(sweep.sweep.best, bestInfo)) sweep = (await updateSweepInfo(db, sweepId, { best: bestInfo ?? null })) as SweepRecord;

    const elapsedMs = this.#now() - (sweep.startedAt ?? this.#now());
    let plan;
    try {
      plan = planSweep({ spec, trials: snapshots, trialsStarted: sweep.sweep.trialsStarted, elapsedMs, sampler: this.#sampler(sweepId, spec) });
    } catch (err) {
      throw new SweepStop(`The sweep cannot plan its next trial: ${messageOf(err)}`);
    }
    if (plan.stopReason !== undefined && plan.stopReason !== sweep.sweep.stopReason) await updateSweepInfo(db, sweepId, { stopReason: plan.stopReason });
    if (this.#stopped) return;

    if (plan.stopActive) {
      for (const t of trials) {
        if (!isActiveTrial(trialSnapshot(t)) || t.trial.stoppedEarly !== undefined) continue;
        const values = await this.#judge.curve(t, spec.metric.key);
        const last = [...values].reverse().find((v) => v !== undefined);
        const reason = `${plan.stopReason}; ${t.progress.epoch > 0 ? `stopped after epoch ${t.progress.epoch}` : 'stopped before it started'}.`;
        if (await markTrialStoppedEarly(db, t.id, reason, last)) this.#stopTrial(sweepId, t.id, reason, false);
      }
    }
    if (plan.start.length > 0) await this.#createTrials(sweep, plan.start);
    if (plan.done) await this.#finish(sweep, trials);
    else this.#watchBudget(sweep);
  }

  /** The sweep's dataset version must still exist; a `SweepStop` otherwise. */
  async #requireDataset(sweep: SweepRecord): Promise<void> {
    const { versionId, datasetId } = sweep.spec.data;
    if (!(await getVersion(this.#db, versionId))) {
      throw new SweepStop(`The sweep's dataset version "${versionId}" (dataset "${datasetId}") no longer exists; the sweep cannot go on`);
    }
  }

  #sampler(sweepId: string, spec: SweepSpec): Sampler {
    let sampler = this.#samplers.get(sweepId);
    if (!sampler) {
      sampler = sweepSampler(spec);
      this.#samplers.set(sweepId, sampler);
    }
    return sampler;
  }

  async #createTrials(sweep: SweepRecord, planned: readonly PlannedTrial[]): Promise<void> {
    const spec = sweep.sweep.spec;
    let trials;
    try {
      trials = planned.map((p) => ({ number: p.number, params: p.params, spec: trialSpec(spec, p), name: trialName(sweep.name, p.number) }));
    } catch (err) {
      throw new SweepStop(`The sweep cannot build trial ${planned[0].number}: ${messageOf(err)}`);
    }
    if (this.#stopped) return;
    try {
      await createTrialRuns(this.#db, sweep.id, trials);
    } catch (err) {
      // Canceled or deleted meanwhile: nothing to start.
      if ((await getSweep(this.#db, sweep.id))?.status !== 'running') return;
      throw err;
    }
    this.#options.onEvent?.({ type: 'trials-created', sweepId: sweep.id, numbers: trials.map((t) => t.number) });
    this.#options.wake();
  }

  /** Stops the trials the judge says should stop: failed when diverged, else stopped early. True when one stopped. */
  async #stopJudgedTrials(spec: SweepSpec, trials: readonly TrialRecord[]): Promise<boolean> {
    const stops = await this.#judge.verdicts(spec, trials, (trialId) => this.#canceling.has(trialId));
    for (const { trial, verdict } of stops) {
      if (this.#stopped) break;
      const stopped = verdict.notFinite
        ? await moveRun(this.#db, trial.id, 'failed', { error: { message: verdict.reason, code: 'TrialDiverged' } })
        : await markTrialStoppedEarly(this.#db, trial.id, verdict.reason, verdict.value);
      if (stopped) this.#stopTrial(trial.parentId as string, trial.id, verdict.reason, verdict.notFinite);
    }
    return stops.length > 0;
  }

  /**
   * Writes the final value of completed trials that have none yet, and returns the trials as written. A trial that
   * completed before the cancel of an early stop reached it finished anyway: its stop reason is dropped and its final
   * value kept.
   */
  async #withValues(spec: SweepSpec, trials: readonly TrialRecord[]): Promise<TrialRecord[]> {
    const out: TrialRecord[] = [];
    for (const t of trials) {
      const stale = t.trial.stoppedEarly !== undefined;
      if (t.status !== 'completed' || this.#stopped || (t.trial.value !== undefined && !stale)) {
        out.push(t);
        continue;
      }
      const value = finalValue(t.summary, spec.metric.key) ?? [...(await this.#judge.curve(t, spec.metric.key))].reverse().find((v) => v !== undefined);
      out.push(value === undefined && !stale ? t : await updateTrialInfo(this.#db, t.id, { ...(value === undefined ? {} : { value }), stoppedEarly: null }));
    }
    return out;
  }

  #stopTrial(sweepId: string, trialId: string, reason: string, failed: boolean): void {
    this.#options.onEvent?.({ type: 'trial-stopped', sweepId, trialId, reason, failed });
    this.#cancel(trialId);
  }

  #cancel(trialId: string): void {
    if (this.#canceling.has(trialId)) return;
    this.#canceling.add(trialId);
    this.#options.cancelRun(trialId).catch((err: unknown) => console.error(`Could not cancel trial ${trialId}`, err));
  }

  /** Every trial ended and none will start: completed with the best value, or failed when no trial completed. */
  async #finish(sweep: SweepRecord, trials: readonly TrialRecord[]): Promise<void> {
    if (this.#stopped) return;
    const outcome = sweepOutcome(
      sweep.sweep.spec,
      trials.map((t) => ({ ...trialSnapshot(t), ...(t.error ? { error: t.error.message } : {}) })),
    );
    if (outcome.status === 'failed') {
      await this.#fail(sweep.id, outcome.message);
      return;
    }
    if (await moveRun(this.#db, sweep.id, 'completed', { summary: outcome.summary })) {
      this.#forget(sweep.id, trials);
      this.#options.onEvent?.({ type: 'sweep-ended', sweepId: sweep.id, status: 'completed' });
    }
  }

  /** Fails the sweep (through `running` if it was queued) with `message`, and cancels its active trials. */
  async #fail(sweepId: string, message: string): Promise<void> {
    const sweep = await getSweep(this.#db, sweepId);
    if (!sweep || this.#stopped) return;
    if (sweep.status === 'queued') await moveRun(this.#db, sweepId, 'running');
    if (!(await moveRun(this.#db, sweepId, 'failed', { error: { message, code: 'SweepFailed' } }))) return;
    const trials = await listTrials(this.#db, sweepId);
    for (const t of trials) if (isActiveTrial(trialSnapshot(t))) this.#cancel(t.id);
    this.#forget(sweepId, trials);
    this.#options.onEvent?.({ type: 'sweep-ended', sweepId, status: 'failed', message });
  }

  /** The sweep ended: drop what the runner kept for it. */
  #forget(sweepId: string, trials: readonly TrialRecord[]): void {
    this.#samplers.delete(sweepId);
    clearTimeout(this.#budgetTimers.get(sweepId));
    this.#budgetTimers.delete(sweepId);
    this.#judge.forget(trials.map((t) => t.id));
  }

  /** Wakes the runner when the sweep's time budget runs out, so that its trials stop on time. */
  #watchBudget(sweep: SweepRecord): void {
    const budget = sweep.sweep.spec.timeBudgetMs;
    if (budget === undefined || sweep.startedAt === undefined || this.#budgetTimers.has(sweep.id) || this.#stopped) return;
    const left = sweep.startedAt + budget - this.#now();
    if (left <= 0) return;
    this.#budgetTimers.set(
      sweep.id,
      setTimeout(() => {
        this.#budgetTimers.delete(sweep.id);
        this.wake();
      }, left + 1),
    );
  }
}

/** The metric's value in a run summary (the epoch whose weights were kept), if it has one. */
function finalValue(summary: readonly MetricValue[], key: string): number | undefined {
  return summary.find((m) => m.key === key)?.value;
}

function sameBest(a: SweepRunInfo['best'], b: SweepRunInfo['best']): boolean {
  return a?.runId === b?.runId && a?.value === b?.value;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Moves a run to `to`; `undefined` when another writer got there first (the run ended, or was deleted). */
async function moveRun(db: WorkspaceDb, runId: string, to: 'running' | 'completed' | 'failed', update: Parameters<typeof transitionRun>[3] = {}): Promise<RunRecord | undefined> {
  try {
    return await transitionRun(db, runId, to, update);
  } catch (err) {
    if (err instanceof RunTransitionError || (await db.runs.get(runId)) === undefined) return undefined;
    throw err;
  }
}
