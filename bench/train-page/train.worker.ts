/**
 * @file Worker of the training benchmark (bench/train.mjs): one task per fresh worker, on one TF.js backend set up
 * with the lab's own `initBackend` (and the lab's bundled wasm binaries). Tasks: samples/s of raw `model.fit` at
 * several batch sizes (warm-up timed separately) for the MLP 64-128-128-10 and the TF.js MNIST-tutorial CNN, with
 * each model's FLOPs per sample counted from its layers; matmul GFLOP/s; and the lab-overhead pair (raw
 * `model.fit` against the lab's `trainModel` loop, same model, data and backend, alternating order).
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/engines/tfjs/backend-setup';
import { kernelsNeeded, missingTrainingKernels, type BackendName } from '../../src/engines/tfjs/backends';
import { buildModel, type BuiltModel } from '../../src/engines/tfjs/model-builder';
import { createOptimizer } from '../../src/engines/tfjs/optimizer';
import { trainModel } from '../../src/engines/tfjs/train-loop';
import type { OptimizerSpec } from '../../src/protocol/train';
import { TFJS_WASM_PATHS } from '../../src/jobs/wasm-paths';

const FEATURES = 64;
const CLASSES = 10;
const SEED = 20261127;
const IMAGE = [28, 28, 1] as const;
const PIXELS = IMAGE[0] * IMAGE[1] * IMAGE[2];
/** Both models train with this (TF.js's Adam defaults but epsilon 1e-7 as Keras; bench/torch_ref.py uses the same). */
const ADAM: OptimizerSpec = { name: 'adam', learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };

/** `mlp`: 64-128-128-10 on digits-like rows; `cnn`: the TF.js MNIST-tutorial CNN on 28x28x1 images. */
export type BenchModel = 'mlp' | 'cnn';

export type BenchTask =
  | { kind: 'train'; model: BenchModel; backend: BackendName; rows: number; batchSizes: number[]; budgetMs: number; maxSamples: number }
  | { kind: 'matmul'; backend: BackendName; sizes: MatmulPlan[] }
  | { kind: 'overhead'; backend: BackendName; rows: number; batchSize: number; epochs: number; reps: number }
  | { kind: 'breakdown'; backend: BackendName; model: BenchModel; rows: number; batchSize: number; budgetMs: number };

/**
 * Where a training step's time goes on one backend: `model.fit` against a bare `optimizer.minimize` step (same model,
 * loss and batches, no fit machinery: batch slicing by gather, metrics, callbacks), the number of kernels each runs
 * per step (`tf.profile`), and the cost of dispatching one trivial kernel (a 1-element add).
 */
export interface Breakdown {
  model: BenchModel;
  batchSize: number;
  fitStepMs: number;
  bareStepMs: number;
  fitKernelsPerStep: number;
  bareKernelsPerStep: number;
  dispatchUs: number;
  /** Time inside kernels per bare step (`tf.profile`'s kernelTimeMs, the wall time of each kernel function on wasm/cpu), and the top kernels by it. */
  kernelMsPerStep: number;
  topKernels: { name: string; perStep: number; msPerStep: number }[];
}

/** One matmul size: an untimed warm-up call (unless `warmup` is false), then up to `reps` timed calls within `budgetMs` (at least one). */
export interface MatmulPlan {
  n: number;
  reps: number;
  budgetMs: number;
  warmup: boolean;
}
export interface MatmulResult {
  n: number;
  warmupMs: number | null;
  reps: number;
  /** Each timed call, ms (matMul + `await data()`). */
  times: number[];
  medianMs: number;
  gflops: number;
}

/** One batch size: measured, or why not ("n/a: ..."). */
export type TrainRow =
  | { batchSize: number; warmupMs: number; steps: number; samples: number; ms: number; samplesPerSecond: number }
  | { batchSize: number; na: string };

