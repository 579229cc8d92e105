/**
 * @file The one entry point of the ingest core: detect the format, stream the source into a {@link ChunkStore},
 * then profile every column in a pass over the stored chunks.
 */
import type { ColumnProfile, ColumnSchema, ImportFormat, ImportIssue } from '../../protocol/dataset';
import type { ImportProgress } from '../../protocol/import';
import type { ChunkStore } from '../table/chunk-store';
import { IssueList } from '../table/issue-list';
import { ColumnProfiler } from '../table/profile';
import { ingestCsv } from './csv';
import { ingestImages } from './images';
import type { IngestContext, IngestedTable } from './ingest-context';
import { IngestError, throwIfAborted } from './ingest-error';
import { ingestJson } from './json';
import { ingestParquet } from './parquet';

export { ACCEPTED_EXTENSIONS, detectFormat } from './detect-format';

/** What to import: a single file (`blob`) or, for images, a picked folder (`files`). */
export interface IngestInput {
  format: ImportFormat;
  /** File or folder name, for messages. */
  name: string;
  blob?: Blob;
  files?: { path: string; blob: Blob }[];
}

/** Options of {@link ingestTable}. */
export interface IngestOptions {
  signal?: AbortSignal;
  onProgress?: (progress: ImportProgress) => void;
  /** Issues listed per code before the rest are counted (default 20). */
  issueLimit?: number;
  /** Rows per chunk; tests shrink it. Storage must use the default. */
  chunkRows?: number;
  /**
   * Hashes a single-file source elsewhere (a second worker, so hashing runs beside parsing on another core).
   * Must give the same SHA-256 hex as the inline hasher. Image sets are always hashed inline.
   */
  hashBlob?: (blob: Blob) => Promise<string>;
}

/** What {@link ingestTable} wrote and found. */
export interface IngestResult {
  /** SHA-256 (hex) of the source: the file bytes, or sorted paths and bytes for image sets. */
  contentHash: string;
  rows: number;
  columns: ColumnSchema[];
  profiles: ColumnProfile[];
  issues: ImportIssue[];
  /** Chunks per column; chunk `i` of column `c` is `store.read(c, i)`. */
  chunkCount: number;
}

/** Streams `input` into `store`, then profiles each column from the stored chunks. Throws {@link IngestError} or an AbortError. */
export async function ingestTable(input: IngestInput, store: ChunkStore, options: IngestOptions = {}): Promise<IngestResult> {
  const issues = new IssueList(options.issueLimit);
  const external = options.hashBlob && input.blob && input.format !== 'images' ? options.hashBlob(input.blob) : undefined;
  // Settle the external hash even when reading fails, so its rejection is never unhandled.
  external?.catch(() => undefined);
  const ctx: IngestContext = { store, issues, signal: options.signal, onProgress: options.onProgress, chunkRows: options.chunkRows, hashInline: !external };
  throwIfAborted(options.signal);
  const table = await readSource(input, ctx);
  if (external) table.contentHash = await external;
  options.onProgress?.({ status: 'finishing', rows: table.rows });
  const profiles: ColumnProfile[] = [];
  for (let c = 0; c < table.columns.length; c++) {
    throwIfAborted(options.signal);
    options.onProgress?.({ status: 'profiling', columns: c });
    const column = table.columns[c];
    const profiler = new ColumnProfiler(column.name, column.type);
    for (let i = 0; i < table.chunkCount; i++) profiler.add(await store.read(c, i));
    profiles.push(profiler.result());
  }
  options.onProgress?.({ status: 'done', rows: table.rows });
  return { contentHash: table.contentHash, rows: table.rows, columns: table.columns, profiles, issues: table.issues, chunkCount: table.chunkCount };
}

function readSource(input: IngestInput, ctx: IngestContext): Promise<IngestedTable> {
  if (input.format === 'images') {
    if (input.files) return ingestImages({ kind: 'files', files: input.files }, ctx, input.name);
    return ingestImages({ kind: 'zip', blob: requireBlob(input) }, ctx, input.name);
  }
  const blob = requireBlob(input);
  switch (input.format) {
    case 'csv':
      return ingestCsv(blob, ctx, { name: input.name });
    case 'tsv':
      return ingestCsv(blob, ctx, { name: input.name, delimiter: '\t' });
    case 'json':
    case 'jsonl':
      return ingestJson(blob, ctx, { name: input.name, lines: input.format === 'jsonl' });
    case 'parquet':
      return ingestParquet(blob, ctx, { name: input.name });
  }
}

function requireBlob(input: IngestInput): Blob {
  if (!input.blob) throw new IngestError('empty-file', `No file was given for "${input.name}"; expected a ${input.format} file`);
  return input.blob;
}
