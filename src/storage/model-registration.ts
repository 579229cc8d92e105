/**
 * @file Registering a model version: from a completed train or trial run, from an AutoML run (its refit model,
 * `automl-model.json`, format `tabular`), or from uploaded files (an ONNX model, a TF.js folder). The files are COPIED into `modelFiles`, not referenced: deleting the run (which deletes its
 * artifacts) leaves the registered version whole. The model is created on its first version; version numbers
 * increase per model and are never reused.
 */
import { hashBlob } from '../core/ingest/content-hash';
import { AUTOML_MODEL_FILE } from '../protocol/automl';
import type { ModelCard, ModelFormat, ModelVersionSignature } from '../protocol/model';
import type { MetricValue, RunKind } from '../protocol/run';
import { checkAlias, moveAliasInTransaction } from './model-aliases';
import { checkModelSignature, signatureFromAutoMLModel, signatureFromRunArtifact } from './model-signature';
import { ModelRegistryError, checkModelDescription, checkModelName, checkModelTags } from './models';
import type { ArtifactRecord, ModelFileInfo, ModelFileRecord, ModelRecord, ModelVersionLineage, ModelVersionRecord, RunRecord } from './records';
import type { WorkspaceDb } from './workspace-schema';

/**
 * Artifact names of a trained model, as `src/jobs/model-artifacts.ts` (`MODEL_ARTIFACTS`) writes them (a test
 * checks they agree; storage may not import jobs). The last is optional.
 */
export const RUN_MODEL_FILES = Object.freeze({ model: 'model.json', weights: 'model.weights.bin', featurizer: 'featurizer.json', signature: 'signature.json', evaluation: 'evaluation.json' } as const);

/** Run kinds whose completed runs hold a trained model (an `automl` run: its refit model, once saved). */
export const REGISTRABLE_RUN_KINDS: readonly RunKind[] = Object.freeze(['train', 'trial', 'automl'] as const);

/** Longest model card field, in characters. */
export const MAX_CARD_FIELD = 20_000;
/** Longest model file name, in characters. */
export const MAX_MODEL_FILE_NAME = 200;
/** Most files in one uploaded version. */
export const MAX_MODEL_FILES = 100;

/** One uploaded file of a model version. */
export interface ModelFileInput {
  /** Unique in the version; `model.json`, `model.weights.bin`, `model.onnx`... */
  name: string;
  data: Blob;
  /** `application/json` for `.json`, `application/octet-stream` otherwise, by default. */
  mediaType?: string;
}

/** Where a new version's files come from. */
export type ModelVersionFrom =
  /**
   * A completed train or trial run: its model artifacts, signature and summary metrics. An AutoML run (completed,
   * or canceled after saving its model): its `automl-model.json`, the signature read from it, its summary metrics.
   */
  | { kind: 'run'; runId: string }
  /**
   * Uploaded files: `tfjs` needs a `model.json`, `onnx` exactly one `.onnx` file. The signature is checked
   * (untrusted); metrics and lineage are what the uploader knows.
   */
  | {
      kind: 'files';
      format: ModelFormat;
      files: ModelFileInput[];
      signature: ModelVersionSignature;
      metrics?: MetricValue[];
      lineage?: ModelVersionLineage;
      /** Name of the featurizer among `files`, when there is one. */
      featurizerFile?: string;
    };

/** What {@link registerModelVersion} needs. */
export interface NewModelVersion {
  /** An existing model gets a new version; another name creates the model. */
  modelName: string;
  source: ModelVersionFrom;
  /** The card's description; also the model's description when the model has none. */
  description?: string;
  /** The rest of the card; training data defaults to a line naming the run's dataset version. */
  card?: Partial<Omit<ModelCard, 'description'>>;
  /** Tags of the version. */
  tags?: string[];
  /** Aliases to point at the new version (moved from the version holding them). */
  aliases?: string[];
}

/** The model (created or updated) and its new version. */
export interface RegisteredModelVersion {
  model: ModelRecord;
  version: ModelVersionRecord;
  /** True when this call created the model. */
  createdModel: boolean;
}

/** A card's text fields checked; missing ones are empty. */
export function checkModelCard(card: Partial<ModelCard>): ModelCard {
  const field = (key: keyof ModelCard) => {
    const text = card[key] ?? '';
    if (typeof text !== 'string') throw new ModelRegistryError(`Model card field "${key}" is not text`);
    if (text.length > MAX_CARD_FIELD) throw new ModelRegistryError(`Model card field "${key}" has ${text.length} characters; at most ${MAX_CARD_FIELD} are allowed`);
    return text.trim();
  };
  return { description: field('description'), intendedUse: field('intendedUse'), trainingData: field('trainingData'), limitations: field('limitations') };
}

