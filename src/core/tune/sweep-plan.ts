/**
 * @file The sweep planner, shared by the lab's sweep runner and the CLI: from a sweep spec and its trials as they
 * stand, which trials to start now (numbers and parameters), whether the sweep has stopped starting trials and why,
 * whether it is finished, which trial is best, and whether a trial that just reported an epoch should stop.
 * Pure and deterministic: a sweep resumed from storage, with the same trials, plans the same next trials.
 *
 * Budgets, as Azure ML sweeps have them: `maxTrials` trials in all; at most `maxConcurrentTrials` queued or running
 * at once; `timeBudgetMs` of wall time from the sweep's start, after which no trial starts and the active ones are
 * stopped (they end stopped early, keeping their last value); a grid stops when every point had its trial.
 */
import type { MetricValue } from '../../protocol/run';
import type { TrainSpec } from '../../protocol/train';
import type { MetricGoal } from '../../protocol/termination';
import type { ParamAssignment, SweepSpec, TrialObservation } from '../../protocol/sweep';
import { applyParams } from './apply-params';
import { createSampler, type Sampler } from './samplers/sampler';
import { shouldStop } from './termination/should-stop';
import type { TrialProgress } from './termination/trial-progress';

/**
 * A trial as the planner sees it: `queued` and `running` are active (an interrupted trial counts as running: it holds
 * its slot until it is resumed or canceled); `pruned` was stopped early (by a policy or the time budget); `canceled`
 * was canceled by a person.
 */
export type SweepTrialStatus = 'queued' | 'running' | 'complete' | 'failed' | 'pruned' | 'canceled';

/** One trial of the sweep, in any state. */
export interface SweepTrialSnapshot {
  /** 0-based, in order of creation. */
  number: number;
  status: SweepTrialStatus;
  params: ParamAssignment;
  /** The primary metric: final (complete) or last reported (pruned). */
  value?: number;
}

/** What {@link planSweep} reads. */
export interface SweepPlanInput {
  spec: SweepSpec;
  trials: readonly SweepTrialSnapshot[];
  /** Trial numbers handed out so far; trials deleted by a person leave gaps, never reused numbers. Default: highest number + 1. */
  trialsStarted?: number;
  /** Wall time since the sweep started. */
  elapsedMs: number;
  /** The sweep's sampler, when the caller keeps one (a grid enumerates its points once); made from the spec otherwise. */
  sampler?: Sampler;
}

/** A trial to create now. */
export interface PlannedTrial {
  number: number;
  params: ParamAssignment;
}

/** What to do now. */
export interface SweepPlan {
  /** Trials to create, in number order. */
  start: PlannedTrial[];
  /** Why the sweep starts no more trials; absent while it may start more. */
  stopReason?: string;
  /** The time budget is spent while trials are active: stop them. */
  stopActive: boolean;
  /** No trial will start again and none is active: the sweep is finished. */
  done: boolean;
}

const ACTIVE: ReadonlySet<SweepTrialStatus> = new Set(['queued', 'running']);

/** Whether a trial holds one of the sweep's concurrent slots. */
export function isActiveTrial(trial: Pick<SweepTrialSnapshot, 'status'>): boolean {
  return ACTIVE.has(trial.status);
}

/** The sampler of a sweep spec (seeded with the sweep's seed). */
export function sweepSampler(spec: SweepSpec): Sampler {
  return createSampler({ base: spec.base, space: spec.space, sampler: spec.sampler, goal: spec.metric.goal }, spec.seed);
}

