import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assertTrainSpec } from '../core/jobs/train-spec';
import { SweepSpecError } from '../core/tune/sweep-spec';
import type { RunStatus } from '../protocol/run';
import type { SweepSpec } from '../protocol/sweep';
import type { TrainSpec } from '../protocol/train';
import type { RunRecord } from '../storage/records';
import { createSweepRun, getSweep, listTrials, type TrialRecord } from '../storage/sweeps';
import type { WorkspaceDb } from '../storage/workspace-schema';
import { FakeBroadcastHub } from '../test/runtime-broadcast';
import { FakeLockManager } from '../test/runtime-locks';
import { FakeTrainWorkers } from '../test/runtime-train-worker';
import { addTestVersion, makeWorkspaceDb, resetStorage } from '../test/storage-fixtures';
import { TEST_ENVIRONMENT } from '../test/storage-run-fixtures';
import { specInput } from '../test/train-spec-fixture';
import { testSweepSpec } from '../test/sweep-spec-fixture';
import { JobRuntime, type JobRuntimeEvent } from './job-runtime';

let db: WorkspaceDb;
let workspaceId: string;
let base: TrainSpec;
let locks: FakeLockManager;
let hub: FakeBroadcastHub;
let workers: FakeTrainWorkers;
let runtimes: JobRuntime[];
let events: JobRuntimeEvent[];

beforeEach(async () => {
  await resetStorage();
  ({ db, workspaceId } = await makeWorkspaceDb());
  const contentHash = 'cd'.repeat(32);
  const version = await addTestVersion(db, { contentHash });
  const input = specInput();
  input.data = { ...input.data, datasetId: version.datasetId, versionId: version.versionId, contentHash, target: 'label', features: ['n', 'flag'] };
  input.task = 'multiclass';
  base = assertTrainSpec(input);
  locks = new FakeLockManager();
  hub = new FakeBroadcastHub();
  workers = new FakeTrainWorkers({ db, locks, stepMs: 15 });
  workers.setScript(() => ({ metrics: curve }));
  runtimes = [];
  events = [];
});

afterEach(async () => {
  for (const runtime of runtimes) await runtime.dispose();
});

/** The fake validation loss: lower for learning rates near 0.01, falling with the epochs; the train loss beside it. */
function curve(epoch: number, run: RunRecord): Record<string, number> {
  const lr = run.trial?.params['optimizer.learningRate'] as number;
  const quality = Math.abs(Math.log10(lr) + 2);
  return { val_loss: quality + 1 / epoch, loss: quality + 0.5 / epoch };
}

async function startTab(concurrency = 4): Promise<JobRuntime> {
  const runtime = new JobRuntime({
    workspaceId,
    db,
    locks,
    openChannel: hub.open,
    createWorker: workers.factory,
    cancelGraceMs: 200,
    recoveryAttempts: 10,
    recoveryDelayMs: 20,
    cores: 4,
    onEvent: (event) => events.push(event),
  });
  runtimes.push(runtime);
  await runtime.updateSettings({ concurrency });
  return runtime;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 8000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await sleep(5);
  }
}

async function waitForSweep(sweepId: string, status: RunStatus, timeoutMs?: number): Promise<RunRecord> {
  await waitFor(async () => (await getSweep(db, sweepId))?.status === status, `the sweep to be ${status}`, timeoutMs);
  return (await getSweep(db, sweepId)) as RunRecord;
}

const sweepSpec = (changes: Partial<SweepSpec> = {}) => testSweepSpec(changes, base);

function lastValue(trial: TrialRecord): number {
  return curve(trial.progress.epoch, trial).val_loss;
}

