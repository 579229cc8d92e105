import { beforeEach, describe, expect, it, vi } from 'vitest';
import { TEST_COLUMNS, addTestVersion, makeWorkspaceDb, resetStorage, testChunk, testProfile } from '../test/storage-fixtures';
import { deleteDataset, getVersion, listDatasets } from './datasets';
import { beginStagedVersion, importLockName, importLockPredicate, sweepIncompleteVersions, withImportLock, type StagedVersionInit } from './staged-version';
import { isQuotaError } from './storage-health';
import type { WorkspaceDb } from './workspace-schema';

let db: WorkspaceDb;
beforeEach(async () => {
  await resetStorage();
  ({ db } = await makeWorkspaceDb());
});

const init: StagedVersionInit = { datasetName: 'Staged', format: 'csv', sourceName: 's.csv', sizeBytes: 40, chunkRows: 4 };
const commitMeta = (rows: number, contentHash = 'hash') => ({
  contentHash,
  rows,
  columns: [...TEST_COLUMNS],
  profiles: TEST_COLUMNS.map((c) => testProfile(c, rows)),
  issues: [],
});

async function writeAll(staged: Awaited<ReturnType<typeof beginStagedVersion>>, rows: number) {
  for (let c = 0; c < TEST_COLUMNS.length; c++) for (let i = 0; i * 4 < rows; i++) await staged.write(c, i, testChunk(c, i, rows, 4));
}

describe('staged versions', () => {
  it('is invisible while staging and complete after commit, with its dataset created in the same step', async () => {
    const staged = await beginStagedVersion(db, init);
    await writeAll(staged, 10);
    expect(await getVersion(db, staged.versionId)).toBeUndefined();
    expect(await listDatasets(db)).toEqual([]);
    expect(await staged.read(1, 2)).toEqual(testChunk(1, 2, 10, 4)); // still buffered

    const result = await staged.commit(commitMeta(10));

    expect(result).toEqual({ datasetId: staged.datasetId, versionId: staged.versionId, reused: false });
    const version = await getVersion(db, staged.versionId);
    expect(version).toMatchObject({ complete: 1, rows: 10, contentHash: 'hash' });
    expect((await listDatasets(db))[0].dataset).toMatchObject({ name: 'Staged', latestVersionId: staged.versionId });
    expect(await db.columnChunks.where('versionId').equals(staged.versionId).count()).toBe(9);
  });

  it('flushes in batches and reads back flushed chunks; a rewrite replaces a chunk', async () => {
    const staged = await beginStagedVersion(db, { ...init, chunkRows: 1 });
    for (let i = 0; i < 130; i++) await staged.write(0, i, { kind: 'f64', values: Float64Array.of(i) });
    expect(await db.columnChunks.count()).toBeGreaterThanOrEqual(128);
    await staged.write(0, 3, { kind: 'f64', values: Float64Array.of(-3) });
    expect(await staged.read(0, 3)).toEqual({ kind: 'f64', values: Float64Array.of(-3) });
    await staged.flush();
    expect((await db.columnChunks.get([staged.versionId, 0, 3]))?.data).toEqual({ kind: 'f64', values: Float64Array.of(-3) });
  });

  it('refuses to commit with chunks missing, and abort then leaves nothing', async () => {
    const staged = await beginStagedVersion(db, init);
    await staged.write(0, 0, testChunk(0, 0, 10, 4));
    await expect(staged.commit(commitMeta(10))).rejects.toThrow('has 1 chunks; expected 9 (3 columns × 3 chunks)');
    await staged.abort();
    expect(await db.datasetVersions.count()).toBe(0);
    expect(await db.columnChunks.count()).toBe(0);
    expect(await db.datasets.count()).toBe(0);
  });

  it('abort deletes the version and every chunk, and refuses later writes', async () => {
    const staged = await beginStagedVersion(db, init);
    await writeAll(staged, 10);
    await staged.flush();
    await staged.abort();
    await staged.abort(); // idempotent
    expect(await db.datasetVersions.count()).toBe(0);
    expect(await db.columnChunks.count()).toBe(0);
    await expect(staged.write(0, 0, testChunk(0, 0, 10, 4))).rejects.toThrow('is aborted');
  });

  it('returns the existing version when the same content was committed meanwhile', async () => {
    const first = await addTestVersion(db, { contentHash: 'same' });
    const staged = await beginStagedVersion(db, { ...init, datasetId: first.datasetId });
    await writeAll(staged, 10);
    expect(await staged.commit(commitMeta(10, 'same'))).toEqual({ datasetId: first.datasetId, versionId: first.versionId, reused: true });
    expect(await db.datasetVersions.count()).toBe(1);
    expect(await db.columnChunks.where('versionId').equals(staged.versionId).count()).toBe(0);
  });

  it('fails the import when its dataset is deleted meanwhile', async () => {
    const first = await addTestVersion(db);
    const staged = await beginStagedVersion(db, { ...init, datasetId: first.datasetId });
    await deleteDataset(db, first.datasetId);
    await writeAll(staged, 10);
    await expect(staged.commit(commitMeta(10))).rejects.toThrow('was deleted during the import');
    await staged.abort();
    expect(await db.columnChunks.count()).toBe(0);
  });

  it('a quota error while writing chunks leaves nothing partial after abort', async () => {
    const staged = await beginStagedVersion(db, { ...init, chunkRows: 1 });
    const quota = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    let writes = 0;
    const original = db.columnChunks.bulkPut.bind(db.columnChunks);
    db.columnChunks.bulkPut = ((...args: Parameters<typeof original>) => {
      if (++writes === 2) return Promise.reject(quota);
      return original(...args);
    }) as typeof original;

    let caught: unknown;
    try {
      for (let i = 0; i < 200; i++) await staged.write(0, i, { kind: 'f64', values: Float64Array.of(i) });
    } catch (err) {
      caught = err;
    }
    expect(isQuotaError(caught)).toBe(true);
    expect(await db.columnChunks.count()).toBeGreaterThan(0); // the first batch landed
    await staged.abort();
    expect(await db.datasetVersions.count()).toBe(0);
    expect(await db.columnChunks.count()).toBe(0);
    expect(await db.datasets.count()).toBe(0);
  });
});

