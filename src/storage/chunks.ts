/**
 * @file Reading column chunks of a dataset version (one chunk, or one column chunk by chunk), and
 * deleting them. Windows of rows for the table preview: `row-window-reader.ts`.
 */
import type { ChunkData } from '../protocol/dataset';
import type { WorkspaceDb } from './workspace-schema';

/** Reads one chunk; throws a message naming the chunk when it is missing. */
export async function readChunk(db: WorkspaceDb, versionId: string, column: number, index: number): Promise<ChunkData> {
  const row = await db.columnChunks.get([versionId, column, index]);
  if (!row) throw new Error(`Chunk ${index} of column ${column} of dataset version "${versionId}" is missing`);
  return row.data;
}

/**
 * Yields the chunks of one column in order, one read at a time (a million-row column is never
 * whole in memory). For a complete version the chunk count comes from its row count and a missing
 * chunk throws; for a staging version it stops at the first missing chunk.
 */
export async function* readColumn(db: WorkspaceDb, versionId: string, column: number): AsyncGenerator<ChunkData, void, undefined> {
  const version = await db.datasetVersions.get(versionId);
  if (!version) throw new Error(`Dataset version "${versionId}" does not exist`);
  if (column < 0 || (version.complete === 1 && column >= version.columns.length)) {
    throw new RangeError(`Column ${column} does not exist in dataset version "${versionId}" (${version.columns.length} columns)`);
  }
  if (version.complete === 1) {
    const count = chunkCount(version.rows, version.chunkRows);
    for (let index = 0; index < count; index++) yield await readChunk(db, versionId, column, index);
    return;
  }
  for (let index = 0; ; index++) {
    const row = await db.columnChunks.get([versionId, column, index]);
    if (!row) return;
    yield row.data;
  }
}

/** Number of chunks of one column of `rows` rows. */
export function chunkCount(rows: number, chunkRows: number): number {
  return Math.ceil(rows / chunkRows);
}

/** Number of rows in a chunk of a column (the last chunk may be shorter). */
export function chunkLength(data: ChunkData): number {
  switch (data.kind) {
    case 'f64':
      return data.values.length;
    case 'dict':
      return data.codes.length;
    case 'bytes':
      return data.items.length;
  }
}

/** Deletes every chunk of a version. Call inside a transaction that includes `columnChunks`, or alone. */
export async function deleteVersionChunks(db: WorkspaceDb, versionId: string): Promise<void> {
  await db.columnChunks.where('versionId').equals(versionId).delete();
}

/** Approximate memory held by a chunk, in bytes (strings count two bytes per UTF-16 unit). */
export function chunkByteSize(data: ChunkData): number {
  switch (data.kind) {
    case 'f64':
      return data.values.byteLength;
    case 'dict':
      return data.codes.byteLength + data.dictionary.reduce((sum, s) => sum + 2 * s.length + 16, 0);
    case 'bytes':
      return data.items.reduce((sum, item) => sum + (item?.byteLength ?? 0) + 16, 0);
  }
}
