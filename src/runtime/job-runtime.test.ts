import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunStatus } from '../protocol/run';
import type { TrainJobOutcome } from '../protocol/train-worker';
import { transitionRun } from '../storage/run-status';
import { getRun } from '../storage/runs';
import { createSweepRun } from '../storage/sweeps';
import type { WorkspaceDb } from '../storage/workspace-schema';
import { FakeBroadcastHub } from '../test/runtime-broadcast';
import { FakeLockManager } from '../test/runtime-locks';
import { FakeTrainWorkers, type FakeTrainScript } from '../test/runtime-train-worker';
import { makeWorkspaceDb, resetStorage } from '../test/storage-fixtures';
import { makeTestRun, TEST_ENVIRONMENT, testTrainSpec } from '../test/storage-run-fixtures';
import { testSweepSpec } from '../test/sweep-spec-fixture';
import { JobRuntime, type JobRuntimeEvent, type JobRuntimeOptions } from './job-runtime';
import type { RunProgressView } from './run-progress-hub';

let db: WorkspaceDb;
let workspaceId: string;
let locks: FakeLockManager;
let hub: FakeBroadcastHub;
let workers: FakeTrainWorkers;
let runtimes: JobRuntime[];
let events: JobRuntimeEvent[];

beforeEach(async () => {
  await resetStorage();
  ({ db, workspaceId } = await makeWorkspaceDb());
  locks = new FakeLockManager();
  hub = new FakeBroadcastHub();
  workers = new FakeTrainWorkers({ db, locks, stepMs: 5 });
  runtimes = [];
  events = [];
});

afterEach(async () => {
  for (const runtime of runtimes) await runtime.dispose();
  // No run is ever completed unless its worker said so (a sweep is completed by its runner).
  for (const run of await db.runs.where('status').equals('completed').filter((r) => r.kind !== 'sweep').toArray()) {
    expect(workers.calls.some((c) => c.runId === run.id && c.outcome === 'completed'), `run ${run.name} completed without its worker saying so`).toBe(true);
  }
});

/** A tab's runtime on the shared fakes (short grace and recovery pauses). */
function startTab(options: Partial<JobRuntimeOptions> = {}): JobRuntime {
  const runtime = new JobRuntime({
    workspaceId,
    db,
    locks,
    openChannel: hub.open,
    createWorker: workers.factory,
    cancelGraceMs: 100,
    recoveryAttempts: 10,
    recoveryDelayMs: 20,
    cores: 4,
    onEvent: (event) => events.push(event),
    ...options,
  });
  runtimes.push(runtime);
  return runtime;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function statusOf(runId: string): Promise<RunStatus | undefined> {
  return (await getRun(db, runId))?.status;
}

/** Polls until `check` holds (storage is the truth every tab watches). */
async function waitFor(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 4000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await sleep(5);
  }
}

const waitForStatus = (runId: string, status: RunStatus, timeoutMs?: number) =>
  waitFor(async () => (await statusOf(runId)) === status, `run to be ${status}`, timeoutMs);

/** Queued runs with distinct creation times (the queue's order). */
async function queuedRuns(count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    ids.push((await makeTestRun(db, { name: `run ${i}` })).id);
    await sleep(2);
  }
  return ids;
}

