/**
 * Workspace archives with runs (schema version 2): round trip of every run table, runs exported
 * mid-run, and archives exported at schema version 1 (before runs existed).
 */
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { beforeEach, describe, expect, it } from 'vitest';
import { addTestVersion, makeWorkspaceDb, resetStorage } from '../test/storage-fixtures';
import { makeTestRun } from '../test/storage-run-fixtures';
import { putArtifact } from './artifacts';
import { saveCheckpoint } from './checkpoints';
import { getWorkspaceDb } from './connections';
import { listDatasets } from './datasets';
import { appendLogs } from './logs';
import { appendMetrics } from './metrics';
import { transitionRun } from './run-status';
import { exportWorkspace, importWorkspace } from './workspace-archive';
import { WORKSPACE_SCHEMA_VERSION, workspaceTablesAt, type WorkspaceDb } from './workspace-schema';

beforeEach(resetStorage);

const RUN_TABLES = ['experiments', 'runs', 'metrics', 'logs', 'artifacts', 'checkpoints'] as const;

/** Every row of the run tables, Blobs read as text so rows compare with `toEqual`. */
async function runTables(db: WorkspaceDb): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of RUN_TABLES) {
    const rows = (await db.table(table).toArray()) as Record<string, unknown>[];
    out[table] = await Promise.all(rows.map(async (row) => (row.data instanceof Blob ? { ...row, data: `${row.data.type}:${await row.data.text()}` } : row)));
  }
  return out;
}

async function unzip(blob: Blob): Promise<Record<string, Uint8Array>> {
  return unzipSync(new Uint8Array(await blob.arrayBuffer()));
}

