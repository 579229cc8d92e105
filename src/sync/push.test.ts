import { afterEach, describe, expect, it } from 'vitest';
import type { MlflowTestServer } from '../../e2e/fixtures/mlflow-server.mjs';
import { mapRun } from './mapping';
import { emptyPushState, pushRun, type RunPushState, type RunSnapshot } from './push';
import { SyncError } from './sync-error';
import { artifact, CANARY_TOKEN, metricSeries, serverAndClient, syncRun, syncSpec } from './sync-test-fixtures';

let server: MlflowTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const KEYS = ['accuracy', 'loss', 'val_loss'];

function wideSnapshot(changes: Partial<RunSnapshot> = {}): RunSnapshot {
  const run = syncRun({ spec: syncSpec({ wide: true }) });
  return { run, experimentName: 'titanic', metrics: metricSeries(run.id, KEYS, 2500), datasetName: 'Titanic', ...changes };
}

const writes = (s: MlflowTestServer, from = 0) => s.requests.slice(from).filter((r) => r.method !== 'GET' && !r.path.endsWith('/search') && r.method !== 'OPTIONS');
const storedRuns = (s: MlflowTestServer) => [...s.tracking.runs.values()];

async function failureOf(promise: Promise<unknown>): Promise<SyncError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SyncError) return error;
    throw error;
  }
  throw new Error('expected the push to fail');
}

