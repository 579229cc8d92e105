/**
 * @file JSON and JSON Lines reader. JSON Lines streams line by line; whole-file JSON is parsed at once
 * (bounded by {@link MAX_JSON_BYTES}). Keys become columns in first-seen order; nested values become their JSON text.
 */
import type { Cell } from '../table/column-encoder';
import { TableBuilder } from '../table/table-builder';
import { hasherFor, readBlobSlices } from './content-hash';
import { type IngestContext, type IngestedTable, progressThrottle } from './ingest-context';
import { IngestError, throwIfAborted } from './ingest-error';
import { findBinaryByte } from './text-sniff';

/** Largest whole-file JSON accepted (it must be parsed in one piece); JSON Lines has no limit. */
export const MAX_JSON_BYTES = 512 * 1024 * 1024;

/** Rows handed to the table builder at once. */
const BATCH_ROWS = 4096;

/** Options of {@link ingestJson}. */
export interface JsonOptions {
  name: string;
  /** JSON Lines (one object per line) instead of one JSON document. */
  lines: boolean;
}

/** Maps record keys to column positions, adding columns to the builder as keys first appear. */
class KeyColumns {
  readonly #columns = new Map<string, number>();
  readonly #builder: TableBuilder;

  constructor(builder: TableBuilder) {
    this.#builder = builder;
  }

  /** Column position of `key`, adding a column the first time (an empty key gets the name `column N`). */
  column(key: string): number {
    let c = this.#columns.get(key);
    if (c === undefined) {
      const taken = new Set(this.#builder.columnNames);
      const base = key.trim() === '' ? `column ${taken.size + 1}` : key;
      let name = base;
      for (let k = 2; taken.has(name); k++) name = `${base} (${k})`;
      c = this.#builder.addColumn(name);
      this.#columns.set(key, c);
    }
    return c;
  }

  /** A row of cells from a record, indexed by column. */
  row(record: Record<string, unknown>): Cell[] {
    const row: Cell[] = [];
    for (const key of Object.keys(record)) row[this.column(key)] = record[key];
    return row;
  }
}

/** Reads a JSON or JSON Lines blob into `ctx.store`; returns the table and the SHA-256 of the file's bytes. */
export async function ingestJson(blob: Blob, ctx: IngestContext, options: JsonOptions): Promise<IngestedTable> {
  if (blob.size === 0) throw new IngestError('empty-file', `The file is empty: "${options.name}" has 0 bytes; expected ${options.lines ? 'one JSON object per line' : 'a JSON array of objects'}`);
  const builder = new TableBuilder(ctx.store, { chunkRows: ctx.chunkRows, issues: ctx.issues });
  const hash = options.lines ? await readLines(blob, ctx, options.name, builder) : await readDocument(blob, ctx, options.name, builder);
  const table = await builder.finish();
  return { ...table, contentHash: hash };
}

async function readLines(blob: Blob, ctx: IngestContext, name: string, builder: TableBuilder): Promise<string> {
  const hasher = await hasherFor(ctx.hashInline);
  const decoder = new TextDecoder('utf-8');
  const keys = new KeyColumns(builder);
  const report = progressThrottle(ctx.onProgress);
  let batch: Cell[][] = [];
  let carry = '';
  let lineNumber = 0;
  let good = 0;
  let bad = 0;
  let bytes = 0;
  const line = async (text: string): Promise<void> => {
    lineNumber++;
    const trimmed = text.trim();
    if (trimmed === '') return;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (error) {
      value = error;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Error) {
      bad++;
      const why = value instanceof Error ? value.message : `found ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`;
      ctx.issues.add({ code: 'bad-json-line', row: lineNumber, message: `Line ${lineNumber} is not a JSON object (${clip(why)}); skipped` });
      return;
    }
    good++;
    batch.push(keys.row(value as Record<string, unknown>));
    if (batch.length >= BATCH_ROWS) {
      await builder.addRows(batch);
      batch = [];
    }
  };
  let first = true;
  for await (const slice of readBlobSlices(blob, ctx.signal)) {
    if (first) rejectBinary(slice, name);
    first = false;
    hasher.update(slice);
    bytes += slice.length;
    const lines = (carry + decoder.decode(slice, { stream: true })).split('\n');
    carry = lines.pop() ?? '';
    for (const text of lines) await line(text);
    throwIfAborted(ctx.signal);
    report({ status: 'parsing', bytes, total: blob.size, rows: good });
  }
  await line(carry + decoder.decode());
  if (batch.length > 0) await builder.addRows(batch);
  if (good === 0) {
    throw new IngestError('bad-json', bad > 0 ? `None of the ${bad} lines of "${name}" is a JSON object; expected one JSON object per line` : `"${name}" has no rows; expected one JSON object per line`);
  }
  return hasher.digest();
}

async function readDocument(blob: Blob, ctx: IngestContext, name: string, builder: TableBuilder): Promise<string> {
  if (blob.size > MAX_JSON_BYTES) {
    throw new IngestError('too-large', `"${name}" is ${Math.round(blob.size / 1e6)} MB; whole-file JSON is limited to ${MAX_JSON_BYTES / 2 ** 20} MB. Convert it to JSON Lines (.jsonl) or CSV, which stream`);
  }
  const bytes = new Uint8Array(await blob.arrayBuffer());
  throwIfAborted(ctx.signal);
  rejectBinary(bytes, name);
  const hasher = await hasherFor(ctx.hashInline);
  hasher.update(bytes);
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder('utf-8').decode(bytes));
  } catch (error) {
    throw new IngestError('bad-json', `"${name}" is not valid JSON (${clip((error as Error).message)}); expected an array of objects`, { cause: error });
  }
  const keys = new KeyColumns(builder);
  const records = recordsOf(doc, name);
  let batch: Cell[][] = [];
  let rows = 0;
  for (let i = 0; i < records.length; i++) {
    const record = records[i];
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      ctx.issues.add({ code: 'other', row: i + 1, message: `Item ${i + 1} is not an object (found ${clip(JSON.stringify(record) ?? 'undefined')}); skipped` });
      continue;
    }
    batch.push(keys.row(record as Record<string, unknown>));
    rows++;
    if (batch.length >= BATCH_ROWS) {
      await builder.addRows(batch);
      batch = [];
      throwIfAborted(ctx.signal);
    }
  }
  if (batch.length > 0) await builder.addRows(batch);
  if (rows === 0) throw new IngestError('no-rows', `"${name}" has no records; expected an array of objects`);
  return hasher.digest();
}

