/**
 * @file Record types of the Benchtop databases: the meta database (`benchtop`) and each
 * workspace database (`benchtop-ws-<id>`). Tables and their indexes are declared in
 * `meta-db.ts` and `workspace-schema.ts`; these interfaces describe what one row holds.
 */
import type { ChunkData, ColumnProfile, ColumnSchema, ImportFormat, ImportIssue } from '../protocol/dataset';

/** A workspace, listed in the meta database; its data lives in database `benchtop-ws-<id>`. */
export interface WorkspaceRecord {
  /** `crypto.randomUUID()`; also names the workspace database. */
  id: string;
  /** Shown to the user; trimmed, 1 to 100 characters. */
  name: string;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Epoch milliseconds of the last rename (not of the last data change). */
  updatedAt: number;
}

/** A key-value setting, in the meta database (global) or in a workspace database (per workspace). */
export interface SettingRecord {
  key: string;
  /** Any structured-cloneable value. */
  value: unknown;
}

/** A dataset: a name over a list of versions. Created when its first version is committed. */
export interface DatasetRecord {
  id: string;
  name: string;
  description?: string;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Epoch milliseconds of the last change to the dataset or its versions. */
  updatedAt: number;
  /** Id of the sample in `public/datasets/manifest.json`, when imported from a sample. */
  sampleId?: string;
  /** Name of the column to predict, chosen by the user or suggested by a sample. */
  target?: string;
  /** Newest complete version; absent when every version was deleted. */
  latestVersionId?: string;
}

/** One imported version of a dataset: its schema and statistics. Its cells live in `columnChunks`. */
export interface DatasetVersionRecord {
  id: string;
  datasetId: string;
  /** Hash of the source bytes (hex); identical sources give the same hash. Empty while staging when unknown. */
  contentHash: string;
  format: ImportFormat;
  /** File name (or folder name, or sample name) the version was imported from. */
  sourceName: string;
  /** Size of the source in bytes. */
  sizeBytes: number;
  /** Data rows; 0 while staging. */
  rows: number;
  /** Rows per chunk (every chunk but the last of a column holds exactly this many). */
  chunkRows: number;
  /** Columns in order; `column` in `ColumnChunkRecord` indexes this array. */
  columns: ColumnSchema[];
  /** One profile per column, same order as `columns`. */
  profiles: ColumnProfile[];
  issues: ImportIssue[];
  /** Target column at import (a copy of the dataset's target then). */
  target?: string;
  /** Epoch milliseconds. */
  createdAt: number;
  /**
   * 1 once every chunk and the final metadata are written (set last, in the commit transaction);
   * 0 while an import is staging. A number, not a boolean, because IndexedDB cannot index booleans.
   */
  complete: 0 | 1;
}

/** One chunk of one column of one dataset version. Primary key `[versionId+column+index]`. */
export interface ColumnChunkRecord {
  versionId: string;
  /** Position of the column in `DatasetVersionRecord.columns`. */
  column: number;
  /** Chunk number: rows `index * chunkRows` to `(index + 1) * chunkRows - 1`. */
  index: number;
  data: ChunkData;
}