/** What both sources give the write step. */
interface PreparedVersion {
  format: ModelFormat;
  signature: ModelVersionSignature;
  files: ModelFileRecordDraft[];
  metrics: MetricValue[];
  lineage: ModelVersionLineage;
  featurizerFile?: string;
  run?: RunRecord;
  trainingData?: string;
}

type ModelFileRecordDraft = Omit<ModelFileRecord, 'modelVersionId'>;

/**
 * Registers a new version of model `modelName` (created when it does not exist) from a completed run or from
 * uploaded files, copying the files. A run source gains a `modelVersion` output (lineage). All or nothing.
 */
export async function registerModelVersion(db: WorkspaceDb, init: NewModelVersion): Promise<RegisteredModelVersion> {
  const modelName = checkModelName(init.modelName);
  const description = checkModelDescription(init.description);
  const tags = checkModelTags(init.tags ?? []);
  const aliases = [...new Set((init.aliases ?? []).map(checkAlias))];
  const cardInput = checkModelCard({ ...init.card, description: init.description ?? '' });
  const prepared = init.source.kind === 'run' ? await prepareFromRun(db, init.source.runId) : await prepareFromFiles(init.source);
  const tables = [db.models, db.modelVersions, db.modelFiles, db.runs, db.artifacts, db.datasets, db.datasetVersions];
  return db.transaction('rw', tables, async () => {
    let files = prepared.files;
    let trainingData = prepared.trainingData;
    if (prepared.run) {
      // Read again inside the transaction: the run may have been deleted, or its model replaced, since.
      const run = await db.runs.get(prepared.run.id);
      if (!run || !registrableStatus(run)) throw new ModelRegistryError(`Run "${prepared.run.name}" is no longer a completed run; nothing was registered`);
      files = run.kind === 'automl' ? await automlModelFiles(db, run) : await runModelFiles(db, run.id);
      // The file the signature was read from: signature.json, or the AutoML model file itself.
      const keyFile = run.kind === 'automl' ? AUTOML_MODEL_FILE : RUN_MODEL_FILES.signature;
      const signatureNow = files.find((f) => f.name === keyFile);
      const signatureRead = prepared.files.find((f) => f.name === keyFile);
      if (signatureNow?.sha256 !== signatureRead?.sha256) throw new ModelRegistryError(`The model of run "${run.name}" changed while registering; try again`);
      trainingData = await describeTrainingData(db, run);
    }
    const now = Date.now();
    const existing = await db.models.where('name').equals(modelName).first();
    const model: ModelRecord = existing
      ? { ...existing, ...(existing.description === undefined && description !== undefined ? { description } : {}), latestVersion: existing.latestVersion + 1, updatedAt: now }
      : { id: crypto.randomUUID(), name: modelName, ...(description === undefined ? {} : { description }), tags: [], latestVersion: 1, createdAt: now, updatedAt: now };
    const id = crypto.randomUUID();
    const run = prepared.run;
    const version: ModelVersionRecord = {
      id,
      modelId: model.id,
      version: model.latestVersion,
      format: prepared.format,
      source: run ? { kind: 'run', runId: run.id, runName: run.name, runKind: run.kind } : { kind: 'files' },
      ...(run ? { sourceRunId: run.id } : {}),
      signature: prepared.signature,
      ...(prepared.featurizerFile === undefined ? {} : { featurizerFile: prepared.featurizerFile }),
      files: files.map(({ name, mediaType, size, sha256 }): ModelFileInfo => ({ name, mediaType, size, sha256 })),
      metrics: prepared.metrics,
      tags,
      aliases: [],
      lineage: prepared.lineage,
      card: { ...cardInput, trainingData: cardInput.trainingData || (trainingData ?? '') },
      createdAt: now,
      updatedAt: now,
    };
    for (const alias of aliases) await moveAliasInTransaction(db, version, alias);
    await db.models.put(model);
    await db.modelVersions.add(version);
    await db.modelFiles.bulkAdd(files.map((file) => ({ ...file, modelVersionId: id, createdAt: now })));
    if (run) {
      const current = await db.runs.get(run.id);
      if (current) await db.runs.put({ ...current, outputs: [...current.outputs, { kind: 'modelVersion', id }], updatedAt: now });
    }
    return { model, version, createdModel: !existing };
  });
}

