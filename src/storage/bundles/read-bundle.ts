/**
 * @file Reading a bundle into validated records, before anything is stored: the zip opened defensively
 * (`bundle-zip-reader.ts`), the structural entries the manifest's kind and contents require, every record decoded and
 * checked against its table's shape (`archive-format.ts`) and the bundle's own rules (`bundle-checks.ts`), the binary
 * entries records reference (no other entry may exist), each entry's SHA-256, the views rebuilt and compared, and the
 * carried data read back into columns.
 */
import { checkRecordShape } from '../archive-format';
import { materializeBinary, type BinaryRef } from '../archive-values';
import type { ArtifactRecord, CheckpointRecord, ExperimentRecord, LogRecord, MetricRecord, ModelFileRecord, ModelRecord, ModelVersionRecord, RunRecord } from '../records';
import { primaryKeyFields, workspaceTablesAt } from '../workspace-schema';
import { EXPERIMENTS_ENTRY, LINEAGE_ENTRY, MAX_BUNDLED_DATA_BYTES, MAX_JSON_ENTRY_BYTES, MODEL_ENTRIES, datasetEntry, runEntry, type BundleManifest } from './bundle-format';
import { checkBundleModel, checkBundleRuns, checkViews } from './bundle-checks';
import { BundleImportError, BundleZip, bundleFail, decodeJson, parseJsonRaw, parseJsonText } from './bundle-zip-reader';
import { parseDataCard, readBundledData, type BundledData, type DataCard } from './data-card';

/** A metric point of a bundled run (its run is the bundle run's). */
export type BundleMetric = Omit<MetricRecord, 'runId'>;
/** A log line of a bundled run. */
export type BundleLog = Omit<LogRecord, 'runId'>;
/** An artifact of a bundled run, with its bytes. */
export type BundleArtifact = Omit<ArtifactRecord, 'runId'>;
/** The checkpoint of a bundled run. */
export type BundleCheckpoint = Omit<CheckpointRecord, 'runId'>;
/** A file of the bundled model version, with its bytes. */
export type BundleModelFile = Omit<ModelFileRecord, 'modelVersionId'>;

/** One run of a bundle and what it wrote. */
export interface BundleRun {
  run: RunRecord;
  metrics: BundleMetric[];
  logs: BundleLog[];
  artifacts: BundleArtifact[];
  checkpoint?: BundleCheckpoint;
}

/** A data card and, when carried, its data read into columns. */
export interface BundleDataset {
  card: DataCard;
  data?: BundledData;
}

/** The model version of a bundle. */
export interface BundleModel {
  model: ModelRecord;
  version: ModelVersionRecord;
  files: BundleModelFile[];
}

/** A bundle read and validated. */
export interface ReadBundle {
  manifest: BundleManifest;
  /** Run 0 is the root (a sweep's parent), then its trials. */
  runs: BundleRun[];
  experiments: ExperimentRecord[];
  datasets: BundleDataset[];
  model?: BundleModel;
}

/** Where reading a bundle is. */
export type BundleReadProgress = { status: 'opening' } | { status: 'checking'; entries: number } | { status: 'reading-data'; datasets: number };

/** Reads and validates a bundle; throws a `BundleImportError` naming the first problem. Stores nothing. */
export async function readBundle(file: Blob, onProgress?: (progress: BundleReadProgress) => void): Promise<ReadBundle> {
  try {
    return await readValidated(file, onProgress);
  } catch (err) {
    if (err instanceof BundleImportError) throw err;
    throw bundleFail(err instanceof Error ? err.message : String(err), err);
  }
}

