/**
 * @file The workspace archive format: entry names, limits, the manifest, and the minimal shape
 * each table's records must have on import. Version 1:
 * - `manifest.json` ({@link ArchiveManifest}), written last so its row counts are the rows written;
 * - `tables/<table>.jsonl`: one record per line (markers in `archive-values.ts`);
 * - `bin/000000`, `bin/000001`, ...: the bytes of each binary value, referenced once each.
 */
import * as v from 'valibot';
import { RUN_STATUSES } from './run-status';
import { RUN_KINDS } from './runs';

/** Value of `manifest.format`. */
export const ARCHIVE_FORMAT = 'benchtop-workspace';
/** The archive format version this code writes and the newest it reads. */
export const ARCHIVE_FORMAT_VERSION = 1;
/** Name of the manifest entry. */
export const MANIFEST_ENTRY = 'manifest.json';
/** Largest manifest accepted, in bytes. */
export const MAX_MANIFEST_BYTES = 1024 * 1024;
/** Largest table file accepted (uncompressed), in bytes: well under the longest JavaScript string. */
export const MAX_TABLE_FILE_BYTES = 256 * 1024 * 1024;
/** Largest binary entry accepted (uncompressed), in bytes. */
export const MAX_BINARY_BYTES = 1024 * 1024 * 1024;

const TABLE_ENTRY = /^tables\/([A-Za-z][A-Za-z0-9_]{0,63})\.jsonl$/;
const BINARY_ENTRY = /^bin\/\d{6,9}$/;

/** Entry name of a table's records. */
export function tableEntryName(table: string): string {
  return `tables/${table}.jsonl`;
}

/** Entry name of the `n`-th binary value. */
export function binaryEntryName(n: number): string {
  return `bin/${String(n).padStart(6, '0')}`;
}

/** The table named by a table entry, or `undefined` when `entry` is not one. */
export function tableOfEntry(entry: string): string | undefined {
  return TABLE_ENTRY.exec(entry)?.[1];
}

/** True for a well-formed binary entry name. */
export function isBinaryEntry(entry: string): boolean {
  return BINARY_ENTRY.test(entry);
}

const ManifestSchema = v.strictObject({
  format: v.literal(ARCHIVE_FORMAT),
  formatVersion: v.pipe(v.number(), v.integer(), v.minValue(1)),
  schemaVersion: v.pipe(v.number(), v.integer(), v.minValue(1)),
  appVersion: v.optional(v.pipe(v.string(), v.maxLength(100))),
  workspaceName: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(100)),
  exportedAt: v.pipe(v.string(), v.isoTimestamp()),
  tables: v.record(v.pipe(v.string(), v.regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/)), v.strictObject({ rows: v.pipe(v.number(), v.integer(), v.minValue(0)) })),
});

/** The manifest of a workspace archive. */
export type ArchiveManifest = v.InferOutput<typeof ManifestSchema>;

/**
 * Validates a parsed manifest against this app: format first, then versions (newer than this app
 * → a message saying so), then every field. Throws a message naming the bad field.
 */
export function parseManifest(json: unknown, currentSchemaVersion: number): ArchiveManifest {
  const raw = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  if (raw.format !== ARCHIVE_FORMAT) {
    throw new Error(`manifest.json has format ${JSON.stringify(raw.format)}; expected "${ARCHIVE_FORMAT}" (not a Benchtop workspace archive)`);
  }
  if (typeof raw.formatVersion === 'number' && raw.formatVersion > ARCHIVE_FORMAT_VERSION) {
    throw new Error(`formatVersion ${raw.formatVersion} is newer than this app supports (${ARCHIVE_FORMAT_VERSION}); update Benchtop to import it`);
  }
  if (typeof raw.schemaVersion === 'number' && raw.schemaVersion > currentSchemaVersion) {
    throw new Error(`schemaVersion ${raw.schemaVersion} is newer than this app supports (${currentSchemaVersion}); update Benchtop to import it`);
  }
  const result = v.safeParse(ManifestSchema, json);
  if (!result.success) throw new Error(`manifest.json is invalid: ${describeIssues(result.issues)}`);
  return result.output;
}

const id = v.pipe(v.string(), v.minLength(1), v.maxLength(200));
const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const time = v.pipe(v.number(), v.finite());

const ChunkDataSchema = v.variant('kind', [
  v.strictObject({ kind: v.literal('f64'), values: v.instance(Float64Array) }),
  v.strictObject({ kind: v.literal('dict'), codes: v.instance(Int32Array), dictionary: v.array(v.string()) }),
  v.strictObject({ kind: v.literal('bytes'), items: v.array(v.nullable(v.instance(Uint8Array))), mediaTypes: v.array(v.string()) }),
]);

/** Any number, NaN and infinities included (a diverged loss): `v.number()` rejects NaN. */
const anyNumber = v.custom<number>((x) => typeof x === 'number', 'Invalid type: expected a number');
const LineageRefSchema = v.looseObject({ kind: v.string(), id: v.string() });

/**
 * Minimal shapes of the records of each table, checked on import after decoding (the primary key
 * is always checked too, from the schema). Loose: fields added by later schema versions pass; when a
 * version changes a field checked here, make the check accept both shapes.
 */