/** FLOPs per sample (multiply-add = 2) of the model's dense and conv layers; bias, activations, pooling, loss and the optimizer not counted. */
export interface ModelFlops {
  forward: number;
  /** forward + weight gradients (= forward) + input gradients (= forward, except for the first weighted layer, whose input needs none). */
  training: number;
  params: number;
  layers: string[];
}
export interface TrainResult {
  model: BenchModel;
  flops: ModelFlops;
  rows: TrainRow[];
}
export interface OverheadRun {
  kind: 'raw' | 'lab';
  samples: number;
  ms: number;
  samplesPerSecond: number;
}
export type BenchReply =
  | { type: 'result'; ok: true; backend: string; initMs: number; train?: TrainResult; matmul?: MatmulResult[]; overhead?: OverheadRun[]; breakdown?: Breakdown }
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

/** 28x28x1 images in 0..1 around one seeded binary prototype per class, plus noise (labels cycle 0..9). */
function imagesLike(rows: number): { x: Float32Array; y: Float32Array } {
  const rand = mulberry32(SEED + 1);
  const prototypes = Array.from({ length: CLASSES }, () => Float32Array.from({ length: PIXELS }, () => (rand() < 0.3 ? 1 : 0)));
  const x = new Float32Array(rows * PIXELS);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const label = r % CLASSES;
    y[r] = label;
    for (let p = 0; p < PIXELS; p++) x[r * PIXELS + p] = Math.min(1, prototypes[label][p] + 0.3 * rand());
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
      optimizer: ADAM,
      loss: 'crossentropy',
      seed: SEED,
    },
    { featureCount: FEATURES, segments: [{ column: 'pixels', type: 'numeric', offset: 0, width: FEATURES }] },
    CLASSES,
  );
}

/**
 * The CNN of the TF.js MNIST tutorial (https://www.tensorflow.org/js/tutorials/training/handwritten_digit_cnn):
 * conv 5x5, 8 filters, stride 1, relu, varianceScaling; max-pool 2x2 stride 2; conv 5x5, 16 filters, relu;
 * max-pool 2x2 stride 2; flatten; dense 10 softmax. Built directly (the lab's `cnn` family pads 'same'), with the
 * same Adam and sparse cross-entropy as the MLP rows.
 */
function tutorialCnn(): BuiltModel {
  const init = () => tf.initializers.varianceScaling({ scale: 1, mode: 'fanIn', distribution: 'normal', seed: SEED });
  const model = tf.sequential({
    name: 'mnist_tutorial_cnn',
    layers: [
      tf.layers.conv2d({ inputShape: [...IMAGE], kernelSize: 5, filters: 8, strides: 1, activation: 'relu', kernelInitializer: init() }),
      tf.layers.maxPooling2d({ poolSize: [2, 2], strides: [2, 2] }),
      tf.layers.conv2d({ kernelSize: 5, filters: 16, strides: 1, activation: 'relu', kernelInitializer: init() }),
      tf.layers.maxPooling2d({ poolSize: [2, 2], strides: [2, 2] }),
      tf.layers.flatten(),
      tf.layers.dense({ units: CLASSES, activation: 'softmax', kernelInitializer: init() }),
    ],
  });
  const optimizer = createOptimizer(ADAM);
  model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return { model, optimizer };
}

/** FLOPs per sample of `model`'s Dense and Conv2D layers, read from their weights and output shapes. */
function modelFlops(model: tf.LayersModel): ModelFlops {
  let forward = 0;
  let first = -1;
  const layers: string[] = [];
  for (const layer of model.layers) {
    const kernel = layer.getWeights()[0];
    let f = 0;
    if (layer.getClassName() === 'Dense') {
      const [fanIn, units] = kernel.shape;
      f = 2 * fanIn * units;
      layers.push(`dense ${fanIn}x${units}`);
    } else if (layer.getClassName() === 'Conv2D') {
      const [kh, kw, inC, outC] = kernel.shape;
      const [, oh, ow] = layer.outputShape as number[];
      f = 2 * oh * ow * kh * kw * inC * outC;
      layers.push(`conv ${kh}x${kw}x${inC}->${outC} @${oh}x${ow}`);
    } else continue;
    if (first < 0) first = f;
    forward += f;
  }
  return { forward, training: 3 * forward - Math.max(first, 0), params: model.countParams(), layers };
}

function disposeBuilt(built: BuiltModel): void {
  built.model.dispose();
  built.optimizer.dispose();
}

