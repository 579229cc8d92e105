import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ImportProgress, ImportRequest } from '../protocol/import';
import { makeWorkspaceDb, resetStorage } from '../test/storage-fixtures';
import { importDataset, retypeColumns } from './dataset-import';
import { listDatasets, listVersions } from './datasets';
import { RowWindowReader } from './row-window-reader';
import type { WorkspaceDb } from './workspace-schema';

let workspaceId: string;
let db: WorkspaceDb;

beforeEach(async () => {
  ({ workspaceId, db } = await makeWorkspaceDb());
});
afterEach(async () => {
  vi.restoreAllMocks();
  await resetStorage();
});

function fileRequest(text: string, name = 'houses.csv'): ImportRequest {
  return { workspaceId, source: { kind: 'file', file: new File([text], name) }, datasetName: name.replace(/\.[^.]+$/, '') };
}

async function counts() {
  return { datasets: await db.datasets.count(), versions: await db.datasetVersions.count(), chunks: await db.columnChunks.count() };
}

describe('importDataset', () => {
  it('imports a CSV into a complete version with profiles and progress', async () => {
    const progress: ImportProgress['status'][] = [];
    const result = await importDataset(fileRequest('price,city\n1.5,Oslo\n2,Bergen\n,Oslo\n'), (p) => progress.push(p.status));
    expect(result).toMatchObject({ reused: false, rows: 3 });
    expect(result.columns.map((c) => [c.name, c.type])).toEqual([
      ['price', 'number'],
      ['city', 'category'],
    ]);
    expect(progress).toContain('done');
    const [version] = await listVersions(db, result.datasetId);
    expect(version.complete).toBe(1);
    expect(version.profiles[0]).toMatchObject({ missing: 1, count: 2 });
    const rows = await new RowWindowReader(db, version).readRows(0, 3);
    expect(rows).toEqual([
      [1.5, 'Oslo'],
      [2, 'Bergen'],
      [null, 'Oslo'],
    ]);
  });

  it('reuses the version for the same bytes and adds one for changed bytes', async () => {
    const first = await importDataset(fileRequest('a,b\n1,2\n'), () => undefined);
    const again = await importDataset(fileRequest('a,b\n1,2\n'), () => undefined);
    expect(again).toMatchObject({ datasetId: first.datasetId, versionId: first.versionId, reused: true });
    const changed = await importDataset(fileRequest('a,b\n1,3\n'), () => undefined);
    expect(changed.datasetId).toBe(first.datasetId);
    expect(changed.versionId).not.toBe(first.versionId);
    expect(await listVersions(db, first.datasetId)).toHaveLength(2);
    expect(await listDatasets(db)).toHaveLength(1);
  });

  it('keeps nothing when the file is refused', async () => {
    await expect(importDataset(fileRequest('', 'empty.csv'), () => undefined)).rejects.toThrow(/empty/);
    await expect(importDataset(fileRequest('\u0000\u0001\u0002binary', 'x.csv'), () => undefined)).rejects.toThrow(/text/);
    expect(await counts()).toEqual({ datasets: 0, versions: 0, chunks: 0 });
  });

  it('turns a quota error into one clear message and keeps nothing', async () => {
    const quota = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    vi.spyOn(db.columnChunks, 'bulkPut').mockImplementation(() => Promise.reject(quota) as ReturnType<typeof db.columnChunks.bulkPut>);
    await expect(importDataset(fileRequest('a\n1\n2\n'), () => undefined)).rejects.toThrow(/storage is full.*nothing of it was kept/i);
    vi.restoreAllMocks();
    expect(await counts()).toEqual({ datasets: 0, versions: 0, chunks: 0 });
  });

  it('stops on an aborted signal and keeps nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(importDataset(fileRequest('a\n1\n'), () => undefined, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(await counts()).toEqual({ datasets: 0, versions: 0, chunks: 0 });
  });
});

describe('retypeColumns', () => {
  it('re-profiles without rewriting chunks, reports unparseable values, and can be undone', async () => {
    const result = await importDataset(fileRequest('code,size\n001,small\n002,large\n003,12\n'), () => undefined);
    const chunksBefore = await db.columnChunks.toArray();
    const toCategory = await retypeColumns(workspaceId, result.versionId, [{ column: 'code', type: 'category' }]);
    expect(toCategory.columns[0].type).toBe('category');
    expect(toCategory.notes).toEqual([]);
    const toNumber = await retypeColumns(workspaceId, result.versionId, [{ column: 'size', type: 'number' }]);
    expect(toNumber.notes[0]).toMatch(/Column "size" has 2 values that are not number \(first at row 1: "small"\)/);
    const [version] = await listVersions(db, result.datasetId);
    expect(version.profiles[1]).toMatchObject({ type: 'number', count: 1, missing: 2 });
    expect(await db.columnChunks.toArray()).toEqual(chunksBefore);
    await retypeColumns(workspaceId, result.versionId, [{ column: 'size', type: 'category' }]);
    const [restored] = await listVersions(db, result.datasetId);
    expect(restored.profiles[1]).toMatchObject({ count: 3, missing: 0 });
  });

  it('refuses a type no value fits, and an unknown column', async () => {
    const result = await importDataset(fileRequest('word\nalpha\nbeta\n'), () => undefined);
    await expect(retypeColumns(workspaceId, result.versionId, [{ column: 'word', type: 'datetime' }])).rejects.toThrow(/none reads as datetime/);
    await expect(retypeColumns(workspaceId, result.versionId, [{ column: '__proto__', type: 'number' }])).rejects.toThrow(/"__proto__" is not in this dataset/);
  });
});
