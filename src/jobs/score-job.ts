/**
 * @file The scoring worker's API, implemented: real-time invocations (an MLflow scoring request body in, a status
 * and JSON body out; loaded models kept in a small cache) and batch scoring of a dataset version. Tested without a
 * Worker; `workers/score.worker.ts` only passes the wasm URLs and the image decoder in.
 */
import type { ImageDecoder } from '../core/features/image';
import { predictionRecords } from '../core/scoring/prediction-output';
import { tableInputs, tensorRows } from '../core/scoring/scoring-columns';
import { ScoringError, scoringErrorAnswer } from '../core/scoring/scoring-error';
import { parseScoringBody } from '../core/scoring/scoring-request';
import type { OrtSetup } from '../engines/onnx/session';
import type { WasmPaths } from '../engines/tfjs/backend-setup';
import type { BatchScoreRequest, InvocationResult, ScoreWorkerApi } from '../protocol/scoring';
import { getWorkspaceDb } from '../storage/connections';
import { scoreDatasetVersion } from './batch-score';
import { featurizeColumns } from './scoring-features';
import { openScoringModel, readRegisteredModel, type ScoringModel } from './scoring-model';

/** What the score job needs from its host. */
export interface ScoreJobOptions {
  /** TF.js backend for invocations: `cpu` by default (no download, exact, fast enough for a few rows). */
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

  async function load(workspaceId: string, versionId: string): Promise<ScoringModel> {
    const key = `${workspaceId}:${versionId}`;
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
    async invoke(workspaceId, modelVersionId, body): Promise<InvocationResult> {
      const started = performance.now();
      try {
        const raw = parseScoringBody(body);
        await useBackend(options.invokeBackend ?? 'cpu');
        let model: ScoringModel;
        try {
          model = await load(workspaceId, modelVersionId);
        } catch (err) {
          throw new ScoringError('INTERNAL_ERROR', `The model version could not be loaded: ${err instanceof Error ? err.message : String(err)}`);
        }
        let x: Float32Array;
        let rows: number;
        if (model.input.kind === 'table') {
          const table = tableInputs(raw, model.input.columns, { ignored: model.input.ignored });
          rows = table.rows;
          try {
            x = await featurizeColumns(model.input.pipeline, table.columns, rows, options.decodeImage);
          } catch (err) {
            // The values passed their type checks; what the featurizer still refuses (an undecodable image) is the caller's input.
            throw new ScoringError('BAD_REQUEST', err instanceof Error ? err.message : String(err));
          }
        } else {
          const tensor = tensorRows(raw, model.input);
          rows = tensor.rows;
          x = tensor.values;
        }
        const values = await model.predict(x, rows);
        return { status: 200, body: { predictions: predictionRecords(values, rows, model.output) }, rows, ms: performance.now() - started };
      } catch (err) {
        return { ...scoringErrorAnswer(err), rows: 0, ms: performance.now() - started };
      }
    },

    async scoreDataset(request: BatchScoreRequest, onProgress) {
      onProgress({ status: 'loading', message: 'Loading the model' });
      await useBackend(options.batchBackend ?? (options.wasmPaths === undefined ? 'cpu' : 'wasm'));
      const db = getWorkspaceDb(request.workspaceId);
      const model = await openScoringModel(await readRegisteredModel(db, request.modelVersionId), options.ort ? { ort: options.ort } : {});
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
