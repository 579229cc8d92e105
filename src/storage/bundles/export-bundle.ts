/**
 * @file Exporting a bundle (format: `bundle-format.ts`): a run, a sweep (its parent and every trial) or a model version
 * (its model, files, card and signature, and the run it came from when that still exists), each with the data cards of
 * the dataset versions those runs read. Only records are read: settings (where secrets such as a sync token live) never
 * enter a bundle. Runs still queued or running are refused: a bundle holds what a run did, not a moving target.
 */
import { latestCheckpoint } from '../checkpoints';
import { encodeValue, type PendingBinary } from '../archive-values';
import { binaryCompression } from '../archive-zip';
import type { ArtifactRecord, ModelFileRecord, ModelRecord, ModelVersionRecord, RunRecord } from '../records';
import { WORKSPACE_SCHEMA_VERSION, type WorkspaceDb } from '../workspace-schema';
import { EXPERIMENTS_ENTRY, LINEAGE_ENTRY, MODEL_ENTRIES, PARENT_RUN_KINDS, datasetEntry, runEntry, safeSegment, type BundleKind, type BundleManifest } from './bundle-format';
import { lineageJson, metricsCsv, compareMetrics, modelCardJson, modelSignatureJson, specJson } from './bundle-views';
import { BundleWriter, type EntryCompression } from './bundle-writer';
import { buildDataCard, type DataCard } from './data-card';

/** A bundle that cannot be exported; the message says why. */
export class BundleExportError extends Error {
  override name = 'BundleExportError';
}

/** Options of an export. */
export interface BundleExportOptions {
  /** Written to the manifest. */
  appVersion?: string;
  /** Carry each dataset as CSV when it is small enough (`MAX_BUNDLED_DATA_BYTES`); true by default. */
  includeData?: boolean;
  /** Carry each run's latest checkpoint, so an interrupted run can resume elsewhere; false by default. */
  includeCheckpoint?: boolean;
  /** The export time (tests). */
  now?: Date;
}

/** An exported bundle. */
export interface ExportedBundle {
  blob: Blob;
  /** A safe download name: `benchtop-<kind>-<title>-<date>.zip`. */
  fileName: string;
  manifest: BundleManifest;
}

/** Exports run `runId` (a sweep, AutoML or pipeline parent exports itself with every child run). */
export async function exportRunBundle(db: WorkspaceDb, runId: string, options: BundleExportOptions = {}): Promise<ExportedBundle> {
  const run = await db.runs.get(runId);
  if (!run) throw new BundleExportError(`Run "${runId}" does not exist in this workspace`);
  if (PARENT_RUN_KINDS.includes(run.kind)) return exportSweepBundle(db, runId, options);
  return writeBundle(db, { kind: 'run', title: run.name, runs: [run] }, options);
}

/** Exports sweep `sweepId` (or another parent run: an AutoML search): the parent and every child run, by trial number. */
export async function exportSweepBundle(db: WorkspaceDb, sweepId: string, options: BundleExportOptions = {}): Promise<ExportedBundle> {
  const sweep = await db.runs.get(sweepId);
  if (!sweep) throw new BundleExportError(`Sweep "${sweepId}" does not exist in this workspace`);
  if (!PARENT_RUN_KINDS.includes(sweep.kind)) throw new BundleExportError(`Run "${sweep.name}" is a ${sweep.kind} run, not a sweep or another parent of runs`);
  const children = await db.runs.where('parentId').equals(sweepId).toArray();
  children.sort((a, b) => (a.trial?.number ?? Infinity) - (b.trial?.number ?? Infinity) || a.createdAt - b.createdAt);
  return writeBundle(db, { kind: 'sweep', title: sweep.name, runs: [sweep, ...children] }, options);
}

/** Exports model version `versionId`: its model, files, card, signature, and its source run when that still exists. */
export async function exportModelVersionBundle(db: WorkspaceDb, versionId: string, options: BundleExportOptions = {}): Promise<ExportedBundle> {
  const version = await db.modelVersions.get(versionId);
  if (!version) throw new BundleExportError(`Model version "${versionId}" does not exist in this workspace`);
  const model = await db.models.get(version.modelId);
  if (!model) throw new BundleExportError(`The model of version "${versionId}" does not exist in this workspace`);
  const files = await db.modelFiles.where('modelVersionId').equals(versionId).toArray();
  const order = version.files.map((f) => f.name);
  files.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  const missing = version.files.find((f) => !files.some((file) => file.name === f.name));
  if (missing) throw new BundleExportError(`Version ${version.version} of "${model.name}" has lost its file "${missing.name}"`);
  const source = version.sourceRunId === undefined ? undefined : await db.runs.get(version.sourceRunId);
  const { lineage } = version;
  const extraData = !source && lineage.datasetId && lineage.datasetVersionId && lineage.contentHash ? [{ datasetId: lineage.datasetId, versionId: lineage.datasetVersionId, contentHash: lineage.contentHash }] : [];
  return writeBundle(db, { kind: 'modelVersion', title: `${model.name} v${version.version}`, runs: source ? [source] : [], model: { model, version, files }, extraData }, options);
}

