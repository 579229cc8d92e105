#!/usr/bin/env node
// node bench/cnn-wasm-node.mjs [--budget 4000] [--reps 2] [--profile]
// Under Node, side by side in one process: samples/s of raw model.fit for the TF.js MNIST-tutorial CNN (conv 5x5x8
// relu, max pool 2x2/2, conv 5x5x16 relu, max pool 2x2/2, flatten, dense 10 softmax; 28x28x1 random images, adam,
// categorical cross-entropy) at batch 32 and 256 on the wasm backend (with the lab's training kernels from
// src/engines/tfjs/wasm-kernels.ts, registered by the lab's initBackend) and on the cpu backend. Each wasm run is
// warmed up on a few hundred samples (cpu: one batch, see below); then whole epochs are timed until the budget is
// spent, and the best of `reps` alternating passes is kept. `--profile` prints each backend's slowest kernels.
// Takes 2-4 minutes on 2 cores, nearly all of it the cpu backend.
import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';
import { createServer } from 'vite';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(args[i + 1]);
};
const BUDGET_MS = opt('budget', 4000);
const REPS = Math.max(1, opt('reps', 2));
const PROFILE = args.includes('--profile');
const BATCH_SIZES = [32, 256];
const WARMUP_SAMPLES = 320;
const ROWS = 1024;

const root = fileURLToPath(new URL('..', import.meta.url));
const server = await createServer({
  root,
  configFile: false,
  envFile: false,
  logLevel: 'error',
  appType: 'custom',
  clearScreen: false,
  server: { middlewareMode: true, hmr: false, watch: null, ws: false },
  optimizeDeps: { noDiscovery: true, include: [] },
});

try {
  const tf = await import('@tensorflow/tfjs');
  const { initBackend } = await server.ssrLoadModule('/src/engines/tfjs/backend-setup.ts');

  /** Seeded uniform values (xorshift32), so both backends train on the same data. */
  function uniform(size, seed) {
    const out = new Float32Array(size);
    let s = seed >>> 0 || 1;
    for (let i = 0; i < size; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      out[i] = (s >>> 0) / 4294967296;
    }
    return out;
  }
  const images = uniform(ROWS * 784, 1);
  const labels = new Float32Array(ROWS * 10);
  uniform(ROWS, 2).forEach((u, i) => (labels[i * 10 + Math.floor(u * 10)] = 1));

  function mnistCnn() {
    const model = tf.sequential();
    const init = () => tf.initializers.varianceScaling({ seed: 42 });
    model.add(tf.layers.conv2d({ inputShape: [28, 28, 1], kernelSize: 5, filters: 8, strides: 1, activation: 'relu', kernelInitializer: init() }));
    model.add(tf.layers.maxPooling2d({ poolSize: [2, 2], strides: [2, 2] }));
    model.add(tf.layers.conv2d({ kernelSize: 5, filters: 16, strides: 1, activation: 'relu', kernelInitializer: init() }));
    model.add(tf.layers.maxPooling2d({ poolSize: [2, 2], strides: [2, 2] }));
    model.add(tf.layers.flatten());
    model.add(tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init() }));
    const optimizer = tf.train.adam();
    model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    return { model, optimizer };
  }

  /** Samples/s of model.fit at `batchSize` on `backend`: warm-up, then timed epochs until the budget is spent. */
  async function measure(backend, batchSize) {
    await initBackend(backend);
    const { model, optimizer } = mnistCnn();
    // Whole batches only. The cpu backend trains this CNN at a few samples/s under Node (its Conv2DBackpropFilter
    // reads through TensorBuffer.get), so it is warmed up on one batch and timed on one batch per pass.
    const slow = backend === 'cpu';
    const window = slow ? batchSize : Math.max(batchSize, Math.floor(ROWS / batchSize) * batchSize);
    const x = tf.tensor4d(images.subarray(0, window * 784), [window, 28, 28, 1]);
    const y = tf.tensor2d(labels.subarray(0, window * 10), [window, 10]);
    const warm = slow ? batchSize : Math.max(batchSize, Math.floor(WARMUP_SAMPLES / batchSize) * batchSize);
    const xw = x.slice(0, Math.min(warm, window));
    const yw = y.slice(0, Math.min(warm, window));
    const fit = (xs, ys) => model.fit(xs, ys, { batchSize, epochs: 1, shuffle: false, verbose: 0 });
    await fit(xw, yw);
    const tensorsBefore = tf.memory().numTensors;
    let samples = 0;
    const start = performance.now();
    while (performance.now() - start < BUDGET_MS) {
      await fit(x, y);
      samples += window;
    }
    const seconds = (performance.now() - start) / 1000;
    const leaked = tf.memory().numTensors - tensorsBefore;
    let profile = null;
    if (PROFILE) {
      const xb = x.slice(0, batchSize);
      const yb = y.slice(0, batchSize);
      const info = await tf.profile(() => fit(xb, yb));
      const byKernel = new Map();
      for (const k of info.kernels) byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + (await k.kernelTimeMs));
      profile = [...byKernel].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([name, ms]) => `${name} ${ms.toFixed(1)}ms`).join(', ');
      tf.dispose([xb, yb]);
    }
    tf.dispose([x, y, xw, yw]);
    model.dispose();
    optimizer.dispose();
    return { samplesPerSecond: samples / seconds, leaked, profile };
  }

  console.log(`TF.js ${tf.version.tfjs}, Node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}; budget ${BUDGET_MS} ms per run, best of ${REPS}`);
  const rows = [];
  for (const batchSize of BATCH_SIZES) {
    const best = { wasm: 0, cpu: 0 };
    for (let rep = 0; rep < REPS; rep++) {
      for (const backend of rep % 2 === 0 ? ['wasm', 'cpu'] : ['cpu', 'wasm']) {
        const result = await measure(backend, batchSize);
        if (result.leaked !== 0) throw new Error(`${backend} at batch ${batchSize} leaked ${result.leaked} tensors across epochs`);
        best[backend] = Math.max(best[backend], result.samplesPerSecond);
        if (result.profile) console.log(`  profile ${backend} batch ${batchSize}: ${result.profile}`);
      }
    }
    rows.push({ batchSize, ...best, ratio: best.wasm / best.cpu });
  }
  console.log('\nMNIST-tutorial CNN, model.fit samples/s (Node)');
  console.log('batch | wasm (lab kernels) | cpu     | wasm:cpu');
  for (const r of rows) console.log(`${String(r.batchSize).padStart(5)} | ${r.wasm.toFixed(0).padStart(18)} | ${r.cpu.toFixed(0).padStart(7)} | ${r.ratio.toFixed(2)}x`);
} finally {
  await server.close();
}
