/**
 * @file Worker of the training benchmark (bench/train.mjs): one task per fresh worker, on one TF.js backend set up
 * with the lab's own `initBackend` (and the lab's bundled wasm binaries). Tasks: MLP 64-128-128-10 samples/s with
 * raw `model.fit` at several batch sizes (warm-up timed separately), matmul GFLOP/s, and the lab-overhead pair
 * (raw `model.fit` against the lab's `trainModel` loop, same model, data and backend, alternating order).
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/engines/tfjs/backend-setup';
import type { BackendName } from '../../src/engines/tfjs/backends';
import { buildModel, type BuiltModel } from '../../src/engines/tfjs/model-builder';
import { trainModel } from '../../src/engines/tfjs/train-loop';
import { TFJS_WASM_PATHS } from '../../src/jobs/wasm-paths';

const FEATURES = 64;
const CLASSES = 10;
const SEED = 20261127;

export type BenchTask =
  | { kind: 'mlp'; backend: BackendName; rows: number; batchSizes: number[]; budgetMs: number; maxSamples: number }
  | { kind: 'matmul'; backend: BackendName; sizes: number[]; budgetMs: number }
  | { kind: 'overhead'; backend: BackendName; rows: number; batchSize: number; epochs: number; reps: number };

export interface MlpResult {
  batchSize: number;
  warmupMs: number;
  samples: number;
  ms: number;
  samplesPerSecond: number;
}
export interface OverheadRun {
  kind: 'raw' | 'lab';
  samples: number;
  ms: number;
  samplesPerSecond: number;
}
export type BenchReply =
  | { type: 'result'; ok: true; backend: string; initMs: number; mlp?: MlpResult[]; matmul?: { n: number; reps: number; ms: number; gflops: number }[]; overhead?: OverheadRun[] }
  | { type: 'result'; ok: false; backend: string; error: string };

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Digits-like rows: 64 "pixels" in 0..16 around one seeded prototype per class, plus noise. */
function digitsLike(rows: number): { x: Float32Array; y: Float32Array } {
  const rand = mulberry32(SEED);
  const prototypes = Array.from({ length: CLASSES }, () => Float32Array.from({ length: FEATURES }, () => (rand() < 0.4 ? 16 * rand() : 0)));
  const x = new Float32Array(rows * FEATURES);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const label = r % CLASSES;
    y[r] = label;
    for (let f = 0; f < FEATURES; f++) x[r * FEATURES + f] = Math.min(16, Math.max(0, Math.round(prototypes[label][f] + 4 * (rand() - 0.5))));
  }
  return { x, y };
}

