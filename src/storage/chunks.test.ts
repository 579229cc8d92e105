import { beforeEach, describe, expect, it } from 'vitest';
import { CHUNK_ROWS } from '../core/table/column-types';
import { addTestVersion, makeWorkspaceDb, resetStorage } from '../test/storage-fixtures';
import { readChunk, readColumn } from './chunks';
import { RowWindowReader } from './row-window-reader';
import { getVersion } from './datasets';
import type { DatasetVersionRecord } from './records';
import type { WorkspaceDb } from './workspace-schema';

let db: WorkspaceDb;
beforeEach(async () => {
  await resetStorage();
  ({ db } = await makeWorkspaceDb());
});

async function version(rows: number, chunkRows: number): Promise<DatasetVersionRecord> {
  const { versionId } = await addTestVersion(db, { rows, chunkRows });
  const record = await getVersion(db, versionId);
  if (!record) throw new Error('version missing');
  return record;
}

describe('reading chunks', () => {
  it('reads one chunk, and names a missing one', async () => {
    const v = await version(10, 4);
    expect(await readChunk(db, v.id, 0, 2)).toEqual({ kind: 'f64', values: Float64Array.of(8, 9) });
    await expect(readChunk(db, v.id, 0, 3)).rejects.toThrow(`Chunk 3 of column 0 of dataset version "${v.id}" is missing`);
  });

  it('iterates a column chunk by chunk', async () => {
    const v = await version(10, 4);
    const values: number[] = [];
    for await (const chunk of readColumn(db, v.id, 0)) if (chunk.kind === 'f64') values.push(...chunk.values);
    expect(values).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await expect(readColumn(db, v.id, 7).next()).rejects.toThrow('Column 7 does not exist');
  });
});

describe('RowWindowReader', () => {
  it('reads a window across chunk boundaries, typed per column', async () => {
    const reader = new RowWindowReader(db, await version(10, 4));
    expect(await reader.readRows(3, 7)).toEqual([
      [3, 'r0', false],
      [4, 'r1', true],
      [5, null, false],
      [6, 'r0', true],
    ]);
    expect(await reader.readRows(8, 99, [2, 0])).toEqual([
      [true, 8],
      [false, 9],
    ]);
    expect(await reader.readRows(12, 20)).toEqual([]);
    expect(await reader.readText(4, 6)).toEqual([
      ['4', 'r1', 'true'],
      ['5', null, 'false'],
    ]);
    await expect(reader.readRows(0, 1, [3])).rejects.toThrow('Column 3 does not exist; expected 0 to 2');
  });

  it(`crosses a boundary of full-size chunks (${CHUNK_ROWS} rows) and caches chunks`, async () => {
    const v = await version(CHUNK_ROWS * 2 + 10, CHUNK_ROWS);
    const reader = new RowWindowReader(db, v);
    const rows = await reader.readRows(CHUNK_ROWS - 2, CHUNK_ROWS + 2, [0]);
    expect(rows.map((r) => r[0])).toEqual([CHUNK_ROWS - 2, CHUNK_ROWS - 1, CHUNK_ROWS, CHUNK_ROWS + 1]);
    let reads = 0;
    const original = db.columnChunks.get.bind(db.columnChunks);
    db.columnChunks.get = ((...args: Parameters<typeof original>) => {
      reads++;
      return original(...args);
    }) as typeof original;
    await reader.readRows(CHUNK_ROWS - 1, CHUNK_ROWS + 1, [0]);
    expect(reads).toBe(0);
    expect((await reader.readRows(2 * CHUNK_ROWS + 9, 2 * CHUNK_ROWS + 10, [0]))[0][0]).toBe(2 * CHUNK_ROWS + 9);
    expect(reads).toBe(1);
  });

  it('evicts least recently used chunks beyond its byte budget', async () => {
    const v = await version(40, 4);
    const reader = new RowWindowReader(db, v, { cacheBytes: 3 * 4 * 8 });
    let reads = 0;
    const original = db.columnChunks.get.bind(db.columnChunks);
    db.columnChunks.get = ((...args: Parameters<typeof original>) => {
      reads++;
      return original(...args);
    }) as typeof original;
    for (let chunk = 0; chunk < 10; chunk++) await reader.readRows(chunk * 4, chunk * 4 + 1, [0]);
    expect(reads).toBe(10);
    await reader.readRows(36, 37, [0]); // most recent: cached
    expect(reads).toBe(10);
    await reader.readRows(0, 1, [0]); // oldest: evicted
    expect(reads).toBe(11);
  });
});
