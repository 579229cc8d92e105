/**
 * @file What a share link carries (format `benchtop-share`, version 1), its caps, and its validation. A link is
 * untrusted input: the text is measured before it is decoded (`decode.ts`), nesting before it is parsed
 * (`json-guard.ts`), and the parsed value must pass this strict schema, the training-spec schema and the checks between
 * them before anything shows it. Nothing in a payload is ever rendered as HTML; names holding markup are refused.
 */
import * as v from 'valibot';
import type { ColumnType, ImportFormat } from '../../protocol/dataset';
import type { ComputeBackend, LibraryVersion, MetricSplit } from '../../protocol/run';
import type { SpecIssue, TrainSpec } from '../../protocol/train';
import { formatSpecIssues, strict, tagged } from '../jobs/spec-fields';
import { parseTrainSpec } from '../jobs/train-spec';
import { ShareLinkError } from './share-error';

/** The `format` field of every payload. */
export const SHARE_FORMAT = 'benchtop-share';
/** The payload version this app writes and reads. */
export const SHARE_VERSION = 1;

/** Longest encoded payload (the text after `#/shared/`), in characters: about 384 KiB of compressed bytes. */
export const MAX_LINK_CHARS = 512 * 1024;
/** Largest payload JSON once inflated, in bytes (a small link must not inflate into gigabytes). */
export const MAX_JSON_BYTES = 12 * 1024 * 1024;
/** Data is embedded in a link only when it compresses to at most this many bytes. */
export const MAX_EMBEDDED_COMPRESSED_BYTES = 200 * 1024;
/** Longest embedded CSV, in characters. */
export const MAX_EMBEDDED_CSV_CHARS = 8 * 1024 * 1024;
/** Deepest nesting of arrays and objects in a payload (a spec is about 6 deep). */
export const MAX_DEPTH = 32;
/** Most JSON values in a payload (the embedded CSV is one string). */
export const MAX_VALUES = 1_000_000;
/** Most metric series, and most points over all of them. */
export const MAX_SERIES = 64;
export const MAX_POINTS = 100_000;
/** Longest run, dataset or file name. */
export const MAX_NAME_CHARS = 200;

/** One recorded metric series of the shared run; `null` stands for a non-finite value (NaN from a diverged loss). */
export interface SharedSeries {
  key: string;
  split?: MetricSplit;
  /** Strictly increasing non-negative integers (epochs or batches). */
  steps: number[];
  values: (number | null)[];
}

/** The shared run's recorded metrics. */
export interface SharedMetrics {
  series: SharedSeries[];
  /** The run's final (or best) summary metrics: `test_accuracy`, `epochs`, ... */
  summary: { key: string; value: number | null }[];
  /** Series left out to keep the link small (per-batch curves of a long run). */
  omitted: string[];
}

/** A column type the sharer set by hand (it differs from the one inferred at import); re-applied before the re-run. */
export interface SharedColumnType {
  column: string;
  type: ColumnType;
}

/**
 * Where the viewer's copy of the data comes from. `contentHash` is always the hash the viewer can check: of the
 * sample's file, of the embedded CSV's UTF-8 bytes, or of the file the viewer is asked for.
 */
export type SharedDataset =
  /** A sample shipped with the app; the viewer's manifest must list the same content hash. */
  | { kind: 'sample'; name: string; sampleId: string; contentHash: string; columnTypes: SharedColumnType[] }
  /**
   * The data itself, as CSV written from the stored columns (`table-csv.ts`). `sourceHash` is the sharer's original
   * source hash (the spec's `data.contentHash`, for lineage); `contentHash` is the SHA-256 of `csv`.
   */
  | {
      kind: 'embedded';
      name: string;
      sourceName: string;
      sourceHash: string;
      contentHash: string;
      format: 'csv';
      csv: string;
      columnTypes: SharedColumnType[];
    }
  /** Too large to embed: the viewer is asked for the file, whose SHA-256 must equal `contentHash`. */
  | { kind: 'file'; name: string; sourceName: string; format: ImportFormat; sizeBytes: number; contentHash: string; columnTypes: SharedColumnType[] };

/** What a share link carries, version 1. */
export interface SharePayload {
  format: typeof SHARE_FORMAT;
  version: typeof SHARE_VERSION;
  /** `package.json` version of the app that made the link. */
  appVersion: string;
  /** Epoch milliseconds when the link was made. */
  sharedAt: number;
  run: {
    name: string;
    /** The backend the shared run actually used. */
    backend?: ComputeBackend;
    libraries: LibraryVersion[];
  };
  /** The complete, validated training spec (its data ids are the sharer's; the viewer's import replaces them). */
  spec: TrainSpec;
  /** The spec's seed, repeated so a reader sees it without opening the spec. */
  seed: number;
  dataset: SharedDataset;
  metrics: SharedMetrics;
}

