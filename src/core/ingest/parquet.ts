/**
 * @file Parquet reader over hyparquet: an AsyncBuffer of Blob slices, metadata first, then one row group at a time
 * into the {@link TableBuilder}. Parquet types map through the builder's value inference: doubles and ints to
 * numbers, INT64 (BigInt) to numbers when safe (else the column turns to text), timestamps (Date) to datetimes,
 * booleans to booleans, strings to category/text, nested values to JSON text, raw bytes to base64 text.
 */
import { type AsyncBuffer, type FileMetaData, parquetMetadataAsync, parquetRead, parquetSchema } from 'hyparquet';
import type { Cell } from '../table/column-encoder';
import { TableBuilder } from '../table/table-builder';
import { hashBlob } from './content-hash';
import { type IngestContext, type IngestedTable, progressThrottle } from './ingest-context';
import { IngestError, throwIfAborted } from './ingest-error';

/** Options of {@link ingestParquet}. */
export interface ParquetOptions {
  name: string;
}

/** An hyparquet AsyncBuffer reading slices of a Blob on demand. */
export function asyncBufferFromBlob(blob: Blob): AsyncBuffer {
  return { byteLength: blob.size, slice: (start, end) => blob.slice(start, end).arrayBuffer() };
}

/** Reads a Parquet blob into `ctx.store`; returns the table and the SHA-256 of the file's bytes. */
export async function ingestParquet(blob: Blob, ctx: IngestContext, options: ParquetOptions): Promise<IngestedTable> {
  const { name } = options;
  if (blob.size === 0) throw new IngestError('empty-file', `The file is empty: "${name}" has 0 bytes; expected a Parquet file`);
  const file = asyncBufferFromBlob(blob);
  await checkMagic(blob, name);
  let metadata: FileMetaData;
  let columnNames: string[];
  try {
    metadata = await parquetMetadataAsync(file);
    columnNames = parquetSchema(metadata).children.map((child) => child.element.name);
  } catch (error) {
    throw new IngestError('bad-parquet', `"${name}" has unreadable Parquet metadata (${(error as Error).message}); expected a complete Parquet file`, { cause: error });
  }
  const contentHash = ctx.hashInline === false ? '' : await hashBlob(blob, ctx.signal);
  const builder = new TableBuilder(ctx.store, { chunkRows: ctx.chunkRows, issues: ctx.issues });
  builder.setHeader(columnNames);
  const total = Number(metadata.num_rows);
  const report = progressThrottle(ctx.onProgress);
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    throwIfAborted(ctx.signal);
    const rowEnd = rowStart + Number(group.num_rows);
    let rows: Cell[][] = [];
    try {
      await parquetRead({ file, metadata, rowStart, rowEnd, onComplete: (data) => void (rows = data) });
    } catch (error) {
      throw new IngestError('bad-parquet', `"${name}" has a row group (rows ${rowStart + 1} to ${rowEnd}) that cannot be read (${(error as Error).message}); expected a complete Parquet file`, { cause: error });
    }
    for (const row of rows) for (let c = 0; c < row.length; c++) if (row[c] instanceof Uint8Array) row[c] = toBase64(row[c] as Uint8Array);
    await builder.addRows(rows);
    rowStart = rowEnd;
    report({ status: 'parsing', bytes: Math.round((blob.size * rowStart) / Math.max(1, total)), total: blob.size, rows: rowStart });
  }
  if (rowStart === 0) throw new IngestError('no-rows', `"${name}" has no rows; expected a Parquet file with data`);
  const table = await builder.finish();
  return { ...table, contentHash };
}

async function checkMagic(blob: Blob, name: string): Promise<void> {
  const expected = 'PAR1';
  const head = blob.size >= 12 ? new TextDecoder('latin1').decode(await blob.slice(0, 4).arrayBuffer()) : '';
  const tail = blob.size >= 12 ? new TextDecoder('latin1').decode(await blob.slice(blob.size - 4).arrayBuffer()) : '';
  if (head !== expected) throw new IngestError('bad-parquet', `"${name}" is not a Parquet file (it does not start with "PAR1"); expected a Parquet file`);
  if (tail !== expected) throw new IngestError('bad-parquet', `"${name}" is truncated or damaged (it does not end with "PAR1"); expected a complete Parquet file`);
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}