interface BundleContent {
  kind: BundleKind;
  title: string;
  runs: RunRecord[];
  model?: { model: ModelRecord; version: ModelVersionRecord; files: ModelFileRecord[] };
  /** Dataset versions to describe besides the runs' (a model version whose run is gone). */
  extraData?: { datasetId: string; versionId: string; contentHash: string }[];
}

async function writeBundle(db: WorkspaceDb, content: BundleContent, options: BundleExportOptions): Promise<ExportedBundle> {
  const active = content.runs.find((r) => r.status === 'queued' || r.status === 'running');
  if (active) {
    const what = active === content.runs[0] ? `Run "${active.name}" is ${active.status}` : `Run "${content.runs[0].name}" has a ${active.status} trial ("${active.name}")`;
    throw new BundleExportError(`${what}; a bundle holds finished work: wait for it to end, or cancel it, then export`);
  }
  const writer = new BundleWriter();
  for (const [index, run] of content.runs.entries()) await writeRun(db, writer, run, index, options.includeCheckpoint ?? false);

  const experimentIds = [...new Set(content.runs.map((r) => r.experimentId))];
  const experiments = (await db.experiments.bulkGet(experimentIds)).filter((e) => e !== undefined);
  await writer.addText(EXPERIMENTS_ENTRY, `${JSON.stringify(experiments.map((e) => encodeRecord(e, EXPERIMENTS_ENTRY)), null, 2)}\n`);

  const refs = new Map<string, { datasetId: string; versionId: string; contentHash: string }>();
  for (const run of content.runs) if (!refs.has(run.datasetVersionId)) refs.set(run.datasetVersionId, { datasetId: run.datasetId, versionId: run.datasetVersionId, contentHash: run.contentHash });
  for (const ref of content.extraData ?? []) if (!refs.has(ref.versionId)) refs.set(ref.versionId, ref);
  const cards: DataCard[] = [];
  for (const [index, ref] of [...refs.values()].entries()) {
    const draft = await buildDataCard(db, ref, options.includeData ?? true);
    let card: DataCard = draft.card;
    if (draft.csv !== undefined) {
      const bytes = new TextEncoder().encode(draft.csv);
      const sha256 = await writer.addBytes(datasetEntry(index, 'data.csv'), bytes, 'deflate');
      card = { ...draft.card, data: { path: datasetEntry(index, 'data.csv'), format: 'csv', sha256, bytes: bytes.byteLength } };
    }
    await writer.addText(datasetEntry(index, 'card.json'), `${JSON.stringify(card, null, 2)}\n`);
    cards.push(card);
  }

  if (content.model) await writeModel(writer, content.model);
  await writer.addText(LINEAGE_ENTRY, lineageJson({ runs: content.runs, datasets: cards, ...(content.model ? { model: content.model } : {}) }));

  const now = options.now ?? new Date();
  const { blob, manifest } = writer.finish({
    kind: content.kind,
    schemaVersion: WORKSPACE_SCHEMA_VERSION,
    ...(options.appVersion === undefined ? {} : { appVersion: options.appVersion }),
    createdAt: now.toISOString(),
    title: content.title.slice(0, 300),
    contents: { runs: content.runs.length, datasets: cards.length, model: content.model !== undefined },
  });
  return { blob, manifest, fileName: bundleFileName(content.kind, content.title, now) };
}

