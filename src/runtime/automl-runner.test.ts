import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAutoMLJob } from '../jobs/automl-job';
import type { AutoMLJobSpec } from '../protocol/automl';
import type { RunStatus } from '../protocol/run';
import { getAutoMLRun, listAutoMLTrials, type AutoMLTrialRecord } from '../storage/automl-runs';
import type { DatasetVersionRecord } from '../storage/records';
import { runLockName } from '../storage/run-recovery';
import type { WorkspaceDb } from '../storage/workspace-schema';
import { importCsv } from '../test/jobs-fixtures';
import { FakeBroadcastHub } from '../test/runtime-broadcast';
import { FakeLockManager } from '../test/runtime-locks';
import { FakeTrainWorkers } from '../test/runtime-train-worker';
import { makeWorkspaceDb, resetStorage } from '../test/storage-fixtures';
import type { AutoMLWorkerHandle } from './automl-worker-client';
import { JobRuntime, type JobRuntimeEvent } from './job-runtime';

/**
 * AutoML workers in process: the real AutoML job, holding the run's lock in the shared fake lock manager as the
 * worker's job holds its Web Lock. `terminate()` abandons the job (no final status, lock released), as killing the
 * worker would; `crash()` also reports the worker lost.
 */
class InProcessAutoMLWorkers {
  created = 0;
  readonly #locks: FakeLockManager;
  readonly #handles: { crash(): void; terminated: boolean }[] = [];
  ignoreCancel = false;

  constructor(locks: FakeLockManager) {
    this.#locks = locks;
  }

  get live(): number {
    return this.#handles.filter((h) => !h.terminated).length;
  }

  crashLatest(): void {
    this.#handles[this.#handles.length - 1].crash();
  }

  readonly factory = (): AutoMLWorkerHandle => {
    this.created++;
    const job = createAutoMLJob({ appVersion: 'test' });
    const listeners: ((error: Error) => void)[] = [];
    let running: string | undefined;
    const state = {
      terminated: false,
      crash: () => {
        for (const l of listeners.splice(0)) l(new Error('out of memory'));
        handle.terminate();
      },
    };
    const ignoreCancel = () => this.ignoreCancel;
    const handle: AutoMLWorkerHandle = {
      api: {
        runAutoML: (workspaceId, runId, onProgress) => {
          running = runId;
          return this.#locks.request(runLockName(runId), () => job.runAutoML(workspaceId, runId, onProgress));
        },
        cancel: async (runId) => {
          if (!ignoreCancel()) await job.cancel(runId);
        },
      },
      onLost: (listener) => listeners.push(listener),
      terminate: () => {
        if (state.terminated) return;
        state.terminated = true;
        if (running) job.abandon(running);
      },
    };
    this.#handles.push(state);
    return handle;
  };
}

let db: WorkspaceDb;
let workspaceId: string;
let version: DatasetVersionRecord;
let locks: FakeLockManager;
let hub: FakeBroadcastHub;
let automl: InProcessAutoMLWorkers;
let runtimes: JobRuntime[];
let events: JobRuntimeEvent[];

const IRIS = readFileSync('public/datasets/iris.csv', 'utf8');

beforeEach(async () => {
  await resetStorage();
  ({ db, workspaceId } = await makeWorkspaceDb());
  version = await importCsv(workspaceId, db, IRIS, 'iris.csv');
  locks = new FakeLockManager();
  hub = new FakeBroadcastHub();
  automl = new InProcessAutoMLWorkers(locks);
  runtimes = [];
  events = [];
});

afterEach(async () => {
  for (const runtime of runtimes) await runtime.dispose();
});

function startTab(): JobRuntime {
  const runtime = new JobRuntime({
    workspaceId,
    db,
    locks,
    openChannel: hub.open,
    createWorker: new FakeTrainWorkers({ db, locks }).factory,
    createAutoMLWorker: automl.factory,
    cancelGraceMs: 100,
    // An abandoned in-process job lets go of its lock at its next abort check: give recovery time to see that.
    recoveryAttempts: 50,
    recoveryDelayMs: 10,
    cores: 2,
    sync: false,
    onEvent: (event) => events.push(event),
  });
  runtimes.push(runtime);
  return runtime;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await sleep(3);
  }
}

const statusOf = async (runId: string) => (await db.runs.get(runId))?.status;
const waitForStatus = (runId: string, status: RunStatus) => waitFor(async () => (await statusOf(runId)) === status, `run ${status}`);
const waitForTrials = (runId: string, n: number) => waitFor(async () => ((await getAutoMLRun(db, runId))?.automl.trialsFinished ?? 0) >= n, `${n} trials`);
const strip = (trials: AutoMLTrialRecord[]) => trials.map(({ automlTrial: { trainMs: _ms, ...rest } }) => rest);

const SPEC: AutoMLJobSpec = { target: 'species', budget: { trials: 4 }, seed: 1 };