describe('workspace archive with runs', () => {
  it('round-trips runs, metrics, logs, Blob and ArrayBuffer artifacts, and checkpoints', async () => {
    const { workspaceId, db } = await makeWorkspaceDb('Lab');
    await addTestVersion(db);
    const sweep = await makeTestRun(db, { kind: 'sweep', tags: ['baseline'], notes: 'first try' });
    const trial = await makeTestRun(db, { kind: 'trial', parentId: sweep.id }, 'running');
    await appendMetrics(db, [
      { runId: trial.id, key: 'loss', step: 0, value: 0.9, time: 10, split: 'train' },
      { runId: trial.id, key: 'loss', step: 1, value: NaN, time: 11, split: 'train' },
    ]);
    await appendLogs(db, trial.id, [{ level: 'info', message: 'epoch 1', time: 12 }]);
    await putArtifact(db, { runId: trial.id, name: 'model/model.json', mediaType: 'application/json', data: new Blob(['{"a":1}'], { type: 'application/json' }) });
    await putArtifact(db, { runId: trial.id, name: 'model/weights.bin', mediaType: 'application/octet-stream', data: Float32Array.of(1.5, -2).buffer });
    await saveCheckpoint(db, {
      runId: trial.id, epoch: 1, step: 10, weights: Float32Array.of(0.25, 0.5).buffer, weightSpecs: [{ name: 'w', shape: [2], dtype: 'float32' }],
      optimizerState: Float32Array.of(3).buffer, optimizerSpecs: [{ name: 'm', shape: [1], dtype: 'float32' }], optimizerClass: 'Adam',
      rngState: [1, 2, 3, 4, 5], metricsSoFar: [{ key: 'loss', value: 0.9 }], earlyStopping: { best: null, bestEpoch: 0, wait: 0 },
      bestWeights: Float32Array.of(9, 8).buffer, bestWeightSpecs: [{ name: 'w', shape: [2], dtype: 'float32' }],
      trainerState: { history: [{ epoch: 1, train: { loss: 0.9 }, seconds: 0.5 }] },
    });
    await transitionRun(db, trial.id, 'completed', { summary: [{ key: 'val_loss', value: 0.5 }], environment: { backend: 'webgpu', adapter: { vendor: 'google', architecture: 'swiftshader', description: '', isFallbackAdapter: true } } });

    const blob = await exportWorkspace(workspaceId);
    const manifest = JSON.parse(strFromU8((await unzip(blob))['manifest.json']));
    expect(manifest.tables).toMatchObject({ experiments: { rows: 1 }, runs: { rows: 2 }, metrics: { rows: 2 }, logs: { rows: 1 }, artifacts: { rows: 2 }, checkpoints: { rows: 1 } });
    const copy = getWorkspaceDb((await importWorkspace(blob)).id);
    expect(await runTables(copy)).toEqual(await runTables(db));
    const weights = await copy.artifacts.where('[runId+name]').equals([trial.id, 'model/weights.bin']).first();
    expect(weights?.data).toBeInstanceOf(ArrayBuffer);
    expect(new Float32Array(weights?.data as ArrayBuffer)).toEqual(Float32Array.of(1.5, -2));
    const checkpoint = await copy.checkpoints.get([trial.id, 1]);
    expect(checkpoint?.weights).toBeInstanceOf(ArrayBuffer);
    expect(new Float32Array(checkpoint?.weights as ArrayBuffer)).toEqual(Float32Array.of(0.25, 0.5));
    expect(new Float32Array(checkpoint?.bestWeights as ArrayBuffer)).toEqual(Float32Array.of(9, 8));
    expect(Number.isNaN((await copy.metrics.get([trial.id, 'loss', 1]))?.value)).toBe(true);
    expect((await copy.runs.where('tags').equals('baseline').first())?.id).toBe(sweep.id);
  });

  it('imports a run exported mid-run as interrupted (nothing runs in a fresh import)', async () => {
    const { workspaceId, db } = await makeWorkspaceDb('Lab');
    const running = await makeTestRun(db, {}, 'running');
    const copy = getWorkspaceDb((await importWorkspace(await exportWorkspace(workspaceId))).id);
    expect((await copy.runs.get(running.id))?.status).toBe('interrupted');
    expect((await db.runs.get(running.id))?.status).toBe('running');
  });

  it('imports an archive exported at schema version 1, upgrading it', async () => {
    const { workspaceId, db } = await makeWorkspaceDb('Old lab');
    const { datasetId, versionId } = await addTestVersion(db, { rows: 10, chunkRows: 4 });
    const entries = await unzip(await exportWorkspace(workspaceId));
    // What version 1 of the app wrote: no run tables (nor any later table), schemaVersion 1.
    const manifest = JSON.parse(strFromU8(entries['manifest.json']));
    const v1Tables = workspaceTablesAt(1);
    for (const table of Object.keys(manifest.tables)) {
      if (v1Tables.has(table)) continue;
      delete manifest.tables[table];
      delete entries[`tables/${table}.jsonl`];
    }
    entries['manifest.json'] = strToU8(JSON.stringify({ ...manifest, schemaVersion: 1 }));
    const imported = await importWorkspace(new Blob([zipSync(entries) as BlobPart]));
    const copy = getWorkspaceDb(imported.id);
    expect(copy.verno).toBe(WORKSPACE_SCHEMA_VERSION);
    expect((await listDatasets(copy))[0]).toMatchObject({ dataset: { id: datasetId }, latestVersion: { id: versionId, rows: 10 } });
    expect(await copy.columnChunks.count()).toBe(await db.columnChunks.count());
    for (const table of RUN_TABLES) expect(await copy.table(table).count()).toBe(0);
  });

  it('refuses run tables in an archive of schema version 1, and runs of the wrong shape', async () => {
    const { workspaceId, db } = await makeWorkspaceDb('Lab');
    await makeTestRun(db);
    const entries = await unzip(await exportWorkspace(workspaceId));
    const manifest = JSON.parse(strFromU8(entries['manifest.json']));
    const v1 = { ...entries, 'manifest.json': strToU8(JSON.stringify({ ...manifest, schemaVersion: 1 })) };
    await expect(importWorkspace(new Blob([zipSync(v1) as BlobPart]))).rejects.toThrow("table 'experiments' is not a Benchtop table (schema version 1 has: datasets");
    const runs = strFromU8(entries['tables/runs.jsonl']).replace('"status":"queued"', '"status":"paused"');
    await expect(importWorkspace(new Blob([zipSync({ ...entries, 'tables/runs.jsonl': strToU8(runs) }) as BlobPart]))).rejects.toThrow(
      /tables\/runs.jsonl line 1 does not match the "runs" record shape: status/,
    );
  });
});