/** The records of a JSON document: an array, `{ data: [...] }`, or columns `{ a: [...], b: [...] }` turned into rows. */
function recordsOf(doc: unknown, name: string): unknown[] {
  if (Array.isArray(doc)) return doc;
  if (doc !== null && typeof doc === 'object') {
    const data = Object.hasOwn(doc, 'data') ? (doc as { data: unknown }).data : undefined;
    if (Array.isArray(data)) return data;
    const entries = Object.entries(doc);
    if (entries.length > 0 && entries.every(([, v]) => Array.isArray(v))) {
      const length = Math.max(...entries.map(([, v]) => (v as unknown[]).length));
      return Array.from({ length }, (_, i) => {
        const record: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
        for (const [key, column] of entries) Object.defineProperty(record, key, { value: (column as unknown[])[i], enumerable: true });
        return record;
      });
    }
  }
  throw new IngestError('bad-json', `"${name}" holds ${doc === null ? 'null' : Array.isArray(doc) ? 'an array' : typeof doc}; expected an array of objects, { "data": [...] } or an object of column arrays`);
}

function rejectBinary(bytes: Uint8Array, name: string): void {
  const at = findBinaryByte(bytes);
  if (at !== -1) throw new IngestError('binary-file', `"${name}" does not look like text (found binary bytes at offset ${at}); expected a JSON text file`);
}

function clip(s: string): string {
  return s.length > 80 ? `${s.slice(0, 80)}...` : s;
}