/** Checks the run and reads its signature (outside the write transaction: parsing a Blob would end it). */
async function prepareFromRun(db: WorkspaceDb, runId: string): Promise<PreparedVersion> {
  const run = await db.runs.get(runId);
  if (!run) throw new ModelRegistryError(`Run "${runId}" does not exist in this workspace`);
  if (!REGISTRABLE_RUN_KINDS.includes(run.kind)) {
    throw new ModelRegistryError(`Run "${run.name}" is a ${run.kind} run; only train and trial runs, and AutoML runs, hold a model (register the best trial of a sweep)`);
  }
  if (!registrableStatus(run)) {
    const also = run.kind === 'automl' ? ' (or an AutoML run canceled after it saved its model)' : '';
    throw new ModelRegistryError(`Run "${run.name}" is ${run.status}; only a completed run${also} can be registered as a model`);
  }
  const lineage: ModelVersionLineage = {
    runId: run.id,
    ...(run.parentId === undefined ? {} : { parentRunId: run.parentId }),
    datasetId: run.datasetId,
    datasetVersionId: run.datasetVersionId,
    contentHash: run.contentHash,
  };
  if (run.kind === 'automl') {
    const files = await automlModelFiles(db, run);
    const signature = signatureFromAutoMLModel(await parseJsonFile(files[0], run));
    const targetType = (await db.datasetVersions.get(run.datasetVersionId))?.columns.find((c) => c.name === signature.target?.name)?.type;
    if (targetType !== undefined && signature.target) signature.target = { ...signature.target, type: targetType };
    return { format: 'tabular', signature, files, metrics: automlMetrics(run), lineage, run };
  }
  const files = await runModelFiles(db, runId);
  const signatureFile = files.find((f) => f.name === RUN_MODEL_FILES.signature);
  if (!signatureFile) throw new ModelRegistryError(`Run "${run.name}" has no ${RUN_MODEL_FILES.signature}`);
  return {
    format: 'tfjs',
    signature: signatureFromRunArtifact(await parseJsonFile(signatureFile, run)),
    files,
    metrics: run.summary.filter((m) => Number.isFinite(m.value)),
    lineage,
    featurizerFile: RUN_MODEL_FILES.featurizer,
    run,
  };
}

/** A train or trial run registers once completed; an AutoML run also once canceled, when it saved its model first. */
function registrableStatus(run: RunRecord): boolean {
  return run.status === 'completed' || (run.kind === 'automl' && run.status === 'canceled');
}

async function parseJsonFile(file: ModelFileRecordDraft, run: RunRecord): Promise<unknown> {
  const bytes = file.data instanceof Blob ? await file.data.arrayBuffer() : file.data;
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new ModelRegistryError(`The ${file.name} of run "${run.name}" is not valid JSON`);
  }
}

/** An AutoML run's refit model as the version's one file; an Error says when the run has not saved it (yet). */
async function automlModelFiles(db: WorkspaceDb, run: RunRecord): Promise<ModelFileRecordDraft[]> {
  const artifacts = await db.artifacts.where('runId').equals(run.id).toArray();
  const artifact = artifacts.find((a) => a.name === AUTOML_MODEL_FILE && (run.automl?.modelArtifactId === undefined || a.id === run.automl.modelArtifactId)) ?? artifacts.find((a) => a.name === AUTOML_MODEL_FILE);
  if (!artifact) {
    throw new ModelRegistryError(`AutoML run "${run.name}" has no model yet (no ${AUTOML_MODEL_FILE} artifact): the recommended model is saved when the search ends${run.status === 'canceled' ? ', and this run was canceled before that' : ''}`);
  }
  return [fileDraft(artifact)];
}

/**
 * An AutoML run's metrics: its summary (`<metric>` and `<metric>_std`, the cross-validated mean and standard deviation
 * of the best trial), with those two taken from the recommended model (`automl.best`: the best trial or the ensemble
 * that beat it) once the job has chosen it, since that is the model registered.
 */
function automlMetrics(run: RunRecord): MetricValue[] {
  const metrics = run.summary.filter((m) => Number.isFinite(m.value)).map(({ key, value }) => ({ key, value }));
  const best = run.automl?.best;
  const metric = run.automl?.metric;
  if (!best || !metric) return metrics;
  const recommended = [
    { key: metric, value: best.mean },
    { key: `${metric}_std`, value: best.std },
  ].filter((m) => Number.isFinite(m.value));
  return [...recommended, ...metrics.filter((m) => !recommended.some((r) => r.key === m.key))];
}

/** The run's model artifacts as file drafts; an Error names the first missing one. */
async function runModelFiles(db: WorkspaceDb, runId: string): Promise<ModelFileRecordDraft[]> {
  const names = Object.values(RUN_MODEL_FILES);
  const artifacts = (await db.artifacts.where('runId').equals(runId).toArray()).filter((a) => (names as string[]).includes(a.name));
  const required = names.filter((name) => name !== RUN_MODEL_FILES.evaluation);
  const missing = required.find((name) => !artifacts.some((a) => a.name === name));
  if (missing) throw new ModelRegistryError(`Run "${runId}" has no artifact "${missing}"; was its model saved?`);
  return artifacts.sort((a, b) => names.indexOf(a.name as never) - names.indexOf(b.name as never)).map(fileDraft);
}

