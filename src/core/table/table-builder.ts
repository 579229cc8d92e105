/**
 * @file Streaming columnar table builder: rows arrive in batches, each column is encoded into fixed-size
 * chunks that go to a {@link ChunkStore} as soon as they are full, so memory holds one chunk per column.
 */
import type { ColumnSchema, ColumnType, ImportIssue } from '../../protocol/dataset';
import type { ChunkStore } from './chunk-store';
import { CHUNK_ROWS } from './column-types';
import { type Cell, ColumnEncoder, numericToText } from './column-encoder';
import { uniqueHeaderNames } from './header-names';
import { IssueList } from './issue-list';
import type { ChunkData } from '../../protocol/dataset';

/** What {@link TableBuilder.finish} returns. */
export interface BuiltTable {
  rows: number;
  columns: ColumnSchema[];
  /** Chunks per column (every column has the same number). */
  chunkCount: number;
  issues: ImportIssue[];
}

/** Options of {@link TableBuilder}. */
export interface TableBuilderOptions {
  /** Rows per chunk; {@link CHUNK_ROWS} unless a test needs small chunks. */
  chunkRows?: number;
  /** Where renamed headers and mixed-type columns are reported; a fresh list when absent. */
  issues?: IssueList;
}

/** Distinct values at most this share of non-missing values (or 20) make a string column a category. */
export const CATEGORY_DISTINCT_SHARE = 0.05;
/** Longest string a category value may have; longer makes the column text. */
export const CATEGORY_MAX_LENGTH = 64;

/**
 * Builds a columnar table from row batches. Call {@link setHeader} (or {@link addColumn}), then
 * {@link addRows} any number of times, then {@link finish} once.
 */
export class TableBuilder {
  readonly #store: ChunkStore;
  readonly #chunkRows: number;
  readonly #issues: IssueList;
  readonly #names: string[] = [];
  readonly #originalNames: (string | undefined)[] = [];
  readonly #encoders: ColumnEncoder[] = [];
  /** First chunk index each column has data for (columns added mid-stream start later). */
  readonly #firstChunk: number[] = [];
  #position = 0;
  #chunkIndex = 0;
  #rows = 0;
  #finished = false;

  constructor(store: ChunkStore, options: TableBuilderOptions = {}) {
    this.#store = store;
    this.#chunkRows = options.chunkRows ?? CHUNK_ROWS;
    this.#issues = options.issues ?? new IssueList();
  }

  /** Rows added so far. */
  get rowCount(): number {
    return this.#rows;
  }

  /** Column names so far, in order (unique). */
  get columnNames(): readonly string[] {
    return this.#names;
  }

