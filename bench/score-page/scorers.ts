/**
 * @file How the scoring benchmark scores, one way per engine: ONNX Runtime through the lab's ONNX worker
 * (`OnnxClient`), TF.js through the bench worker (the lab's `openScoringModel`), and the endpoint path through the
 * lab's score worker (`ScoreClient.invoke` with MLflow JSON bodies). Every scorer runs in workers of its own.
 */
import { releaseProxy, wrap } from 'comlink';
import type { BackendName } from '../../src/engines/tfjs/backends';
import type { OnnxProvider } from '../../src/protocol/onnx';
import type { PredictionsBody } from '../../src/protocol/scoring';
import { OnnxClient } from '../../src/runtime/onnx-client';
import { ScoreClient } from '../../src/runtime/score-client';
import type { ModelFileMap, TfjsScoreWorkerApi } from './tfjs-score.worker';

/** The benchmark's models: the iris catalog model and a bigger MLP built in the page. */
export type BenchModelId = 'iris' | 'mlp';

/** A model ready to score: both formats, its rows, endpoint bodies, reference outputs, registered versions. */
export interface PreparedModel {
  id: BenchModelId;
  label: string;
  inputWidth: number;
  outputWidth: number;
  params: number;
  layers: string[];
  /** Forward FLOPs per row (2 per multiply-add of the dense layers). */
  flopsPerRow: number;
  tfjs: ModelFileMap;
  onnx: Uint8Array;
  /** Featurized rows (what TF.js and ONNX Runtime read), row-major. */
  x: Float32Array;
  /** An endpoint body for rows [start, end). */
  body(start: number, end: number): string;
  /** TF.js cpu's outputs on the first `checkRows` rows. */
  reference: Float32Array;
  /** Registered model versions (endpoint tasks). */
  versions: { tfjs: string; onnx: string };
  classes?: string[];
}

/** A fresh TF.js bench worker. */
export const tfjsWorker = (name: string) => new Worker(new URL('./tfjs-score.worker.ts', import.meta.url), { type: 'module', name });

/** How one engine scores: load, score `rows` rows of a copy of `x`, close. */
export interface Scorer {
  runtime: string;
  initMs: number;
  loadMs: number;
  /** Scores rows [start, end); resolves to the outputs and, for endpoints, the worker's own milliseconds. */
  score(start: number, end: number): Promise<{ out: Float32Array; innerMs?: number }>;
  /** Prepares what `score(start, end)` sends, outside the timed part (an endpoint's JSON body). */
  prepareCall?(start: number, end: number): void;
  close(): Promise<void>;
}

/** ONNX Runtime on `provider` in a fresh `workers/onnx.worker.ts` (the lab's `OnnxClient`); throws when it lands on another provider. */
export async function ortScorer(model: PreparedModel, provider: OnnxProvider): Promise<Scorer> {
  // Generous deadlines: SwiftShader WebGPU takes seconds per large batch.
  const client = new OnnxClient({ deadlines: { load: 120_000, run: 180_000 } });
  const t0 = performance.now();
  const session = await client.load(model.onnx.slice(), { providers: [provider], allowSoftwareWebgpu: true, providerTimeoutMs: 60_000 });
  const loadMs = performance.now() - t0;
  if (session.provider !== provider) throw new Error(`ONNX Runtime loaded the model on ${session.provider}, not ${provider} (${session.skipped.join('; ')})`);
  const width = model.inputWidth;
  return {
    runtime: `ONNX Runtime ${provider}`,
    initMs: 0,
    loadMs,
    async score(start, end) {
      const result = await client.runRows(session, model.x.slice(start * width, end * width), end - start);
      return { out: result.values };
    },
    async close() {
      await client.release(session).catch(() => undefined);
      client.dispose();
    },
  };
}

/** TF.js on `backend` in a fresh bench worker (the lab's `initBackend` + `openScoringModel`); throws when TF.js is on another backend. */
export async function tfjsScorer(model: PreparedModel, backend: BackendName): Promise<Scorer> {
  const worker = tfjsWorker(`bench-score-tfjs-${backend}`);
  const remote = wrap<TfjsScoreWorkerApi>(worker);
  const close = async () => {
    remote[releaseProxy]();
    worker.terminate();
  };
  try {
    const t0 = performance.now();
    const got = await remote.init(backend);
    if (got !== backend) throw new Error(`TF.js is on ${got}, not ${backend}`);
    const initMs = performance.now() - t0;
    const t1 = performance.now();
    const loaded = await remote.load(model.tfjs);
    const loadMs = performance.now() - t1;
    const width = model.inputWidth;
    return {
      runtime: loaded.runtime,
      initMs,
      loadMs,
      async score(start, end) {
        return { out: await remote.predict(model.x.slice(start * width, end * width), end - start) };
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The registered version of `format` through a fresh `workers/score.worker.ts` (`ScoreClient.invoke`, MLflow JSON bodies). */
export async function endpointScorer(model: PreparedModel, format: 'tfjs' | 'onnx', workspaceId: string): Promise<Scorer> {
  const client = new ScoreClient({ deadlineMs: 180_000 });
  const versionId = model.versions[format];
  let body = '';
  const call = async (text: string, rows: number) => {
    const answer = await client.invoke(workspaceId, versionId, text);
    if (answer.status !== 200) throw new Error(`The endpoint answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
    if (answer.rows !== rows) throw new Error(`The endpoint scored ${answer.rows} rows; sent ${rows}`);
    return answer;
  };
  const t0 = performance.now();
  // The first invocation starts the worker, TF.js / ONNX Runtime and loads the model version from IndexedDB.
  await call(model.body(0, 1), 1);
  const loadMs = performance.now() - t0;
  return {
    runtime: `score worker: ${format === 'tfjs' ? 'TF.js cpu' : 'ONNX Runtime wasm'}`,
    initMs: 0,
    loadMs,
    prepareCall(start, end) {
      body = model.body(start, end);
    },
    async score(start, end) {
      const answer = await call(body || model.body(start, end), end - start);
      body = '';
      return { out: predictionsToFloats((answer.body as PredictionsBody).predictions, model), innerMs: answer.ms };
    },
    async close() {
      client.dispose();
    },
  };
}

/** An endpoint's prediction records back to raw output rows (class probabilities in class order, or the tensor row). */
function predictionsToFloats(predictions: PredictionsBody['predictions'], model: PreparedModel): Float32Array {
  const out = new Float32Array(predictions.length * model.outputWidth);
  predictions.forEach((p, r) => {
    const row = model.classes ? model.classes.map((c) => p.probabilities?.[c] ?? NaN) : Array.isArray(p.prediction) ? p.prediction : [Number(p.prediction)];
    out.set(row, r * model.outputWidth);
  });
  return out;
}