describe('job queue', () => {
  it('runs queued runs oldest first, one at a time by default, reusing one worker', async () => {
    const ids = await queuedRuns(3);
    startTab();
    for (const id of ids) await waitForStatus(id, 'completed');
    expect(workers.calls.map((c) => c.runId)).toEqual(ids);
    expect(workers.maxTraining).toBe(1);
    expect(workers.created).toBe(1);
  });

  it('runs up to the concurrency setting at once', async () => {
    const tab = startTab();
    await tab.updateSettings({ concurrency: 2 });
    const ids = await queuedRuns(4);
    for (const id of ids) await waitForStatus(id, 'completed');
    expect(workers.maxTraining).toBe(2);
    await expect(tab.updateSettings({ concurrency: 5 })).rejects.toThrow('Concurrency 5 is not allowed; expected a whole number from 1 to 4');
  });

  it('starts a run enqueued in any tab', async () => {
    const leader = startTab();
    const other = startTab();
    await waitFor(() => leader.isLeader, 'leadership');
    const run = await other.enqueue({ spec: testTrainSpec(), environment: TEST_ENVIRONMENT });
    expect(run.status).toBe('queued');
    await waitForStatus(run.id, 'completed');
    expect(other.isLeader).toBe(false);
  });

  it('keeps the queue in storage: after a reload the new runtime runs what was queued', async () => {
    workers.setScript((runId, attempt) => (attempt === 0 && runId === first ? { epochs: 3, hang: true } : { epochs: 3 }));
    const [first, second] = await queuedRuns(2);
    const before = startTab();
    await waitFor(() => workers.calls.length === 1, 'the first run to start');
    await waitFor(async () => (await getRun(db, first))?.progress.epoch === 3, 'the first run to hang after training');
    expect(await statusOf(second)).toBe('queued');
    await before.dispose(); // the page reloads
    startTab();
    await waitForStatus(second, 'completed');
    await waitForStatus(first, 'completed');
    expect(workers.calls.find((c) => c.runId === first && c.startEpoch === 3)).toBeDefined();
  });

  it('cancels a queued run that has not started, without starting it', async () => {
    workers.setScript(() => ({ epochs: 40 }));
    const [busy, waiting] = await queuedRuns(2);
    const tab = startTab();
    await waitForStatus(busy, 'running');
    await tab.cancel(waiting);
    expect(await statusOf(waiting)).toBe('canceled');
    await tab.cancel(busy);
    await waitForStatus(busy, 'canceled');
    await tab.idle();
    expect(workers.calls.map((c) => c.runId)).toEqual([busy]);
  });
});

describe('leadership', () => {
  it('hands over to another tab, which marks the closed tab’s run interrupted and resumes it', async () => {
    workers.setScript(() => ({ epochs: 8 }));
    const [runId] = await queuedRuns(1);
    const first = startTab();
    const second = startTab();
    await waitFor(async () => ((await getRun(db, runId))?.progress.epoch ?? 0) >= 2, 'two epochs');
    expect([first.isLeader, second.isLeader]).toEqual([true, false]);
    await first.dispose(); // the first tab closes
    await waitFor(() => second.isLeader, 'the second tab to lead');
    await waitForStatus(runId, 'completed');
    const recovered = events.filter((e) => e.type === 'recovered').flatMap((e) => (e.type === 'recovered' ? e.interrupted : []));
    expect(recovered).toContain(runId);
    expect(workers.calls).toHaveLength(2);
    expect(workers.calls[1].startEpoch).toBeGreaterThanOrEqual(2);
  });

  it('cancels a run when a tab that does not lead asks the leader', async () => {
    workers.setScript(() => ({ epochs: 200 }));
    const [runId] = await queuedRuns(1);
    startTab();
    const watcher = startTab();
    await waitForStatus(runId, 'running');
    await watcher.cancel(runId);
    await waitForStatus(runId, 'canceled');
    expect(hub.posted.some((p) => (p.message as { type: string }).type === 'cancel')).toBe(true);
    expect(workers.calls[0].outcome).toBe('canceled');
  });

  it('terminates a worker that ignores cancel and marks its run canceled', async () => {
    workers.setScript(() => ({ epochs: 200, ignoreCancel: true }));
    const [runId] = await queuedRuns(1);
    const tab = startTab();
    await waitForStatus(runId, 'running');
    await tab.cancel(runId);
    await waitForStatus(runId, 'canceled');
    expect(workers.terminated).toBe(1);
  });

  it('gives live progress to the leader and shares it with other tabs; stored progress everywhere', async () => {
    workers.setScript(() => ({ epochs: 6 }));
    const [runId] = await queuedRuns(1);
    const leader = startTab();
    const watcher = startTab();
    const seen: { leader: RunProgressView[]; watcher: RunProgressView[] } = { leader: [], watcher: [] };
    const stop = [leader.subscribeProgress(runId, (v) => seen.leader.push(v)), watcher.subscribeProgress(runId, (v) => seen.watcher.push(v))];
    await waitForStatus(runId, 'completed');
    await waitFor(() => seen.watcher.at(-1)?.status === 'completed', 'the watcher to see the end');
    stop.forEach((unsubscribe) => unsubscribe());
    expect(seen.leader.some((v) => v.live?.status === 'training')).toBe(true);
    expect(seen.watcher.some((v) => v.live?.status === 'training')).toBe(true);
    expect(seen.watcher.some((v) => (v.stored?.epoch ?? 0) > 0)).toBe(true);
    expect(seen.watcher.at(-1)).toMatchObject({ status: 'completed', stored: { epoch: 6, epochs: 6 }, live: undefined });
  });
});