  /** Declares the columns from raw header cells, made unique and non-empty (renames are reported as issues). */
  setHeader(raw: readonly unknown[]): void {
    if (this.#names.length > 0) throw new Error('TableBuilder.setHeader: the header is already set');
    const header = uniqueHeaderNames(raw);
    for (const issue of header.issues) this.#issues.add(issue);
    header.names.forEach((name, i) => this.#push(name, header.originalNames[i]));
  }

  /**
   * Adds a column after rows were added (JSON keys first seen late); earlier rows read as missing.
   * `name` must not be taken already. Returns its position.
   */
  addColumn(name: string): number {
    return this.#push(name, undefined);
  }

  /** Encodes a batch of rows; cells past the last column are ignored, absent cells are missing. */
  async addRows(rows: readonly Cell[][]): Promise<void> {
    if (this.#finished) throw new Error('TableBuilder.addRows: the table is finished');
    const encoders = this.#encoders;
    let r = 0;
    while (r < rows.length) {
      const take = Math.min(rows.length - r, this.#chunkRows - this.#position);
      for (let c = 0; c < encoders.length; c++) encoders[c].encode(rows, c, r, r + take, this.#position, this.#rows);
      this.#position += take;
      this.#rows += take;
      r += take;
      if (this.#position === this.#chunkRows) await this.#flush();
    }
  }

  /** Writes the last partial chunk, rewrites demoted columns' numeric chunks as strings, and infers types. */
  async finish(): Promise<BuiltTable> {
    if (this.#finished) throw new Error('TableBuilder.finish: already finished');
    this.#finished = true;
    if (this.#position > 0 || this.#chunkIndex === 0) await this.#flush();
    const chunkCount = this.#chunkIndex;
    const columns: ColumnSchema[] = [];
    for (let c = 0; c < this.#encoders.length; c++) {
      const enc = this.#encoders[c];
      // an all-missing column has no evidence of numbers: store it as text
      if (enc.mode === 'f64' && enc.kind === 'none') enc.mode = 'dict';
      await this.#backfill(c, chunkCount);
      if (enc.mode === 'dict' && enc.f64Chunks > 0) await this.#rewriteAsStrings(c, enc, Math.min(this.#firstChunk[c], chunkCount));
      const type = inferType(enc, this.#rows);
      if (enc.demotion) {
        const d = enc.demotion;
        this.#issues.add({
          code: 'mixed-type',
          row: d.row + 1,
          message: `Column "${this.#names[c]}" held ${d.from === 'number' ? 'numbers' : `${d.from} values`} until row ${d.row + 1} ("${clip(d.value)}"); it is kept as ${type}`,
        });
      }
      const schema: ColumnSchema = { name: this.#names[c], type, inferredType: type, storage: enc.mode };
      if (this.#originalNames[c] !== undefined) schema.originalName = this.#originalNames[c];
      columns.push(schema);
    }
    return { rows: this.#rows, columns, chunkCount, issues: this.#issues.toArray() };
  }

  #push(name: string, originalName: string | undefined): number {
    if (this.#names.includes(name)) throw new Error(`TableBuilder.addColumn: column "${name}" exists already`);
    this.#names.push(name);
    this.#originalNames.push(originalName);
    this.#encoders.push(new ColumnEncoder(this.#chunkRows, this.#position));
    this.#firstChunk.push(this.#chunkIndex);
    return this.#names.length - 1;
  }

  async #flush(): Promise<void> {
    const index = this.#chunkIndex;
    const length = this.#position;
    const writes: Promise<void>[] = [];
    for (let c = 0; c < this.#encoders.length; c++) writes.push(this.#store.write(c, index, this.#encoders[c].takeChunk(length)));
    this.#chunkIndex++;
    this.#position = 0;
    await Promise.all(writes);
  }

  /** Writes all-missing chunks for the chunks a late column was absent from. */
  async #backfill(c: number, chunkCount: number): Promise<void> {
    const first = Math.min(this.#firstChunk[c], chunkCount);
    const enc = this.#encoders[c];
    for (let i = 0; i < first; i++) {
      const length = i === chunkCount - 1 ? this.#rows - i * this.#chunkRows : this.#chunkRows;
      const data: ChunkData =
        enc.mode === 'f64' ? { kind: 'f64', values: new Float64Array(length).fill(NaN) } : { kind: 'dict', codes: new Int32Array(length).fill(-1), dictionary: [] };
      await this.#store.write(c, i, data);
    }
  }

  /** Rewrites chunks `first ..< first + f64Chunks` (written while the column was numeric) as strings. */
  async #rewriteAsStrings(c: number, enc: ColumnEncoder, first: number): Promise<void> {
    for (let i = first; i < first + enc.f64Chunks; i++) {
      const data = await this.#store.read(c, i);
      if (data.kind !== 'f64') continue;
      const dict = f64ToDict(data.values, (v) => numericToText(v, enc.kind));
      enc.noteStrings(dict.dictionary);
      await this.#store.write(c, i, dict);
    }
    enc.f64Chunks = 0;
  }
}

/** Dictionary-encodes numbers through `toText`; NaN becomes code -1. */
export function f64ToDict(values: Float64Array, toText: (v: number) => string): ChunkData & { kind: 'dict' } {
  const codes = new Int32Array(values.length);
  const dictionary: string[] = [];
  const map = new Map<number, number>();
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v) {
      codes[i] = -1;
      continue;
    }
    let code = map.get(v);
    if (code === undefined) {
      code = dictionary.length;
      map.set(v, code);
      dictionary.push(toText(v));
    }
    codes[i] = code;
  }
  return { kind: 'dict', codes, dictionary };
}

function inferType(enc: ColumnEncoder, rows: number): ColumnType {
  if (enc.mode === 'f64') {
    if (enc.kind === 'boolean') return 'boolean';
    if (enc.kind === 'datetime') return 'datetime';
    return enc.allInteger ? 'integer' : 'number';
  }
  if (enc.distinctOverflow || enc.distinct.size === 0) return 'text';
  const few = enc.distinct.size <= Math.max(20, CATEGORY_DISTINCT_SHARE * rows);
  return few && enc.maxLength <= CATEGORY_MAX_LENGTH ? 'category' : 'text';
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}...` : s;
}
