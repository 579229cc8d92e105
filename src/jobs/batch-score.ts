/**
 * @file Batch scoring: a dataset version scored by a model version, chunk by chunk, written as a new dataset version
 * holding the inputs (every column, copied as stored) plus the prediction columns, with its lineage (the dataset
 * version and model version it came from). Written through the import path (`StagedVersion`): all or nothing, under
 * the version's import lock, so a canceled job (its worker terminated) leaves nothing once the sweeper passes.
 */
import type { ImageDecoder } from '../core/features/image';
import { hashBlob } from '../core/ingest/content-hash';
import { predictionChunks, predictionColumns } from '../core/scoring/prediction-output';
import type { ColumnValues } from '../core/table/column-values';
import { materializeColumn, valuesKindOf } from '../core/table/materialize';
import { ColumnProfiler } from '../core/table/profile';
import type { ChunkData, ColumnSchema } from '../protocol/dataset';
import type { BatchScoreProgress, BatchScoreRequest, BatchScoreResult, ScoredVersionLineage } from '../protocol/scoring';
import { chunkByteSize, chunkCount, readChunk } from '../storage/chunks';
import type { DatasetVersionRecord } from '../storage/records';
import { beginStagedVersion, withImportLock } from '../storage/staged-version';
import type { WorkspaceDb } from '../storage/workspace-schema';
import type { ScoringModel } from './scoring-model';
import { predictTable } from './scoring-features';

/** Rows featurized and predicted at a time, by default. */
export const DEFAULT_BATCH_ROWS = 4096;

/** What a batch scoring needs besides the request. */
export interface BatchScoreOptions {
  onProgress?: (progress: BatchScoreProgress) => void;
  signal?: AbortSignal;
  decodeImage?: ImageDecoder;
}

/** How each model input is read from the dataset: its column index there. Throws naming a missing or mistyped column. */
export function modelInputColumns(model: ScoringModel, version: DatasetVersionRecord): number[] {
  const names = version.columns.map((c) => c.name);
  if (model.input.kind !== 'tensor') {
    return model.input.columns.map((input) => {
      const index = names.indexOf(input.name);
      if (index < 0) throw new Error(`The dataset has no column "${input.name}", which the model reads; its columns are ${names.map((n) => `"${n}"`).join(', ')}`);
      const have = valuesKindOf(version.columns[index].type);
      const want = valuesKindOf(input.type);
      // A tabular model reads category and text cells alike (as strings): a small file may type a column either way.
      const alike = model.input.kind === 'columns' && [have, want].every((k) => k === 'categorical' || k === 'text');
      if (have !== want && !alike) throw new Error(`Column "${input.name}" is ${version.columns[index].type} in the dataset; the model reads ${input.type}`);
      return index;
    });
  }
  // A raw model reads every column but the target, in order, as numbers.
  const used = version.columns.flatMap((c, i) => (c.name === version.target ? [] : [i]));
  const width = model.input.width;
  if (width > 0 && used.length !== width) throw new Error(`The model reads rows of ${width} numbers; the dataset has ${used.length} columns besides its target`);
  const text = used.find((i) => valuesKindOf(version.columns[i].type) !== 'numeric');
  if (text !== undefined) throw new Error(`Column "${version.columns[text].name}" is ${version.columns[text].type}; a model without a featurizer reads numbers only`);
  return used;
}

/** Row-major floats of numeric columns (NaN for missing), for a raw model. */
function numericRows(columns: ColumnValues[], rows: number): Float32Array {
  const x = new Float32Array(rows * columns.length);
  columns.forEach((c, j) => {
    if (c.kind !== 'numeric') throw new Error('A model without a featurizer reads numbers only');
    for (let r = 0; r < rows; r++) x[r * columns.length + j] = c.values[r];
  });
  return x;
}