describe('sweepIncompleteVersions', () => {
  it('asks navigator.locks which imports are alive, and runs a function under the lock', async () => {
    const query = async () => ({ held: [{ name: importLockName('a'), mode: 'exclusive' as const }], pending: [] });
    const request = vi.fn(async (_name: string, fn: () => Promise<number>) => fn());
    vi.stubGlobal('navigator', { locks: { query, request } });
    const isLocked = await importLockPredicate();
    expect([isLocked('a'), isLocked('b')]).toEqual([true, false]);
    expect(await withImportLock('a', async () => 7)).toBe(7);
    expect(request).toHaveBeenCalledWith('benchtop-import:a', expect.any(Function));
    vi.unstubAllGlobals();
  });

  it('deletes staging versions whose import lock is free, keeps locked and complete ones', async () => {
    const done = await addTestVersion(db);
    const orphan = await beginStagedVersion(db, init);
    await writeAll(orphan, 10);
    await orphan.flush();
    const live = await beginStagedVersion(db, init);
    await live.write(0, 0, testChunk(0, 0, 10, 4));
    await live.flush();
    const held = new Set([importLockName(live.versionId)]);

    expect(await sweepIncompleteVersions(db, (versionId) => held.has(importLockName(versionId)))).toEqual([orphan.versionId]);

    expect(await db.datasetVersions.get(orphan.versionId)).toBeUndefined();
    expect(await db.columnChunks.where('versionId').equals(orphan.versionId).count()).toBe(0);
    expect(await db.datasetVersions.get(live.versionId)).toBeDefined();
    expect(await getVersion(db, done.versionId)).toBeDefined();
    expect(importLockName('v')).toBe('benchtop-import:v');
  });

  it('spares versions created after createdBefore', async () => {
    await beginStagedVersion(db, init);
    expect(await sweepIncompleteVersions(db, () => false, { createdBefore: 0 })).toEqual([]);
    expect(await sweepIncompleteVersions(db, () => false)).toHaveLength(1);
  });
});