/** The MLP 64-128-128-10 (relu, softmax, Adam 1e-3), built by the lab's model builder with a fixed seed. */
function mlp(): BuiltModel {
  return buildModel(
    {
      task: 'multiclass',
      model: {
        family: 'mlp',
        layers: [
          { units: 128, activation: 'relu', dropout: 0, batchNorm: false },
          { units: 128, activation: 'relu', dropout: 0, batchNorm: false },
        ],
      },
      optimizer: { name: 'adam', learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
      loss: 'crossentropy',
      seed: SEED,
    },
    { featureCount: FEATURES, segments: [{ column: 'pixels', type: 'numeric', offset: 0, width: FEATURES }] },
    CLASSES,
  );
}

function disposeBuilt(built: BuiltModel): void {
  built.model.dispose();
  built.optimizer.dispose();
}

async function mlpTask(task: Extract<BenchTask, { kind: 'mlp' }>): Promise<MlpResult[]> {
  const data = digitsLike(task.rows);
  const results: MlpResult[] = [];
  for (const batchSize of task.batchSizes) {
    // Whole batches only (a ragged last batch is a new shape: a recompile on the GPU backends).
    const n = Math.max(batchSize, Math.floor(Math.min(task.rows, task.maxSamples) / batchSize) * batchSize);
    const built = mlp();
    const xs = tf.tensor2d(data.x.subarray(0, n * FEATURES), [n, FEATURES]);
    const ys = tf.tensor2d(data.y.subarray(0, n), [n, 1]);
    try {
      // Warm-up: the first step (kernel compilation / shader build, weight upload), timed on its own.
      const xw = xs.slice([0, 0], [batchSize, FEATURES]);
      const yw = ys.slice([0, 0], [batchSize, 1]);
      let t0 = performance.now();
      await built.model.fit(xw, yw, { batchSize, epochs: 1, shuffle: false, verbose: 0 });
      const warmupMs = performance.now() - t0;
      tf.dispose([xw, yw]);
      let samples = 0;
      t0 = performance.now();
      do {
        await built.model.fit(xs, ys, { batchSize, epochs: 1, shuffle: false, verbose: 0 });
        samples += n;
      } while (performance.now() - t0 < task.budgetMs);
      const ms = performance.now() - t0;
      results.push({ batchSize, warmupMs, samples, ms, samplesPerSecond: (samples / ms) * 1000 });
    } finally {
      tf.dispose([xs, ys]);
      disposeBuilt(built);
    }
  }
  return results;
}

async function matmulTask(task: Extract<BenchTask, { kind: 'matmul' }>): Promise<{ n: number; reps: number; ms: number; gflops: number }[]> {
  const out = [];
  for (const n of task.sizes) {
    const a = tf.randomUniform([n, n], -1, 1, 'float32', SEED);
    const b = tf.randomUniform([n, n], -1, 1, 'float32', SEED + 1);
    try {
      const warm = tf.matMul(a, b);
      await warm.data();
      warm.dispose();
      let reps = 0;
      const t0 = performance.now();
      do {
        const c = tf.matMul(a, b);
        await c.data();
        c.dispose();
        reps++;
      } while (performance.now() - t0 < task.budgetMs);
      const ms = performance.now() - t0;
      out.push({ n, reps, ms, gflops: (2 * n ** 3 * reps) / (ms / 1000) / 1e9 });
    } finally {
      tf.dispose([a, b]);
    }
  }
  return out;
}

/** Raw `model.fit` on tensors made once, shuffled each epoch. */
async function rawFit(data: { x: Float32Array; y: Float32Array }, batchSize: number, epochs: number): Promise<OverheadRun> {
  const rows = data.y.length;
  const built = mlp();
  const xs = tf.tensor2d(data.x, [rows, FEATURES]);
  const ys = tf.tensor2d(data.y, [rows, 1]);
  try {
    const t0 = performance.now();
    await built.model.fit(xs, ys, { batchSize, epochs, shuffle: true, verbose: 0 });
    const ms = performance.now() - t0;
    return { kind: 'raw', samples: rows * epochs, ms, samplesPerSecond: ((rows * epochs) / ms) * 1000 };
  } finally {
    tf.dispose([xs, ys]);
    disposeBuilt(built);
  }
}

/** The lab's loop (`trainModel`) with the app's default live metrics (every 10 batches) posted to the page. */
async function labLoop(data: { x: Float32Array; y: Float32Array }, batchSize: number, epochs: number): Promise<OverheadRun> {
  const rows = data.y.length;
  const built = mlp();
  try {
    const t0 = performance.now();
    await trainModel({
      model: built.model,
      optimizer: built.optimizer,
      task: 'multiclass',
      loss: 'crossentropy',
      classCount: CLASSES,
      train: data,
      epochs,
      batchSize,
      seed: SEED,
      metricsEveryBatches: 10,
      onProgress: (p) => {
        if (p.status === 'batch' || p.status === 'epoch-end') self.postMessage({ type: 'progress', status: p.status, loss: p.status === 'batch' ? p.loss : p.record.train.loss });
      },
    });
    const ms = performance.now() - t0;
    return { kind: 'lab', samples: rows * epochs, ms, samplesPerSecond: ((rows * epochs) / ms) * 1000 };
  } finally {
    disposeBuilt(built);
  }
}

async function overheadTask(task: Extract<BenchTask, { kind: 'overhead' }>): Promise<OverheadRun[]> {
  const data = digitsLike(task.rows);
  // Uncounted warm-up of both paths.
  await rawFit(data, task.batchSize, 1);
  await labLoop(data, task.batchSize, 1);
  const runs: OverheadRun[] = [];
  for (let rep = 0; rep < task.reps; rep++) {
    const order = rep % 2 === 0 ? [rawFit, labLoop] : [labLoop, rawFit];
    for (const run of order) runs.push(await run(data, task.batchSize, task.epochs));
  }
  return runs;
}

self.onmessage = async (event: MessageEvent<BenchTask>) => {
  const task = event.data;
  try {
    const t0 = performance.now();
    await initBackend(task.backend, { wasmPaths: TFJS_WASM_PATHS });
    const initMs = performance.now() - t0;
    const reply: BenchReply = { type: 'result', ok: true, backend: tf.getBackend(), initMs };
    if (task.kind === 'mlp') reply.mlp = await mlpTask(task);
    else if (task.kind === 'matmul') reply.matmul = await matmulTask(task);
    else reply.overhead = await overheadTask(task);
    self.postMessage(reply);
  } catch (err) {
    self.postMessage({ type: 'result', ok: false, backend: task.backend, error: err instanceof Error ? err.message : String(err) } satisfies BenchReply);
  }
};
