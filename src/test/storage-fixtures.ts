/**
 * @file Factories for storage tests (fake-indexeddb): fresh databases, and dataset versions
 * committed through the real staged-import path with small, predictable cells.
 */
import { Dexie } from 'dexie';
import type { ChunkData, ColumnProfile, ColumnSchema } from '../protocol/dataset';
import { closeAllConnections, getWorkspaceDb } from '../storage/connections';
import { beginStagedVersion, type StagedVersionResult } from '../storage/staged-version';
import type { WorkspaceDb } from '../storage/workspace-schema';
import { createWorkspace } from '../storage/workspaces';

/** Closes every cached connection and deletes every database of the (fake) IndexedDB. */
export async function resetStorage(): Promise<void> {
  closeAllConnections();
  for (const name of await Dexie.getDatabaseNames()) await Dexie.delete(name);
}

/** A new workspace (in the meta database) and its database. */
export async function makeWorkspaceDb(name = 'Test workspace'): Promise<{ workspaceId: string; db: WorkspaceDb }> {
  const workspace = await createWorkspace(name);
  return { workspaceId: workspace.id, db: getWorkspaceDb(workspace.id) };
}

/** The three test columns: `n` (row number, f64), `label` (`"r0"`..`"r2"`, dict), `flag` (boolean: row is even). */
export const TEST_COLUMNS: readonly ColumnSchema[] = Object.freeze([
  { name: 'n', type: 'integer', inferredType: 'integer', storage: 'f64' },
  { name: 'label', type: 'category', inferredType: 'category', storage: 'dict' },
  { name: 'flag', type: 'boolean', inferredType: 'boolean', storage: 'f64' },
]);

/** A minimal profile for a column. */
export function testProfile(column: ColumnSchema, rows: number): ColumnProfile {
  return { name: column.name, type: column.type, count: rows, missing: 0, distinct: rows };
}

/** Chunk `index` of test column `column` (see `TEST_COLUMNS`); row 5 of `label` is missing. */
export function testChunk(column: number, index: number, rows: number, chunkRows: number): ChunkData {
  const start = index * chunkRows;
  const length = Math.min(chunkRows, rows - start);
  if (column === 1) {
    const codes = Int32Array.from({ length }, (_, i) => (start + i === 5 ? -1 : (start + i) % 3));
    return { kind: 'dict', codes, dictionary: ['r0', 'r1', 'r2'] };
  }
  const values = Float64Array.from({ length }, (_, i) => (column === 0 ? start + i : (start + i) % 2 === 0 ? 1 : 0));
  return { kind: 'f64', values };
}

/** Options of `addTestVersion`. */
export interface TestVersionOptions {
  rows?: number;
  chunkRows?: number;
  datasetId?: string;
  datasetName?: string;
  contentHash?: string;
}

/** Imports a version of the test columns through `beginStagedVersion` → `write` → `commit`. */
export async function addTestVersion(db: WorkspaceDb, options: TestVersionOptions = {}): Promise<StagedVersionResult> {
  const rows = options.rows ?? 10;
  const chunkRows = options.chunkRows ?? 4;
  const staged = await beginStagedVersion(db, {
    datasetName: options.datasetName ?? 'Test data',
    ...(options.datasetId === undefined ? {} : { datasetId: options.datasetId }),
    format: 'csv',
    sourceName: 'test.csv',
    sizeBytes: rows * 10,
    chunkRows,
  });
  const chunks = Math.ceil(rows / chunkRows);
  for (let column = 0; column < TEST_COLUMNS.length; column++) {
    for (let index = 0; index < chunks; index++) await staged.write(column, index, testChunk(column, index, rows, chunkRows));
  }
  return staged.commit({
    contentHash: options.contentHash ?? crypto.randomUUID(),
    rows,
    columns: [...TEST_COLUMNS],
    profiles: TEST_COLUMNS.map((c) => testProfile(c, rows)),
    issues: [],
  });
}