const hex64 = v.pipe(v.string('expected a SHA-256 as 64 lower-case hex digits'), v.regex(/^[0-9a-f]{64}$/, 'expected a SHA-256 as 64 lower-case hex digits'));
const text = (max: number) => v.pipe(v.string(`expected text of 1 to ${max} characters`), v.check((s) => s.length > 0 && s.length <= max, `expected text of 1 to ${max} characters`));
const metricKey = v.pipe(v.string('expected a metric key'), v.regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'expected a metric key of 1 to 64 letters, digits, "_", ".", ":" or "-"'));
const step = v.pipe(v.number('expected a step number'), v.check((n) => Number.isSafeInteger(n) && n >= 0, 'expected a non-negative integer step'));
const metricValue = v.nullable(v.pipe(v.number('expected a number or null'), v.check((n) => Number.isFinite(n), 'expected a finite number or null')));
const COLUMN_TYPES = ['integer', 'number', 'boolean', 'category', 'text', 'datetime', 'image'] as const satisfies readonly ColumnType[];
const IMPORT_FORMATS = ['csv', 'tsv', 'json', 'jsonl', 'parquet', 'images'] as const satisfies readonly ImportFormat[];
const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const satisfies readonly ComputeBackend[];

function capped<T extends v.GenericSchema>(item: T, max: number, what: string) {
  return v.pipe(v.array(item, `expected a list of ${what}`), v.maxLength(max, `expected at most ${max.toLocaleString('en')} ${what}`));
}

const columnTypes = capped(strict({ column: text(1000), type: v.picklist(COLUMN_TYPES, `expected one of ${COLUMN_TYPES.join(', ')}`) }), 10_000, 'column types');

const DatasetSchema = tagged('kind', [
  strict({ kind: v.literal('sample'), name: text(MAX_NAME_CHARS), sampleId: v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'expected a sample id (lower-case letters, digits and dashes)')), contentHash: hex64, columnTypes }),
  strict({
    kind: v.literal('embedded'),
    name: text(MAX_NAME_CHARS),
    sourceName: text(MAX_NAME_CHARS),
    sourceHash: hex64,
    contentHash: hex64,
    format: v.literal('csv', 'expected "csv"'),
    csv: text(MAX_EMBEDDED_CSV_CHARS),
    columnTypes,
  }),
  strict({
    kind: v.literal('file'),
    name: text(MAX_NAME_CHARS),
    sourceName: text(MAX_NAME_CHARS),
    format: v.picklist(IMPORT_FORMATS, `expected one of ${IMPORT_FORMATS.join(', ')}`),
    sizeBytes: v.pipe(v.number(), v.check((n) => Number.isSafeInteger(n) && n >= 0, 'expected a size in bytes')),
    contentHash: hex64,
    columnTypes,
  }),
]);

const SeriesSchema = strict({
  key: metricKey,
  split: v.optional(v.picklist(['train', 'validation', 'test'], 'expected train, validation or test')),
  steps: capped(step, MAX_POINTS, 'steps'),
  values: capped(metricValue, MAX_POINTS, 'values'),
});

/** The payload's shape; the spec is checked by the training-spec schema afterwards. */
const PayloadSchema = strict({
  format: v.literal(SHARE_FORMAT),
  version: v.literal(SHARE_VERSION),
  appVersion: v.pipe(v.string(), v.regex(/^[0-9A-Za-z.+-]{1,64}$/, 'expected a version such as 0.1.0')),
  sharedAt: v.pipe(v.number(), v.check((n) => Number.isSafeInteger(n) && n >= 0, 'expected epoch milliseconds')),
  run: strict({
    name: text(MAX_NAME_CHARS),
    backend: v.optional(v.picklist(BACKENDS, `expected one of ${BACKENDS.join(', ')}`)),
    libraries: capped(strict({ name: text(100), version: text(64) }), 32, 'libraries'),
  }),
  spec: v.unknown(),
  seed: v.pipe(v.number(), v.check((n) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff, 'expected a uint32 seed')),
  dataset: DatasetSchema,
  metrics: strict({
    series: capped(SeriesSchema, MAX_SERIES, 'series'),
    summary: capped(strict({ key: metricKey, value: metricValue }), MAX_SERIES, 'summary metrics'),
    omitted: capped(metricKey, MAX_SERIES, 'omitted series'),
  }),
});

