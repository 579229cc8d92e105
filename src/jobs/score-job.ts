/**
 * @file The scoring worker's API, implemented: real-time invocations (an MLflow scoring request body in, a status
 * and JSON body out; loaded models kept in a small cache) and batch scoring of a dataset version. Tested without a
 * Worker; `workers/score.worker.ts` only passes the wasm URLs and the image decoder in.
 */
import type { ImageDecoder } from '../core/features/image';
import { predictionRecords } from '../core/scoring/prediction-output';
import { tableInputs, tensorRows } from '../core/scoring/scoring-columns';
import { ScoringError, scoringErrorAnswer } from '../core/scoring/scoring-error';
import { parseScoringCsv } from '../core/scoring/scoring-csv';
import { parseScoringBody } from '../core/scoring/scoring-request';
import type { OrtSetup } from '../engines/onnx/session';
import type { WasmPaths } from '../engines/tfjs/backend-setup';
import type { BatchScoreRequest, InvocationResult, ScoreWorkerApi } from '../protocol/scoring';
import { getWorkspaceDb } from '../storage/connections';
import { scoreDatasetVersion } from './batch-score';
import { featurizeColumns } from './scoring-features';
import { openScoringModel, readRegisteredModel, type ModelFiles, type ScoringModel } from './scoring-model';

/** What the score job needs from its host. */
export interface ScoreJobOptions {
  /**
   * TF.js backend for invocations: `wasm` by default when its binaries are given (as fast as cpu for one row, ~10x
   * faster for thousands: `npm run bench:score`; one backend for invocations and batch jobs, so no switch drops the
   * loaded models), else `cpu`.
   */
  invokeBackend?: 'cpu' | 'wasm';
  /** TF.js backend for batch scoring: `wasm` by default when its binaries are given, else `cpu`. */
  batchBackend?: 'cpu' | 'wasm';
  wasmPaths?: WasmPaths;
  ort?: OrtSetup;
  decodeImage?: ImageDecoder;
  /** Models kept loaded for invocations (least recently used dropped first); default 4. */
  cacheSize?: number;
}

/** The job, plus what tests and leak checks look at. */
export interface ScoreJob extends ScoreWorkerApi {
  loadedModels(): number;
  dispose(): Promise<void>;
}

/** Creates the score job. */
export function createScoreJob(options: ScoreJobOptions = {}): ScoreJob {
  const cacheSize = options.cacheSize ?? 4;
  const cache = new Map<string, Promise<ScoringModel>>();
  let backend: string | undefined;
  const invokeBackend = options.invokeBackend ?? (options.wasmPaths === undefined ? 'cpu' : 'wasm');

  /** Makes `name` TF.js's backend (wasm falls back to cpu); a switch drops the cached models (their weights live on the old one). */
  async function useBackend(name: 'cpu' | 'wasm'): Promise<void> {
    if (backend === name) return;
    const { initBackend } = await import('../engines/tfjs/backend-setup');
    try {
      await initBackend(name, options.wasmPaths === undefined ? {} : { wasmPaths: options.wasmPaths });
    } catch (err) {
      if (name === 'cpu') throw err;
      await initBackend('cpu');
    }
    if (backend !== undefined) await dropAll();
    backend = name;
  }

  async function dropAll(): Promise<void> {
    const loaded = [...cache.values()];
    cache.clear();
    await Promise.all(loaded.map((p) => p.then((m) => m.dispose()).catch(() => undefined)));
  }

  /** Opens a model's files, starting TF.js on `backendName` first unless the model is tabular (it needs no TF.js). */
  async function open(files: ModelFiles, backendName: 'cpu' | 'wasm'): Promise<ScoringModel> {
    if (files.format !== 'tabular') await useBackend(backendName);
    return openScoringModel(files, options.ort ? { ort: options.ort } : {});
  }

  /**
   * A cached model, or loaded. TF.js is started (on the invocation backend) before a model that needs it is loaded,
   * never while one is loading: a backend switch empties the cache, so a cached TF.js model's backend is current.
   */
  async function load(workspaceId: string, versionId: string): Promise<ScoringModel> {
    const key = `${workspaceId}:${versionId}`;
    if (!cache.has(key)) {
      const version = await getWorkspaceDb(workspaceId).modelVersions.get(versionId);
      if (version?.format !== 'tabular') await useBackend(invokeBackend);
    }
    let model = cache.get(key);
    if (model) {
      cache.delete(key); // re-inserted below: most recently used last
    } else {
      model = readRegisteredModel(getWorkspaceDb(workspaceId), versionId).then((files) => openScoringModel(files, options.ort ? { ort: options.ort } : {}));
      model.catch(() => cache.delete(key));
    }
    cache.set(key, model);
    while (cache.size > cacheSize) {
      const [oldest] = cache.keys();
      const dropped = cache.get(oldest);
      cache.delete(oldest);
      void dropped?.then((m) => m.dispose()).catch(() => undefined);
    }
    return model;
  }

  return {
    async invoke(workspaceId, modelVersionId, body, bodyType = 'json'): Promise<InvocationResult> {
      const started = performance.now();
      try {
        const raw = bodyType === 'csv' ? parseScoringCsv(body) : parseScoringBody(body);
        let model: ScoringModel;
        try {
          model = await load(workspaceId, modelVersionId);
        } catch (err) {
          throw new ScoringError('INTERNAL_ERROR', `The model version could not be loaded: ${err instanceof Error ? err.message : String(err)}`);
        }
        let values: Float32Array;
        let rows: number;
        if (model.input.kind === 'columns') {
          // A tabular model: the columns checked against its signature, then read by the model (its featurizer inside).
          const table = tableInputs(raw, model.input.columns, { ignored: model.input.ignored });
          rows = table.rows;
          values = model.input.predict(table.columns, rows);
        } else if (model.input.kind === 'table') {
          const table = tableInputs(raw, model.input.columns, { ignored: model.input.ignored });
          rows = table.rows;
          let x: Float32Array;
          try {
            x = await featurizeColumns(model.input.pipeline, table.columns, rows, options.decodeImage);
          } catch (err) {
            // The values passed their type checks; what the featurizer still refuses (an undecodable image) is the caller's input.
            throw new ScoringError('BAD_REQUEST', err instanceof Error ? err.message : String(err));
          }
          values = await model.predict(x, rows);
        } else {
          const tensor = tensorRows(raw, model.input);
          rows = tensor.rows;
          values = await model.predict(tensor.values, rows);
        }
        return { status: 200, body: { predictions: predictionRecords(values, rows, model.output) }, rows, ms: performance.now() - started };
      } catch (err) {
        return { ...scoringErrorAnswer(err), rows: 0, ms: performance.now() - started };
      }
    },

    async scoreDataset(request: BatchScoreRequest, onProgress) {
      onProgress({ status: 'loading', message: 'Loading the model' });
      const db = getWorkspaceDb(request.workspaceId);
      const model = await open(await readRegisteredModel(db, request.modelVersionId), options.batchBackend ?? (options.wasmPaths === undefined ? 'cpu' : 'wasm'));
      try {
        return await scoreDatasetVersion(db, model, request, { onProgress, ...(options.decodeImage ? { decodeImage: options.decodeImage } : {}) });
      } finally {
        await model.dispose();
      }
    },

    loadedModels: () => cache.size,
    dispose: dropAll,
  };
}