const RECORD_SCHEMAS: Readonly<Record<string, v.GenericSchema>> = Object.freeze({
  datasets: v.looseObject({ id, name: v.string(), createdAt: time, updatedAt: time, latestVersionId: v.optional(id) }),
  datasetVersions: v.looseObject({
    id,
    datasetId: id,
    contentHash: v.string(),
    rows: count,
    chunkRows: v.pipe(count, v.minValue(1)),
    columns: v.array(v.looseObject({ name: v.string(), type: v.string(), storage: v.picklist(['f64', 'dict', 'bytes']) })),
    profiles: v.array(v.looseObject({ name: v.string() })),
    issues: v.array(v.looseObject({ message: v.string() })),
    createdAt: time,
    complete: v.picklist([0, 1]),
  }),
  columnChunks: v.looseObject({ versionId: id, column: count, index: count, data: ChunkDataSchema }),
  settings: v.looseObject({ key: v.pipe(v.string(), v.minLength(1)) }),
  // Schema version 2: runs and what they write.
  experiments: v.looseObject({ id, name: v.string(), createdAt: time }),
  runs: v.looseObject({
    id,
    experimentId: id,
    parentId: v.optional(id),
    kind: v.picklist(RUN_KINDS),
    status: v.picklist(RUN_STATUSES),
    name: v.string(),
    spec: v.looseObject({ kind: v.string() }),
    datasetVersionId: v.string(),
    environment: v.looseObject({ appVersion: v.string(), libraries: v.array(v.looseObject({ name: v.string(), version: v.string() })) }),
    inputs: v.array(LineageRefSchema),
    outputs: v.array(LineageRefSchema),
    summary: v.array(v.looseObject({ key: v.string(), value: anyNumber })),
    tags: v.array(v.string()),
    createdAt: time,
    updatedAt: time,
  }),
  metrics: v.looseObject({ runId: id, key: v.pipe(v.string(), v.minLength(1)), step: count, value: anyNumber, time }),
  logs: v.looseObject({ runId: id, seq: count, time, level: v.picklist(['debug', 'info', 'warn', 'error']), message: v.string() }),
  artifacts: v.looseObject({
    id,
    runId: id,
    name: v.pipe(v.string(), v.minLength(1)),
    mediaType: v.string(),
    size: count,
    sha256: v.string(),
    data: v.union([v.instance(Blob), v.instance(ArrayBuffer)]),
    createdAt: time,
  }),
  checkpoints: v.looseObject({
    runId: id,
    epoch: count,
    createdAt: time,
    weights: v.instance(ArrayBuffer),
    weightSpecs: v.array(v.looseObject({ name: v.string(), shape: v.array(count), dtype: v.string() })),
    optimizerState: v.optional(v.instance(ArrayBuffer)),
    bestWeights: v.optional(v.instance(ArrayBuffer)),
    rngState: v.optional(v.array(v.number())),
  }),
  // Schema version 3: the model registry and endpoints.
  models: v.looseObject({ id, name: v.pipe(v.string(), v.minLength(1)), tags: v.array(v.string()), latestVersion: count, createdAt: time, updatedAt: time }),
  modelVersions: v.looseObject({
    id,
    modelId: id,
    version: v.pipe(count, v.minValue(1)),
    format: v.picklist(['tfjs', 'onnx', 'tabular']),
    source: v.looseObject({ kind: v.picklist(['run', 'files']) }),
    signature: v.looseObject({ inputs: v.array(v.looseObject({ name: v.string(), type: v.string() })), outputs: v.array(v.looseObject({ name: v.string(), kind: v.string() })) }),
    files: v.array(v.looseObject({ name: v.string(), mediaType: v.string(), size: count, sha256: v.string() })),
    metrics: v.array(v.looseObject({ key: v.string(), value: anyNumber })),
    tags: v.array(v.string()),
    aliases: v.array(v.string()),
    lineage: v.looseObject({}),
    card: v.looseObject({ description: v.string(), intendedUse: v.string(), trainingData: v.string(), limitations: v.string() }),
    createdAt: time,
    updatedAt: time,
  }),
  modelFiles: v.looseObject({ modelVersionId: id, name: v.pipe(v.string(), v.minLength(1)), mediaType: v.string(), size: count, sha256: v.string(), data: v.union([v.instance(Blob), v.instance(ArrayBuffer)]), createdAt: time }),
  endpoints: v.looseObject({ id, name: v.pipe(v.string(), v.minLength(1)), createdAt: time, updatedAt: time }),
  deployments: v.looseObject({
    id,
    endpointId: id,
    modelVersionId: id,
    trafficPercent: v.pipe(v.number(), v.minValue(0), v.maxValue(100)),
    mirrorPercent: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(100))),
    createdAt: time,
    updatedAt: time,
  }),
});

/** Throws, naming the field, when `record` of `table` lacks its primary key or the table's minimal shape. */
export function checkRecordShape(table: string, record: unknown, primaryKey: readonly string[]): void {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) throw new Error('is not an object');
  for (const field of primaryKey) {
    const value = (record as Record<string, unknown>)[field];
    if (!(typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)))) {
      throw new Error(`has no valid primary key field "${field}" (a string or number)`);
    }
  }
  const schema = RECORD_SCHEMAS[table];
  if (!schema) return;
  const result = v.safeParse(schema, record);
  if (!result.success) throw new Error(`does not match the "${table}" record shape: ${describeIssues(result.issues)}`);
}

function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .slice(0, 3)
    .map((issue) => `${v.getDotPath(issue) ?? '(root)'}: ${issue.message}`)
    .join('; ');
}