/** An HTML tag opening (`<b`, `</`, `<!--`, `<?`), as the HTML tokenizer reads one; "a < b" is not. */
const MARKUP = /<[A-Za-z!?/]/;

/** True when `name` would start an HTML tag if it were ever parsed as HTML. */
export function containsMarkup(name: string): boolean {
  return MARKUP.test(name);
}

/**
 * Validates an untrusted value (guarded-parsed JSON) as a share payload, version 1, and returns it with the spec
 * complete. Throws a {@link ShareLinkError}: `unknown-version` for another format or version, `invalid` listing the
 * first problems by path, `markup` for a name holding HTML.
 */
export function validateSharePayload(input: unknown): SharePayload {
  checkVersion(input);
  const parsed = v.safeParse(PayloadSchema, input);
  if (!parsed.success) throw invalid(formatSpecIssues(parsed.issues));
  const payload = parsed.output;
  for (const [path, name] of [['run.name', payload.run.name], ['dataset.name', payload.dataset.name], ...(payload.dataset.kind === 'sample' ? [] : [['dataset.sourceName', payload.dataset.sourceName]])] as const) {
    if (containsMarkup(name)) throw new ShareLinkError('markup', `The shared ${path === 'run.name' ? 'run' : path === 'dataset.name' ? 'dataset' : 'file'} name contains HTML markup; links with markup in names are refused`);
  }
  const spec = parseTrainSpec(payload.spec);
  if (!spec.ok) throw invalid(spec.issues.map((issue) => ({ path: issue.path === '(root)' ? 'spec' : `spec.${issue.path}`, message: issue.message })));
  const issues = crossChecks({ ...payload, spec: spec.spec } as SharePayload);
  if (issues.length > 0) throw invalid(issues);
  return { ...payload, spec: spec.spec } as SharePayload;
}

function checkVersion(input: unknown): void {
  const record = input !== null && typeof input === 'object' && !Array.isArray(input) ? (input as Record<string, unknown>) : undefined;
  if (record?.format !== SHARE_FORMAT) {
    throw new ShareLinkError('unknown-version', `This is not a Benchtop share link: expected format "${SHARE_FORMAT}"`);
  }
  if (record.version === SHARE_VERSION) return;
  const version = record.version;
  if (typeof version === 'number' && Number.isInteger(version) && version > SHARE_VERSION) {
    throw new ShareLinkError('unknown-version', `This link was made by a newer Benchtop (share version ${version}); this app reads version ${SHARE_VERSION}. Update the app (reload it) and open the link again`);
  }
  const shown = typeof version === 'number' || typeof version === 'string' ? JSON.stringify(version).slice(0, 20) : typeof version;
  throw new ShareLinkError('unknown-version', `This link has share version ${shown}, which no Benchtop writes; expected version ${SHARE_VERSION}`);
}

/** Agreement between the parts: the seed, the data hashes, and the metric series. */
function crossChecks(payload: SharePayload): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const { spec, dataset, metrics } = payload;
  if (payload.seed !== spec.seed) issues.push({ path: 'seed', message: `expected the spec's seed ${spec.seed}, got ${payload.seed}` });
  const lineageHash = dataset.kind === 'embedded' ? dataset.sourceHash : dataset.contentHash;
  const lineagePath = dataset.kind === 'embedded' ? 'dataset.sourceHash' : 'dataset.contentHash';
  if (lineageHash !== spec.data.contentHash) issues.push({ path: lineagePath, message: "expected the spec's data.contentHash" });
  const keys = new Set<string>();
  let points = 0;
  metrics.series.forEach((series, i) => {
    const path = `metrics.series[${i}]`;
    if (keys.has(series.key)) issues.push({ path: `${path}.key`, message: `the series "${series.key}" appears twice` });
    keys.add(series.key);
    if (series.steps.length !== series.values.length) issues.push({ path, message: `expected as many values as steps, got ${series.values.length} values for ${series.steps.length} steps` });
    const unordered = series.steps.findIndex((s, j) => j > 0 && s <= series.steps[j - 1]);
    if (unordered > 0) issues.push({ path: `${path}.steps[${unordered}]`, message: 'expected steps in strictly increasing order' });
    points += series.steps.length;
  });
  if (points > MAX_POINTS) issues.push({ path: 'metrics.series', message: `expected at most ${MAX_POINTS.toLocaleString('en')} points in all, got ${points.toLocaleString('en')}` });
  return issues;
}

function invalid(issues: readonly SpecIssue[]): ShareLinkError {
  const shown = issues.slice(0, 5).map((i) => `${i.path}: ${i.message}`);
  const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : '';
  return new ShareLinkError('invalid', `The link's run is not valid: ${shown.join('; ')}${more}`);
}