describe('AutoML runner', () => {
  it('checks the spec and the target before queuing', async () => {
    const tab = startTab();
    await expect(tab.startAutoML(version.id, { target: 'nope', budget: { trials: 2 } })).rejects.toThrow('Target column "nope" is not in this dataset version; columns are "sepal length (cm)", "sepal width (cm)"');
    await expect(tab.startAutoML(version.id, { target: 'species', budget: {} })).rejects.toThrow(/budget: give a trial budget/);
    await expect(tab.startAutoML('missing', SPEC)).rejects.toThrow(/Dataset version "missing" does not exist/);
    expect(await db.runs.count()).toBe(0);
  });

  it('runs queued AutoML runs one at a time on their own workers, from any tab', async () => {
    const leader = startTab();
    await waitFor(() => leader.isLeader, 'leadership');
    const other = startTab();
    const first = await other.startAutoML(version.id, SPEC, { name: 'first' });
    const second = await other.startAutoML(version.id, { ...SPEC, seed: 2 });
    expect(first).toMatchObject({ kind: 'automl', status: 'queued', name: 'first', seed: 1, spec: { data: { versionId: version.id, target: 'species' }, seed: 1 } });
    expect(first.automl).toMatchObject({ spec: { target: 'species', budget: { trials: 4 }, seed: 1, validation: { kind: 'cv', folds: 5 } }, trialsFinished: 0 });
    await waitFor(async () => (await statusOf(first.id)) === 'running', 'first running');
    expect(await statusOf(second.id)).toBe('queued');
    await waitForStatus(first.id, 'completed');
    await waitForStatus(second.id, 'completed');
    expect(await listAutoMLTrials(db, first.id)).toHaveLength(4);
    expect((await getAutoMLRun(db, second.id))?.automl.modelArtifactId).toBeDefined();
    expect(automl.created).toBe(2);
    await leader.idle();
    expect(automl.live).toBe(0);
    expect(events.filter((e) => e.type === 'automl-settled').map((e) => (e as { status?: string }).status)).toEqual(['completed', 'completed']);
  });

  it('cancels a running AutoML run (trials kept), a queued one, and one that ignores the cancel', async () => {
    const tab = startTab();
    const running = await tab.startAutoML(version.id, { ...SPEC, budget: { trials: 400 } });
    const queued = await tab.startAutoML(version.id, SPEC);
    await waitForTrials(running.id, 2);
    await tab.cancel(queued.id);
    expect(await statusOf(queued.id)).toBe('canceled');
    await tab.cancel(running.id);
    await waitForStatus(running.id, 'canceled');
    expect((await listAutoMLTrials(db, running.id)).length).toBeGreaterThanOrEqual(2);

    automl.ignoreCancel = true;
    const stubborn = await tab.startAutoML(version.id, { ...SPEC, budget: { trials: 400 } });
    await waitForTrials(stubborn.id, 1);
    await tab.cancel(stubborn.id);
    await waitForStatus(stubborn.id, 'canceled');
    expect((await getAutoMLRun(db, stubborn.id))?.automl).toMatchObject({ stoppedBy: 'canceled' });
    await tab.idle();
    expect(events).toContainEqual({ type: 'automl-settled', runId: stubborn.id, result: 'cancel-timeout', status: 'canceled' });
  });

  it('leaves a run interrupted when its worker dies, and a person resumes it from the start', async () => {
    const tab = startTab();
    const run = await tab.startAutoML(version.id, { ...SPEC, budget: { trials: 10 } });
    await waitForTrials(run.id, 2);
    automl.crashLatest();
    await waitForStatus(run.id, 'interrupted');
    expect((await db.runs.get(run.id))?.error?.message).toMatch(/The AutoML worker stopped unexpectedly: out of memory/);
    await sleep(50);
    expect(await statusOf(run.id)).toBe('interrupted');
    await tab.resume(run.id);
    await waitForStatus(run.id, 'completed');
    expect((await listAutoMLTrials(db, run.id)).map((t) => t.automlTrial.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(automl.created).toBe(2);
  });

  it('recovers a run whose tab closed: the next leader queues it again and it starts over, finding the same trials', async () => {
    const first = startTab();
    const run = await first.startAutoML(version.id, SPEC);
    await waitForTrials(run.id, 2);
    await first.dispose(); // the tab closes mid-search
    expect(await statusOf(run.id)).toBe('running');
    const next = startTab();
    await waitFor(() => next.isLeader, 'leadership');
    await waitForStatus(run.id, 'completed');
    expect(events).toContainEqual({ type: 'automl-recovered', interrupted: [run.id], requeued: [run.id] });

    const clean = await next.startAutoML(version.id, SPEC);
    await waitForStatus(clean.id, 'completed');
    expect(strip(await listAutoMLTrials(db, run.id))).toEqual(strip(await listAutoMLTrials(db, clean.id)));
  });

  it('never treats completed AutoML trials as work for the training queue or its recovery', async () => {
    const tab = startTab();
    const run = await tab.startAutoML(version.id, SPEC);
    await waitForStatus(run.id, 'completed');
    await tab.dispose();
    const next = startTab();
    await waitFor(() => next.isLeader, 'leadership');
    await next.idle();
    const trials = await listAutoMLTrials(db, run.id);
    expect(trials.map((t) => t.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
    expect(events.filter((e) => e.type === 'started')).toEqual([]);
  });
});
