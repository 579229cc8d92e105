#!/usr/bin/env node
// node bench/gpu/gpu-bench.mjs [--budget 1500] [--parts all|a,b,...] [--out results.json] [--part-timeout 120]
//
// TF.js and onnxruntime-web under Node on a real GPU: WebGPU through Dawn's Node binding (npm `webgpu`), side by side
// with the wasm (and cpu) backends in one run, plus PyTorch (CUDA and CPU) from bench/gpu/torch_gpu.py. Needs
// `npm install` in bench/gpu and `npm run bundle` there (the lab's model builder, backend setup with its wasm training
// kernels, and ONNX exporter, bundled into bench/gpu/lab.bundle.mjs; see bench/README.md, "Real GPU").
//
// Each part runs in its own child process (`--child <part>`) with a deadline, so a GPU hang or crash costs one part:
//   tfjs-train:<backend>  MLP 64-128-128-10 (the lab's buildModel) and the TF.js MNIST-tutorial CNN, raw model.fit
//                         samples/s at batch 32 and 256 (whole batches, passes repeated until the budget; the first
//                         one-batch fit is the warm-up, timed apart). cpu: MLP only (its CNN runs at a few samples/s).
//   tfjs-score:<backend>  MLP 64-256-256-10 (buildModel, seeded) predicting 100,000 rows in 10,000-row chunks,
//                         each chunk's `await data()` included; rows/s. cpu scores 10,000 rows.
//   ort:<build>:<ep>      the same model exported by the lab's ONNX exporter (src/engines/onnx), scored by
//                         onnxruntime-web 1.30 with execution provider <ep> (webgpu | wasm, one thread), same chunks.
//                         <build>: `app` = the bundle the app ships (ort.bundle.min.mjs, JSEP wasm),
//                         `webgpu` = ort.webgpu.bundle.min.mjs (asyncify wasm, native WebGPU EP).
//   torch                 bench/gpu/torch_gpu.py (python3 with torch; CUDA, 16 threads, 1 thread).
// The scoring parts return the first 1,000 rows' probabilities; the parent checks every one against tfjs wasm.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : args[i + 1];
};
const BUDGET_MS = Number(opt('budget', 1500));
const PART_TIMEOUT_S = Number(opt('part-timeout', 120));
const SEED = 20261127;
const CLASSES = 10;
const FEATURES = 64;
const PIXELS = 784;
const SCORE_ROWS = 100_000;
const SCORE_CHUNK = 10_000;
const CHECK_ROWS = 1_000;
const ALL_PARTS = [
  'tfjs-train:webgpu', 'tfjs-train:wasm', 'tfjs-score:webgpu', 'tfjs-score:wasm',
  'ort:app:webgpu', 'ort:app:wasm', 'ort:webgpu:webgpu', 'ort:webgpu:wasm',
  'torch', 'tfjs-train:cpu', 'tfjs-score:cpu',
];

// ---------------------------------------------------------------------------------------------------------------
// WebGPU through Dawn: navigator.gpu before any TF.js / ORT import.

/** Writes from shared memory copied by the writeBuffer shim below (reported with the ORT parts). */
const sharedCopies = { count: 0, bytes: 0 };