describe('recovery', () => {
  it('resumes a run whose worker crashed, to completion', async () => {
    workers.setScript((_, attempt) => (attempt === 0 ? { epochs: 5, crashAfterEpoch: 2 } : { epochs: 5 }));
    const [runId] = await queuedRuns(1);
    startTab();
    await waitForStatus(runId, 'completed');
    expect(events).toContainEqual({ type: 'settled', runId, result: 'lost', status: 'interrupted' });
    expect(workers.calls.map((c) => c.startEpoch)).toEqual([0, 2]);
    expect(workers.created).toBe(2);
  });

  it('leaves a crashed run interrupted, with the reason, when auto-resume is off; resume() queues it', async () => {
    workers.setScript((_, attempt) => (attempt === 0 ? { epochs: 4, crashAfterEpoch: 1 } : { epochs: 4 }));
    const tab = startTab();
    await tab.updateSettings({ autoResume: false });
    const [runId] = await queuedRuns(1);
    await waitForStatus(runId, 'interrupted');
    await tab.idle();
    expect((await getRun(db, runId))?.error).toMatchObject({ code: 'WorkerLost', message: expect.stringContaining('fake worker crashed') });
    await tab.resume(runId);
    await waitForStatus(runId, 'completed');
    expect((await getRun(db, runId))?.error).toBeUndefined();
  });

  it('stops resuming a run whose worker keeps dying', async () => {
    workers.setScript((_, attempt) => ({ epochs: 10, crashAfterEpoch: attempt + 1 }));
    const [runId] = await queuedRuns(1);
    const tab = startTab({ maxWorkerLosses: 2 });
    await waitFor(() => workers.calls.length === 2, 'two attempts');
    await waitForStatus(runId, 'interrupted');
    await sleep(50);
    await tab.idle();
    expect(workers.calls).toHaveLength(2);
    expect((await getRun(db, runId))?.error?.message).toContain('(2 times)');
  });

  it('marks running runs nobody holds interrupted when a tab starts leading', async () => {
    const orphan = await makeTestRun(db, {}, 'running');
    const tab = startTab({ locks: null });
    await tab.updateSettings({ autoResume: false });
    await waitForStatus(orphan.id, 'interrupted');
  });

  it('never marks a sweep interrupted: the leader’s sweep runner carries it on', async () => {
    const sweep = await createSweepRun(db, { spec: testSweepSpec(), environment: TEST_ENVIRONMENT });
    await transitionRun(db, sweep.id, 'running');
    const orphan = await makeTestRun(db, {}, 'running');
    startTab({ locks: null });
    await waitForStatus(orphan.id, 'completed');
    // The test spec's dataset version does not exist: the runner fails the sweep, saying so.
    await waitForStatus(sweep.id, 'failed');
    expect((await getRun(db, sweep.id))?.error?.message).toContain('dataset version "v1"');
    expect(events.flatMap((e) => (e.type === 'recovered' ? e.interrupted : []))).toEqual([orphan.id]);
  });
});

describe('never a false "completed"', () => {
  /** The run as it ends when its worker follows `script` (never resumed). */
  async function endOf(script: FakeTrainScript) {
    workers.setScript(() => script);
    const [runId] = await queuedRuns(1);
    const tab = startTab({ maxWorkerLosses: 1 });
    await waitFor(() => workers.calls.length === 1, 'the run to start');
    await waitFor(async () => !['queued', 'running'].includes((await statusOf(runId)) ?? ''), 'the run to end');
    await tab.idle();
    return (await getRun(db, runId))!;
  }

  it('a worker that dies after training, before answering: interrupted', async () => {
    expect((await endOf({ epochs: 2, crashBeforeCompleting: true })).status).toBe('interrupted');
  });

  it('a worker that answers "failed" without writing it: failed, with its message', async () => {
    const answer: TrainJobOutcome = { status: 'failed', error: 'Column "price" has 12 non-numeric values' };
    const run = await endOf({ answerWithoutWriting: answer });
    expect(run).toMatchObject({ status: 'failed', error: { message: answer.error } });
  });

  it('a worker that answers "completed" for a run it never started: failed', async () => {
    const run = await endOf({ answerWithoutWriting: { status: 'completed' } });
    expect(run).toMatchObject({ status: 'failed', error: { code: 'WorkerContradiction' } });
  });

  it('a worker whose runTrain throws: failed, with the error', async () => {
    const run = await endOf({ throwMessage: 'spec is not a train spec' });
    expect(run).toMatchObject({ status: 'failed', error: { message: 'spec is not a train spec' } });
  });
});