/** Plans the next step of a sweep (see the file comment). */
export function planSweep(input: SweepPlanInput): SweepPlan {
  const { spec, trials, elapsedMs } = input;
  const active = trials.filter(isActiveTrial).length;
  let next = Math.max(input.trialsStarted ?? 0, ...trials.map((t) => t.number + 1), 0);
  const sampler = input.sampler ?? sweepSampler(spec);
  const budgetSpent = spec.timeBudgetMs !== undefined && elapsedMs >= spec.timeBudgetMs;
  const exhausted =
    next >= spec.maxTrials
      ? `Reached the maximum of ${spec.maxTrials} trial${spec.maxTrials === 1 ? '' : 's'}`
      : sampler.size !== undefined && next >= sampler.size
        ? gridExhausted(sampler.size)
        : undefined;
  if (budgetSpent) {
    const stopReason = active > 0 || exhausted === undefined ? `The time budget of ${formatDuration(spec.timeBudgetMs as number)} is spent` : exhausted;
    return { start: [], stopReason, stopActive: active > 0, done: active === 0 };
  }
  if (exhausted !== undefined) return { start: [], stopReason: exhausted, stopActive: false, done: active === 0 };

  const history = trialObservations(trials, next);
  const start: PlannedTrial[] = [];
  let stopReason: string | undefined;
  const slots = Math.min(spec.maxConcurrentTrials - active, spec.maxTrials - next);
  for (let i = 0; i < slots; i++) {
    const params = sampler.suggest(history);
    if (params === null) {
      stopReason = gridExhausted(next);
      break;
    }
    start.push({ number: next, params });
    history.push({ params, state: 'running' });
    next++;
  }
  return { start, ...(stopReason === undefined ? {} : { stopReason }), stopActive: false, done: stopReason !== undefined && active === 0 && start.length === 0 };
}

function gridExhausted(points: number): string {
  return `Every point of the grid (${points}) has had its trial`;
}

/**
 * What the sampler sees: one observation per trial number `0..count-1`, in number order; a number whose trial was
 * deleted counts as a failed trial without parameters (samplers learn nothing from it, and numbers stay aligned).
 */
export function trialObservations(trials: readonly SweepTrialSnapshot[], count: number): TrialObservation[] {
  const byNumber = new Map(trials.map((t) => [t.number, t]));
  return Array.from({ length: count }, (_, n): TrialObservation => {
    const trial = byNumber.get(n);
    if (!trial) return { params: {}, state: 'failed' };
    const value = trial.value !== undefined ? { value: trial.value } : {};
    switch (trial.status) {
      case 'queued':
      case 'running':
        return { params: trial.params, state: 'running' };
      case 'complete':
        return { params: trial.params, state: 'complete', ...value };
      case 'pruned':
        return { params: trial.params, state: 'pruned', ...value };
      case 'failed':
      case 'canceled':
        return { params: trial.params, state: 'failed' };
    }
  });
}

/** The best complete trial: finite value, best in the goal's direction, the smaller number on ties; NaN is never best. */
export function bestTrial<T extends Pick<SweepTrialSnapshot, 'number' | 'status' | 'value'>>(trials: readonly T[], goal: MetricGoal): T | undefined {
  let best: T | undefined;
  for (const trial of trials) {
    if (trial.status !== 'complete' || trial.value === undefined || !Number.isFinite(trial.value)) continue;
    if (!best || better(goal, trial, best)) best = trial;
  }
  return best;
}

function better(goal: MetricGoal, a: { number: number; value?: number }, b: { number: number; value?: number }): boolean {
  const x = a.value as number;
  const y = b.value as number;
  if (x !== y) return goal === 'maximize' ? x > y : x < y;
  return a.number < b.number;
}

/** How a finished sweep ends. */
export type SweepOutcome<T> = { status: 'completed'; best: T; summary: MetricValue[] } | { status: 'failed'; message: string };

/**
 * The end of a sweep whose trials all ended: completed, with `best_<metric>` and the trial counts as its summary, when
 * a trial completed with a finite value; failed otherwise, with the counts and the first failed trial's error.
 */
export function sweepOutcome<T extends SweepTrialSnapshot & { error?: string }>(spec: SweepSpec, trials: readonly T[]): SweepOutcome<T> {
  const count = (status: SweepTrialStatus) => trials.filter((t) => t.status === status).length;
  const best = bestTrial(trials, spec.metric.goal);
  if (!best) {
    const failed = trials.find((t) => t.status === 'failed' && t.error);
    const message =
      `None of the ${trials.length} trials completed with a value of ${spec.metric.key}` +
      ` (${count('failed')} failed, ${count('pruned')} stopped early, ${count('canceled')} canceled)` +
      (failed ? `; trial ${failed.number} failed with: ${failed.error}` : '');
    return { status: 'failed', message };
  }
  const summary: MetricValue[] = [
    { key: `best_${spec.metric.key}`, value: best.value as number },
    { key: 'trials', value: trials.length },
    { key: 'completed_trials', value: count('complete') },
    { key: 'pruned_trials', value: count('pruned') },
    { key: 'failed_trials', value: count('failed') },
  ];
  return { status: 'completed', best, summary };
}

