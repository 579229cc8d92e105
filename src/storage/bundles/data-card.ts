/**
 * @file The data card of a bundle: what a bundled run read (dataset name, source, rows, columns and types, the source's
 * SHA-256) and, when it is small, the data itself. A version stores parsed columns, not its source file, so the data
 * travels as the CSV that share links use (`core/share/table-csv.ts`): written only when it is at most
 * {@link MAX_BUNDLED_DATA_BYTES} and reads back into exactly the stored columns. The importer checks that the CSV reads
 * into the columns the card declares and stores it under the CSV's own SHA-256 (what it can check; the card's source
 * hash is the lineage). Images are never carried: their card says why.
 */
import * as v from 'valibot';
import { checkCsvRoundTrip } from '../../core/share/csv-round-trip';
import { writeTableCsv } from '../../core/share/table-csv';
import { ingestTable } from '../../core/ingest/ingest';
import type { ChunkStore } from '../../core/table/chunk-store';
import { CHUNK_ROWS, COLUMN_TYPES } from '../../core/table/column-types';
import { convertChunk } from '../../core/table/convert-chunk';
import { ColumnProfiler } from '../../core/table/profile';
import type { ChunkData, ColumnProfile, ColumnSchema, ImportIssue } from '../../protocol/dataset';
import { readColumn } from '../chunks';
import type { DatasetRecord, DatasetVersionRecord } from '../records';
import type { WorkspaceDb } from '../workspace-schema';
import { MAX_BUNDLED_DATA_BYTES, describeIssues } from './bundle-format';

const text = (max: number) => v.pipe(v.string(), v.maxLength(max));
const id = v.pipe(v.string(), v.minLength(1), v.maxLength(200));
const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const hex64 = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/));

const ColumnSchemaSchema = v.strictObject({
  name: text(1000),
  type: v.picklist(COLUMN_TYPES),
  inferredType: v.picklist(COLUMN_TYPES),
  storage: v.picklist(['f64', 'dict', 'bytes']),
  originalName: v.optional(text(1000)),
});

const DataCardSchema = v.strictObject({
  datasetId: id,
  versionId: id,
  /** The dataset's name. Untrusted: shown as text. */
  name: text(200),
  description: v.optional(text(20_000)),
  target: v.optional(text(1000)),
  /** SHA-256 of the version's source: its identity (lineage); may be any string a version recorded. */
  contentHash: text(200),
  sourceName: v.optional(text(1000)),
  format: v.optional(v.picklist(['csv', 'tsv', 'json', 'jsonl', 'parquet', 'images'])),
  sizeBytes: v.optional(count),
  rows: v.optional(count),
  columns: v.optional(v.pipe(v.array(ColumnSchemaSchema), v.maxLength(100_000))),
  /** The data, as CSV, when carried. */
  data: v.optional(v.strictObject({ path: text(300), format: v.literal('csv'), sha256: hex64, bytes: v.pipe(count, v.maxValue(MAX_BUNDLED_DATA_BYTES)) })),
  /** Why the data is not carried. */
  dataOmitted: v.optional(text(500)),
});

/** A data card, as `datasets/<k>/card.json` holds it. */
export type DataCard = v.InferOutput<typeof DataCardSchema>;

/** Validates a parsed card; throws an Error naming the first bad fields. */
export function parseDataCard(json: unknown, entry: string): DataCard {
  const result = v.safeParse(DataCardSchema, json);
  if (!result.success) throw new Error(`${entry} is not a valid data card: ${describeIssues(result.issues)}`);
  const card = result.output;
  if ((card.data === undefined) === (card.dataOmitted === undefined)) throw new Error(`${entry} must either carry data or say why it does not`);
  if (card.data && (card.columns === undefined || card.rows === undefined)) throw new Error(`${entry} carries data but does not declare its columns and rows`);
  return card;
}

/** A card and the CSV text to put beside it (none when the data is not carried). */
export interface DataCardDraft {
  card: Omit<DataCard, 'data'>;
  csv?: string;
}

/**
 * The card of dataset version `versionId` (as run `contentHash` read it) and, when `includeData` and the data is small
 * enough and round-trips, its CSV. A deleted version still gets a card: its identity and why no data comes with it.
 */