/** Scores `request.datasetVersionId` with `model` (already loaded from `request.modelVersionId`) into a new dataset version. */
export async function scoreDatasetVersion(db: WorkspaceDb, model: ScoringModel, request: BatchScoreRequest, options: BatchScoreOptions = {}): Promise<BatchScoreResult> {
  const started = performance.now();
  const { onProgress } = options;
  const source = await db.datasetVersions.get(request.datasetVersionId);
  if (!source || source.complete !== 1) throw new Error(`Dataset version "${request.datasetVersionId}" does not exist (or is still importing)`);
  const dataset = await db.datasets.get(source.datasetId);
  const modelVersion = await db.modelVersions.get(request.modelVersionId);
  const modelRecord = modelVersion ? await db.models.get(modelVersion.modelId) : undefined;
  if (!modelVersion || !modelRecord) throw new Error(`Model version "${request.modelVersionId}" does not exist in this workspace`);
  const inputs = modelInputColumns(model, source);
  const added = predictionColumns(model.output, source.columns.map((c) => c.name));
  const addedSchemas: ColumnSchema[] = added.map((c) => ({ name: c.name, type: c.type, inferredType: c.type, storage: c.storage }));
  const profilers = added.map((c) => new ColumnProfiler(c.name, c.type));
  const lineage: ScoredVersionLineage = {
    kind: 'score',
    datasetId: source.datasetId,
    datasetVersionId: source.id,
    contentHash: source.contentHash,
    modelId: modelRecord.id,
    modelName: modelRecord.name,
    modelVersionId: modelVersion.id,
    modelVersion: modelVersion.version,
    ...(request.endpointId === undefined ? {} : { endpointId: request.endpointId }),
    ...(request.deploymentId === undefined ? {} : { deploymentId: request.deploymentId }),
    predictionColumns: added.map((c) => c.name),
  };
  // The scored version's identity: these input bytes through these model bytes (the same pair gives the same version).
  const identity = JSON.stringify({ scored: source.contentHash, types: source.columns.map((c) => c.type), model: modelVersion.files.map((f) => f.sha256), columns: lineage.predictionColumns });
  const contentHash = await hashBlob(new Blob([identity]));
  const datasetName = `${dataset?.name ?? 'dataset'} scored by ${modelRecord.name} v${modelVersion.version}`.slice(0, 200);
  const existing = await db.datasets.where('name').equals(datasetName).first();
  const versionId = crypto.randomUUID();
  const batchRows = request.batchRows ?? DEFAULT_BATCH_ROWS;

  return withImportLock(versionId, async () => {
    const staged = await beginStagedVersion(db, {
      versionId,
      ...(existing ? { datasetId: existing.id } : {}),
      datasetName,
      description: `Predictions of ${modelRecord.name} v${modelVersion.version} on ${dataset?.name ?? 'a dataset'} (${source.sourceName}, ${source.rows} rows).`,
      ...(source.target === undefined ? {} : { target: source.target }),
      format: source.format,
      sourceName: `${source.sourceName} + ${modelRecord.name} v${modelVersion.version}`,
      sizeBytes: 0,
      chunkRows: source.chunkRows,
    });
    // On the staging row, so the commit (which keeps the staged row's fields) publishes it with the version.
    await db.datasetVersions.update(versionId, { lineage });
    try {
      let bytes = 0;
      for await (const chunk of scoredChunks(db, model, source, inputs, { batchRows, ...options })) {
        for (let c = 0; c < source.columns.length; c++) {
          bytes += chunkByteSize(chunk.stored[c]);
          await staged.write(c, chunk.index, chunk.stored[c]);
        }
        const predicted = predictionChunks(chunk.outputs, chunk.rows, model.output);
        for (let k = 0; k < predicted.length; k++) {
          profilers[k].add(predicted[k]);
          bytes += chunkByteSize(predicted[k]);
          await staged.write(source.columns.length + k, chunk.index, predicted[k]);
        }
      }
      onProgress?.({ status: 'writing', message: 'Saving the scored dataset' });
      await db.datasetVersions.update(versionId, { sizeBytes: bytes });
      const committed = await staged.commit({
        contentHash,
        rows: source.rows,
        columns: [...source.columns, ...addedSchemas],
        profiles: [...source.profiles, ...profilers.map((p) => p.result())],
        issues: [],
        ...(source.target === undefined ? {} : { target: source.target }),
      });
      return { datasetId: committed.datasetId, versionId: committed.versionId, reused: committed.reused, rows: source.rows, predictionColumns: lineage.predictionColumns, ms: performance.now() - started };
    } catch (err) {
      await staged.abort().catch(() => undefined);
      throw err;
    }
  });
}

/** One chunk of a dataset version with the model's raw outputs for its rows. */
export interface ScoredChunk {
  index: number;
  rows: number;
  /** Every column's stored chunk, as read. */
  stored: ChunkData[];
  /** Raw outputs, rows × `model.output.width`. */
  outputs: Float32Array;
}

/**
 * The chunks of `source` with the model's outputs, in order: the model's input columns (`inputs`, from
 * {@link modelInputColumns}) materialized per chunk (type overrides applied), featurized and predicted `batchRows`
 * at a time (a tabular model featurizes them itself). Progress after each batch; the signal is checked between batches.
 */
export async function* scoredChunks(db: WorkspaceDb, model: ScoringModel, source: DatasetVersionRecord, inputs: readonly number[], options: BatchScoreOptions & { batchRows?: number } = {}): AsyncGenerator<ScoredChunk> {
  const { signal, onProgress } = options;
  const batchRows = Math.max(1, Math.floor(options.batchRows ?? DEFAULT_BATCH_ROWS));
  const chunks = chunkCount(source.rows, source.chunkRows);
  let done = 0;
  onProgress?.({ status: 'scoring', rowsDone: 0, rows: source.rows });
  for (let index = 0; index < chunks; index++) {
    signal?.throwIfAborted();
    const stored: ChunkData[] = [];
    for (let c = 0; c < source.columns.length; c++) stored.push(await readChunk(db, source.id, c, index));
    const rows = Math.min(source.chunkRows, source.rows - index * source.chunkRows);
    const values = inputs.map((c) => materializeColumn(source.columns[c], [stored[c]]).values);
    const outputs = new Float32Array(rows * model.output.width);
    for (let start = 0; start < rows; start += batchRows) {
      signal?.throwIfAborted();
      const size = Math.min(batchRows, rows - start);
      const slice = values.map((v) => sliceRows(v, start, size));
      let predicted: Float32Array;
      if (model.input.kind === 'tensor') {
        predicted = await model.predict(numericRows(slice, size), size);
      } else {
        const byName = new Map(model.input.columns.map((c, i) => [c.name, slice[i]] as const));
        predicted = await predictTable(model, byName, size, options.decodeImage);
      }
      outputs.set(predicted, start * model.output.width);
      onProgress?.({ status: 'scoring', rowsDone: done + start + size, rows: source.rows });
    }
    done += rows;
    yield { index, rows, stored, outputs };
  }
}

/** Rows `start .. start + size` of a column, as a column of its own. */
function sliceRows(values: ColumnValues, start: number, size: number): ColumnValues {
  switch (values.kind) {
    case 'numeric':
      return { kind: 'numeric', values: values.values.subarray(start, start + size) };
    case 'categorical':
      return { kind: 'categorical', codes: values.codes.subarray(start, start + size), categories: values.categories };
    case 'text':
      return { kind: 'text', values: values.values.slice(start, start + size) };
    case 'image':
      return { kind: 'image', items: values.items.slice(start, start + size), mediaTypes: values.mediaTypes.slice(start, start + size) };
  }
}