/**
 * The training spec of a trial: the base spec with the trial's parameters written at their paths. It keeps the base
 * spec's seed (so every trial is measured on the same split, from the same starting draw: trials differ only by their
 * parameters), unless the search space sets `seed` itself.
 */
export function trialSpec(spec: SweepSpec, trial: PlannedTrial): TrainSpec {
  return applyParams(spec.base, spec.space, trial.params);
}

/** A trial's name: `<sweep name> · trial <n>`, the sweep name shortened so that the whole fits 200 characters. */
export function trialName(sweepName: string, number: number): string {
  const suffix = ` · trial ${number}`;
  const room = 200 - suffix.length;
  return `${sweepName.length > room ? `${sweepName.slice(0, room - 1)}…` : sweepName}${suffix}`;
}

/** Why a trial stops after an epoch, and the value it keeps. */
export type EpochVerdict = { stop: false } | { stop: true; epoch: number; reason: string; notFinite: boolean; value: number | undefined };

/** A trial that just reported epochs, for {@link judgeEpochs}. */
export interface ReportedTrial extends TrialProgress {
  /** Its planned epochs (its spec's `epochs`). */
  maxEpochs: number;
  /** The training loss per epoch (`trainLoss[e - 1]`), when known: a non-finite one fails the trial like a non-finite metric. */
  trainLoss?: readonly (number | undefined)[];
}

/**
 * Whether `trial` stops after one of epochs `fromEpoch..toEpoch` (checked in order; the first stop wins), given the
 * sweep's other trials (any state; `others` may include `trial`). A non-finite primary metric or training loss stops
 * it as diverged (`notFinite`, the trial is to fail) under every policy, `none` included; otherwise the sweep's
 * early-termination policy decides.
 */
export function judgeEpochs(spec: SweepSpec, trial: ReportedTrial, others: readonly TrialProgress[], fromEpoch: number, toEpoch: number): EpochVerdict {
  const key = spec.metric.key;
  const last = Math.min(toEpoch, trial.values.length);
  for (let epoch = Math.max(1, fromEpoch); epoch <= last; epoch++) {
    const value = trial.values[epoch - 1];
    const loss = trial.trainLoss?.[epoch - 1];
    if (value !== undefined && !Number.isFinite(value)) {
      return { stop: true, epoch, reason: `Stopped at epoch ${epoch}: ${key} is ${value}; training diverged.`, notFinite: true, value };
    }
    if (loss !== undefined && !Number.isFinite(loss)) {
      return { stop: true, epoch, reason: `Stopped at epoch ${epoch}: the training loss is ${loss}; training diverged.`, notFinite: true, value };
    }
    const decision = shouldStop(
      spec.termination,
      { goal: spec.metric.goal, maxEpochs: trial.maxEpochs, metricLabel: key },
      { trialNumber: trial.trialNumber, values: trial.values.slice(0, epoch) },
      others,
      epoch,
    );
    if (decision.stop) return { stop: true, epoch, reason: decision.reason, notFinite: decision.notFinite, value };
  }
  return { stop: false };
}

/**
 * Why a sweep cannot go on when a trial reported an epoch without the primary metric: names the epoch metrics the
 * trial does record, so that the user can pick one.
 */
export function missingMetricMessage(trialNumber: number, epoch: number, key: string, recordedKeys: readonly string[]): string {
  const recorded = recordedKeys.length > 0 ? `it records ${recordedKeys.join(', ')}` : 'it records no epoch metric';
  return `Trial ${trialNumber} reported epoch ${epoch} without the sweep's metric "${key}"; ${recorded}. Choose one of those as the sweep's metric.`;
}

/** `400 ms`, `90 s`, `10 min`, `2 h 5 min`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}