export async function buildDataCard(db: WorkspaceDb, ref: { datasetId: string; versionId: string; contentHash: string }, includeData: boolean): Promise<DataCardDraft> {
  const dataset: DatasetRecord | undefined = await db.datasets.get(ref.datasetId);
  const stored = await db.datasetVersions.get(ref.versionId);
  const version: DatasetVersionRecord | undefined = stored?.complete === 1 ? stored : undefined;
  const base = {
    datasetId: ref.datasetId,
    versionId: ref.versionId,
    name: (dataset?.name ?? 'A deleted dataset').slice(0, 200),
    ...(dataset?.description === undefined ? {} : { description: dataset.description }),
    ...(dataset?.target === undefined ? {} : { target: dataset.target }),
    contentHash: version?.contentHash ?? ref.contentHash,
  };
  if (!version) return { card: { ...base, dataOmitted: 'the dataset version is no longer in the exporting workspace' } };
  const card = {
    ...base,
    sourceName: version.sourceName,
    format: version.format,
    sizeBytes: version.sizeBytes,
    rows: version.rows,
    columns: version.columns.map(({ name, type, inferredType, storage, originalName }) => ({ name, type, inferredType, storage, ...(originalName === undefined ? {} : { originalName }) })),
  };
  const omitted = (why: string): DataCardDraft => ({ card: { ...card, dataOmitted: why } });
  if (!includeData) return omitted('the exporter chose not to include the data');
  if (version.columns.some((c) => c.storage === 'bytes')) return omitted('images are not carried in bundles; import the same images to re-run');
  // A CSV is rarely much smaller than the stored numbers: skip the write when the source is far past the cap.
  if (version.sizeBytes > 8 * MAX_BUNDLED_DATA_BYTES) return omitted(`the data is ${version.sizeBytes} bytes; bundles carry at most ${MAX_BUNDLED_DATA_BYTES} bytes of CSV`);
  const chunks: ChunkData[][] = [];
  for (let c = 0; c < version.columns.length; c++) {
    const column: ChunkData[] = [];
    for await (const chunk of readColumn(db, version.id, c)) column.push(chunk);
    chunks.push(column);
  }
  const csv = writeTableCsv(version.columns, chunks);
  const bytes = new TextEncoder().encode(csv).byteLength;
  if (bytes > MAX_BUNDLED_DATA_BYTES) return omitted(`its CSV is ${bytes} bytes; bundles carry at most ${MAX_BUNDLED_DATA_BYTES} bytes`);
  const roundTrip = await checkCsvRoundTrip(csv, csvName(version.sourceName), version.columns, chunks);
  if (!roundTrip.ok) return omitted(`written as CSV it would not read back the same (${roundTrip.reason})`);
  return { card, csv };
}

/** A data version ready to store: its schema, profiles and chunks, read from the CSV a card carried. */
export interface BundledData {
  card: DataCard;
  /** SHA-256 of the CSV: the stored version's content hash. */
  csvHash: string;
  csvBytes: number;
  sourceName: string;
  rows: number;
  chunkRows: number;
  columns: ColumnSchema[];
  profiles: ColumnProfile[];
  issues: ImportIssue[];
  /** `chunks[c][i]`: chunk `i` of column `c`. */
  chunks: ChunkData[][];
}

/**
 * Reads the CSV a card carries (its hash already checked against the manifest) and checks that it holds what the card
 * declares: the same rows, and columns with the same names, inferred types and storage. The card's type overrides are
 * applied as an override on the Data page is (profiles recomputed from converted chunks). Throws an Error naming the
 * first difference.
 */
export async function readBundledData(card: DataCard, csv: Uint8Array, csvHash: string, entry: string): Promise<BundledData> {
  const declared = card.columns ?? [];
  const store = new MemoryChunkStore();
  const sourceName = csvName(card.sourceName ?? card.name);
  let read;
  try {
    read = await ingestTable({ format: 'csv', name: sourceName, blob: new Blob([csv as Uint8Array<ArrayBuffer>], { type: 'text/csv' }) }, store);
  } catch (err) {
    throw new Error(`${entry} could not be read as CSV: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (read.rows !== card.rows) throw new Error(`${entry} has ${read.rows} rows; its card declares ${card.rows}`);
  if (read.columns.length !== declared.length) throw new Error(`${entry} has ${read.columns.length} columns; its card declares ${declared.length}`);
  const columns: ColumnSchema[] = [];
  const profiles: ColumnProfile[] = [...read.profiles];
  const chunks: ChunkData[][] = [];
  for (let c = 0; c < declared.length; c++) {
    const want = declared[c];
    const got = read.columns[c];
    if (got.name !== want.name || got.inferredType !== want.inferredType || got.storage !== want.storage) {
      throw new Error(`${entry} column ${c + 1} reads as "${got.name}" (${got.inferredType}); its card declares "${want.name}" (${want.inferredType})`);
    }
    const column = Array.from({ length: read.chunkCount }, (_, i) => store.get(c, i));
    chunks.push(column);
    columns.push({ ...got, type: want.type, ...(want.originalName === undefined ? {} : { originalName: want.originalName }) });
    if (want.type !== got.inferredType) profiles[c] = profileAs(want.name, column, got.inferredType, want.type, entry);
  }
  return { card, csvHash, csvBytes: csv.byteLength, sourceName, rows: read.rows, chunkRows: CHUNK_ROWS, columns, profiles, issues: read.issues, chunks };
}

/** The profile of a column read as `to` (a type override), as `retypeColumns` computes it. */
function profileAs(name: string, chunks: readonly ChunkData[], from: ColumnSchema['type'], to: ColumnSchema['type'], entry: string): ColumnProfile {
  const profiler = new ColumnProfiler(name, to);
  try {
    for (const chunk of chunks) profiler.add(convertChunk(chunk, from, to).data);
  } catch (err) {
    throw new Error(`${entry} column "${name}" cannot be read as ${to}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return profiler.result();
}

/** The CSV's file name: the source's, with a `.csv` extension (that is what it now is). */
export function csvName(sourceName: string): string {
  const base = sourceName.replace(/\.[A-Za-z0-9]{1,8}$/, '').slice(0, 190) || 'data';
  return `${base}.csv`;
}

/** Chunks in memory while a bundled CSV is read (at most a few MB). */
class MemoryChunkStore implements ChunkStore {
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
