/**
 * Workspace archives with the model registry (schema version 3): models, versions, their copied files and
 * endpoints round-trip; archives of schema version 2 import and upgrade; malformed registry rows are refused.
 */
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeWorkspaceDb, resetStorage } from '../test/storage-fixtures';
import { makeTrainedRun } from '../test/storage-model-fixtures';
import { getWorkspaceDb } from './connections';
import { setModelAlias } from './model-aliases';
import { registerModelVersion } from './model-registration';
import { findModelVersion, readModelFile } from './model-versions';
import { exportWorkspace, importWorkspace } from './workspace-archive';
import { WORKSPACE_SCHEMA_VERSION, workspaceTablesAt, type WorkspaceDb } from './workspace-schema';

beforeEach(resetStorage);

const REGISTRY_TABLES = ['models', 'modelVersions', 'modelFiles', 'endpoints', 'deployments'] as const;

/** Every row of the registry tables, Blobs read as text so rows compare with `toEqual`. */
async function registryTables(db: WorkspaceDb): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of REGISTRY_TABLES) {
    const rows = (await db.table(table).toArray()) as Record<string, unknown>[];
    out[table] = await Promise.all(
      rows.map(async (row) => (row.data instanceof Blob ? { ...row, data: `${row.data.type}:${await row.data.text()}` } : row.data instanceof ArrayBuffer ? { ...row, data: Array.from(new Uint8Array(row.data)) } : row)),
    );
  }
  return out;
}

async function unzip(blob: Blob): Promise<Record<string, Uint8Array>> {
  return unzipSync(new Uint8Array(await blob.arrayBuffer()));
}

describe('workspace archive with models', () => {
  it('round-trips models, versions with aliases, their files, endpoints and deployments', async () => {
    const { workspaceId, db } = await makeWorkspaceDb('Lab');
    const run = await makeTrainedRun(db, { weights: 3 });
    await registerModelVersion(db, { modelName: 'iris-classifier', source: { kind: 'run', runId: run.id }, description: 'first', tags: ['iris'] });
    const { version: v2 } = await registerModelVersion(db, { modelName: 'iris-classifier', source: { kind: 'run', runId: run.id } });
    await setModelAlias(db, v2.id, 'champion');
    await db.endpoints.add({ id: 'e1', name: 'prod', createdAt: 1, updatedAt: 1 });
    await db.deployments.add({ id: 'd1', endpointId: 'e1', modelVersionId: v2.id, trafficPercent: 100, mirrorPercent: 0, createdAt: 1, updatedAt: 1 });

    const blob = await exportWorkspace(workspaceId);
    const manifest = JSON.parse(strFromU8((await unzip(blob))['manifest.json']));
    expect(manifest.schemaVersion).toBe(WORKSPACE_SCHEMA_VERSION);
    expect(manifest.tables).toMatchObject({ models: { rows: 1 }, modelVersions: { rows: 2 }, modelFiles: { rows: 10 }, endpoints: { rows: 1 }, deployments: { rows: 1 } });
    const copy = getWorkspaceDb((await importWorkspace(blob)).id);
    expect(await registryTables(copy)).toEqual(await registryTables(db));
    const champion = await findModelVersion(copy, 'iris-classifier', { alias: 'champion' });
    expect(champion?.version.id).toBe(v2.id);
    expect(new Float32Array(await readModelFile(copy, v2.id, 'model.weights.bin'))).toEqual(Float32Array.of(3, -2));
    expect((await copy.runs.get(run.id))?.outputs.filter((o) => o.kind === 'modelVersion')).toHaveLength(2);
  });

  it('imports an archive exported at schema version 2, upgrading it with empty registry tables', async () => {
    const { workspaceId, db } = await makeWorkspaceDb('Lab');
    const run = await makeTrainedRun(db);
    const entries = await unzip(await exportWorkspace(workspaceId));
    const manifest = JSON.parse(strFromU8(entries['manifest.json']));
    const v2Tables = workspaceTablesAt(2);
    for (const table of Object.keys(manifest.tables)) {
      if (v2Tables.has(table)) continue;
      delete manifest.tables[table];
      delete entries[`tables/${table}.jsonl`];
    }
    entries['manifest.json'] = strToU8(JSON.stringify({ ...manifest, schemaVersion: 2 }));
    const copy = getWorkspaceDb((await importWorkspace(new Blob([zipSync(entries) as BlobPart]))).id);
    expect(copy.verno).toBe(WORKSPACE_SCHEMA_VERSION);
    expect((await copy.runs.get(run.id))?.status).toBe('completed');
    for (const table of REGISTRY_TABLES) expect(await copy.table(table).count()).toBe(0);
    // The upgraded copy registers like any workspace.
    const { version } = await registerModelVersion(copy, { modelName: 'm', source: { kind: 'run', runId: run.id } });
    expect(version.version).toBe(1);
  });

  it('refuses registry tables in a version-2 archive, and versions of the wrong shape', async () => {
    const { workspaceId, db } = await makeWorkspaceDb('Lab');
    const run = await makeTrainedRun(db);
    await registerModelVersion(db, { modelName: 'm', source: { kind: 'run', runId: run.id }, aliases: ['champion'] });
    const entries = await unzip(await exportWorkspace(workspaceId));
    const manifest = JSON.parse(strFromU8(entries['manifest.json']));
    const v2 = { ...entries, 'manifest.json': strToU8(JSON.stringify({ ...manifest, schemaVersion: 2 })) };
    await expect(importWorkspace(new Blob([zipSync(v2) as BlobPart]))).rejects.toThrow("table 'models' is not a Benchtop table (schema version 2 has:");
    const versions = strFromU8(entries['tables/modelVersions.jsonl']).replace('"aliases":["champion"]', '"aliases":"champion"');
    await expect(importWorkspace(new Blob([zipSync({ ...entries, 'tables/modelVersions.jsonl': strToU8(versions) }) as BlobPart]))).rejects.toThrow(
      /tables\/modelVersions.jsonl line 1 does not match the "modelVersions" record shape: aliases/,
    );
  });
});
