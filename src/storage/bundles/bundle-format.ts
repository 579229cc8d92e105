/**
 * @file The bundle format: one run, one sweep (its parent and every trial) or one model version as a zip that another
 * browser imports into its workspace. Version 1 layout (every path is made by the exporter from indexes and
 * sanitised names; an importer accepts no other):
 * - `manifest.json` ({@link BundleManifest}): kind, versions, and every other entry with its size and SHA-256;
 * - `runs/<i>/run.json` (the run record), `spec.json`, `metrics.jsonl` + `metrics.csv`, `logs.jsonl`,
 *   `artifacts.jsonl` (records whose bytes are `runs/<i>/artifacts/<name>` entries), and optionally
 *   `checkpoint.json` with its buffers in `runs/<i>/checkpoint/<n>`; run 0 is the root (a sweep's parent), the rest
 *   its trials;
 * - `experiments.json`: the experiments of those runs;
 * - `datasets/<k>/card.json` (the data card) and, when small enough, `datasets/<k>/data.csv`;
 * - `model/model.json`, `model/version.json`, `model/files.jsonl` (bytes in `model/files/<name>`), and the views
 *   `model/card.json` and `model/signature.json`;
 * - `lineage.json`: what was made from what.
 * Records are JSON with the markers of `archive-values.ts`. The `.csv`, `spec.json`, `card.json`, `signature.json`
 * and `lineage.json` entries are views for people and other tools: an importer rebuilds them from the records and
 * refuses a bundle whose views differ. Bytes met twice (a model file copied from an artifact) are stored once.
 */
import * as v from 'valibot';
import type { RunKind } from '../../protocol/run';

/** Value of `manifest.format`. */
export const BUNDLE_FORMAT = 'benchtop-bundle';
/** The bundle format version this code writes and the newest it reads. */
export const BUNDLE_VERSION = 1;
/** What a bundle holds. */
export const BUNDLE_KINDS = Object.freeze(['run', 'sweep', 'modelVersion'] as const);
/** What a bundle holds: a run (train, trial...), a sweep with its trials, or a model version with its source run. */
export type BundleKind = (typeof BUNDLE_KINDS)[number];

/** Run kinds that are parents of other runs (a sweep, an AutoML search, a pipeline): a `sweep` bundle holds one with every child. */
export const PARENT_RUN_KINDS: readonly RunKind[] = Object.freeze(['sweep', 'automl', 'pipeline'] as const);

/** Name of the manifest entry. */
export const MANIFEST_ENTRY = 'manifest.json';
/** Largest bundle file accepted, in bytes (the whole zip is read into memory). */
export const MAX_BUNDLE_FILE_BYTES = 1024 * 1024 * 1024;
/** Largest manifest accepted (uncompressed), in bytes. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
/** Most entries in a bundle. */
export const MAX_BUNDLE_ENTRIES = 10_000;
/** Largest entry accepted (uncompressed), in bytes. */
export const MAX_ENTRY_BYTES = 1024 * 1024 * 1024;
/** Largest JSON or JSON-lines entry accepted (uncompressed), in bytes: well under the longest JavaScript string. */
export const MAX_JSON_ENTRY_BYTES = 256 * 1024 * 1024;
/** Most bytes all entries may unpack to together. */
export const MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024;
/** Deepest nesting of arrays and objects accepted in any JSON entry (measured before parsing). */
export const MAX_JSON_DEPTH = 64;
/**
 * Past this many unpacked bytes, an entry packed more than {@link MAX_PACKING_RATIO} times is refused unread as a
 * likely zip bomb: model weights barely compress, CSV and JSON lines a few tens of times.
 */
export const BOMB_MIN_BYTES = 16 * 1024 * 1024;
/** See {@link BOMB_MIN_BYTES}. */
export const MAX_PACKING_RATIO = 500;
/** Largest dataset carried as CSV in a bundle, in bytes; larger data is described by its card only. */
export const MAX_BUNDLED_DATA_BYTES = 5 * 1024 * 1024;
/** Most runs in one bundle (a sweep's parent and trials). */
export const MAX_BUNDLE_RUNS = 2_000;
/** Most dataset cards in one bundle. */
export const MAX_BUNDLE_DATASETS = 16;

/** One path segment: letters, digits, `.`, `_`, `-`; not starting with a dot (so never `.` or `..`). */
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,119}$/;

/**
 * True when `path` is a path this format can contain: 1 to 8 segments of {@link SEGMENT} joined by `/`, at most 300
 * characters; no absolute path, no backslash, no `..`, no empty segment, no control or markup character.
 */
export function isSafeEntryPath(path: string): boolean {
  if (path.length === 0 || path.length > 300) return false;
  const segments = path.split('/');
  return segments.length <= 8 && segments.every((s) => SEGMENT.test(s));
}