async function readValidated(file: Blob, onProgress?: (progress: BundleReadProgress) => void): Promise<ReadBundle> {
  onProgress?.({ status: 'opening' });
  const zip = await BundleZip.open(file);
  const { manifest } = zip;
  onProgress?.({ status: 'checking', entries: manifest.entries.length });
  checkContents(manifest);
  const structural = structuralPaths(manifest, zip);
  const texts = await zip.readText(structural, MAX_JSON_ENTRY_BYTES);
  const text = (path: string) => texts.get(path) as string;

  const cards = Array.from({ length: manifest.contents.datasets }, (_, k) => parseDataCard(parseJsonText(text(datasetEntry(k, 'card.json')), datasetEntry(k, 'card.json')), datasetEntry(k, 'card.json')));
  const dataPaths = cards.flatMap((card, k) => {
    if (!card.data) return [];
    const path = datasetEntry(k, 'data.csv');
    if (card.data.path !== path || !zip.has(path)) throw bundleFail(`${datasetEntry(k, 'card.json')} says its data is at "${card.data.path}"; expected ${path}, listed in manifest.json`);
    if (zip.sha256(path) !== card.data.sha256) throw bundleFail(`${path} does not match the SHA-256 its card declares`);
    return [path];
  });

  // First pass over records holding bytes: which entries they reference.
  const referenced = new Set<string>();
  const collect = (ref: BinaryRef) => {
    if (!zip.has(ref.name) || structural.includes(ref.name) || dataPaths.includes(ref.name)) throw new Error(`references ${ref.name}, which is not a binary entry of the bundle`);
    referenced.add(ref.name);
    return undefined;
  };
  const artifactLines = Array.from({ length: manifest.contents.runs }, (_, i) => jsonLines(text(runEntry(i, 'artifacts.jsonl')), runEntry(i, 'artifacts.jsonl')));
  const checkpointJson = Array.from({ length: manifest.contents.runs }, (_, i) => (zip.has(runEntry(i, 'checkpoint.json')) ? parseJsonRaw(text(runEntry(i, 'checkpoint.json')), runEntry(i, 'checkpoint.json')) : undefined));
  const fileLines = manifest.contents.model ? jsonLines(text(MODEL_ENTRIES.files), MODEL_ENTRIES.files) : [];
  artifactLines.forEach((lines, i) => lines.forEach((line, n) => decodeJson(line, `${runEntry(i, 'artifacts.jsonl')} line ${n + 1}`, collect)));
  checkpointJson.forEach((json, i) => json !== undefined && decodeJson(json, runEntry(i, 'checkpoint.json'), collect));
  fileLines.forEach((line, n) => decodeJson(line, `${MODEL_ENTRIES.files} line ${n + 1}`, collect));
  const unexpected = zip.paths().find((p) => !structural.includes(p) && !dataPaths.includes(p) && !referenced.has(p));
  if (unexpected !== undefined) throw bundleFail(`${unexpected} is in the bundle, but nothing in it refers to that entry`);

  const binaries = await zip.read([...referenced]);
  /** Resolves a reference to its value, and remembers which entry each record used. */
  const resolver = (used: string[]) => (ref: BinaryRef, path: string) => {
    used.push(ref.name);
    return materializeBinary(ref, binaries.get(ref.name) as Uint8Array, path);
  };

  const runs: BundleRun[] = [];
  for (let i = 0; i < manifest.contents.runs; i++) {
    const run = record<RunRecord>('runs', decodeJson(parseJsonRaw(text(runEntry(i, 'run.json')), runEntry(i, 'run.json')), runEntry(i, 'run.json')), runEntry(i, 'run.json'));
    const runId = { runId: run.id };
    const metrics = jsonLines(text(runEntry(i, 'metrics.jsonl')), runEntry(i, 'metrics.jsonl')).map((line, n) => {
      const where = `${runEntry(i, 'metrics.jsonl')} line ${n + 1}`;
      return withoutRunId(record<MetricRecord>('metrics', { ...asObject(decodeJson(line, where), where), ...runId }, where));
    });
    const logs = jsonLines(text(runEntry(i, 'logs.jsonl')), runEntry(i, 'logs.jsonl')).map((line, n) => {
      const where = `${runEntry(i, 'logs.jsonl')} line ${n + 1}`;
      return withoutRunId(record<LogRecord>('logs', { ...asObject(decodeJson(line, where), where), ...runId }, where));
    });
    const artifacts = artifactLines[i].map((line, n) => {
      const where = `${runEntry(i, 'artifacts.jsonl')} line ${n + 1}`;
      const used: string[] = [];
      const artifact = withoutRunId(record<ArtifactRecord>('artifacts', { ...asObject(decodeJson(line, where, resolver(used)), where), ...runId }, where));
      checkBytes(artifact, used, zip, where);
      return artifact;
    });
    const json = checkpointJson[i];
    const where = runEntry(i, 'checkpoint.json');
    const checkpoint = json === undefined ? undefined : withoutRunId(record<CheckpointRecord>('checkpoints', { ...asObject(decodeJson(json, where, resolver([])), where), ...runId }, where));
    runs.push({ run, metrics, logs, artifacts, ...(checkpoint ? { checkpoint } : {}) });
  }
  checkBundleRuns(manifest.kind, runs, cards);

  const experimentsJson = parseJsonText(text(EXPERIMENTS_ENTRY), EXPERIMENTS_ENTRY);
  if (!Array.isArray(experimentsJson) || experimentsJson.length > 1000) throw bundleFail(`${EXPERIMENTS_ENTRY} is not a list of experiments`);
  const experiments = experimentsJson.map((e, n) => record<ExperimentRecord>('experiments', e, `${EXPERIMENTS_ENTRY}[${n}]`));

  let model: BundleModel | undefined;
  if (manifest.contents.model) {
    const modelRecord = record<ModelRecord>('models', parseJsonText(text(MODEL_ENTRIES.model), MODEL_ENTRIES.model), MODEL_ENTRIES.model);
    const version = record<ModelVersionRecord>('modelVersions', parseJsonText(text(MODEL_ENTRIES.version), MODEL_ENTRIES.version), MODEL_ENTRIES.version);
    const files = fileLines.map((line, n) => {
      const where = `${MODEL_ENTRIES.files} line ${n + 1}`;
      const used: string[] = [];
      const file = record<ModelFileRecord>('modelFiles', { ...asObject(decodeJson(line, where, resolver(used)), where), modelVersionId: version.id }, where);
      const { modelVersionId: _id, ...rest } = file;
      checkBytes(rest, used, zip, where);
      return rest;
    });
    model = { model: modelRecord, version, files };
    checkBundleModel(model, runs);
  }
  checkViews({ manifest, runs, cards, ...(model ? { model } : {}) }, text);

  const datasets: BundleDataset[] = [];
  const csv = dataPaths.length ? await zip.read(dataPaths, MAX_BUNDLED_DATA_BYTES) : new Map<string, Uint8Array>();
  if (dataPaths.length) onProgress?.({ status: 'reading-data', datasets: dataPaths.length });
  for (const [k, card] of cards.entries()) {
    const path = datasetEntry(k, 'data.csv');
    const bytes = card.data ? csv.get(path) : undefined;
    datasets.push(bytes && card.data ? { card, data: await readBundledData(card, bytes, card.data.sha256, path) } : { card });
  }
  return { manifest, runs, experiments, datasets, ...(model ? { model } : {}) };
}