/** Writes one run's entries under `runs/<index>/`. */
async function writeRun(db: WorkspaceDb, writer: BundleWriter, run: RunRecord, index: number, includeCheckpoint: boolean): Promise<void> {
  await writer.addText(runEntry(index, 'run.json'), `${JSON.stringify(encodeRecord(run, runEntry(index, 'run.json')), null, 2)}\n`);
  await writer.addText(runEntry(index, 'spec.json'), specJson(run));
  const metrics = (await db.metrics.where('runId').equals(run.id).toArray()).map(({ runId: _runId, ...point }) => point).sort(compareMetrics);
  await writer.addText(runEntry(index, 'metrics.jsonl'), jsonLines(metrics.map((m) => encodeRecord(m, runEntry(index, 'metrics.jsonl')))));
  await writer.addText(runEntry(index, 'metrics.csv'), metricsCsv(metrics));
  const logs = (await db.logs.where('runId').equals(run.id).toArray()).map(({ runId: _runId, ...line }) => line).sort((a, b) => a.seq - b.seq);
  await writer.addText(runEntry(index, 'logs.jsonl'), jsonLines(logs.map((l) => encodeRecord(l, runEntry(index, 'logs.jsonl')))));
  const artifacts = (await db.artifacts.where('runId').equals(run.id).toArray()).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const lines: unknown[] = [];
  for (const artifact of artifacts) {
    const { runId: _runId, ...rest } = artifact;
    lines.push(await encodeWithContent(writer, rest, `runs/${index}/artifacts/${safeSegment(artifact.name)}`, compressionFor(artifact.mediaType)));
  }
  await writer.addText(runEntry(index, 'artifacts.jsonl'), jsonLines(lines));
  if (!includeCheckpoint) return;
  const checkpoint = await latestCheckpoint(db, run.id);
  if (!checkpoint) return;
  const { runId: _runId, ...rest } = checkpoint;
  const binaries: PendingBinary[] = [];
  let n = 0;
  const encoded = encodeValue(rest, () => writer.reservePath(`runs/${index}/checkpoint/${String(n++).padStart(3, '0')}`), binaries, runEntry(index, 'checkpoint.json'));
  for (const binary of binaries) {
    const bytes = binary.bytes instanceof Uint8Array ? binary.bytes : new Uint8Array(await binary.bytes.arrayBuffer());
    await writer.addBytes(binary.name, bytes, binaryCompression(binary.type), true);
  }
  await writer.addText(runEntry(index, 'checkpoint.json'), `${JSON.stringify(encoded)}\n`);
}

async function writeModel(writer: BundleWriter, model: NonNullable<BundleContent['model']>): Promise<void> {
  await writer.addText(MODEL_ENTRIES.model, `${JSON.stringify(encodeRecord(model.model, MODEL_ENTRIES.model), null, 2)}\n`);
  await writer.addText(MODEL_ENTRIES.version, `${JSON.stringify(encodeRecord(model.version, MODEL_ENTRIES.version), null, 2)}\n`);
  const lines: unknown[] = [];
  for (const file of model.files) {
    const { modelVersionId: _id, ...rest } = file;
    lines.push(await encodeWithContent(writer, rest, `model/files/${safeSegment(file.name)}`, compressionFor(file.mediaType)));
  }
  await writer.addText(MODEL_ENTRIES.files, jsonLines(lines));
  await writer.addText(MODEL_ENTRIES.card, modelCardJson(model.version));
  await writer.addText(MODEL_ENTRIES.signature, modelSignatureJson(model.version));
}

/** Encodes a record holding one `data` value (an artifact or a model file), its bytes stored once per content. */
async function encodeWithContent(writer: BundleWriter, record: Omit<ArtifactRecord, 'runId'> | Omit<ModelFileRecord, 'modelVersionId'>, preferred: string, how: EntryCompression): Promise<unknown> {
  const bytes = record.data instanceof Blob ? new Uint8Array(await record.data.arrayBuffer()) : new Uint8Array(record.data);
  const path = await writer.addContent(preferred, bytes, how);
  return encodeValue(record, () => path, [], preferred);
}

/** A record without binaries, encoded (NaN and the like as markers). */
function encodeRecord(record: unknown, where: string): unknown {
  const binaries: PendingBinary[] = [];
  const encoded = encodeValue(record, () => `${where}#binary`, binaries, where);
  if (binaries.length) throw new BundleExportError(`${where} holds binary data where none was expected`);
  return encoded;
}

function jsonLines(values: readonly unknown[]): string {
  return values.length ? `${values.map((value) => JSON.stringify(value)).join('\n')}\n` : '';
}

/** Text compresses; model weights and images do not. */
function compressionFor(mediaType: string): EntryCompression {
  return /json|text|csv|xml|yaml/i.test(mediaType) ? 'deflate' : 'store';
}

/** `benchtop-sweep-iris-mlp-sweep-2026-11-20.zip`: letters, digits, dash and underscore only in the title part. */
export function bundleFileName(kind: BundleKind, title: string, date: Date): string {
  const base = title.normalize('NFKD').replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'bundle';
  const label = kind === 'modelVersion' ? 'model' : kind;
  return `benchtop-${label}-${base}-${date.toISOString().slice(0, 10)}.zip`;
}