/** Installs Dawn's navigator.gpu; returns the adapter's description or why there is none. */
async function setupWebgpu() {
  let mod;
  try {
    mod = await import('webgpu');
  } catch (err) {
    return { ok: false, reason: `the webgpu package did not load: ${err.message}` };
  }
  Object.assign(globalThis, mod.globals);
  const gpu = mod.create([]);
  // TF.js 4.22's webgpu backend asks for `requiredFeatures: ['timestamp-query', ['bgra8unorm-storage']]` (a nested
  // array: a browser's WebIDL conversion stringifies it). Flatten it here in case Dawn's binding is stricter.
  const adapterProto = globalThis.GPUAdapter?.prototype;
  if (adapterProto && !adapterProto.__flattened) {
    const requestDevice = adapterProto.requestDevice;
    adapterProto.requestDevice = function (descriptor) {
      if (descriptor?.requiredFeatures) descriptor = { ...descriptor, requiredFeatures: [...descriptor.requiredFeatures].flat().map(String) };
      return requestDevice.call(this, descriptor);
    };
    adapterProto.__flattened = true;
  }
  // onnxruntime-web's wasm memory is a SharedArrayBuffer (its threaded builds, even at numThreads 1), and it hands
  // views of it to queue.writeBuffer. Dawn's Node binding refuses shared memory (seen on the H200: JSEP "no overload
  // matched for writeBuffer", the WebGPU EP "Invalid argument"); a browser accepts it. Copy such data first.
  const queueProto = globalThis.GPUQueue?.prototype;
  if (queueProto && !queueProto.__sabCopy && typeof SharedArrayBuffer !== 'undefined') {
    const writeBuffer = queueProto.writeBuffer;
    queueProto.writeBuffer = function (buffer, offset, data, dataOffset = 0, size) {
      const view = ArrayBuffer.isView(data);
      const backing = view ? data.buffer : data;
      if (!(backing instanceof SharedArrayBuffer)) return writeBuffer.apply(this, arguments);
      const unit = view ? (data.BYTES_PER_ELEMENT ?? 1) : 1;
      const start = (view ? data.byteOffset : 0) + dataOffset * unit;
      const bytes = size === undefined ? (view ? data.byteLength : data.byteLength) - dataOffset * unit : size * unit;
      const copy = new Uint8Array(bytes);
      copy.set(new Uint8Array(backing, start, bytes));
      sharedCopies.count++;
      sharedCopies.bytes += bytes;
      return writeBuffer.call(this, buffer, offset, copy, 0, bytes);
    };
    queueProto.__sabCopy = true;
  }
  if (globalThis.navigator === undefined) globalThis.navigator = {};
  Object.defineProperty(globalThis.navigator, 'gpu', { value: gpu, configurable: true });
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return { ok: false, reason: 'no WebGPU adapter (Dawn found no usable Vulkan device)' };
  const info = adapter.info ?? {};
  return {
    ok: true,
    vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description,
    isFallbackAdapter: info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false,
    features: [...adapter.features].sort(),
    limits: { maxBufferSize: adapter.limits.maxBufferSize, maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize, maxComputeInvocationsPerWorkgroup: adapter.limits.maxComputeInvocationsPerWorkgroup },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Data (the generators of bench/train-page/train.worker.ts)

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function digitsLike(rows, seed = SEED) {
  const rand = mulberry32(seed);
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
function imagesLike(rows) {
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

// ---------------------------------------------------------------------------------------------------------------
// Models: the lab's builder (MLPs) and the tutorial CNN of bench/train-page/train.worker.ts.

const ADAM = { name: 'adam', learningRate: 1e-3 };
function labMlp(lab, units) {
  return lab.buildModel(
    {
      task: 'multiclass',
      model: { family: 'mlp', layers: [{ units, activation: 'relu', dropout: 0, batchNorm: false }, { units, activation: 'relu', dropout: 0, batchNorm: false }] },
      optimizer: ADAM,
      loss: 'crossentropy',
      seed: SEED,
    },
    { featureCount: FEATURES, segments: [{ column: 'pixels', type: 'numeric', offset: 0, width: FEATURES }] },
    CLASSES,
  );
}
function tutorialCnn(tf) {
  const init = () => tf.initializers.varianceScaling({ scale: 1, mode: 'fanIn', distribution: 'normal', seed: SEED });
  const model = tf.sequential({
    name: 'mnist_tutorial_cnn',
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], kernelSize: 5, filters: 8, strides: 1, activation: 'relu', kernelInitializer: init() }),
      tf.layers.maxPooling2d({ poolSize: [2, 2], strides: [2, 2] }),
      tf.layers.conv2d({ kernelSize: 5, filters: 16, strides: 1, activation: 'relu', kernelInitializer: init() }),
      tf.layers.maxPooling2d({ poolSize: [2, 2], strides: [2, 2] }),
      tf.layers.flatten(),
      tf.layers.dense({ units: CLASSES, activation: 'softmax', kernelInitializer: init() }),
    ],
  });
  const optimizer = tf.train.adam(1e-3, 0.9, 0.999, 1e-7);
  model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return { model, optimizer };
}

async function loadLab() {
  const bundle = join(here, 'lab.bundle.mjs');
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run \`npm run bundle\` in bench/gpu`);
  return import(pathToFileURL(bundle).href);
}

// ---------------------------------------------------------------------------------------------------------------
// Child parts