describe('sweep runner', () => {
  it('runs a sweep of 6 trials, 2 at a time, to completion with the best trial', async () => {
    const tab = await startTab(4);
    const spec = sweepSpec({ maxTrials: 6, maxConcurrentTrials: 2 });
    const sweep = await tab.enqueueSweep(spec, 'lr search');
    expect(sweep).toMatchObject({ kind: 'sweep', status: 'queued', name: 'lr search', sweep: { trialsStarted: 0 } });
    const done = await waitForSweep(sweep.id, 'completed');

    const trials = await listTrials(db, sweep.id);
    expect(trials.map((t) => t.trial.number)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(trials.every((t) => t.status === 'completed' && t.kind === 'trial' && t.parentId === sweep.id)).toBe(true);
    expect(workers.maxTraining).toBe(2);
    for (const t of trials) {
      expect(t.name).toBe(`lr search · trial ${t.trial.number}`);
      expect(t.spec.seed).toBe(spec.base.seed);
      expect(t.spec.optimizer.learningRate).toBe(t.trial.params['optimizer.learningRate']);
      expect(t.trial.value).toBeCloseTo(lastValue(t), 12);
    }
    const best = trials.reduce((a, b) => ((b.trial.value as number) < (a.trial.value as number) ? b : a));
    expect(done.sweep).toMatchObject({ trialsStarted: 6, stopReason: 'Reached the maximum of 6 trials', best: { runId: best.id, trialNumber: best.trial.number, value: best.trial.value } });
    expect(done.summary).toEqual([
      { key: 'best_val_loss', value: best.trial.value },
      { key: 'trials', value: 6 },
      { key: 'completed_trials', value: 6 },
      { key: 'pruned_trials', value: 0 },
      { key: 'failed_trials', value: 0 },
    ]);
  });

  it('keeps to the global concurrency when it is lower than the sweep’s', async () => {
    const tab = await startTab(1);
    const sweep = await tab.enqueueSweep(sweepSpec({ maxTrials: 4, maxConcurrentTrials: 3 }));
    await waitForSweep(sweep.id, 'completed');
    expect(workers.maxTraining).toBe(1);
    expect((await listTrials(db, sweep.id)).map((t) => t.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
  });

  it('fails a trial that throws and one whose loss diverges, and completes the sweep', async () => {
    let calls = 0;
    workers.setScript(() => {
      calls++;
      if (calls === 2) return { throwMessage: 'Column "age" has 3 non-numeric values' };
      if (calls === 4) return { epochs: 40, metrics: (epoch, run) => (epoch === 2 ? { val_loss: Number.NaN, loss: Number.NaN } : curve(epoch, run)) };
      return { metrics: curve };
    });
    const tab = await startTab(2);
    const sweep = await tab.enqueueSweep(sweepSpec({ maxTrials: 6, maxConcurrentTrials: 2 }));
    const done = await waitForSweep(sweep.id, 'completed');
    await tab.idle();

    const trials = await listTrials(db, sweep.id);
    expect(trials).toHaveLength(6);
    const failed = trials.filter((t) => t.status === 'failed');
    expect(failed.map((t) => t.error?.message).sort()).toEqual(['Column "age" has 3 non-numeric values', 'Stopped at epoch 2: val_loss is NaN; training diverged.']);
    const diverged = failed.find((t) => t.error?.code === 'TrialDiverged') as TrialRecord;
    expect(diverged.progress.epoch).toBeLessThan(40);
    expect(trials.filter((t) => t.status === 'completed')).toHaveLength(4);
    expect(done.summary).toContainEqual({ key: 'failed_trials', value: 2 });
    expect(done.sweep?.best?.runId).not.toBe(diverged.id);
  });

  it('stops bad trials early with ASHA; they keep their last value and never count as best', async () => {
    workers = new FakeTrainWorkers({ db, locks, stepMs: 40, script: () => ({ metrics: curve }) });
    const tab = await startTab(1);
    const spec = sweepSpec({ maxTrials: 8, maxConcurrentTrials: 1, base: { ...base, epochs: 9 }, termination: { type: 'asha', minEpochs: 1, reductionFactor: 3 } });
    const sweep = await tab.enqueueSweep(spec);
    const done = await waitForSweep(sweep.id, 'completed', 20_000);

    const trials = await listTrials(db, sweep.id);
    const pruned = trials.filter((t) => t.trial.stoppedEarly !== undefined);
    expect(pruned.length).toBeGreaterThan(0);
    for (const t of pruned) {
      expect(t.status).toBe('canceled');
      expect(t.progress.epoch).toBeLessThan(9);
      expect(t.trial.stoppedEarly).toMatch(/^Stopped at epoch \d+/);
      expect(Number.isFinite(t.trial.value)).toBe(true);
    }
    const completed = trials.filter((t) => t.status === 'completed');
    expect(completed.length).toBeGreaterThan(0);
    for (const t of completed) expect(t.progress.epoch).toBe(9);
    // Each pruned trial was worse at its stopping rung than the best trial there.
    const bestValue = Math.min(...completed.map((t) => t.trial.value as number));
    expect(done.sweep?.best?.value).toBe(bestValue);
    expect(done.summary).toContainEqual({ key: 'pruned_trials', value: pruned.length });
    expect(events.filter((e) => e.type === 'trial-stopped')).toHaveLength(pruned.length);
  }, 30_000);

  it('carries on after the tab closes: a new runtime resumes the interrupted trials and finishes, without duplicate numbers', async () => {
    workers = new FakeTrainWorkers({ db, locks, stepMs: 25, script: () => ({ metrics: curve }) });
    const first = await startTab(4);
    const sweep = await first.enqueueSweep(sweepSpec({ maxTrials: 6, maxConcurrentTrials: 2 }));
    await waitFor(async () => (await listTrials(db, sweep.id)).some((t) => t.status === 'running' && t.progress.epoch >= 2), 'a trial at epoch 2');
    await first.dispose(); // the tab closes mid-sweep
    const startedBefore = (await getSweep(db, sweep.id))?.sweep.trialsStarted ?? 0;
    expect(startedBefore).toBeGreaterThanOrEqual(2);
    expect(startedBefore).toBeLessThan(6);

    await startTab(4);
    const done = await waitForSweep(sweep.id, 'completed');
    const trials = await listTrials(db, sweep.id);
    expect(trials.map((t) => t.trial.number)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(trials.every((t) => t.status === 'completed')).toBe(true);
    expect(done.sweep?.trialsStarted).toBe(6);
    // The trial that was running when the tab closed was resumed from its epoch, not restarted.
    expect(workers.calls.some((c) => c.startEpoch >= 2)).toBe(true);
    expect(new Set(workers.calls.map((c) => `${c.runId}:${c.startEpoch}`)).size).toBe(workers.calls.length);
  });

  it('cancels a sweep with its queued and running trials, from a tab that does not lead', async () => {
    workers.setScript(() => ({ epochs: 400, metrics: curve }));
    const leader = await startTab(1);
    const other = await startTab(1);
    await waitFor(() => leader.isLeader, 'leadership');
    const sweep = await other.enqueueSweep(sweepSpec({ maxTrials: 6, maxConcurrentTrials: 2 }));
    // Trials created together start in either order.
    await waitFor(async () => (await listTrials(db, sweep.id)).map((t) => t.status).sort().join() === 'queued,running', 'one trial running, one queued');
    await other.cancel(sweep.id);
    await waitFor(async () => (await listTrials(db, sweep.id)).every((t) => t.status === 'canceled'), 'the trials to be canceled');
    expect((await getSweep(db, sweep.id))?.status).toBe('canceled');
    await sleep(100);
    expect(await listTrials(db, sweep.id)).toHaveLength(2);
    expect((await listTrials(db, sweep.id)).every((t) => t.trial.stoppedEarly === undefined)).toBe(true);
  });

  it('fails the sweep, naming the metrics the trials record, when its metric is not one of them', async () => {
    const tab = await startTab(2);
    const sweep = await tab.enqueueSweep(sweepSpec({ metric: { key: 'val_f1', goal: 'maximize' } }));
    const failed = await waitForSweep(sweep.id, 'failed');
    expect(failed.error?.message).toMatch(/^Trial \d reported epoch \d without the sweep's metric "val_f1"; it records loss, val_loss\. Choose one of those as the sweep's metric\.$/);
    await waitFor(async () => (await listTrials(db, sweep.id)).every((t) => t.status === 'canceled' || t.status === 'completed'), 'the trials to end');
  });

  it('fails a sweep whose dataset version is gone, before any trial', async () => {
    // Queued when its data existed; the version was deleted before the runner started it.
    const spec = sweepSpec({ base: { ...base, data: { ...base.data, versionId: 'deleted-version' } } });
    const sweep = await createSweepRun(db, { spec, environment: TEST_ENVIRONMENT });
    await startTab(2);
    const failed = await waitForSweep(sweep.id, 'failed');
    expect(failed.error?.message).toContain('dataset version "deleted-version"');
    expect(await listTrials(db, sweep.id)).toHaveLength(0);
  });

  it('stops the running trials when the time budget is spent, and completes with the trials that finished', async () => {
    // The first two trials (started together) finish at once; the later ones would train for seconds.
    let calls = 0;
    workers.setScript(() => (++calls <= 2 ? { epochs: 2, metrics: curve } : { epochs: 400, metrics: curve }));
    const tab = await startTab(4);
    const sweep = await tab.enqueueSweep(sweepSpec({ maxTrials: 20, maxConcurrentTrials: 2, timeBudgetMs: 400 }));
    const done = await waitForSweep(sweep.id, 'completed');
    const trials = await listTrials(db, sweep.id);
    expect(trials.slice(0, 2).map((t) => t.status)).toEqual(['completed', 'completed']);
    const stopped = trials.slice(2);
    expect(stopped.length).toBeGreaterThan(0);
    for (const t of stopped) {
      expect(t.status).toBe('canceled');
      expect(t.trial.stoppedEarly).toMatch(/^The time budget of 400 ms is spent; stopped (after epoch \d+|before it started)\.$/);
    }
    expect(done.endedAt! - done.startedAt!).toBeLessThan(3000);
    const best = trials[0].trial.value! <= trials[1].trial.value! ? trials[0] : trials[1];
    expect(done.sweep).toMatchObject({ stopReason: 'The time budget of 400 ms is spent', best: { runId: best.id } });
  });
});

describe('enqueueSweep', () => {
  it('validates the spec against its data before anything runs, and stores it complete', async () => {
    const tab = await startTab(2);
    const bad = sweepSpec({ space: [{ path: 'optimizer.learningRate', type: 'loguniform', min: 0, max: 0.1 }, { path: 'data.features[5]', type: 'choice', values: ['n'] }] });
    const error = await tab.enqueueSweep(bad).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SweepSpecError);
    expect((error as SweepSpecError).issues.map((i) => i.path)).toContain('space[0].min');
    const wrongColumn = sweepSpec({ base: { ...base, data: { ...base.data, features: ['n', 'price'] } } });
    await expect(tab.enqueueSweep(wrongColumn)).rejects.toThrow('base.data.features');
    const noData = sweepSpec({ base: { ...base, data: { ...base.data, versionId: 'gone' } } });
    await expect(tab.enqueueSweep(noData)).rejects.toThrow('Dataset version "gone" does not exist');
    expect(await db.runs.count()).toBe(0);

    const { termination: _none, ...withoutDefaults } = sweepSpec();
    const sweep = await tab.enqueueSweep(withoutDefaults as SweepSpec, 'defaults');
    expect(sweep.sweep?.spec.termination).toEqual({ type: 'none' });
    await tab.cancel(sweep.id);
  });
});

describe('failures of the sweep itself', () => {
  it('fails when no trial completed, with the first trial error', async () => {
    workers.setScript(() => ({ throwMessage: 'spec is broken' }));
    const tab = await startTab(2);
    const sweep = await tab.enqueueSweep(sweepSpec({ maxTrials: 3, maxConcurrentTrials: 3 }));
    const failed = await waitForSweep(sweep.id, 'failed');
    expect(failed.error?.message).toBe('None of the 3 trials completed with a value of val_loss (3 failed, 0 stopped early, 0 canceled); trial 0 failed with: spec is broken');
  });
});
