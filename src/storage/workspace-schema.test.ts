/**
 * Upgrade tests. The pattern each new schema version copies: create a database declaring only the
 * versions up to the old one, fill it with rows shaped as that version wrote them, close it, open it
 * with the current code (which runs the upgrades) and check the data.
 */
import { Dexie } from 'dexie';
import { beforeEach, describe, expect, it } from 'vitest';
import { resetStorage, testChunk } from '../test/storage-fixtures';
import { makeTestRun } from '../test/storage-run-fixtures';
import {
  WORKSPACE_SCHEMA_VERSION,
  WORKSPACE_SCHEMA_VERSIONS,
  openWorkspaceDbAtVersion,
  primaryKeyFields,
  workspaceDbName,
  workspaceTablesAt,
} from './workspace-schema';
import { WorkspaceDb } from './workspace-schema';

beforeEach(resetStorage);

describe('workspace schema', () => {
  it('numbers versions 1, 2, 3... with no gap', () => {
    expect(WORKSPACE_SCHEMA_VERSIONS.map((s) => s.version)).toEqual(WORKSPACE_SCHEMA_VERSIONS.map((_, i) => i + 1));
  });

  it('lists the tables of a version and their primary keys', () => {
    const v1 = workspaceTablesAt(1);
    expect([...v1.keys()]).toEqual(['datasets', 'datasetVersions', 'columnChunks', 'settings']);
    expect(primaryKeyFields(v1.get('columnChunks') ?? '')).toEqual(['versionId', 'column', 'index']);
    expect(primaryKeyFields(v1.get('datasets') ?? '')).toEqual(['id']);
  });

  it('adds the run tables at version 2', () => {
    const v2 = workspaceTablesAt(2);
    expect([...v2.keys()]).toEqual(['datasets', 'datasetVersions', 'columnChunks', 'settings', 'experiments', 'runs', 'metrics', 'logs', 'artifacts', 'checkpoints']);
    expect(primaryKeyFields(v2.get('metrics') ?? '')).toEqual(['runId', 'key', 'step']);
    expect(primaryKeyFields(v2.get('checkpoints') ?? '')).toEqual(['runId', 'epoch']);
    expect(primaryKeyFields(v2.get('runs') ?? '')).toEqual(['id']);
  });

  it('adds the registry and endpoint tables at version 3', () => {
    const v3 = workspaceTablesAt(3);
    expect([...v3.keys()].slice(10)).toEqual(['models', 'modelVersions', 'modelFiles', 'endpoints', 'deployments']);
    expect(primaryKeyFields(v3.get('modelFiles') ?? '')).toEqual(['modelVersionId', 'name']);
    expect(primaryKeyFields(v3.get('modelVersions') ?? '')).toEqual(['id']);
  });

  it('adds the sync queue at version 4', () => {
    const v4 = workspaceTablesAt(4);
    expect([...v4.keys()].slice(15)).toEqual(['syncQueue']);
    expect(primaryKeyFields(v4.get('syncQueue') ?? '')).toEqual(['id']);
  });

  it('refuses a version that does not exist', () => {
    expect(() => openWorkspaceDbAtVersion('x', WORKSPACE_SCHEMA_VERSION + 1)).toThrow('does not exist');
  });

  it('upgrades a version-1 database to the current schema, keeping its data', async () => {
    const name = workspaceDbName('upgrade-v1');
    const old = openWorkspaceDbAtVersion(name, 1);
    await old.table('datasets').add({ id: 'd1', name: 'Iris', createdAt: 1, updatedAt: 2, latestVersionId: 'v1' });
    await old.table('datasetVersions').add({
      id: 'v1', datasetId: 'd1', contentHash: 'abc', format: 'csv', sourceName: 'iris.csv', sizeBytes: 100, rows: 3, chunkRows: 4,
      columns: [], profiles: [], issues: [], createdAt: 1, complete: 1,
    });
    await old.table('columnChunks').add({ versionId: 'v1', column: 0, index: 0, data: testChunk(0, 0, 3, 4) });
    old.close();

    const current = new WorkspaceDb(name);
    await current.open();
    expect(current.verno).toBe(WORKSPACE_SCHEMA_VERSION);
    expect((await current.datasets.get('d1'))?.name).toBe('Iris');
    expect((await current.datasetVersions.where('[datasetId+contentHash]').equals(['d1', 'abc']).first())?.id).toBe('v1');
    const chunk = await current.columnChunks.get(['v1', 0, 0]);
    expect(chunk?.data.kind === 'f64' && Array.from(chunk.data.values)).toEqual([0, 1, 2]);
    // Version 2: the run tables exist, empty, with their indexes.
    for (const table of [current.experiments, current.runs, current.metrics, current.logs, current.artifacts, current.checkpoints]) {
      expect(await table.count()).toBe(0);
    }
    expect(current.runs.schema.indexes.map((i) => i.name)).toEqual(expect.arrayContaining(['[status+createdAt]', 'tags', 'parentId']));
    expect(current.runs.schema.idxByName.tags.multi).toBe(true);
    expect(current.metrics.schema.primKey.keyPath).toEqual(['runId', 'key', 'step']);
    const run = await makeTestRun(current, {}, 'running');
    expect((await current.runs.where('[status+createdAt]').between(['running', 0], ['running', Infinity]).first())?.id).toBe(run.id);
    current.close();
    await Dexie.delete(name);
  });

  it('upgrades a version-2 database to the current schema, keeping its runs and artifacts', async () => {
    const name = workspaceDbName('upgrade-v2');
    const old = openWorkspaceDbAtVersion(name, 2);
    const run = await makeTestRun(old, { name: 'iris run' }, 'completed');
    await old.table('artifacts').add({
      id: 'a1', runId: run.id, name: 'model.json', mediaType: 'application/json', size: 2, sha256: 'ab', data: new Blob(['{}']), createdAt: 1,
    });
    old.close();

    const current = new WorkspaceDb(name);
    await current.open();
    expect(current.verno).toBe(WORKSPACE_SCHEMA_VERSION);
    expect((await current.runs.get(run.id))?.name).toBe('iris run');
    expect((await current.artifacts.where('[runId+name]').equals([run.id, 'model.json']).first())?.id).toBe('a1');
    // Version 3: the registry and endpoint tables exist, empty, with their indexes.
    for (const table of [current.models, current.modelVersions, current.modelFiles, current.endpoints, current.deployments]) {
      expect(await table.count()).toBe(0);
    }
    expect(current.models.schema.idxByName.name.unique).toBe(true);
    expect(current.endpoints.schema.idxByName.name.unique).toBe(true);
    expect(current.modelVersions.schema.idxByName['[modelId+version]'].unique).toBe(true);
    expect(current.modelVersions.schema.idxByName.aliases.multi).toBe(true);
    expect(current.modelFiles.schema.primKey.keyPath).toEqual(['modelVersionId', 'name']);
    await current.models.add({ id: 'm1', name: 'iris', tags: [], latestVersion: 0, createdAt: 1, updatedAt: 1 });
    await expect(current.models.add({ id: 'm2', name: 'iris', tags: [], latestVersion: 0, createdAt: 1, updatedAt: 1 })).rejects.toThrow();
    current.close();
    await Dexie.delete(name);
  });

  it('upgrades a version-3 database to the current schema, keeping its registry, with an empty sync queue', async () => {
    const name = workspaceDbName('upgrade-v3');
    const old = openWorkspaceDbAtVersion(name, 3);
    const run = await makeTestRun(old, { name: 'iris run' }, 'completed');
    await old.table('models').add({ id: 'm1', name: 'iris', tags: [], latestVersion: 1, createdAt: 1, updatedAt: 1 });
    await old.table('settings').add({ key: 'runtime.concurrency', value: 2 });
    old.close();

    const current = new WorkspaceDb(name);
    await current.open();
    expect(current.verno).toBe(WORKSPACE_SCHEMA_VERSION);
    expect((await current.runs.get(run.id))?.name).toBe('iris run');
    expect((await current.models.get('m1'))?.name).toBe('iris');
    expect((await current.settings.get('runtime.concurrency'))?.value).toBe(2);
    expect(await current.syncQueue.count()).toBe(0);
    for (const index of ['kind', 'targetId', 'state', 'nextAttemptAt', 'createdAt']) expect(current.syncQueue.schema.idxByName[index]).toBeDefined();
    await current.syncQueue.add({
      id: `run:${run.id}`, kind: 'run', targetId: run.id, label: 'iris run', state: 'queued', attempts: 0, nextAttemptAt: 0,
      pushState: { metricMarks: [], artifacts: [] }, sourceUpdatedAt: 1, createdAt: 1, updatedAt: 1,
    });
    expect(await current.syncQueue.where('state').equals('queued').count()).toBe(1);
    current.close();
    await Dexie.delete(name);
  });
});