async function tfjsTrain(backend) {
  const lab = await loadLab();
  const tf = await import('@tensorflow/tfjs');
  await lab.initBackend(backend);
  const out = { backend: tf.getBackend(), rows: [] };
  const mlpData = digitsLike(1800);
  const cnnData = imagesLike(1024);
  for (const model of backend === 'cpu' ? ['mlp'] : ['mlp', 'cnn']) {
    for (const batchSize of [32, 256]) {
      const built = model === 'mlp' ? labMlp(lab, 128) : tutorialCnn(tf);
      const data = model === 'mlp' ? mlpData : cnnData;
      const width = model === 'mlp' ? FEATURES : PIXELS;
      const total = data.y.length;
      const n = Math.max(batchSize, Math.floor(total / batchSize) * batchSize);
      const shape = model === 'mlp' ? [n, FEATURES] : [n, 28, 28, 1];
      const x = tf.tensor(data.x.subarray(0, n * width), shape);
      const y = tf.tensor1d(data.y.subarray(0, n));
      const fit = (xs, ys) => built.model.fit(xs, ys, { batchSize, epochs: 1, shuffle: false, verbose: 0 });
      const xw = x.slice(0, batchSize);
      const yw = y.slice(0, batchSize);
      let t0 = performance.now();
      try {
        await fit(xw, yw);
      } catch (err) {
        out.rows.push({ model, batchSize, na: String(err?.message ?? err).slice(0, 300) });
        log(`${backend} ${model} b${batchSize}: n/a: ${err?.message ?? err}`);
        tf.dispose([x, y, xw, yw]);
        built.model.dispose();
        continue;
      }
      const warmupMs = performance.now() - t0;
      let samples = 0;
      t0 = performance.now();
      let lastLoss;
      while (performance.now() - t0 < BUDGET_MS) {
        const h = await fit(x, y);
        lastLoss = h.history.loss.at(-1);
        samples += n;
      }
      const ms = performance.now() - t0;
      out.rows.push({ model, batchSize, warmupMs: round(warmupMs), samples, ms: round(ms), samplesPerSecond: (samples / ms) * 1000, lastLoss });
      log(`${backend} ${model} b${batchSize}: ${((samples / ms) * 1000).toFixed(0)} samples/s (warm-up ${warmupMs.toFixed(0)} ms, loss ${lastLoss?.toFixed(3)})`);
      tf.dispose([x, y, xw, yw]);
      built.model.dispose();
      built.optimizer.dispose();
    }
  }
  return out;
}

function scoreRows(rows) {
  return digitsLike(rows, SEED + 7).x;
}

async function timedPasses(onePass, rows) {
  let t0 = performance.now();
  const first = await onePass();
  const warmupMs = performance.now() - t0;
  let passes = 0;
  t0 = performance.now();
  while (passes === 0 || performance.now() - t0 < BUDGET_MS) {
    await onePass();
    passes++;
  }
  const ms = performance.now() - t0;
  return { first, result: { rows, chunk: SCORE_CHUNK, passes, warmupMs: round(warmupMs), ms: round(ms), rowsPerSecond: ((passes * rows) / ms) * 1000 } };
}

async function tfjsScore(backend) {
  const lab = await loadLab();
  const tf = await import('@tensorflow/tfjs');
  await lab.initBackend(backend);
  const { model } = labMlp(lab, 256);
  const rows = backend === 'cpu' ? SCORE_CHUNK : SCORE_ROWS;
  const x = scoreRows(rows);
  const onePass = async () => {
    let head;
    for (let start = 0; start < rows; start += SCORE_CHUNK) {
      const probs = tf.tidy(() => model.predict(tf.tensor2d(x.subarray(start * FEATURES, (start + SCORE_CHUNK) * FEATURES), [SCORE_CHUNK, FEATURES])));
      const values = await probs.data();
      probs.dispose();
      if (start === 0) head = values.slice(0, CHECK_ROWS * CLASSES);
    }
    return head;
  };
  const { first, result } = await timedPasses(onePass, rows);
  log(`tfjs ${backend} score: ${result.rowsPerSecond.toFixed(0)} rows/s over ${rows} rows (${result.passes} passes, warm-up ${result.warmupMs} ms)`);
  return { backend: tf.getBackend(), ...result, head: Array.from(first) };
}

