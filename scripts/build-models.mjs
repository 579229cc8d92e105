#!/usr/bin/env node
/**
 * @file Builds models/ (the shipped model catalog and its manifest.json): trains each catalog model with
 * `benchtop train` with a fixed seed, exports it to ONNX with the lab's exporter, checks the ONNX file against
 * TF.js (max abs difference <= 1e-4), scores the shipped folder with `benchtop score` on the model's own sample
 * dataset (so the scoring path is exercised for every model, images included) and records every file's sha256.
 * The tabular models train on the cpu backend with the lab's default spec; the image models (digits, Fashion-MNIST)
 * train on the wasm backend (with the lab's gradient kernels, src/engines/tfjs/wasm-kernels.ts; the cpu backend
 * trains a CNN at a few samples/s under Node) with the specs in scripts/models/*.spec.json. Both backends run
 * single-threaded here and gave the same bytes on every rebuild we made (see `determinism` in the manifest); a
 * rebuild also checks its test accuracy against the previous manifest within METRIC_TOLERANCE, so a platform whose
 * wasm arithmetic differs fails loudly rather than silently shipping different numbers.
 * Files that carry run ids or wall-clock times (spec.json, metrics.csv) are not shipped, and the evaluation's ROC
 * and precision-recall curves are dropped from the shipped evaluation.json (they are most of its bytes, and the
 * registry does not read them), so rerunning the script leaves git clean.
 *
 * Usage: npm run models            (all models)
 *        node scripts/build-models.mjs iris-mlp digits-cnn   (only these ids; the manifest keeps the others' entries)
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = join(ROOT, 'models');
const SCRIPT = 'scripts/build-models.mjs';
const MODEL_LICENCE = 'MIT';
const SIZE_BUDGET = 2 * 1024 * 1024;

/** Largest difference in test accuracy allowed between a rebuild and the previous manifest. */
const METRIC_TOLERANCE = 0.02;

/**
 * The catalog: one entry per shipped model. Without `spec`, a model uses the lab's default spec for its dataset on
 * the cpu backend; with `spec` (a file under scripts/models/), that spec on the wasm backend.
 */
const CATALOG = [
  { id: 'iris-mlp', name: 'Iris species (MLP)', dataset: 'iris', target: 'species', epochs: 50, seed: 1, backend: 'cpu' },
  { id: 'penguins-mlp', name: 'Penguin species (MLP)', dataset: 'penguins', target: 'Species', epochs: 50, seed: 1, backend: 'cpu' },
  {
    id: 'digits-mlp', name: 'Handwritten digits 8×8 (MLP)', dataset: 'digits', target: 'label', epochs: 40, seed: 1, backend: 'wasm', spec: 'scripts/models/digits-mlp.spec.json',
    description: 'A multilayer perceptron (one hidden layer of 64 relu units) reading the 64 grey pixels of an 8×8 handwritten digit (0–9).',
  },
  {
    id: 'digits-cnn', name: 'Handwritten digits 8×8 (CNN)', dataset: 'digits', target: 'label', epochs: 40, seed: 1, backend: 'wasm', spec: 'scripts/models/digits-cnn.spec.json',
    description: 'A small convolutional network (3×3 convolutions of 16 and 32 filters, max pooling, 64 dense units) reading an 8×8 grey handwritten digit (0–9).',
  },
  {
    id: 'fashion-mnist-cnn', name: 'Fashion-MNIST clothing 28×28 (CNN)', dataset: 'fashion-mnist', target: 'label', epochs: 30, seed: 1, backend: 'wasm', spec: 'scripts/models/fashion-mnist-cnn.spec.json',
    description: 'A small convolutional network (3×3 convolutions of 8 and 16 filters, max pooling, 32 dense units) reading a 28×28 grey photo of a clothing item (10 classes).',
    notes: 'Trained on a subset: the lab\'s Fashion-MNIST sample holds 3,000 images (the first 300 per class of the official 10,000-image test set); the model trained on 70% of them (2,100), stopped early on 15% and was tested on the other 15% (450). Its accuracy is not comparable with results on the full 60,000/10,000 benchmark.',
  },
];

/** Files shipped per model, in manifest order. */
const SHIPPED = ['model.json', 'model.weights.bin', 'featurizer.json', 'signature.json', 'evaluation.json'];

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