/** A file name made safe for an entry path: unsafe characters become `_`, at most 100 characters, never empty or dotted. */
export function safeSegment(name: string): string {
  const cleaned = name.normalize('NFKD').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[.]+/, '_').slice(0, 100);
  return cleaned.length > 0 ? cleaned : 'file';
}

/** Paths of a run's entries in the bundle. */
export function runEntry(index: number, name: 'run.json' | 'spec.json' | 'metrics.jsonl' | 'metrics.csv' | 'logs.jsonl' | 'artifacts.jsonl' | 'checkpoint.json'): string {
  return `runs/${index}/${name}`;
}

/** Paths of a data card and its data. */
export function datasetEntry(index: number, name: 'card.json' | 'data.csv'): string {
  return `datasets/${index}/${name}`;
}

/** Paths of the model version's entries. */
export const MODEL_ENTRIES = Object.freeze({
  model: 'model/model.json',
  version: 'model/version.json',
  files: 'model/files.jsonl',
  card: 'model/card.json',
  signature: 'model/signature.json',
} as const);

/** Path of the experiments entry. */
export const EXPERIMENTS_ENTRY = 'experiments.json';
/** Path of the lineage view. */
export const LINEAGE_ENTRY = 'lineage.json';

const hex64 = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'Invalid SHA-256: expected 64 lower-case hex digits'));
const count = v.pipe(v.number(), v.integer(), v.minValue(0));

const ManifestSchema = v.strictObject({
  format: v.literal(BUNDLE_FORMAT),
  bundleVersion: v.pipe(v.number(), v.integer(), v.minValue(1)),
  kind: v.picklist(BUNDLE_KINDS),
  /** Workspace schema version the records were written at. */
  schemaVersion: v.pipe(v.number(), v.integer(), v.minValue(1)),
  appVersion: v.optional(v.pipe(v.string(), v.maxLength(100))),
  createdAt: v.pipe(v.string(), v.isoTimestamp()),
  /** The root's name (run, sweep, `model vN`), for messages. Untrusted: shown as text. */
  title: v.pipe(v.string(), v.maxLength(300)),
  contents: v.strictObject({
    runs: v.pipe(count, v.maxValue(MAX_BUNDLE_RUNS)),
    datasets: v.pipe(count, v.maxValue(MAX_BUNDLE_DATASETS)),
    model: v.boolean(),
  }),
  entries: v.pipe(
    v.array(v.strictObject({ path: v.pipe(v.string(), v.check(isSafeEntryPath, 'Invalid path: expected segments of letters, digits, ".", "_", "-" joined by "/"')), size: count, sha256: hex64 })),
    v.maxLength(MAX_BUNDLE_ENTRIES),
  ),
});

/** The manifest of a bundle. */
export type BundleManifest = v.InferOutput<typeof ManifestSchema>;
/** One entry of a bundle as its manifest lists it. */
export type BundleEntryInfo = BundleManifest['entries'][number];

/**
 * Validates a parsed manifest against this app: format first (a workspace archive is named as such), then versions
 * (newer than this app → a message saying so), then every field. Throws an Error naming the bad field.
 */
export function parseBundleManifest(json: unknown, currentSchemaVersion: number): BundleManifest {
  const raw = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  if (raw.format === 'benchtop-workspace') throw new Error('This file is a whole-workspace archive, not a bundle; import it from Settings → Import workspace');
  if (raw.format !== BUNDLE_FORMAT) throw new Error(`manifest.json has format ${clip(JSON.stringify(raw.format))}; expected "${BUNDLE_FORMAT}" (not a Benchtop bundle)`);
  if (typeof raw.bundleVersion === 'number' && raw.bundleVersion > BUNDLE_VERSION) {
    throw new Error(`bundleVersion ${raw.bundleVersion} is newer than this app reads (${BUNDLE_VERSION}); update Benchtop to import it`);
  }
  if (typeof raw.schemaVersion === 'number' && raw.schemaVersion > currentSchemaVersion) {
    throw new Error(`schemaVersion ${raw.schemaVersion} is newer than this app reads (${currentSchemaVersion}); update Benchtop to import it`);
  }
  const result = v.safeParse(ManifestSchema, json);
  if (!result.success) throw new Error(`manifest.json is invalid: ${describeIssues(result.issues)}`);
  const paths = new Set<string>();
  for (const entry of result.output.entries) {
    if (entry.path === MANIFEST_ENTRY) throw new Error('manifest.json lists itself among its entries');
    if (paths.has(entry.path)) throw new Error(`manifest.json lists "${entry.path}" twice`);
    paths.add(entry.path);
  }
  return result.output;
}

/** The first three issues of a valibot result, each with its path. */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .slice(0, 3)
    .map((issue) => `${v.getDotPath(issue) ?? '(root)'}: ${issue.message}`)
    .join('; ');
}

function clip(text: string | undefined): string {
  const value = text ?? 'undefined';
  return value.length > 80 ? `${value.slice(0, 80)}…` : value;
}
