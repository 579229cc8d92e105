/**
 * The sync runner against the MLflow test server (a real HTTP server following MLflow's API and rules): runs and
 * model versions pushed once, offline and online, 429/500/401, a server vanishing mid-push, and the canary token
 * nowhere but the Authorization header.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMlflowServer, type MlflowTestServer } from '../../e2e/fixtures/mlflow-server.mjs';
import { appendMetrics } from '../storage/metrics';
import { registerModelVersion } from '../storage/model-registration';
import type { SyncQueueRecord } from '../storage/records';
import { setRunTags } from '../storage/runs';
import { retrySyncItem, unblockSyncItems } from '../storage/sync-queue';
import { writeSyncSettings } from '../storage/sync-settings';
import type { WorkspaceDb } from '../storage/workspace-schema';
import { SyncError } from '../sync/sync-error';
import { makeTrainedRun } from '../test/storage-model-fixtures';
import { makeWorkspaceDb, resetStorage } from '../test/storage-fixtures';
import { FakeBroadcastHub } from '../test/runtime-broadcast';
import { FakeLockManager } from '../test/runtime-locks';
import { JobRuntime } from './job-runtime';
import { syncAttemptOutcome } from './sync-outcome';
import { type SyncRunner, type SyncRunnerEvent } from './sync-runner';
import { FakeNetwork, itemOf, RUNNER_CANARY, startRunnerLab, stateIs, until, type RunnerLab } from './sync-runner-fixtures';

const CANARY = RUNNER_CANARY;

let lab: RunnerLab | undefined;
let server: MlflowTestServer | undefined;
let runner: SyncRunner | undefined;

beforeEach(resetStorage);
afterEach(async () => {
  await lab?.close();
  lab = undefined;
  runner = undefined;
  await server?.close();
  server = undefined;
});

async function setup(options: Parameters<typeof startRunnerLab>[0] = {}): Promise<RunnerLab> {
  lab = await startRunnerLab(options);
  runner = lab.runner;
  return lab;
}

/** A completed run with artifacts and a few epoch and batch metric points. */
async function trainedRun(db: WorkspaceDb) {
  const run = await makeTrainedRun(db);
  const points = [1, 2, 3].flatMap((epoch) => [
    { runId: run.id, key: 'loss', step: epoch, value: 1 / epoch, time: 1_700_000_000_000 + epoch * 1000, split: 'train' as const },
    { runId: run.id, key: 'val_loss', step: epoch, value: 1.2 / epoch, time: 1_700_000_000_000 + epoch * 1000, split: 'validation' as const },
  ]);
  await appendMetrics(db, points);
  return run;
}

const createCalls = (s: MlflowTestServer) => s.requests.filter((r) => r.path.endsWith('/runs/create') && r.status === 200).length;

