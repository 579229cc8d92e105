/**
 * @file Wire types of the data-import worker (comlink). Types only.
 */
import type { ColumnSchema, ColumnType, ImportFormat, ImportIssue } from './dataset';

/** Where the bytes to import come from. Files are structured-cloned to the worker (a File is a handle, not a copy). */
export type ImportSource =
  | { kind: 'file'; file: File }
  /** A folder of images: each file with its path relative to the chosen folder (labels come from subfolder names). */
  | { kind: 'files'; files: { path: string; file: File }[] }
  /** A same-origin URL (the shipped sample datasets). */
  | { kind: 'url'; url: string; name: string };

/** A request to import one source as a new version of a dataset. */
export interface ImportRequest {
  workspaceId: string;
  source: ImportSource;
  /** Name of the dataset to create or add a version to. */
  datasetName: string;
  /** When set, the version is added to this dataset. */
  datasetId?: string;
  /** Detected from the file name when absent. */
  format?: ImportFormat;
  /** Id of the sample in `public/datasets/manifest.json`, when importing a sample. */
  sampleId?: string;
  /** Target column suggested by the sample manifest. */
  target?: string;
  description?: string;
}

/** Progress of an import, keyed on `status`. `bytes`/`total` are source bytes. */
export type ImportProgress =
  | { status: 'hashing'; bytes: number; total: number }
  | { status: 'parsing'; bytes: number; total: number; rows: number }
  | { status: 'finishing'; rows: number }
  | { status: 'profiling'; columns: number }
  | { status: 'done'; rows: number };

/** What an import produced. */
export interface ImportResult {
  datasetId: string;
  versionId: string;
  /** True when a version with the same content hash already existed and was reused. */
  reused: boolean;
  rows: number;
  columns: ColumnSchema[];
  issues: ImportIssue[];
}

/** The API the import worker exposes. */
export interface ImportWorkerApi {
  importDataset(request: ImportRequest, onProgress: (progress: ImportProgress) => void): Promise<ImportResult>;
  /** Recompute column profiles after the user overrides column types; stored chunks are not changed. */
  retypeColumns(workspaceId: string, versionId: string, types: { column: string; type: ColumnType }[]): Promise<RetypeResult>;
}

/** What a type override did. */
export interface RetypeResult {
  columns: ColumnSchema[];
  /** Human notes, e.g. values that do not parse as the new type and now count as missing. */
  notes: string[];
}

/** The API of the hash worker, which hashes a source beside the parse (on another core). */
export interface HashWorkerApi {
  /** Lower-case hex SHA-256 of the blob's bytes. */
  hashBlob(blob: Blob): Promise<string>;
}
