import { beforeEach, describe, expect, it } from 'vitest';
import { TEST_COLUMNS, addTestVersion, makeWorkspaceDb, resetStorage, testProfile } from '../test/storage-fixtures';
import {
  deleteDataset,
  deleteVersion,
  findVersionByHash,
  getDataset,
  getVersion,
  listDatasets,
  listVersions,
  renameDataset,
  setDatasetTarget,
  updateColumnTypes,
} from './datasets';
import { beginStagedVersion } from './staged-version';
import type { WorkspaceDb } from './workspace-schema';

let db: WorkspaceDb;
beforeEach(async () => {
  await resetStorage();
  ({ db } = await makeWorkspaceDb());
});

describe('datasets', () => {
  it('lists datasets with their latest complete version, hiding staging versions', async () => {
    const first = await addTestVersion(db, { datasetName: 'A', contentHash: 'h1' });
    const second = await addTestVersion(db, { datasetId: first.datasetId, contentHash: 'h2', rows: 5 });
    await beginStagedVersion(db, { datasetId: first.datasetId, datasetName: 'A', format: 'csv', sourceName: 'x.csv', sizeBytes: 1 });

    const list = await listDatasets(db);
    expect(list).toHaveLength(1);
    expect(list[0].dataset.name).toBe('A');
    expect(list[0].latestVersion?.id).toBe(second.versionId);
    expect((await listVersions(db, first.datasetId)).map((v) => v.id).sort()).toEqual([first.versionId, second.versionId].sort());
    expect(await findVersionByHash(db, first.datasetId, 'h1')).toMatchObject({ id: first.versionId });
    expect(await findVersionByHash(db, first.datasetId, 'nope')).toBeUndefined();
  });

  it('renames, sets and clears the target (a column of the latest version)', async () => {
    const { datasetId } = await addTestVersion(db);
    await renameDataset(db, datasetId, ' Iris ');
    await setDatasetTarget(db, datasetId, 'label');
    expect(await getDataset(db, datasetId)).toMatchObject({ name: 'Iris', target: 'label' });
    await expect(setDatasetTarget(db, datasetId, 'price')).rejects.toThrow('Column "price" is not in dataset "Iris"; expected one of: n, label, flag');
    await setDatasetTarget(db, datasetId, undefined);
    expect((await getDataset(db, datasetId))?.target).toBeUndefined();
    await expect(renameDataset(db, datasetId, '')).rejects.toThrow('expected 1 to 200');
  });

  it('deletes a version, moving latestVersionId back, then the last one', async () => {
    const a = await addTestVersion(db, { contentHash: 'a' });
    const b = await addTestVersion(db, { datasetId: a.datasetId, contentHash: 'b' });
    await deleteVersion(db, b.versionId);
    expect((await getDataset(db, a.datasetId))?.latestVersionId).toBe(a.versionId);
    expect(await db.columnChunks.where('versionId').equals(b.versionId).count()).toBe(0);
    await deleteVersion(db, a.versionId);
    expect((await getDataset(db, a.datasetId))?.latestVersionId).toBeUndefined();
    expect((await listDatasets(db))[0].latestVersion).toBeUndefined();
  });

  it('deletes a dataset with every version and chunk, and leaves other datasets alone', async () => {
    const gone = await addTestVersion(db, { datasetName: 'Gone' });
    await addTestVersion(db, { datasetId: gone.datasetId });
    const kept = await addTestVersion(db, { datasetName: 'Kept' });
    await deleteDataset(db, gone.datasetId);
    expect(await getDataset(db, gone.datasetId)).toBeUndefined();
    expect(await db.datasetVersions.where('datasetId').equals(gone.datasetId).count()).toBe(0);
    expect(await db.columnChunks.count()).toBe(await db.columnChunks.where('versionId').equals(kept.versionId).count());
    expect(await db.columnChunks.count()).toBeGreaterThan(0);
  });

  it('updates column types and profiles, keeping column names and order', async () => {
    const { versionId } = await addTestVersion(db);
    const columns = TEST_COLUMNS.map((c) => (c.name === 'n' ? { ...c, type: 'number' as const } : c));
    const profiles = columns.map((c) => testProfile(c, 10));
    await updateColumnTypes(db, versionId, columns, profiles);
    expect((await getVersion(db, versionId))?.columns[0].type).toBe('number');
    await expect(updateColumnTypes(db, versionId, columns.slice(1), profiles.slice(1))).rejects.toThrow('expected: n, label, flag');
  });
});
