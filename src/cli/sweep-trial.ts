/**
 * @file One trial of a CLI sweep: the trial run trained by the training job in this process, judged after each epoch
 * as the lab's sweep runner judges it (`judgeEpochs`: a diverged metric or loss fails it, the early-termination policy
 * may stop it), stopped when the sweep's time budget runs out, and read back as the planner sees trials.
 */
import { judgeEpochs, missingMetricMessage, type SweepTrialStatus } from '../core/tune/sweep-plan';
import type { TrialProgress } from '../core/tune/termination/trial-progress';
import type { TrainJob } from '../jobs/train-job';
import type { SweepSpec } from '../protocol/sweep';
import type { TrainJobProgress } from '../protocol/train-worker';
import { metricKeys } from '../storage/metrics';
import { RunTransitionError, requireRun, transitionRun } from '../storage/run-status';
import { epochValues, markTrialStoppedEarly, type TrialRecord } from '../storage/sweeps';
import type { WorkspaceDb } from '../storage/workspace-schema';

/** What a CLI trial needs from its sweep. */
export interface CliTrialContext {
  db: WorkspaceDb;
  workspaceId: string;
  job: TrainJob;
  spec: SweepSpec;
  /** The earlier trials' curves of the primary metric (the policies compare with them). */
  curves: readonly TrialProgress[];
  /** Milliseconds of sweep time left when the trial starts (Infinity without a budget); its reason when spent. */
  budgetLeftMs: number;
  budgetReason: string;
  /** Human messages (stderr). */
  say: (message: string) => void;
  /** Ctrl-C. */
  signal?: AbortSignal;
}

/** How a trial ended. `fatal`: the sweep cannot go on (its metric is not recorded), with the message. */
export interface CliTrialResult {
  status: SweepTrialStatus;
  value?: number;
  stoppedEarly?: string;
  error?: string;
  epochs: number;
  /** The primary metric per epoch, for the next trials' policies. */
  values: (number | undefined)[];
  fatal?: string;
}

/** Trains `trial` to its end (completed, stopped early, failed, or canceled by Ctrl-C). */
export async function runCliTrial(context: CliTrialContext, trial: TrialRecord): Promise<CliTrialResult> {
  const { db, job, spec } = context;
  const key = spec.metric.key;
  const number = trial.trial.number;
  let judged = 0;
  let fatal: string | undefined;
  let stopping = false;
  let values: (number | undefined)[] = [];

  const stop = () => {
    stopping = true;
    void job.cancel(trial.id);
  };
  /** Judges the epochs the run stored since the last look (metrics are stored before the run's progress). */
  const check = async () => {
    if (stopping) return;
    const run = await requireRun(db, trial.id);
    const epoch = run.progress.epoch;
    if (epoch <= judged || run.status !== 'running') return;
    values = await epochValues(db, trial.id, key);
    if (values.every((v) => v === undefined)) {
      const keys = (await metricKeys(db, trial.id)).filter((k) => !k.startsWith('batch_'));
      fatal = missingMetricMessage(number, epoch, key, keys);
      return stop();
    }
    context.say(`trial ${number} · epoch ${epoch}/${run.progress.epochs}: ${key} ${values[epoch - 1] ?? 'not reported'}`);
    const progress = { trialNumber: number, values };
    const others = spec.termination.type === 'none' ? [] : [...context.curves, progress];
    const trainLoss = await epochValues(db, trial.id, 'loss');
    const verdict = judgeEpochs(spec, { ...progress, maxEpochs: trial.spec.epochs, trainLoss }, others, judged + 1, epoch);
    judged = epoch;
    if (!verdict.stop) return;
    if (verdict.notFinite) await moveToFailed(db, trial.id, verdict.reason);
    else await markTrialStoppedEarly(db, trial.id, verdict.reason, verdict.value);
    stop();
  };
  /** The sweep's time budget ran out: the trial stops now, keeping its last value. */
  const budgetStop = async () => {
    if (stopping) return;
    const last = [...(await epochValues(db, trial.id, key))].reverse().find((v) => v !== undefined);
    const { epoch } = (await requireRun(db, trial.id)).progress;
    await markTrialStoppedEarly(db, trial.id, `${context.budgetReason}; ${epoch > 0 ? `stopped after epoch ${epoch}` : 'stopped before it started'}.`, last);
    stop();
  };

  let checking: Promise<void> = Promise.resolve();
  const onProgress = (progress: TrainJobProgress) => {
    if (progress.status === 'training') checking = checking.then(check).catch((err: unknown) => context.say(`warn: could not judge trial ${number}: ${(err as Error).message}`));
  };
  const cancel = () => stop();
  context.signal?.addEventListener('abort', cancel, { once: true });
  // The budget stops the trial when it runs out, within an epoch too.
  const budgetTimer = Number.isFinite(context.budgetLeftMs)
    ? setTimeout(() => void (checking = checking.then(budgetStop).catch((err: unknown) => context.say(`warn: could not stop trial ${number}: ${(err as Error).message}`))), context.budgetLeftMs)
    : undefined;
  let thrown: string | undefined;
  try {
    // A trial failed here (diverged) rejects when its job then tries to write `canceled`: storage has the truth.
    await job.runTrain(context.workspaceId, trial.id, onProgress).catch((err: unknown) => void (thrown = (err as Error).message));
    await checking;
  } finally {
    clearTimeout(budgetTimer);
    context.signal?.removeEventListener('abort', cancel);
  }
  return settle(db, spec, trial.id, await epochValues(db, trial.id, key), fatal, thrown);
}

/** The trial as it ended in storage. */
async function settle(db: WorkspaceDb, spec: SweepSpec, trialId: string, values: (number | undefined)[], fatal: string | undefined, thrown: string | undefined): Promise<CliTrialResult> {
  const run = (await requireRun(db, trialId)) as TrialRecord;
  const last = [...values].reverse().find((v) => v !== undefined);
  const base = { epochs: run.progress.epoch, values, ...(fatal === undefined ? {} : { fatal }) };
  switch (run.status) {
    case 'completed': {
      const value = run.summary.find((m) => m.key === spec.metric.key)?.value ?? last;
      return { status: 'complete', ...(value === undefined ? {} : { value }), ...base };
    }
    case 'canceled':
      if (run.trial.stoppedEarly !== undefined) return { status: 'pruned', stoppedEarly: run.trial.stoppedEarly, ...(run.trial.value === undefined ? {} : { value: run.trial.value }), ...base };
      return { status: 'canceled', ...base };
    case 'failed':
      return { status: 'failed', error: run.error?.message ?? thrown ?? 'The trial failed without saying why', ...base };
    default:
      return { status: 'failed', error: thrown ?? `The trial ended ${run.status}`, ...base };
  }
}

async function moveToFailed(db: WorkspaceDb, runId: string, message: string): Promise<void> {
  try {
    await transitionRun(db, runId, 'failed', { error: { message, code: 'TrialDiverged' } });
  } catch (err) {
    if (!(err instanceof RunTransitionError)) throw err;
  }
}