async function ortScore(build, ep) {
  const lab = await loadLab();
  const tf = await import('@tensorflow/tfjs');
  await tf.setBackend('cpu');
  const { model } = labMlp(lab, 256);
  const exported = await lab.exportLayersModelToOnnx(model);
  const require = createRequire(join(here, 'package.json'));
  const dist = dirname(require.resolve('onnxruntime-web')); // the package's dist/
  const file = build === 'app' ? 'ort.bundle.min.mjs' : 'ort.webgpu.bundle.min.mjs';
  const wasm = build === 'app' ? 'ort-wasm-simd-threaded.jsep.wasm' : 'ort-wasm-simd-threaded.asyncify.wasm';
  const ort = await import(pathToFileURL(join(dist, file)).href);
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.wasmBinary = readFileSync(join(dist, wasm));
  ort.env.logLevel = 'error';
  const t0 = performance.now();
  const session = await ort.InferenceSession.create(exported.bytes, { executionProviders: [ep], graphOptimizationLevel: 'all' });
  const sessionMs = performance.now() - t0;
  const input = session.inputNames[0];
  const output = session.outputNames[0];
  const x = scoreRows(SCORE_ROWS);
  const onePass = async () => {
    let head;
    for (let start = 0; start < SCORE_ROWS; start += SCORE_CHUNK) {
      const feed = new ort.Tensor('float32', x.subarray(start * FEATURES, (start + SCORE_CHUNK) * FEATURES), [SCORE_CHUNK, FEATURES]);
      const res = await session.run({ [input]: feed });
      const values = res[output].data;
      if (start === 0) head = values.slice(0, CHECK_ROWS * CLASSES);
      for (const t of Object.values(res)) t.dispose?.();
    }
    return head;
  };
  const { first, result } = await timedPasses(onePass, SCORE_ROWS);
  log(`ort ${build} ${ep} score: ${result.rowsPerSecond.toFixed(0)} rows/s (${result.passes} passes, warm-up ${result.warmupMs} ms, session ${sessionMs.toFixed(0)} ms)`);
  await session.release();
  return { ortVersion: ort.env.versions?.web, build: file, ep, sharedMemoryWritesCopied: { ...sharedCopies }, operators: exported.operators, onnxBytes: exported.bytes.length, sessionMs: round(sessionMs), ...result, head: Array.from(first) };
}

// ---------------------------------------------------------------------------------------------------------------

function round(v) {
  return Math.round(v * 10) / 10;
}
function log(line) {
  process.stderr.write(`${line}\n`);
}

/** Runs `cmd args` with a deadline; resolves { ok, json | error, stderr tail, ms }. */
function runChild(cmd, cmdArgs, timeoutS) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(cmd, cmdArgs, { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let grace;
    child.stdout.on('data', (d) => {
      stdout += d;
      // A child that printed its result but does not exit (seen: ORT + Dawn exit handlers) is killed after 3 s.
      if (!grace && /\nRESULT .*\n/.test(stdout)) grace = setTimeout(() => child.kill('SIGKILL'), 3000);
    });
    child.stderr.on('data', (d) => {
      stderr += d;
      process.stderr.write(d);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutS * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(grace);
      const ms = round(performance.now() - t0);
      const tail = stderr.slice(-1500);
      const line = /\nRESULT (.*)\n/.exec(stdout)?.[1] ?? stdout.trim().split('\n').at(-1) ?? '';
      try {
        resolve({ ok: true, ms, ...JSON.parse(line), exit: code ?? signal });
      } catch {
        resolve({ ok: false, ms, error: signal === 'SIGKILL' ? `killed after ${timeoutS} s` : `exit ${code ?? signal}`, stderrTail: tail });
      }
    });
  });
}

async function child(part) {
  const [kind, a, b] = part.split(':');
  const gpu = await setupWebgpu();
  if (kind !== 'probe' && ((kind === 'tfjs-train' || kind === 'tfjs-score') ? a === 'webgpu' : b === 'webgpu') && !gpu.ok) {
    return { na: gpu.reason };
  }
  if (kind === 'probe') return { gpu };
  if (kind === 'tfjs-train') return tfjsTrain(a);
  if (kind === 'tfjs-score') return tfjsScore(a);
  if (kind === 'ort') return ortScore(a, b);
  throw new Error(`unknown part ${part}`);
}