describe('pushRun', () => {
  it('pushes 150+ params and 2500 metric points in batches within MLflow limits', async () => {
    const ctx = await serverAndClient({ metricDedupe: false });
    server = ctx.server;
    const snapshot = wideSnapshot();
    const expectedParams = mapRun(snapshot.run).params;
    expect(expectedParams.length).toBeGreaterThanOrEqual(150);

    const result = await pushRun(ctx.client, snapshot, emptyPushState(), { seed: 1, sleep: async () => {} });

    expect(result.created).toBe(true);
    const batches = server.requests.filter((r) => r.path.endsWith('/runs/log-batch')).map((r) => r.body ?? {});
    for (const b of batches) {
      const [m, p, t] = [b.metrics?.length ?? 0, b.params?.length ?? 0, b.tags?.length ?? 0];
      expect(m).toBeLessThanOrEqual(1000);
      expect(p).toBeLessThanOrEqual(100);
      expect(t).toBeLessThanOrEqual(100);
      expect(m + p + t).toBeLessThanOrEqual(1000);
    }
    const metricBatches = batches.map((b) => b.metrics?.length ?? 0).filter((n) => n > 0);
    // 2500 series points plus test_accuracy (a summary value without a series) = 2501.
    expect(metricBatches).toEqual([1000, 1000, 501]);
    expect(batches.filter((b) => (b.params?.length ?? 0) > 0)).toHaveLength(Math.ceil(expectedParams.length / 100));

    const [stored] = storedRuns(server);
    expect(storedRuns(server)).toHaveLength(1);
    expect(stored.info.run_id).toBe(result.remoteRunId);
    expect(stored.params.size).toBe(expectedParams.length);
    expect(stored.params.get('optimizer.learningRate')).toBe('0.001');
    expect(stored.params.get('model.layers.15.units')).toBe('23');
    expect(stored.metrics).toHaveLength(2501);
    expect(stored.tags.get('benchtop.run_id')).toBe(snapshot.run.id);
    expect(stored.tags.get('mlflow.runName')).toBe('titanic mlp');
    expect(stored.info.status).toBe('FINISHED');
    expect(stored.info.end_time).toBe(snapshot.run.endedAt);
    expect(stored.inputs).toEqual([expect.objectContaining({ dataset: expect.objectContaining({ name: 'Titanic', source_type: 'benchtop' }) })]);
    expect(result.state.metricMarks).toEqual([
      { key: 'accuracy', step: 833 },
      { key: 'loss', step: 832 },
      { key: 'test_accuracy', step: 50 },
      { key: 'val_loss', step: 832 },
    ]);
    expect(result.state.metricsInFlight).toBe(false);
  });

  it('does nothing when pushed again, with the saved state or without it', async () => {
    const ctx = await serverAndClient({ metricDedupe: false });
    server = ctx.server;
    const snapshot = wideSnapshot();
    const first = await pushRun(ctx.client, snapshot);

    const before = server.requests.length;
    const again = await pushRun(ctx.client, snapshot, first.state);
    expect(writes(server, before)).toEqual([]);
    expect(again.sent).toEqual({ params: 0, tags: 0, metrics: 0, artifacts: 0, inputs: 0, status: false });
    expect(again.remoteRunId).toBe(first.remoteRunId);

    // State lost (another device, a cleared queue): the run is found by its tag, the metrics by reading the history.
    const beforeLost = server.requests.length;
    const lost = await pushRun(ctx.client, snapshot, emptyPushState());
    expect(lost.remoteRunId).toBe(first.remoteRunId);
    expect(lost.created).toBe(false);
    expect(writes(server, beforeLost)).toEqual([]);
    expect(storedRuns(server)).toHaveLength(1);
    expect(storedRuns(server)[0].metrics).toHaveLength(2501);
    expect(lost.state.metricMarks).toEqual([]);
  });

  it('sends only new points while a run is still training', async () => {
    const ctx = await serverAndClient({ metricDedupe: false });
    server = ctx.server;
    const run = syncRun({ status: 'running', endedAt: undefined, summary: [] });
    const all = metricSeries(run.id, KEYS, 300);
    const first = await pushRun(ctx.client, { run, experimentName: 'live', metrics: all.slice(0, 120) });
    expect(storedRuns(server)[0].info.status).toBe('RUNNING');
    const second = await pushRun(ctx.client, { run: { ...run, status: 'completed', endedAt: 1_700_000_900_000 }, experimentName: 'live', metrics: all }, first.state);
    expect(second.sent.metrics).toBe(180);
    expect(second.sent.status).toBe(true);
    expect(storedRuns(server)[0].metrics).toHaveLength(300);
    expect(storedRuns(server)[0].info.status).toBe('FINISHED');
  });

  it('explains a changed parameter instead of writing anything', async () => {
    const ctx = await serverAndClient();
    server = ctx.server;
    const run = syncRun();
    const first = await pushRun(ctx.client, { run, experimentName: 'titanic', metrics: [] });
    const before = server.requests.length;
    const changed = { ...run, spec: syncSpec({ learningRate: 0.01 }) };
    const error = await failureOf(pushRun(ctx.client, { run: changed, experimentName: 'titanic', metrics: [] }, first.state));
    expect(error.kind).toBe('invalid');
    expect(error.code).toBe('PARAM_CHANGED');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('Parameter "optimizer.learningRate"');
    expect(error.message).toContain('"0.001"');
    expect(error.message).toContain('"0.01"');
    expect(writes(server, before)).toEqual([]);
    expect(storedRuns(server)[0].params.get('optimizer.learningRate')).toBe('0.001');
  });

  it('uploads artifacts once, again only when their bytes change', async () => {
    const ctx = await serverAndClient();
    server = ctx.server;
    const model = await artifact('model/model.json', '{"format":"layers-model"}');
    const plot = await artifact('plots/roc.svg', '<svg/>', 'image/svg+xml');
    const snapshot: RunSnapshot = { run: syncRun(), experimentName: 'titanic', metrics: [], artifacts: [model, plot] };
    const first = await pushRun(ctx.client, snapshot);
    const runId = first.remoteRunId;
    expect(first.sent.artifacts).toBe(2);
    expect(new TextDecoder().decode(server.artifacts.get(`1/${runId}/artifacts/model/model.json`)!.bytes)).toBe('{"format":"layers-model"}');
    expect(server.artifacts.get(`1/${runId}/artifacts/plots/roc.svg`)!.contentType).toBe('image/svg+xml');

    const again = await pushRun(ctx.client, snapshot, first.state);
    expect(again.sent.artifacts).toBe(0);
    expect(model.loads).toBe(1);

    const retrained = await artifact('model/model.json', '{"format":"layers-model","v":2}');
    const third = await pushRun(ctx.client, { ...snapshot, artifacts: [retrained, plot] }, again.state);
    expect(third.sent.artifacts).toBe(1);
    expect(plot.loads).toBe(1);
  });

  it('syncs the rest of the run when the server does not proxy artifacts', async () => {
    const ctx = await serverAndClient({ serveArtifacts: false });
    server = ctx.server;
    const result = await pushRun(ctx.client, { run: syncRun(), experimentName: 'titanic', metrics: [], artifacts: [await artifact('model/model.json', '{}')] });
    expect(result.warnings).toEqual([expect.stringContaining('--no-serve-artifacts')]);
    expect(storedRuns(server)[0].info.status).toBe('FINISHED');
    expect(server.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
  });

  it('refuses to recreate a run or an experiment deleted on the server', async () => {
    const ctx = await serverAndClient();
    server = ctx.server;
    const snapshot: RunSnapshot = { run: syncRun(), experimentName: 'titanic', metrics: [] };
    const first = await pushRun(ctx.client, snapshot);
    server.tracking.deleteRun(first.remoteRunId);
    expect((await failureOf(pushRun(ctx.client, snapshot, first.state))).code).toBe('REMOTE_RUN_DELETED');
    server.tracking.deleteExperiment(first.remoteExperimentId);
    expect((await failureOf(pushRun(ctx.client, snapshot))).code).toBe('EXPERIMENT_DELETED');
    expect(storedRuns(server)).toHaveLength(1);
  });
});

describe('pushRun under faults', () => {
  it('stops at a 401 without retrying, and says to check the token', async () => {
    const ctx = await serverAndClient();
    server = ctx.server;
    server.setToken('another-token');
    const error = await failureOf(pushRun(ctx.client, { run: syncRun(), experimentName: 'titanic', metrics: [] }));
    expect(error.kind).toBe('auth');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('Check the token');
    expect(server.requests).toHaveLength(1);
    expect(ctx.delays).toEqual([]);
  });

  it('reports 403 as forbidden, not retried', async () => {
    const ctx = await serverAndClient();
    server = ctx.server;
    server.addFault({ match: { path: '/runs/create' }, status: 403 });
    const error = await failureOf(pushRun(ctx.client, { run: syncRun(), experimentName: 'titanic', metrics: [] }));
    expect(error.kind).toBe('forbidden');
    expect(server.requests.filter((r) => r.path.endsWith('/runs/create'))).toHaveLength(1);
    expect(storedRuns(server)).toHaveLength(0);
  });

  it('waits as long as Retry-After says after a 429, then carries on', async () => {
    const ctx = await serverAndClient();
    server = ctx.server;
    server.addFault({ match: { path: '/runs/log-batch' }, status: 429, retryAfter: 2 });
    const result = await pushRun(ctx.client, { run: syncRun(), experimentName: 'titanic', metrics: metricSeries('run-0001', KEYS, 30) });
    expect(ctx.delays).toEqual([2000]);
    expect(result.sent.metrics).toBe(31);
    expect(storedRuns(server)[0].metrics).toHaveLength(31);
  });

  it('retries a 500 with growing delays, then fails with a clear message', async () => {
    const ctx = await serverAndClient();
    server = ctx.server;
    server.addFault({ match: { path: '/experiments/get-by-name' }, status: 500, times: 10 });
    const error = await failureOf(pushRun(ctx.client, { run: syncRun(), experimentName: 'titanic', metrics: [] }));
    expect(error.kind).toBe('server');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('500 INTERNAL_ERROR');
    expect(ctx.delays).toHaveLength(3);
    const steps = [10, 20, 40];
    ctx.delays.forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(steps[i] / 2);
      expect(d).toBeLessThanOrEqual(steps[i]);
    });
  });

  it('retries a request that timed out', async () => {
    const ctx = await serverAndClient({}, { timeoutMs: 150 });
    server = ctx.server;
    server.addFault({ match: { path: '/runs/search' }, delayMs: 600 });
    const result = await pushRun(ctx.client, { run: syncRun(), experimentName: 'titanic', metrics: [] });
    expect(result.created).toBe(true);
    expect(ctx.log.some((l) => l.includes('timed out'))).toBe(true);
    expect(storedRuns(server)).toHaveLength(1);
  });

  it('fails with a timeout error when the server stays silent', async () => {
    const ctx = await serverAndClient({}, { timeoutMs: 100 });
    server = ctx.server;
    server.addFault({ match: { path: '/experiments/get-by-name' }, delayMs: 400, times: 10 });
    const error = await failureOf(pushRun(ctx.client, { run: syncRun(), experimentName: 'titanic', metrics: [] }));
    expect(error.kind).toBe('timeout');
    expect(error.message).toContain('did not answer');
  });

  it('creates one run when the answer to runs/create is lost', async () => {
    const ctx = await serverAndClient();
    server = ctx.server;
    server.addFault({ match: { path: '/runs/create' }, drop: 'after' });
    server.addFault({ match: { path: '/experiments/create' }, drop: 'mid-body' });
    const result = await pushRun(ctx.client, { run: syncRun(), experimentName: 'titanic', metrics: [] });
    expect(storedRuns(server)).toHaveLength(1);
    expect([...server.tracking.experiments.values()].filter((e) => e.name === 'titanic')).toHaveLength(1);
    expect(result.remoteRunId).toBe(storedRuns(server)[0].info.run_id);
  });

  it('logs each metric point once when a batch answer is lost, even on a store that appends repeats', async () => {
    const ctx = await serverAndClient({ metricDedupe: false });
    server = ctx.server;
    const s = server;
    let inFlight = 0;
    // The 1st metric batch is written but its answer lost; the 2nd breaks halfway through the answer.
    const onState = (state: RunPushState) => {
      if (!state.metricsInFlight) return;
      inFlight++;
      if (inFlight === 1) s.addFault({ match: { path: '/runs/log-batch' }, drop: 'after' });
      if (inFlight === 2) s.addFault({ match: { path: '/runs/log-batch' }, drop: 'mid-body' });
    };
    s.addFault({ match: { path: '/runs/log-inputs' }, drop: 'after' });
    const result = await pushRun(ctx.client, wideSnapshot(), emptyPushState(), { onState });
    expect(inFlight).toBe(3);
    expect(ctx.log.filter((l) => l.includes('retry') && l.includes('/runs/log-batch'))).toHaveLength(2);
    expect(ctx.log.filter((l) => l.includes('retry') && l.includes('/runs/log-inputs'))).toHaveLength(1);
    const [stored] = storedRuns(s);
    expect(stored.inputs).toHaveLength(1);
    expect(stored.metrics).toHaveLength(2501);
    const keys = stored.metrics.map((m) => `${m.key}/${m.step}`);
    expect(new Set(keys).size).toBe(2501);
    expect(result.sent.metrics).toBe(2501);
  });

  it('resumes after the server vanished mid-push: nothing lost, nothing twice', async () => {
    const ctx = await serverAndClient({ metricDedupe: false });
    server = ctx.server;
    const snapshot = wideSnapshot();
    let saved: RunPushState = emptyPushState();
    let batches = 0;
    const original = server;
    // Vanish while the second metric batch is being written (after the params batches).
    const onState = (state: RunPushState) => {
      saved = state;
      if (state.metricsInFlight && ++batches === 2) original.addFault({ match: { path: '/runs/log-batch' }, vanish: true });
    };
    const error = await failureOf(pushRun(ctx.client, snapshot, emptyPushState(), { onState }));
    expect(error.kind).toBe('network');
    expect(error.message).toContain('Could not connect');
    expect(saved.remoteRunId).toBeDefined();
    expect(saved.metricsInFlight).toBe(true);
    expect(storedRuns(server)[0].metrics).toHaveLength(1000);

    await server.start();
    const resumed = await pushRun(ctx.client, snapshot, saved);
    expect(resumed.created).toBe(false);
    expect(storedRuns(server)).toHaveLength(1);
    expect(storedRuns(server)[0].metrics).toHaveLength(2501);
    const keys = storedRuns(server)[0].metrics.map((m) => `${m.key}/${m.step}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('never lets the canary token into a URL, a body, an error or a log line', async () => {
    const ctx = await serverAndClient({ metricDedupe: false });
    server = ctx.server;
    const errors: SyncError[] = [];
    // A server that echoes the token back in its error message.
    server.addFault({ match: { path: '/runs/log-batch' }, status: 500, times: 10, body: { error_code: 'INTERNAL_ERROR', message: `bad header Bearer ${CANARY_TOKEN}` } });
    errors.push(await failureOf(pushRun(ctx.client, wideSnapshot())));
    server.clearFaults();
    server.addFault({ match: { path: '/runs/search' }, vanish: true });
    const first = await pushRun(ctx.client, wideSnapshot()).catch((e: SyncError) => errors.push(e));
    expect(first).toBeTypeOf('number');
    await server.start();
    server.setToken('rotated');
    errors.push(await failureOf(pushRun(ctx.client, wideSnapshot())));

    expect(errors.map((e) => e.kind)).toEqual(['server', 'network', 'auth']);
    expect(errors[0].message).toContain('[redacted]');
    const everything = JSON.stringify([errors.map((e) => ({ ...e, message: e.message, stack: e.stack })), ctx.log, server.requests.map((r) => [r.url, r.body])]);
    expect(everything).not.toContain(CANARY_TOKEN);
    expect(everything).not.toContain(encodeURIComponent(CANARY_TOKEN));
    expect(server.leaks).toEqual([]);
    expect(server.requests.filter((r) => r.auth === 'ok').length).toBeGreaterThan(0);
  });
});
