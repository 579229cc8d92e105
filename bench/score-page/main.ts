/**
 * @file Bench page for bench/score.mjs: the same model, exported both ways, scored on every runtime and backend
 * through the lab's own worker round trips, each in a fresh worker:
 * - ONNX Runtime (wasm, webgpu): `OnnxClient` (src/runtime/onnx-client.ts) → workers/onnx.worker.ts → `runRows`;
 * - TF.js (cpu, wasm, webgl, webgpu): a bench worker (tfjs-score.worker.ts) with the lab's `initBackend`,
 *   `openScoringModel` and `predict`, the code the score worker runs (which itself only offers cpu and wasm);
 * - the endpoint path: `ScoreClient.invoke` (src/runtime/score-client.ts) → workers/score.worker.ts with MLflow JSON
 *   bodies and registered model versions (TF.js on cpu, ONNX Runtime on wasm: what the score worker uses).
 * Per task: single-row request latency after a warm-up, rows/s over many batches, and the outputs on fixed rows
 * compared with TF.js cpu's.
 */
import { releaseProxy, wrap, type Remote } from 'comlink';
import { FeaturePipeline, type FeaturePipelineState } from '../../src/core/features/pipeline';
import { Rng } from '../../src/core/random/rng';
import type { BackendName } from '../../src/engines/tfjs/backends';
import type { ModelVersionSignature } from '../../src/protocol/model';
import type { OnnxProvider } from '../../src/protocol/onnx';
import { getWorkspaceDb } from '../../src/storage/connections';
import { registerModelVersion, type ModelFileInput } from '../../src/storage/model-registration';
import { signatureFromRunArtifact } from '../../src/storage/model-signature';
import { createWorkspace } from '../../src/storage/workspaces';
import { endpointScorer, ortScorer, tfjsScorer, tfjsWorker, type BenchModelId, type PreparedModel, type Scorer } from './scorers';
import type { TfjsScoreWorkerApi } from './tfjs-score.worker';

/** The benchmark's models: the iris catalog model and a bigger MLP built here. */
export type { BenchModelId };

/** What runs a task. */
export type BenchEngine = { kind: 'ort'; provider: OnnxProvider } | { kind: 'tfjs'; backend: BackendName } | { kind: 'endpoint'; format: 'tfjs' | 'onnx' };

export interface PrepareOptions {
  rows: number;
  checkRows: number;
  seed: number;
  mlpUnits: number[];
}

export interface ScoreTask {
  engine: BenchEngine;
  model: BenchModelId;
  warmup: number;
  requests: number;
  batchRows: number;
  maxRows: number;
  /** Batches stop once this much time has passed (at least one batch). */
  budgetMs: number;
}

export interface LatencyStats {
  n: number;
  p50: number;
  p95: number;
  mean: number;
  min: number;
  max: number;
}

export interface ScoreTaskResult {
  ok: true;
  runtime: string;
  initMs: number;
  loadMs: number;
  latency: LatencyStats;
  /** Endpoint tasks: the time the score worker itself reports per request (parse, featurize, predict). */
  innerLatency?: LatencyStats;
  batch: { rows: number; batches: number; batchRows: number; ms: number; rowsPerSecond: number; warmupMs: number };
  check: { rows: number; maxAbsDiff: number; argmaxAgree: number };
}


interface Prepared {
  rows: number;
  checkRows: number;
  workspaceId: string;
  models: Map<BenchModelId, PreparedModel>;
}

let prepared: Prepared | undefined;

const IRIS_FILES = ['model.json', 'model.weights.bin', 'model.onnx', 'featurizer.json', 'signature.json'];
/** Plausible iris measurement ranges (cm), uniform: rows the model has never seen, over its whole input region. */
const IRIS_RANGES: [number, number][] = [
  [4.3, 7.9],
  [2.0, 4.4],
  [1.0, 6.9],
  [0.1, 2.5],
];


async function withTfjsWorker<T>(name: string, use: (remote: Remote<TfjsScoreWorkerApi>) => Promise<T>): Promise<T> {
  const worker = tfjsWorker(name);
  const remote = wrap<TfjsScoreWorkerApi>(worker);
  const failed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (event) => reject(new Error(`The TF.js bench worker stopped: ${event.message}`)));
  });
  try {
    return await Promise.race([use(remote), failed]);
  } finally {
    remote[releaseProxy]();
    worker.terminate();
  }
}

