/**
 * Pulling runs from the MLflow test server: a run Benchtop pushed comes back as the same spec, summary, tags and
 * metric series (marked remote); a run logged by another tool, or still running, is skipped with the reason.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMlflowServer, type MlflowTestServer } from '../../e2e/fixtures/mlflow-server.mjs';
import { appendMetrics } from '../storage/metrics';
import { listPulledRuns, remoteRunLocalId, savePulledRuns } from '../storage/remote-runs';
import { listRuns } from '../storage/runs';
import { transitionRun } from '../storage/run-status';
import { MlflowClient } from '../sync/client';
import { flattenParams } from '../sync/mapping';
import { pushRun } from '../sync/push';
import { loadRunSnapshot } from './sync-snapshots';
import { makeTestRun, testTrainSpec } from '../test/storage-run-fixtures';
import { makeWorkspaceDb, resetStorage } from '../test/storage-fixtures';
import { pullExperimentRuns, remoteRunToRecord, specFromParams, unflattenParams } from './sync-pull';

const CANARY = 'canary-TOKEN-123';
let server: MlflowTestServer | undefined;

beforeEach(resetStorage);
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function clientFor(s: MlflowTestServer): MlflowClient {
  return new MlflowClient({ trackingUri: s.url, token: CANARY, page: {}, backoff: { baseMs: 1, maxMs: 5, maxAttempts: 2 } });
}

describe('spec from params', () => {
  it('folds flattened params back into the same spec', () => {
    const spec = testTrainSpec({ seed: 42 });
    const result = specFromParams(flattenParams(spec));
    expect(result).toEqual({ ok: true, spec });
  });

  it('reads a number-looking value as text where the spec wants text', () => {
    const spec = testTrainSpec();
    const params = flattenParams({ ...spec, data: { ...spec.data, datasetId: '2020' } });
    const result = specFromParams(params);
    expect(result.ok && result.spec.data.datasetId).toBe('2020');
  });

  it('says why params are not a spec, and refuses reserved names', () => {
    expect(specFromParams([{ key: 'alpha', value: '0.5' }])).toMatchObject({ ok: false });
    expect(specFromParams([])).toEqual({ ok: false, message: 'it has no params' });
    expect(() => unflattenParams([{ key: 'a.__proto__.x', value: '1' }], (_, v) => v)).toThrow('reserved');
    expect(unflattenParams([{ key: 'a.0.b', value: '1' }, { key: 'a.1.b', value: '2' }], (_, v) => Number(v))).toEqual({ a: [{ b: 1 }, { b: 2 }] });
  });
});

describe('pulling parents and AutoML trials', () => {
  it('skips sweeps, AutoML jobs and AutoML trials with the reason; a sweep trial comes back as a run', () => {
    const origin = { trackingUri: 'http://127.0.0.1:5000', experimentName: 'iris', localExperimentId: 'x', now: 5 };
    const spec = flattenParams(testTrainSpec());
    const remote = (name: string, tags: Array<[string, string]>, params = spec) => ({ remoteRunId: `r-${name}`, experimentId: '1', name, status: 'FINISHED' as const, params, tags: tags.map(([key, value]) => ({ key, value })), latestMetrics: [], datasets: [] });
    const sweep = remoteRunToRecord(remote('sweep', [['benchtop.kind', 'sweep']]), [], origin);
    expect(sweep).toMatchObject({ ok: false, reason: expect.stringContaining('a sweep, a parent of runs') });
    expect(remoteRunToRecord(remote('job', [['benchtop.kind', 'automl']], [{ key: 'target', value: 'y' }]), [], origin)).toMatchObject({ ok: false, reason: expect.stringContaining('an AutoML job') });
    expect(remoteRunToRecord(remote('t1', [['benchtop.kind', 'trial'], ['benchtop.automl.family', 'knn']], [{ key: 'family', value: 'knn' }]), [], origin)).toMatchObject({ ok: false, reason: expect.stringContaining('trial of an AutoML job') });
    const trial = remoteRunToRecord(remote('t2', [['benchtop.kind', 'trial'], ['mlflow.parentRunId', 'r-sweep']]), [], origin);
    expect(trial.ok && trial.pulled.run.kind).toBe('train');
  });
});

describe('pulling runs', () => {
  it('brings back a pushed run with its spec, summary, tags and curves, marked remote; pulling again replaces it', async () => {
    server = await startMlflowServer({ token: CANARY });
    const client = clientFor(server);
    const source = await makeWorkspaceDb('Source');
    let run = await makeTestRun(source.db, { name: 'iris mlp', tags: ['baseline'], notes: 'first' }, 'running');
    await appendMetrics(source.db, [1, 2, 3].flatMap((epoch) => [
      { runId: run.id, key: 'loss', step: epoch, value: 1 / epoch, time: 1_700_000_000_000 + epoch },
      { runId: run.id, key: 'val_accuracy', step: epoch, value: 0.5 + epoch / 10, time: 1_700_000_000_000 + epoch },
    ]));
    run = await transitionRun(source.db, run.id, 'completed', {
      summary: [{ key: 'loss', value: 0.5 }, { key: 'val_accuracy', value: 0.7 }, { key: 'epochs', value: 3 }, { key: 'best_epoch', value: 2 }, { key: 'test_accuracy', value: 0.9 }],
    });
    const snapshot = await loadRunSnapshot(source.db, run.id, 'iris');
    if (!snapshot) throw new Error('no snapshot');
    await pushRun(client, snapshot);
    // A run another tool logged, and one still running.
    const experimentId = [...server.tracking.experiments.values()].find((e) => e.name === 'iris')?.experiment_id ?? '';
    const other = await client.createRun({ experimentId, runName: 'sklearn run' });
    await client.logBatch(other.info.run_id, { params: [{ key: 'alpha', value: '0.5' }] });
    await client.updateRun({ runId: other.info.run_id, status: 'FINISHED', endTime: Date.now() });
    await client.createRun({ experimentId, runName: 'live run' });

    // Into the workspace it came from: nothing to add.
    const home = await pullExperimentRuns(source.db, client, { experimentName: 'iris' });
    expect(home.skipped.find((s) => s.name === 'iris mlp')?.reason).toContain('pushed from this workspace');

    const target = await makeWorkspaceDb('Target');
    const report = await pullExperimentRuns(target.db, client, { experimentName: 'iris', now: 5 });
    expect(report).toMatchObject({ experimentName: 'iris', added: 1, updated: 0, truncated: false });
    expect(report.skipped.map((s) => s.name).sort()).toEqual(['live run', 'sklearn run']);
    expect(report.skipped.find((s) => s.name === 'sklearn run')?.reason).toContain('not a Benchtop training spec');
    expect(report.skipped.find((s) => s.name === 'live run')?.reason).toContain('running');

    const [pulled] = await listRuns(target.db, { parentId: null });
    const pushed = [...server.tracking.runs.values()].find((r) => r.tags.get('benchtop.run_id') === run.id);
    expect(pulled.id).toBe(remoteRunLocalId(server.url, pushed?.info.run_id ?? ''));
    expect(pulled).toMatchObject({ name: 'iris mlp', kind: 'train', status: 'completed', spec: run.spec, seed: run.seed, tags: ['baseline'], notes: 'first', contentHash: run.contentHash });
    expect(pulled.remote).toMatchObject({ trackingUri: server.url, experimentName: 'iris', benchtopRunId: run.id, pulledAt: 5 });
    // The best epoch's values, and the one-off values.
    expect(Object.fromEntries(pulled.summary.map((m) => [m.key, m.value]))).toEqual({ loss: 0.5, val_accuracy: 0.7, epochs: 3, best_epoch: 2, test_accuracy: 0.9 });
    const points = await target.db.metrics.where('runId').equals(pulled.id).toArray();
    expect(points.filter((p) => p.key === 'val_accuracy').map((p) => [p.step, p.split])).toEqual([[1, 'validation'], [2, 'validation'], [3, 'validation']]);
    expect(points.some((p) => p.key === 'epochs')).toBe(false);
    expect(pulled.environment.libraries).toEqual(run.environment.libraries);

    const again = await pullExperimentRuns(target.db, client, { experimentName: 'iris' });
    expect(again).toMatchObject({ added: 0, updated: 1 });
    expect(await target.db.metrics.where('runId').equals(pulled.id).count()).toBe(points.length);
    expect(await listPulledRuns(target.db)).toHaveLength(1);
    expect(server.leaks).toEqual([]);
  });

  it('says when the experiment does not exist', async () => {
    server = await startMlflowServer({ token: CANARY });
    const { db } = await makeWorkspaceDb();
    await expect(pullExperimentRuns(db, clientFor(server), { experimentName: 'nope' })).rejects.toThrow('MLflow has no experiment "nope"');
  });

  it('never overwrites a run made here with a pulled one', async () => {
    const { db } = await makeWorkspaceDb();
    const local = await makeTestRun(db, {}, 'completed');
    const experiment = { id: 'mlflow-x', name: 'x (MLflow)', createdAt: 1 };
    const remote = { trackingUri: 'http://h', experimentId: '1', experimentName: 'x', runId: 'r', pulledAt: 1 };
    await expect(savePulledRuns(db, experiment, [{ run: { ...local, remote }, metrics: [] }])).rejects.toThrow('taken by a run of this workspace');
  });
});