/** Which kinds hold what: checked before any record is read. */
function checkContents(manifest: BundleManifest): void {
  const { kind, contents } = manifest;
  if (kind === 'run' && (contents.runs !== 1 || contents.model)) throw bundleFail(`A run bundle holds one run and no model; manifest.json lists ${contents.runs} runs${contents.model ? ' and a model' : ''}`);
  if (kind === 'sweep' && (contents.runs < 1 || contents.model)) throw bundleFail(`A sweep bundle holds its sweep, trials and no model; manifest.json lists ${contents.runs} runs${contents.model ? ' and a model' : ''}`);
  if (kind === 'modelVersion' && (!contents.model || contents.runs > 1)) throw bundleFail(`A model version bundle holds a model and at most its source run; manifest.json lists ${contents.runs} runs${contents.model ? '' : ' and no model'}`);
}

/** The JSON and text entries the contents require (and the optional checkpoints present); each must be listed. */
function structuralPaths(manifest: BundleManifest, zip: BundleZip): string[] {
  const paths = [EXPERIMENTS_ENTRY, LINEAGE_ENTRY];
  for (let i = 0; i < manifest.contents.runs; i++) {
    paths.push(...(['run.json', 'spec.json', 'metrics.jsonl', 'metrics.csv', 'logs.jsonl', 'artifacts.jsonl'] as const).map((name) => runEntry(i, name)));
    if (zip.has(runEntry(i, 'checkpoint.json'))) paths.push(runEntry(i, 'checkpoint.json'));
  }
  for (let k = 0; k < manifest.contents.datasets; k++) paths.push(datasetEntry(k, 'card.json'));
  if (manifest.contents.model) paths.push(...Object.values(MODEL_ENTRIES));
  const missing = paths.find((p) => !zip.has(p));
  if (missing !== undefined) throw bundleFail(`${missing} is missing, though manifest.json's contents need it`);
  return paths;
}

/** Parsed lines of a JSON-lines entry (each line's nesting measured before it is parsed). */
function jsonLines(text: string, entry: string): unknown[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((line, n) => parseJsonRaw(line, `${entry} line ${n + 1}`));
}

function asObject(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bundleFail(`${where} is not an object`);
  return value as Record<string, unknown>;
}

/** Checks a decoded record's primary key and minimal shape for `table`. */
function record<T>(table: string, value: unknown, where: string): T {
  try {
    checkRecordShape(table, value, primaryKeyFields(workspaceTablesAt().get(table) ?? ''));
  } catch (err) {
    throw bundleFail(`${where} ${(err as Error).message}`, err);
  }
  return value as T;
}

function withoutRunId<T extends { runId: string }>(value: T): Omit<T, 'runId'> {
  const { runId: _runId, ...rest } = value;
  return rest;
}

/** A record's declared size and SHA-256 must be those of the one entry holding its bytes. */
function checkBytes(value: { size: number; sha256: string; data: Blob | ArrayBuffer }, used: readonly string[], zip: BundleZip, where: string): void {
  if (used.length !== 1) throw bundleFail(`${where} must reference exactly one entry for its data; it references ${used.length}`);
  const actual = value.data instanceof Blob ? value.data.size : value.data.byteLength;
  if (actual !== value.size) throw bundleFail(`${where} says ${value.size} bytes; its data has ${actual}`);
  if (zip.sha256(used[0]) !== value.sha256) throw bundleFail(`${where} says SHA-256 ${value.sha256.slice(0, 12)}…; its data has ${zip.sha256(used[0]).slice(0, 12)}…`);
}