function fileDraft(artifact: ArtifactRecord): ModelFileRecordDraft {
  return { name: artifact.name, mediaType: artifact.mediaType, size: artifact.size, sha256: artifact.sha256, data: artifact.data, createdAt: artifact.createdAt };
}

/** A default "training data" line: the dataset, the version's source, its rows and hash. */
async function describeTrainingData(db: WorkspaceDb, run: RunRecord): Promise<string> {
  const dataset = await db.datasets.get(run.datasetId);
  const version = await db.datasetVersions.get(run.datasetVersionId);
  const name = dataset ? `Dataset "${dataset.name}"` : 'A deleted dataset';
  const from = version ? `, version imported from ${version.sourceName} (${version.rows} rows)` : '';
  const target = run.automl?.spec.target ?? run.spec.data.target;
  return `${name}${from}; content SHA-256 ${run.contentHash.slice(0, 12)}. Target column "${target}".`;
}

/** Checks uploaded files and hashes them (before the write transaction). */
async function prepareFromFiles(source: Extract<ModelVersionFrom, { kind: 'files' }>): Promise<PreparedVersion> {
  if (source.format !== 'tfjs' && source.format !== 'onnx' && source.format !== 'tabular') throw new ModelRegistryError(`Model format "${String(source.format)}" is not one of: tfjs, onnx, tabular`);
  if (source.files.length === 0 || source.files.length > MAX_MODEL_FILES) throw new ModelRegistryError(`${source.files.length} files given; expected 1 to ${MAX_MODEL_FILES}`);
  const names = new Set<string>();
  for (const file of source.files) {
    const name = file.name;
    if (name.length === 0 || name.length > MAX_MODEL_FILE_NAME || /\p{Cc}/u.test(name) || name !== name.trim()) {
      throw new ModelRegistryError(`File name "${name.slice(0, 80)}" is not valid; expected 1 to ${MAX_MODEL_FILE_NAME} characters without control characters or surrounding spaces`);
    }
    if (names.has(name)) throw new ModelRegistryError(`Two files are named "${name}"`);
    if (!(file.data instanceof Blob)) throw new ModelRegistryError(`File "${name}" is not a Blob`);
    if (file.data.size === 0) throw new ModelRegistryError(`File "${name}" is empty`);
    names.add(name);
  }
  if (source.format === 'tfjs' && !names.has('model.json')) throw new ModelRegistryError('A TF.js model needs a model.json file');
  const onnxFiles = [...names].filter((n) => n.toLowerCase().endsWith('.onnx'));
  if (source.format === 'onnx' && onnxFiles.length !== 1) throw new ModelRegistryError(`An ONNX model needs exactly one .onnx file; ${onnxFiles.length} given`);
  if (source.format === 'tabular' && !names.has(AUTOML_MODEL_FILE)) throw new ModelRegistryError(`A tabular model needs its ${AUTOML_MODEL_FILE} file`);
  if (source.featurizerFile !== undefined && !names.has(source.featurizerFile)) throw new ModelRegistryError(`Featurizer file "${source.featurizerFile}" is not among the files`);
  const metrics = (source.metrics ?? []).filter((m) => typeof m.key === 'string' && m.key.length > 0 && m.key.length <= 200 && Number.isFinite(m.value));
  const files: ModelFileRecordDraft[] = [];
  for (const file of source.files) {
    const mediaType = file.mediaType ?? (file.name.toLowerCase().endsWith('.json') ? 'application/json' : 'application/octet-stream');
    files.push({ name: file.name, mediaType, size: file.data.size, sha256: await hashBlob(file.data), data: file.data, createdAt: Date.now() });
  }
  return {
    format: source.format,
    signature: checkModelSignature(source.signature),
    files,
    metrics: metrics.map(({ key, value }) => ({ key, value })),
    lineage: checkedLineage(source.lineage ?? {}),
    ...(source.featurizerFile === undefined ? {} : { featurizerFile: source.featurizerFile }),
  };
}

function checkedLineage(lineage: ModelVersionLineage): ModelVersionLineage {
  const out: ModelVersionLineage = {};
  for (const key of ['runId', 'parentRunId', 'datasetId', 'datasetVersionId', 'contentHash', 'fromModelVersionId'] as const) {
    const value = lineage[key];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value.length === 0 || value.length > 200) throw new ModelRegistryError(`Lineage field "${key}" is not a valid id`);
    out[key] = value;
  }
  return out;
}