async function fetchBytes(url: string): Promise<ArrayBuffer> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`Fetching ${url} gave ${response.status}`);
  return response.arrayBuffer();
}

const copyOf = (bytes: ArrayBuffer | Uint8Array): ArrayBuffer => (bytes instanceof Uint8Array ? bytes.slice().buffer : bytes.slice(0)) as ArrayBuffer;
const blob = (bytes: ArrayBuffer | Uint8Array, type = 'application/octet-stream') => new Blob([copyOf(bytes)], { type });

async function register(workspaceId: string, name: string, format: 'tfjs' | 'onnx', files: ModelFileInput[], signature: ModelVersionSignature, featurizerFile?: string): Promise<string> {
  const { version } = await registerModelVersion(getWorkspaceDb(workspaceId), {
    modelName: name,
    source: { kind: 'files', format, files, signature, ...(featurizerFile ? { featurizerFile } : {}) },
  });
  return version.id;
}

const denseFlops = (units: number[]) => units.slice(1).reduce((sum, u, i) => sum + 2 * units[i] * u, 0);

/** Builds the data, the bigger MLP, the reference outputs and the registered versions. Returns a description. */
async function prepare(options: PrepareOptions) {
  const { rows, checkRows, seed, mlpUnits } = options;
  const rng = new Rng(`score-bench:${seed}`);
  const workspace = await createWorkspace(`Scoring benchmark ${new Date().toISOString()}`);
  const models = new Map<BenchModelId, PreparedModel>();

  // Iris (catalog): raw columns → the saved featurizer → 8 features per row.
  const irisFiles: Record<string, ArrayBuffer> = {};
  for (const name of IRIS_FILES) irisFiles[name] = await fetchBytes(`./models/iris-mlp/${name}`);
  const decode = (name: string) => JSON.parse(new TextDecoder().decode(irisFiles[name])) as unknown;
  const featurizer = decode('featurizer.json') as { pipeline: FeaturePipelineState };
  const pipeline = FeaturePipeline.fromJSON(featurizer.pipeline);
  const irisSignature = signatureFromRunArtifact(decode('signature.json'));
  const columnNames = irisSignature.inputs.map((i) => i.name);
  const raw = IRIS_RANGES.map(([lo, hi]) => Float64Array.from({ length: rows }, () => Math.round((lo + (hi - lo) * rng.next()) * 100) / 100));
  const order = Uint32Array.from({ length: rows }, (_, i) => i);
  const irisX = pipeline.transform(new Map(columnNames.map((name, c) => [name, { kind: 'numeric' as const, values: raw[c] }])), order);
  const irisBody = (start: number, end: number) =>
    JSON.stringify({ dataframe_split: { columns: columnNames, data: Array.from({ length: end - start }, (_, r) => raw.map((col) => col[start + r])) } });
  const irisJson = (name: string) => ({ name, data: blob(irisFiles[name], 'application/json'), mediaType: 'application/json' });
  const irisVersions = {
    tfjs: await register(workspace.id, 'bench-iris-tfjs', 'tfjs', [irisJson('model.json'), { name: 'model.weights.bin', data: blob(irisFiles['model.weights.bin']) }, irisJson('featurizer.json'), irisJson('signature.json')], irisSignature, 'featurizer.json'),
    onnx: await register(workspace.id, 'bench-iris-onnx', 'onnx', [{ name: 'model.onnx', data: blob(irisFiles['model.onnx']) }, irisJson('featurizer.json')], irisSignature, 'featurizer.json'),
  };
  const irisTopology = decode('model.json') as { modelTopology: { config: { layers: { class_name: string; config: { units?: number } }[] } } };
  const irisUnits = [pipeline.featureCount, ...irisTopology.modelTopology.config.layers.filter((l) => l.class_name === 'Dense').map((l) => l.config.units as number)];

  // The bigger MLP, built and exported in a worker on the cpu backend; reference outputs there too.
  const mlpX = Float32Array.from({ length: rows * mlpUnits[0] }, () => rng.next() * 2 - 1);
  const references = await withTfjsWorker('bench-score-prepare', async (remote) => {
    const built = await remote.buildMlp(mlpUnits, seed);
    await remote.load({ 'model.json': irisFiles['model.json'], 'model.weights.bin': irisFiles['model.weights.bin'] });
    const iris = await remote.predict(irisX.slice(0, checkRows * pipeline.featureCount), checkRows);
    await remote.load(built.tfjs);
    const mlp = await remote.predict(mlpX.slice(0, checkRows * mlpUnits[0]), checkRows);
    return { built, iris, mlp };
  });
  const { built } = references;
  const width = mlpUnits[0];
  const mlpBody = (start: number, end: number) => JSON.stringify({ instances: Array.from({ length: end - start }, (_, r) => Array.from(mlpX.subarray((start + r) * width, (start + r + 1) * width))) });
  const outWidth = mlpUnits.at(-1) as number;
  const tensorSignature: ModelVersionSignature = { inputs: [{ name: 'dense_in_input', type: 'float32', shape: [-1, width] }], outputs: [{ name: 'output', kind: 'tensor', shape: [-1, outWidth] }] };
  const mlpVersions = {
    tfjs: await register(workspace.id, 'bench-mlp-tfjs', 'tfjs', [{ name: 'model.json', data: blob(built.tfjs['model.json'], 'application/json'), mediaType: 'application/json' }, { name: 'model.weights.bin', data: blob(built.tfjs['model.weights.bin']) }], tensorSignature),
    onnx: await register(workspace.id, 'bench-mlp-onnx', 'onnx', [{ name: 'model.onnx', data: blob(built.onnx) }], tensorSignature),
  };

  models.set('iris', {
    id: 'iris',
    label: `iris-mlp (catalog) ${irisUnits.join('-')}`,
    inputWidth: pipeline.featureCount,
    outputWidth: irisUnits.at(-1) as number,
    params: irisUnits.slice(1).reduce((sum, u, i) => sum + irisUnits[i] * u + u, 0),
    layers: irisUnits.slice(1).map((u, i) => `dense ${irisUnits[i]}→${u}`),
    flopsPerRow: denseFlops(irisUnits),
    tfjs: { 'model.json': irisFiles['model.json'], 'model.weights.bin': irisFiles['model.weights.bin'] },
    onnx: new Uint8Array(irisFiles['model.onnx']),
    x: irisX,
    body: irisBody,
    reference: references.iris,
    versions: irisVersions,
    classes: irisSignature.outputs[0]?.classes,
  });
  models.set('mlp', {
    id: 'mlp',
    label: `MLP ${mlpUnits.join('-')} (built here, seeded)`,
    inputWidth: width,
    outputWidth: outWidth,
    params: built.params,
    layers: built.layers,
    flopsPerRow: denseFlops(mlpUnits),
    tfjs: built.tfjs,
    onnx: built.onnx,
    x: mlpX,
    body: mlpBody,
    reference: references.mlp,
    versions: mlpVersions,
  });
  prepared = { rows, checkRows, workspaceId: workspace.id, models };
  return {
    workspaceId: workspace.id,
    gpu: await describeGpu(),
    models: [...models.values()].map((m) => ({ id: m.id, label: m.label, inputWidth: m.inputWidth, outputWidth: m.outputWidth, params: m.params, layers: m.layers, flopsPerRow: m.flopsPerRow, onnxBytes: m.onnx.byteLength })),
  };
}