describe('sync runner', () => {
  it('pushes a finished run once, with its metrics and model files; a later change sends only the change', async () => {
    const { db, server } = await setup();
    const run = await trainedRun(db);
    const item = await until(itemOf(db, `run:${run.id}`), stateIs('done'), 'the run to be pushed');
    expect(server.tracking.runs.size).toBe(1);
    const remote = [...server.tracking.runs.values()][0];
    expect(item.pushState.remoteRunId).toBe(remote.info.run_id);
    expect(remote.tags.get('benchtop.run_id')).toBe(run.id);
    expect(remote.info.status).toBe('FINISHED');
    expect(remote.metrics.filter((m) => m.key === 'loss').map((m) => m.step)).toEqual([1, 2, 3]);
    const files = [...server.artifacts.keys()];
    expect(files.some((f) => f.endsWith('/model/model.json'))).toBe(true);
    expect(files.some((f) => f.endsWith('/model/model.weights.bin'))).toBe(true);
    expect(files.some((f) => f.endsWith('/evaluation.json') && !f.includes('/model/'))).toBe(true);
    const metricCount = remote.metrics.length;

    const uploads = () => server.requests.filter((r) => r.method === 'PUT').length;
    const uploadsBefore = uploads();
    await setRunTags(db, run.id, ['baseline']);
    await until(itemOf(db, `run:${run.id}`), (i): i is SyncQueueRecord => i?.state === 'done' && (i.pushedAt ?? 0) > (item.pushedAt ?? 0), 'the change to be pushed');
    expect(server.tracking.runs.size).toBe(1);
    expect(remote.tags.get('benchtop.tags')).toBe('["baseline"]');
    expect(remote.metrics.length).toBe(metricCount);
    expect(uploads()).toBe(uploadsBefore);
    expect(createCalls(server)).toBe(1);
    expect(server.leaks).toEqual([]);
  });

  it('queues runs finished offline and pushes them exactly once when the network comes back', async () => {
    const { db, server, network } = await setup({ online: false });
    const run = await trainedRun(db);
    await until(itemOf(db, `run:${run.id}`), stateIs('queued'), 'the run to be queued');
    await runner?.idle();
    expect(server.requests).toEqual([]);
    network.set(true);
    await until(itemOf(db, `run:${run.id}`), stateIs('done'), 'the run to be pushed');
    network.set(false);
    network.set(true);
    await runner?.idle();
    expect(server.tracking.runs.size).toBe(1);
    expect(createCalls(server)).toBe(1);
  });

  it('retries 429 and 500 answers with backoff until the item is done', async () => {
    const { db, server, events } = await setup();
    // More failures than one attempt's quick retries, so the queue's own backoff is needed too.
    server.addFault({ match: { path: '/experiments/get-by-name' }, status: 429, retryAfter: 0, times: 4 });
    server.addFault({ match: { path: '/runs/search' }, status: 500, times: 4 });
    const run = await trainedRun(db);
    const item = await until(itemOf(db, `run:${run.id}`), stateIs('done'), 'the run to be pushed');
    const failures = events.filter((e): e is Extract<SyncRunnerEvent, { type: 'attempt-failed' }> => e.type === 'attempt-failed');
    expect(failures.map((f) => [f.kind, f.state])).toEqual([
      ['rate-limited', 'queued'],
      ['server', 'queued'],
    ]);
    expect(item).toMatchObject({ attempts: 0, state: 'done' });
    expect(item.lastError).toBeUndefined();
    expect(server.tracking.runs.size).toBe(1);
    expect(server.pendingFaults()).toBe(0);
  });

  it('retries a server that does not answer in time', async () => {
    const { db, server, events } = await setup({ timeoutMs: 150 });
    server.addFault({ match: { path: '/experiments/get-by-name' }, delayMs: 400, times: 3 });
    const run = await trainedRun(db);
    await until(itemOf(db, `run:${run.id}`), stateIs('done'), 'the run to be pushed');
    expect(events.some((e) => e.type === 'attempt-failed' && e.kind === 'timeout' && e.state === 'queued')).toBe(true);
    expect(server.tracking.runs.size).toBe(1);
  });

  it('blocks on 401 with a message about the token, and pushes once a new token is saved', async () => {
    const { db, server, token } = await setup();
    token.value = 'wrong-token';
    const run = await trainedRun(db);
    const blocked = await until(itemOf(db, `run:${run.id}`), stateIs('blocked'), 'the item to be blocked');
    expect(blocked.lastError).toMatchObject({ kind: 'auth', status: 401 });
    expect(blocked.lastError?.message).toMatch(/token/i);
    expect(server.tracking.runs.size).toBe(0);
    token.value = CANARY;
    await unblockSyncItems(db);
    await until(itemOf(db, `run:${run.id}`), stateIs('done'), 'the run to be pushed');
    expect(server.tracking.runs.size).toBe(1);
  });

  it('leaves a 403 blocked and a refused value failed, each with a clear state; Retry tries again', async () => {
    const { db, server } = await setup();
    server.addFault({ match: { path: '/experiments/get-by-name' }, status: 403 });
    const first = await trainedRun(db);
    const blocked = await until(itemOf(db, `run:${first.id}`), stateIs('blocked'), 'the item to be blocked');
    expect(blocked.lastError).toMatchObject({ kind: 'forbidden', status: 403 });
    await retrySyncItem(db, `run:${first.id}`);
    await until(itemOf(db, `run:${first.id}`), stateIs('done'), 'the run to be pushed after Retry');
    server.addFault({ match: { path: '/runs/log-inputs' }, status: 400, errorCode: 'INVALID_PARAMETER_VALUE' });
    const second = await trainedRun(db);
    const failed = await until(itemOf(db, `run:${second.id}`), stateIs('failed'), 'the item to fail');
    expect(failed.lastError).toMatchObject({ kind: 'invalid', status: 400 });
  });

  it('resumes a push the server vanished in the middle of, with no duplicate run or metric point', async () => {
    const { db, server } = await setup();
    server.addFault({ match: { path: '/runs/log-batch', method: 'POST' }, vanish: true });
    const run = await trainedRun(db);
    const waiting = await until(itemOf(db, `run:${run.id}`), (i): i is SyncQueueRecord => i?.state === 'queued' && i.lastError !== undefined, 'the failure to be recorded');
    expect(['network', 'timeout']).toContain(waiting.lastError?.kind);
    await server.start();
    await until(itemOf(db, `run:${run.id}`), stateIs('done'), 'the run to be pushed');
    expect(server.tracking.runs.size).toBe(1);
    const remote = [...server.tracking.runs.values()][0];
    const keys = remote.metrics.map((m) => `${m.key}@${m.step}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(remote.metrics.filter((m) => m.key === 'val_loss')).toHaveLength(3);
  });

  it('registers a model version with its alias once, after its run; a moved alias follows', async () => {
    const { db, server } = await setup();
    const run = await trainedRun(db);
    const { version } = await registerModelVersion(db, { modelName: 'iris-classifier', source: { kind: 'run', runId: run.id }, aliases: ['champion'] });
    const item = await until(itemOf(db, `modelVersion:${version.id}`), stateIs('done'), 'the version to be pushed');
    const model = server.registry.models.get('iris-classifier');
    expect(model?.versions.size).toBe(1);
    expect(model?.aliases.get('champion')).toBe('1');
    expect(item.pushState).toMatchObject({ remoteVersion: '1', aliases: ['champion'] });
    expect([...(model?.versions.values() ?? [])][0].source).toMatch(/\/model$/);
    expect(server.tracking.runs.size).toBe(1);

    const second = await registerModelVersion(db, { modelName: 'iris-classifier', source: { kind: 'run', runId: run.id }, aliases: ['champion'] });
    await until(itemOf(db, `modelVersion:${second.version.id}`), stateIs('done'), 'the second version to be pushed');
    await until(itemOf(db, `modelVersion:${version.id}`), (i) => i?.state === 'done' && i.pushState.aliases?.length === 0, 'the first version to lose its alias');
    expect(model?.versions.size).toBe(2);
    expect(model?.aliases.get('champion')).toBe('2');
    expect(server.tracking.runs.size).toBe(1);
    expect(server.leaks).toEqual([]);
  });

  it('does nothing with auto-sync off, and never queues a pulled run', async () => {
    const { db, server } = await setup({ autoSync: false });
    await trainedRun(db);
    await runner?.idle();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await db.syncQueue.count()).toBe(0);
    await writeSyncSettings(db, { autoSync: true });
    const pulled = await makeTrainedRun(db);
    await db.runs.update(pulled.id, { remote: { trackingUri: server.url, experimentId: '1', experimentName: 'x', runId: 'abc', pulledAt: 1 }, endedAt: Date.now() + 1000 });
    const fresh = await trainedRun(db);
    await until(itemOf(db, `run:${fresh.id}`), stateIs('done'), 'the fresh run to be pushed');
    expect(await db.syncQueue.get(`run:${pulled.id}`)).toBeUndefined();
    expect(server.tracking.runs.size).toBe(1);
  });

  it('never stores or sends the token anywhere but the Authorization header', async () => {
    const { db, server } = await setup();
    server.addFault({ match: { path: '/runs/create' }, status: 500, times: 2, body: { error_code: 'INTERNAL_ERROR', message: `echo Bearer ${CANARY}` } });
    const run = await trainedRun(db);
    await until(itemOf(db, `run:${run.id}`), stateIs('done'), 'the run to be pushed');
    expect(server.leaks).toEqual([]);
    expect(server.requests.every((r) => !r.url.includes(CANARY))).toBe(true);
    expect(JSON.stringify(await db.syncQueue.toArray())).not.toContain(CANARY);
  });
});

describe('sync in the job runtime', () => {
  it('pushes only from the tab that leads the job queue; the next leader carries on', async () => {
    const { db, workspaceId } = await makeWorkspaceDb();
    server = await startMlflowServer({ token: CANARY });
    await writeSyncSettings(db, { trackingUri: server.url, autoSync: true }, 0);
    const locks = new FakeLockManager();
    const hub = new FakeBroadcastHub();
    const pushedBy: string[] = [];
    const tab = (name: string) =>
      new JobRuntime({
        workspaceId,
        db,
        locks,
        openChannel: hub.open,
        createWorker: () => {
          throw new Error('no training in this test');
        },
        sync: { readToken: async () => CANARY, network: new FakeNetwork(), transport: { page: {} }, onEvent: (e) => e.type === 'pushed' && pushedBy.push(name) },
      });
    const first = tab('first');
    const second = tab('second');
    await until(async () => first.isLeader, Boolean, 'the first tab to lead');
    const run = await makeTrainedRun(db);
    await until(itemOf(db, `run:${run.id}`), stateIs('done'), 'the run to be pushed');
    await first.dispose();
    await until(async () => second.isLeader, Boolean, 'the second tab to lead');
    const next = await makeTrainedRun(db);
    await until(itemOf(db, `run:${next.id}`), stateIs('done'), 'the next run to be pushed');
    await second.dispose();
    expect(pushedBy).toEqual(['first', 'second']);
    expect(server.tracking.runs.size).toBe(2);
  });
});

describe('what a failed attempt does to its item', () => {
  const now = 1_000_000;
  it('retries server, network, timeout and rate-limit failures with growing delays, never before Retry-After', () => {
    const server = new SyncError({ kind: 'server', message: '500' });
    const delays = [0, 1, 2, 3].map((attempt) => {
      const outcome = syncAttemptOutcome(server, attempt, { now, policy: { baseMs: 1000, maxMs: 60_000 } });
      if (outcome.action !== 'record' || outcome.state !== 'queued') throw new Error('expected queued');
      return (outcome.nextAttemptAt ?? 0) - now;
    });
    expect(delays[0]).toBeGreaterThanOrEqual(500);
    expect(delays[3]).toBeGreaterThanOrEqual(4000);
    const limited = syncAttemptOutcome(new SyncError({ kind: 'rate-limited', message: '429', retryAfterMs: 90_000 }), 0, { now, policy: { baseMs: 10 } });
    expect(limited).toMatchObject({ state: 'queued', nextAttemptAt: now + 90_000 });
  });

  it('gives up after the last attempt, saying so', () => {
    const outcome = syncAttemptOutcome(new SyncError({ kind: 'network', message: 'down' }), 9, { now, policy: { maxAttempts: 10 } });
    expect(outcome).toMatchObject({ state: 'failed', error: { kind: 'network', message: 'down (gave up after 10 attempts; press Retry to try again)' } });
  });

  it('blocks on the token, permissions, CORS and a changed parameter; fails a refused value; defers a cancel', () => {
    for (const error of [
      new SyncError({ kind: 'auth', message: '401' }),
      new SyncError({ kind: 'forbidden', message: '403' }),
      new SyncError({ kind: 'cors', code: 'CORS_BLOCKED', message: 'cors' }),
      new SyncError({ kind: 'invalid', code: 'PARAM_CHANGED', message: 'changed' }),
      new SyncError({ kind: 'conflict', code: 'EXPERIMENT_DELETED', message: 'deleted' }),
    ]) {
      expect(syncAttemptOutcome(error, 0, { now })).toMatchObject({ state: 'blocked' });
    }
    expect(syncAttemptOutcome(new SyncError({ kind: 'invalid', message: 'bad key' }), 0, { now })).toMatchObject({ state: 'failed' });
    expect(syncAttemptOutcome(new SyncError({ kind: 'canceled', message: 'stop' }), 0, { now })).toEqual({ action: 'defer' });
  });

  it('scrubs the token from any message it keeps', () => {
    const outcome = syncAttemptOutcome(new Error(`boom ${CANARY}`), 0, { now, token: CANARY });
    expect(outcome).toMatchObject({ state: 'failed', error: { kind: 'error', message: 'boom [redacted]' } });
  });
});
