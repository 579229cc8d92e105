/**
 * @file Cell values of a window of rows, for the table preview. Keeps recently read chunks in a
 * small LRU cache bounded in bytes, so scrolling a million-row table reads each chunk once.
 */
import type { ChunkData, ColumnSchema } from '../protocol/dataset';
import { chunkByteSize, readChunk } from './chunks';
import type { DatasetVersionRecord } from './records';
import type { WorkspaceDb } from './workspace-schema';

/** An image (or other binary) cell. */
export interface BinaryCell {
  bytes: Uint8Array;
  mediaType: string;
}

/**
 * One cell as the preview shows it: numbers (datetimes as epoch milliseconds), booleans for
 * boolean columns stored as 0/1, strings, binary cells; `null` for a missing value.
 */
export type CellValue = number | boolean | string | BinaryCell | null;

/** Options of `RowWindowReader`. */
export interface RowWindowReaderOptions {
  /** Memory budget of the chunk cache in bytes; 64 MiB by default. Chunks of the current window are always kept. */
  cacheBytes?: number;
}

/** Reads rows `[start, end)` of a complete dataset version, all or some columns. */
export class RowWindowReader {
  readonly #db: WorkspaceDb;
  readonly #version: DatasetVersionRecord;
  readonly #cacheBytes: number;
  /** Insertion order is recency order (a hit re-inserts). */
  readonly #cache = new Map<string, { promise: Promise<ChunkData>; bytes: number }>();
  #cachedBytes = 0;

  constructor(db: WorkspaceDb, version: DatasetVersionRecord, options: RowWindowReaderOptions = {}) {
    this.#db = db;
    this.#version = version;
    this.#cacheBytes = options.cacheBytes ?? 64 * 1024 * 1024;
  }

  /** Rows in the version. */
  get rows(): number {
    return this.#version.rows;
  }

  /** Columns of the version. */
  get columns(): readonly ColumnSchema[] {
    return this.#version.columns;
  }

  /**
   * Cell values of rows `[start, end)` (clamped to the table), one array per row holding the
   * requested columns in the order given (every column by default).
   */
  async readRows(start: number, end: number, columns?: readonly number[]): Promise<CellValue[][]> {
    const { chunkRows, rows: total } = this.#version;
    const from = Math.max(0, Math.floor(start));
    const to = Math.min(total, Math.ceil(end));
    if (to <= from) return [];
    const wanted = columns ?? this.#version.columns.map((_, i) => i);
    for (const c of wanted) {
      if (!Number.isInteger(c) || c < 0 || c >= this.#version.columns.length) {
        throw new RangeError(`Column ${c} does not exist; expected 0 to ${this.#version.columns.length - 1}`);
      }
    }
    const firstChunk = Math.floor(from / chunkRows);
    const lastChunk = Math.floor((to - 1) / chunkRows);
    const loads: Promise<ChunkData>[] = [];
    for (const column of wanted) for (let index = firstChunk; index <= lastChunk; index++) loads.push(this.#chunk(column, index));
    const chunks = await Promise.all(loads);
    const spanChunks = lastChunk - firstChunk + 1;
    const out: CellValue[][] = [];
    for (let row = from; row < to; row++) {
      const offset = Math.floor(row / chunkRows) - firstChunk;
      const within = row % chunkRows;
      out.push(wanted.map((column, k) => cellValue(chunks[k * spanChunks + offset], within, this.#version.columns[column])));
    }
    this.#evict();
    return out;
  }

  /** Like `readRows`, as display text: `null` for missing, datetimes as ISO strings, binary cells as `[image/png, 1.2 kB]`. */
  async readText(start: number, end: number, columns?: readonly number[]): Promise<(string | null)[][]> {
    const cols = columns ?? this.#version.columns.map((_, i) => i);
    const cells = await this.readRows(start, end, cols);
    return cells.map((row) => row.map((cell, k) => cellText(cell, this.#version.columns[cols[k]])));
  }

  /** Forgets every cached chunk. */
  clear(): void {
    this.#cache.clear();
    this.#cachedBytes = 0;
  }

  #chunk(column: number, index: number): Promise<ChunkData> {
    const key = `${column}:${index}`;
    const hit = this.#cache.get(key);
    if (hit) {
      this.#cache.delete(key);
      this.#cache.set(key, hit);
      return hit.promise;
    }
    const entry = { promise: readChunk(this.#db, this.#version.id, column, index), bytes: 0 };
    this.#cache.set(key, entry);
    entry.promise.then(
      (data) => {
        if (this.#cache.get(key) !== entry) return;
        entry.bytes = chunkByteSize(data);
        this.#cachedBytes += entry.bytes;
      },
      () => {
        if (this.#cache.get(key) === entry) this.#cache.delete(key);
      },
    );
    return entry.promise;
  }

  /** Drops least recently used chunks beyond the budget (the chunks just read were touched last). */
  #evict(): void {
    for (const [key, entry] of this.#cache) {
      if (this.#cachedBytes <= this.#cacheBytes) return;
      if (entry.bytes === 0) continue; // still loading
      this.#cache.delete(key);
      this.#cachedBytes -= entry.bytes;
    }
  }
}

function cellValue(data: ChunkData, i: number, column: ColumnSchema): CellValue {
  switch (data.kind) {
    case 'f64': {
      const v = data.values[i];
      if (v === undefined || Number.isNaN(v)) return null;
      return column.type === 'boolean' ? v !== 0 : v;
    }
    case 'dict': {
      const code = data.codes[i];
      return code === undefined || code < 0 ? null : (data.dictionary[code] ?? null);
    }
    case 'bytes': {
      const bytes = data.items[i];
      return bytes ? { bytes, mediaType: data.mediaTypes[i] ?? 'application/octet-stream' } : null;
    }
  }
}

function cellText(cell: CellValue, column: ColumnSchema): string | null {
  if (cell === null) return null;
  if (typeof cell === 'object') return `[${cell.mediaType}, ${formatBytes(cell.bytes.byteLength)}]`;
  if (typeof cell === 'number' && column.type === 'datetime') {
    const date = new Date(cell);
    return Number.isNaN(date.getTime()) ? String(cell) : date.toISOString();
  }
  return String(cell);
}

function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
  return `${(n / 1e6).toFixed(1)} MB`;
}