/** The WebGPU adapter and the WebGL renderer this browser offers (SwiftShader on a machine without a GPU). */
async function describeGpu(): Promise<{ webgpu: string; webgl: string }> {
  let webgpu = 'none';
  try {
    const adapter = await navigator.gpu?.requestAdapter();
    const adapterInfo = adapter?.info as (GPUAdapterInfo & { isFallbackAdapter?: boolean }) | undefined;
    if (adapterInfo) webgpu = [adapterInfo.vendor, adapterInfo.architecture, adapterInfo.device, adapterInfo.description].filter(Boolean).join(' / ') + (adapterInfo.isFallbackAdapter ? ' (fallback adapter)' : '');
    else if (adapter) webgpu = 'adapter without info';
  } catch (err) {
    webgpu = `error: ${String(err)}`;
  }
  let webgl = 'none';
  try {
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
    if (gl) {
      const ext = gl.getExtension('WEBGL_debug_renderer_info');
      webgl = String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
    }
  } catch (err) {
    webgl = `error: ${String(err)}`;
  }
  return { webgpu, webgl };
}

/** Nearest-rank percentile of sorted values. */
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

function stats(values: number[]): LatencyStats {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), mean: sorted.reduce((a, b) => a + b, 0) / sorted.length, min: sorted[0], max: sorted.at(-1) as number };
}