function maxAbsDiff(a, b) {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function fmt(v, digits = 0) {
  return typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : String(v);
}

async function parent() {
  const partsArg = opt('parts', 'all');
  const parts = partsArg === 'all' ? ALL_PARTS : partsArg.split(',');
  const outFile = opt('out', join(tmpdir(), 'gpu-bench.json'));
  const self = fileURLToPath(import.meta.url);
  const started = new Date().toISOString();
  const probe = await runChild(process.execPath, [self, '--child', 'probe'], 60);
  const gpu = probe.gpu ?? { ok: false, reason: probe.error };
  console.log(`Node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}; budget ${BUDGET_MS} ms per row`);
  console.log(`WebGPU adapter: ${gpu.ok ? `${gpu.vendor} / ${gpu.architecture} / ${gpu.description || gpu.device} (fallback ${gpu.isFallbackAdapter})` : `none: ${gpu.reason}`}`);
  const results = {};
  mkdirSync(dirname(outFile), { recursive: true });
  for (const part of parts) {
    const partBudget = part === 'torch' ? PART_TIMEOUT_S + 60 : PART_TIMEOUT_S;
    results[part] =
      part === 'torch'
        ? await runChild(process.env.BENCH_PYTHON ?? 'python3', [join(here, 'torch_gpu.py'), '--budget-ms', String(BUDGET_MS)], partBudget)
        : await runChild(process.execPath, [self, '--child', part, '--budget', String(BUDGET_MS)], partBudget);
    const r = results[part];
    writeFileSync(outFile, JSON.stringify({ started, partial: true, gpu, results }, null, 2));
    if (!r.ok) console.log(`${part}: FAILED (${r.error ?? 'error'}) ${r.stderrTail ?? ''}`);
    else if (r.na) console.log(`${part}: n/a: ${r.na}`);
  }

  // Agreement of every scorer with tfjs wasm on the first 1,000 rows.
  const reference = results['tfjs-score:wasm']?.head;
  for (const r of Object.values(results)) {
    if (r.head && reference) r.maxAbsDiffVsWasm = maxAbsDiff(r.head, reference);
    delete r.head;
  }

  console.log('\nTraining, model.fit samples/s (warm-up ms)');
  console.log('| model | batch | tfjs webgpu | tfjs wasm | tfjs cpu | torch CUDA | torch CPU 16 thr | torch CPU 1 thr |');
  console.log('|---|---|---|---|---|---|---|---|');
  const torch = results.torch?.devices ?? {};
  for (const model of ['mlp', 'cnn']) {
    for (const batchSize of [32, 256]) {
      const cell = (part) => {
        const r = results[part];
        if (!r) return '–';
        if (!r.ok) return 'failed';
        if (r.na) return 'n/a';
        const row = r.rows?.find((x) => x.model === model && x.batchSize === batchSize);
        return row ? (row.na ? 'n/a' : `${fmt(row.samplesPerSecond)} (${fmt(row.warmupMs)})`) : '–';
      };
      const t = (dev) => {
        const row = torch[dev]?.train?.find((x) => x.model === model && x.batchSize === batchSize);
        return row ? fmt(row.samplesPerSecond) : '–';
      };
      console.log(`| ${model} | ${batchSize} | ${cell('tfjs-train:webgpu')} | ${cell('tfjs-train:wasm')} | ${cell('tfjs-train:cpu')} | ${t('cuda')} | ${t('cpu16')} | ${t('cpu1')} |`);
    }
  }
  console.log(`\nScoring, MLP 64-256-256-10 over ${SCORE_ROWS.toLocaleString('en-US')} rows in ${SCORE_CHUNK.toLocaleString('en-US')}-row chunks, rows/s`);
  console.log('| scorer | rows/s | passes | warm-up ms | max |p - p_wasm| (1,000 rows) |');
  console.log('|---|---|---|---|---|');
  for (const part of parts.filter((p) => p.startsWith('tfjs-score') || p.startsWith('ort'))) {
    const r = results[part];
    if (!r) continue;
    if (!r.ok || r.na) console.log(`| ${part} | ${r.na ? `n/a: ${r.na}` : `failed: ${r.error ?? ''}`} | | | |`);
    else console.log(`| ${part}${r.rows !== SCORE_ROWS ? ` (${r.rows} rows)` : ''} | ${fmt(r.rowsPerSecond)} | ${r.passes} | ${fmt(r.warmupMs)} | ${r.maxAbsDiffVsWasm?.toExponential(1) ?? '–'} |`);
  }
  for (const dev of ['cuda', 'cpu16', 'cpu1']) {
    const s = torch[dev]?.score;
    if (s) console.log(`| torch ${dev} | ${fmt(s.rowsPerSecond)} | ${s.passes} | ${fmt(s.warmupMs)} | – |`);
  }
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, JSON.stringify({ started, node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, budgetMs: BUDGET_MS, gpu, results }, null, 2));
  console.log(`\nwrote ${outFile}`);
}

const childIndex = args.indexOf('--child');
if (childIndex !== -1) {
  try {
    const result = await child(args[childIndex + 1]);
    process.stdout.write(`\nRESULT ${JSON.stringify(result)}\n`);
    process.exit(0);
  } catch (err) {
    log(`part ${args[childIndex + 1]} failed: ${err?.stack ?? err}`);
    process.exit(1);
  }
} else {
  await parent();
}