/** "Conv2DBackpropFilter" from TF.js's "Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'". */
function missingKernelOf(err: unknown): string | null {
  const m = /Kernel '([^']+)' not registered/.exec(err instanceof Error ? err.message : String(err));
  return m ? m[1] : null;
}

async function trainTask(task: Extract<BenchTask, { kind: 'train' }>): Promise<TrainResult> {
  const isCnn = task.model === 'cnn';
  const data = isCnn ? imagesLike(task.rows) : digitsLike(task.rows);
  const shape = isCnn ? [...IMAGE] : [FEATURES];
  const width = isCnn ? PIXELS : FEATURES;
  const make = isCnn ? tutorialCnn : mlp;
  const probe = make();
  const flops = modelFlops(probe.model);
  disposeBuilt(probe);
  // The lab's registry check first: a backend without a gradient kernel the model needs gets "n/a", not a crash.
  const missing = missingTrainingKernels(task.backend).filter((k) => kernelsNeeded({ conv: isCnn, embedding: false }).includes(k));
  if (missing.length > 0) return { model: task.model, flops, rows: task.batchSizes.map((batchSize) => ({ batchSize, na: `n/a: ${missing.join(', ')} not registered` })) };
  const rows: TrainRow[] = [];
  for (const batchSize of task.batchSizes) {
    // Whole batches only (a ragged last batch is a new shape: a recompile on the GPU backends).
    const n = Math.max(batchSize, Math.floor(Math.min(task.rows, task.maxSamples) / batchSize) * batchSize);
    const built = make();
    const xs = tf.tensor(data.x.subarray(0, n * width), [n, ...shape]);
    const ys = tf.tensor2d(data.y.subarray(0, n), [n, 1]);
    try {
      // Warm-up: the first step (kernel compilation / shader build, weight upload), timed on its own.
      const xw = xs.slice(0, batchSize);
      const yw = ys.slice(0, batchSize);
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
      rows.push({ batchSize, warmupMs, steps: samples / batchSize, samples, ms, samplesPerSecond: (samples / ms) * 1000 });
    } catch (err) {
      const kernel = missingKernelOf(err);
      if (!kernel) throw err;
      rows.push({ batchSize, na: `n/a: ${kernel} not registered` });
    } finally {
      tf.dispose([xs, ys]);
      disposeBuilt(built);
    }
  }
  return { model: task.model, flops, rows };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** `tf.matMul` of two n x n float32, each call followed by `await c.data()` (so the GPU backends finish and read back). */
async function matmulTask(task: Extract<BenchTask, { kind: 'matmul' }>): Promise<MatmulResult[]> {
  const out: MatmulResult[] = [];
  for (const plan of task.sizes) {
    const { n } = plan;
    const a = tf.randomUniform([n, n], -1, 1, 'float32', SEED);
    const b = tf.randomUniform([n, n], -1, 1, 'float32', SEED + 1);
    const call = async (): Promise<number> => {
      const t0 = performance.now();
      const c = tf.matMul(a, b);
      await c.data();
      const ms = performance.now() - t0;
      c.dispose();
      return ms;
    };
    try {
      await a.data();
      await b.data();
      const warmupMs = plan.warmup ? await call() : null;
      const times: number[] = [];
      const t0 = performance.now();
      do times.push(await call());
      while (times.length < plan.reps && performance.now() - t0 < plan.budgetMs);
      const medianMs = median(times);
      out.push({ n, warmupMs, reps: times.length, times, medianMs, gflops: (2 * n ** 3) / (medianMs / 1000) / 1e9 });
    } finally {
      tf.dispose([a, b]);
    }
  }
  return out;
}

/** Mean ms per call of `step` over whole passes of `steps` calls until `budgetMs` have passed, after one uncounted pass. */
async function msPerStep(steps: number, budgetMs: number, step: (i: number) => Promise<void>): Promise<number> {
  for (let i = 0; i < steps; i++) await step(i);
  let calls = 0;
  const t0 = performance.now();
  do for (let i = 0; i < steps; i++, calls++) await step(i);
  while (performance.now() - t0 < budgetMs);
  return (performance.now() - t0) / calls;
}

async function breakdownTask(task: Extract<BenchTask, { kind: 'breakdown' }>): Promise<Breakdown> {
  const isCnn = task.model === 'cnn';
  const data = isCnn ? imagesLike(task.rows) : digitsLike(task.rows);
  const shape = isCnn ? [...IMAGE] : [FEATURES];
  const width = isCnn ? PIXELS : FEATURES;
  const { batchSize } = task;
  const n = Math.floor(task.rows / batchSize) * batchSize;
  const steps = n / batchSize;
  const built = isCnn ? tutorialCnn() : mlp();
  const xs = tf.tensor(data.x.subarray(0, n * width), [n, ...shape]);
  const ys = tf.tensor2d(data.y.subarray(0, n), [n, 1]);
  const batches = Array.from({ length: steps }, (_, i) => [xs.slice(i * batchSize, batchSize), ys.slice(i * batchSize, batchSize)] as const);
  const variables = built.model.trainableWeights.map((w) => w.read() as tf.Variable);
  const bareStep = (i: number): tf.Scalar | null => {
    const [xb, yb] = batches[i];
    // The loss fit computes (Keras sparse categorical cross-entropy: one-hot of the labels, then categorical), no metrics.
    const loss = () => tf.mean(tf.metrics.categoricalCrossentropy(tf.oneHot(tf.cast(yb.flatten(), 'int32'), CLASSES), built.model.apply(xb, { training: true }) as tf.Tensor)) as tf.Scalar;
    return built.optimizer.minimize(loss, true, variables);
  };
  try {
    // model.fit over all rows per call (as the training rows), per step; the bare loop reads its loss once per pass.
    const fitStepMs = (await msPerStep(1, task.budgetMs, async () => void (await built.model.fit(xs, ys, { batchSize, epochs: 1, shuffle: false, verbose: 0 })))) / steps;
    const bareStepMs = await msPerStep(steps, task.budgetMs, async (i) => {
      const loss = bareStep(i);
      if (i === steps - 1) await loss?.data();
      loss?.dispose();
    });
    const [xb, yb] = batches[0];
    const fitKernelsPerStep = (await tf.profile(async () => void (await built.model.fit(xb, yb, { batchSize, epochs: 1, shuffle: false, verbose: 0 })))).kernels.length;
    const PROFILED = 8;
    const profile = await tf.profile(() => {
      for (let i = 0; i < PROFILED; i++) bareStep(i % steps)?.dispose();
      return [];
    });
    const bareKernelsPerStep = profile.kernels.length / PROFILED;
    const byName = new Map<string, { count: number; ms: number }>();
    for (const k of profile.kernels) {
      const e = byName.get(k.name) ?? { count: 0, ms: 0 };
      e.count++;
      e.ms += Number(k.kernelTimeMs) || 0;
      byName.set(k.name, e);
    }
    const kernelMsPerStep = [...byName.values()].reduce((sum, e) => sum + e.ms, 0) / PROFILED;
    const topKernels = [...byName]
      .sort((x, y) => y[1].ms - x[1].ms)
      .slice(0, 6)
      .map(([name, e]) => ({ name, perStep: e.count / PROFILED, msPerStep: e.ms / PROFILED }));
    const a = tf.tensor1d([1]);
    const b = tf.tensor1d([2]);
    const dispatchUs =
      (await msPerStep(2000, Math.min(task.budgetMs, 500), async (i) => {
        const c = tf.add(a, b);
        if (i === 1999) await c.data();
        c.dispose();
      })) * 1000;
    tf.dispose([a, b]);
    return { model: task.model, batchSize, fitStepMs, bareStepMs, fitKernelsPerStep, bareKernelsPerStep, dispatchUs, kernelMsPerStep, topKernels };
  } finally {
    tf.dispose([xs, ys, ...batches.flat()]);
    disposeBuilt(built);
  }
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
    if (task.kind === 'train') reply.train = await trainTask(task);
    else if (task.kind === 'matmul') reply.matmul = await matmulTask(task);
    else if (task.kind === 'breakdown') reply.breakdown = await breakdownTask(task);
    else reply.overhead = await overheadTask(task);
    self.postMessage(reply);
  } catch (err) {
    self.postMessage({ type: 'result', ok: false, backend: task.backend, error: err instanceof Error ? err.message : String(err) } satisfies BenchReply);
  }
};