function compare(out: Float32Array, reference: Float32Array, rows: number, width: number) {
  if (out.length !== reference.length) throw new Error(`Got ${out.length} output values for ${rows} check rows; expected ${reference.length}`);
  let maxAbsDiff = 0;
  let agree = 0;
  for (let r = 0; r < rows; r++) {
    let best = 0;
    let bestRef = 0;
    for (let c = 0; c < width; c++) {
      const i = r * width + c;
      maxAbsDiff = Math.max(maxAbsDiff, Math.abs(out[i] - reference[i]));
      if (out[i] > out[r * width + best]) best = c;
      if (reference[i] > reference[r * width + bestRef]) bestRef = c;
    }
    if (best === bestRef) agree++;
  }
  return { rows, maxAbsDiff, argmaxAgree: agree / rows };
}

/** Runs one task in fresh workers. Never throws: a failure comes back as `{ ok: false, error }`. */
async function runScoreTask(task: ScoreTask): Promise<ScoreTaskResult | { ok: false; error: string }> {
  if (!prepared) return { ok: false, error: 'prepare() has not run' };
  const { checkRows, workspaceId } = prepared;
  const model = prepared.models.get(task.model);
  if (!model) return { ok: false, error: `Unknown model ${task.model}` };
  let scorer: Scorer | undefined;
  try {
    const { engine } = task;
    scorer = engine.kind === 'ort' ? await ortScorer(model, engine.provider) : engine.kind === 'tfjs' ? await tfjsScorer(model, engine.backend) : await endpointScorer(model, engine.format, workspaceId);
    const rows = Math.min(task.maxRows, prepared.rows);
    // Warm-up (not counted): single rows here, one batch before the batches below.
    for (let i = 0; i < task.warmup; i++) {
      scorer.prepareCall?.(i, i + 1);
      await scorer.score(i, i + 1);
    }
    const latencies: number[] = [];
    const inner: number[] = [];
    for (let i = 0; i < task.requests; i++) {
      const r = (task.warmup + i) % rows;
      scorer.prepareCall?.(r, r + 1);
      const t = performance.now();
      const { out, innerMs } = await scorer.score(r, r + 1);
      latencies.push(performance.now() - t);
      if (innerMs !== undefined) inner.push(innerMs);
      if (out.length !== model.outputWidth) throw new Error(`One row gave ${out.length} outputs; expected ${model.outputWidth}`);
    }
    const batchRows = Math.min(task.batchRows, rows);
    // One batch of up to 1024 rows compiles the batch shapes: TF.js predicts 256 rows at a time, ONNX Runtime runs 1024.
    const warmupRows = Math.min(batchRows, 1024);
    scorer.prepareCall?.(0, warmupRows);
    const w0 = performance.now();
    await scorer.score(0, warmupRows);
    const warmupMs = performance.now() - w0;
    let scored = 0;
    let batches = 0;
    let ms = 0;
    while (scored < rows && (batches === 0 || ms < task.budgetMs)) {
      const end = Math.min(rows, scored + batchRows);
      scorer.prepareCall?.(scored, end);
      const t = performance.now();
      const { out } = await scorer.score(scored, end);
      ms += performance.now() - t;
      if (out.length !== (end - scored) * model.outputWidth) throw new Error(`A batch of ${end - scored} rows gave ${out.length} outputs`);
      scored = end;
      batches++;
    }
    scorer.prepareCall?.(0, checkRows);
    const { out } = await scorer.score(0, checkRows);
    const check = compare(out, model.reference, checkRows, model.outputWidth);
    return {
      ok: true,
      runtime: scorer.runtime,
      initMs: scorer.initMs,
      loadMs: scorer.loadMs,
      latency: stats(latencies),
      ...(inner.length ? { innerLatency: stats(inner) } : {}),
      batch: { rows: scored, batches, batchRows, ms, rowsPerSecond: (scored / ms) * 1000, warmupMs },
      check,
    };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  } finally {
    await scorer?.close().catch(() => undefined);
  }
}

Object.assign(window, { prepare, runScoreTask, benchReady: true });