function benchtop(what, args) {
  const result = spawnSync(process.execPath, ['bin/benchtop.mjs', ...args], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${what} failed (exit ${result.status}): ${result.stderr.trim().split('\n').slice(-5).join('\n')}`);
  return result.stdout;
}

function train(entry, out) {
  rmSync(out, { recursive: true, force: true });
  const common = ['--epochs', String(entry.epochs), '--seed', String(entry.seed), '--backend', entry.backend, '--out', out];
  const args = entry.spec ? ['train', entry.spec, '--data', entry.dataset, ...common] : ['train', '--data', entry.dataset, '--target', entry.target, ...common];
  benchtop(`Training ${entry.id}`, args);
}

/**
 * Scores the shipped folder on its sample dataset with `benchtop score` (the lab's batch scoring path, image
 * decoding included) and returns the accuracy over all rows: a check that a catalog model scores, not a metric.
 */
function scoreAll(entry, dir) {
  const lines = benchtop(`Scoring ${entry.id}`, ['score', '--model', dir, '--data', entry.dataset, '--backend', entry.backend]).trim().split('\n').map((l) => JSON.parse(l));
  const rows = lines.filter((l) => l.row !== undefined);
  if (rows.length === 0) throw new Error(`Scoring ${entry.id} returned no rows`);
  return rows;
}

/** The evaluation as shipped: the ROC and precision-recall curves (most of its bytes) emptied; the areas stay. */
function shippedEvaluation(bytes) {
  const evaluation = JSON.parse(bytes.toString('utf8'));
  if (evaluation.report && Array.isArray(evaluation.report.rocCurves)) {
    evaluation.report.rocCurves = [];
    evaluation.report.precisionRecallCurves = [];
  }
  return Buffer.from(JSON.stringify(evaluation));
}

async function main() {
  const only = process.argv.slice(2);
  const unknown = only.filter((id) => !CATALOG.some((e) => e.id === id));
  if (unknown.length > 0) throw new Error(`Unknown model id(s): ${unknown.join(', ')}; expected ${CATALOG.map((e) => e.id).join(', ')}`);
  const datasets = readJson(join(ROOT, 'public', 'datasets', 'manifest.json')).datasets;
  const previous = existsSync(join(OUT_DIR, 'manifest.json')) ? readJson(join(OUT_DIR, 'manifest.json')).models : [];

  const server = await createServer({
    root: ROOT, configFile: false, envFile: false, logLevel: 'error', appType: 'custom', clearScreen: false,
    server: { middlewareMode: true, hmr: false, watch: null, ws: false }, optimizeDeps: { noDiscovery: true, include: [] },
  });
  try {
    const tf = await import('@tensorflow/tfjs');
    await tf.setBackend('cpu');
    const { exportSavedModelToOnnx } = await server.ssrLoadModule('/src/engines/onnx/export-from-tfjs.ts');
    const { compareWithTfjs, EXPORT_TOLERANCE } = await server.ssrLoadModule('/src/engines/onnx/export-check.ts');
    const { configureOrt, OnnxSession } = await server.ssrLoadModule('/src/engines/onnx/session.ts');
    const { importModel } = await server.ssrLoadModule('/src/engines/tfjs/model-export.ts');
    configureOrt();

    const models = [];
    for (const entry of CATALOG) {
      if (only.length > 0 && !only.includes(entry.id)) {
        const kept = previous.find((m) => m.id === entry.id);
        if (kept) models.push(kept);
        continue;
      }
      const dataset = datasets.find((d) => d.id === entry.dataset);
      if (!dataset) throw new Error(`Dataset ${entry.dataset} is not in public/datasets/manifest.json`);
      const work = join(tmpdir(), `benchtop-models-${process.pid}`, entry.id);
      process.stderr.write(`Training ${entry.id} on ${entry.dataset} (${entry.epochs} epochs, seed ${entry.seed}, ${entry.backend})\n`);
      const started = performance.now();
      train(entry, work);
      process.stderr.write(`${entry.id}: trained in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);

      // ONNX export from the saved layers model, checked against TF.js on seeded probe rows.
      const modelJson = readJson(join(work, 'model.json'));
      const weights = readFileSync(join(work, 'model.weights.bin'));
      const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength);
      const saved = { format: 'layers-model', generatedBy: modelJson.generatedBy, modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest[0].weights, weightData };
      const exported = exportSavedModelToOnnx(saved);
      const session = await OnnxSession.create(exported.bytes, { providers: ['wasm'] });
      const layers = await importModel(saved);
      const check = await compareWithTfjs(layers, session, exported, { rows: 16, seed: 7 });
      layers.dispose();
      if (!(check.maxAbsDiff <= EXPORT_TOLERANCE)) throw new Error(`${entry.id}: ONNX differs from TF.js by ${check.maxAbsDiff} (> ${EXPORT_TOLERANCE})`);

      const dir = join(OUT_DIR, entry.id);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      const files = [];
      for (const name of SHIPPED) {
        const raw = readFileSync(join(work, name));
        const bytes = name === 'evaluation.json' ? shippedEvaluation(raw) : raw;
        writeFileSync(join(dir, name), bytes);
        files.push({ path: name, role: name === 'model.json' || name === 'model.weights.bin' ? 'tfjs' : 'metadata', sizeBytes: bytes.byteLength, sha256: sha256(bytes) });
      }
      const onnxBytes = Buffer.from(exported.bytes);
      writeFileSync(join(dir, 'model.onnx'), onnxBytes);
      files.push({ path: 'model.onnx', role: 'onnx', sizeBytes: onnxBytes.byteLength, sha256: sha256(onnxBytes) });
      // What a fine-tuning run must build to load these weights: the model and the image size it was trained with.
      const trainedSpec = readJson(join(work, 'spec.json'));
      rmSync(work, { recursive: true, force: true });

      const signature = readJson(join(dir, 'signature.json'));
      const evaluation = readJson(join(dir, 'evaluation.json'));
      const report = evaluation.report;
      const classes = signature.output.classes ?? [];

      // The shipped folder scores its whole sample dataset through the lab's batch scoring path.
      const scored = scoreAll(entry, dir);
      if (scored.length !== dataset.rows) throw new Error(`${entry.id}: scoring ${entry.dataset} gave ${scored.length} rows, expected ${dataset.rows}`);
      const unknownClass = scored.find((r) => classes.length > 0 && !classes.includes(r.prediction));
      if (unknownClass) throw new Error(`${entry.id}: row ${unknownClass.row} was predicted ${JSON.stringify(unknownClass.prediction)}, not one of its classes`);

      // A rebuild must agree with the previous manifest: the same bytes (reported), and the same accuracy within the tolerance (enforced).
      const before = previous.find((m) => m.id === entry.id);
      const weightsHash = files.find((f) => f.path === 'model.weights.bin').sha256;
      if (before) {
        const same = before.files.find((f) => f.path === 'model.weights.bin')?.sha256 === weightsHash;
        process.stderr.write(`${entry.id}: weights ${same ? 'byte-identical to' : 'DIFFER from'} the previous build\n`);
        const drift = Math.abs((before.metrics.accuracy ?? 0) - report.accuracy);
        if (drift > METRIC_TOLERANCE) throw new Error(`${entry.id}: test accuracy ${report.accuracy} differs from the manifest's ${before.metrics.accuracy} by more than ${METRIC_TOLERANCE}`);
      }

      const defaultDescription = `A multilayer perceptron (the lab's default spec) predicting ${signature.target.name} from ${signature.inputs.length} columns of the "${dataset.name}" sample dataset.`;
      const imageInput = signature.inputs.some((i) => i.type === 'image');
      const reproducibility = entry.backend === 'cpu'
        ? 'Trained on the TF.js cpu backend, which is bit-deterministic for a seed: a rebuild gives the same bytes.'
        : `Trained on the TF.js wasm backend (single-threaded, with the lab's gradient kernels). Rebuilds on the build machine gave byte-identical files; a different CPU or Node version may differ in the last bits of the float arithmetic, so the build checks a rebuilt model's test accuracy against this manifest within ${METRIC_TOLERANCE} rather than its bytes.`;
      const scoring = imageInput
        ? 'Scores PNG images: in the lab (batch scoring of an image dataset), through a scoring endpoint (each image as a base64-encoded PNG in the image column), and with "benchtop score". Images of another size are resized to the model\'s input; colour images are converted to grey.'
        : 'Scores table rows with the input columns, in the lab, through a scoring endpoint and with "benchtop score".';
      models.push({
        id: entry.id,
        name: entry.name,
        description: entry.description ? `${entry.description} Trained on the "${dataset.name}" sample dataset.` : defaultDescription,
        task: signature.task,
        formats: ['tfjs', 'onnx'],
        inputs: signature.inputs,
        outputs: signature.output,
        labels: classes,
        metrics: { split: evaluation.split, sampleCount: report.sampleCount, accuracy: report.accuracy, f1Macro: report.macro.f1, onnxMaxAbsDiff: check.maxAbsDiff },
        source: {
          script: SCRIPT, dataset: dataset.id, datasetLicence: dataset.licence, datasetAttribution: dataset.attribution, target: entry.target, epochs: entry.epochs, seed: entry.seed, backend: entry.backend,
          ...(entry.spec ? { spec: entry.spec } : {}),
        },
        licence: MODEL_LICENCE,
        licenceNote: `Model weights: ${MODEL_LICENCE} (the project's licence). They were trained on "${dataset.name}", licensed ${dataset.licence}; keep its attribution.`,
        notes: [entry.notes, reproducibility].filter(Boolean).join(' '),
        fineTune: { target: trainedSpec.data.target, model: trainedSpec.model, ...(imageInput ? { image: trainedSpec.featurization.image } : {}) },
        scoring,
        files,
      });
    }
    const total = models.reduce((sum, m) => sum + m.files.reduce((s, f) => s + f.sizeBytes, 0), 0);
    if (total > SIZE_BUDGET) throw new Error(`The catalog is ${total} bytes, over its ${SIZE_BUDGET}-byte budget`);
    writeFileSync(join(OUT_DIR, 'manifest.json'), `${JSON.stringify({ format: 'benchtop-models', version: 1, models }, null, 2)}\n`);
    for (const m of models) process.stderr.write(`${m.id}: test accuracy ${m.metrics.accuracy.toFixed(4)}, ONNX max abs diff ${m.metrics.onnxMaxAbsDiff.toExponential(2)}\n`);
    process.stderr.write(`models/: ${models.length} models, ${total} bytes\n`);
  } finally {
    await server.close();
  }
}

main().catch((err) => {
  process.stderr.write(`build-models: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
