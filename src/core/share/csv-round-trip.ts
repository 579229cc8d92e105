/**
 * @file Does a CSV read back into exactly the stored columns? A link embeds the CSV of `table-csv.ts` only when it
 * does: same names, same inferred types and storage, same rows, same cells (numbers equal, missing where missing). Then
 * a re-run on the viewer's import of it trains on the same numbers as the shared run did.
 */
import type { ChunkData, ColumnSchema } from '../../protocol/dataset';
import type { ChunkStore } from '../table/chunk-store';
import { ingestTable } from '../ingest/ingest';

/** The outcome of {@link checkCsvRoundTrip}: ok with the CSV's hash, or the first difference found. */
export type RoundTripResult = { ok: true; contentHash: string } | { ok: false; reason: string };

/** Ingests `csv` in memory (as an import would) and compares what it reads with `columns` and their `chunks`. */
export async function checkCsvRoundTrip(csv: string, name: string, columns: readonly ColumnSchema[], chunks: readonly (readonly ChunkData[])[]): Promise<RoundTripResult> {
  const store = new MemoryStore();
  let read;
  try {
    read = await ingestTable({ format: 'csv', name, blob: new Blob([csv], { type: 'text/csv' }) }, store);
  } catch (err) {
    return { ok: false, reason: `the CSV does not read back: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (read.columns.length !== columns.length) return { ok: false, reason: `the CSV reads back with ${read.columns.length} columns; expected ${columns.length}` };
  for (let c = 0; c < columns.length; c++) {
    const want = columns[c];
    const got = read.columns[c];
    if (got.name !== want.name) return { ok: false, reason: `column ${c + 1} reads back as "${got.name}"; expected "${want.name}"` };
    if (got.inferredType !== want.inferredType || got.storage !== want.storage) {
      return { ok: false, reason: `column "${want.name}" reads back as ${got.inferredType}; expected ${want.inferredType}` };
    }
    const expected = flatten(chunks[c] ?? []);
    const actual = flatten(Array.from({ length: read.chunkCount }, (_, i) => store.get(c, i)));
    if (actual.length !== expected.length) return { ok: false, reason: `the CSV reads back with ${actual.length} rows; expected ${expected.length}` };
    for (let r = 0; r < expected.length; r++) {
      if (!sameCell(actual[r], expected[r])) return { ok: false, reason: `column "${want.name}" row ${r + 1} reads back differently` };
    }
  }
  return { ok: true, contentHash: read.contentHash };
}

/** Cells as numbers (NaN missing) or strings (null missing). */
function flatten(chunks: readonly ChunkData[]): (number | string | null)[] {
  const out: (number | string | null)[] = [];
  for (const chunk of chunks) {
    if (chunk.kind === 'f64') for (const v of chunk.values) out.push(v);
    else if (chunk.kind === 'dict') for (const code of chunk.codes) out.push(code < 0 ? null : chunk.dictionary[code]);
    else for (const item of chunk.items) out.push(item === null ? null : `<${item.length} bytes>`);
  }
  return out;
}

function sameCell(a: number | string | null, b: number | string | null): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b || (Number.isNaN(a) && Number.isNaN(b));
  return a === b;
}

/** Chunks in memory for the check (the CSV is at most a few MB). */
class MemoryStore implements ChunkStore {
  readonly #chunks = new Map<string, ChunkData>();

  async write(column: number, index: number, data: ChunkData): Promise<void> {
    this.#chunks.set(`${column}:${index}`, data);
  }

  async read(column: number, index: number): Promise<ChunkData> {
    return this.get(column, index);
  }

  get(column: number, index: number): ChunkData {
    const data = this.#chunks.get(`${column}:${index}`);
    if (!data) throw new Error(`No chunk ${index} of column ${column}`);
    return data;
  }
}
