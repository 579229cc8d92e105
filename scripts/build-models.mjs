#!/usr/bin/env node
/**
 * @file Builds models/ (the shipped model catalog and its manifest.json): trains each catalog model with
 * `benchtop train` on the cpu backend with a fixed seed (bit-deterministic), exports it to ONNX with the lab's
 * exporter, checks the ONNX file against TF.js (max abs difference <= 1e-4) and records every file's sha256.
 * Files that carry run ids or wall-clock times (spec.json, metrics.csv) are not shipped, so rerunning the
 * script leaves git clean.
 *
 * Usage: npm run models            (all models)
 *        node scripts/build-models.mjs iris penguins   (only these ids; the manifest keeps the others' entries)
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

/** The catalog: one entry per shipped model. Every model uses the lab's default spec for its dataset. */
const CATALOG = [
  { id: 'iris-mlp', name: 'Iris species (MLP)', dataset: 'iris', target: 'species', epochs: 50, seed: 1 },
  { id: 'penguins-mlp', name: 'Penguin species (MLP)', dataset: 'penguins', target: 'Species', epochs: 50, seed: 1 },
];

/** Files shipped per model, in manifest order. */
const SHIPPED = ['model.json', 'model.weights.bin', 'featurizer.json', 'signature.json', 'evaluation.json'];

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

function train(entry, out) {
  rmSync(out, { recursive: true, force: true });
  const args = ['bin/benchtop.mjs', 'train', '--data', entry.dataset, '--target', entry.target, '--epochs', String(entry.epochs), '--seed', String(entry.seed), '--backend', 'cpu', '--out', out];
  const result = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) throw new Error(`Training ${entry.id} failed (exit ${result.status}): ${result.stderr.trim().split('\n').slice(-5).join('\n')}`);
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
      process.stderr.write(`Training ${entry.id} on ${entry.dataset} (${entry.epochs} epochs, seed ${entry.seed}, cpu)\n`);
      train(entry, work);

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
        const bytes = readFileSync(join(work, name));
        writeFileSync(join(dir, name), bytes);
        files.push({ path: name, role: name === 'model.json' || name === 'model.weights.bin' ? 'tfjs' : 'metadata', sizeBytes: bytes.byteLength, sha256: sha256(bytes) });
      }
      const onnxBytes = Buffer.from(exported.bytes);
      writeFileSync(join(dir, 'model.onnx'), onnxBytes);
      files.push({ path: 'model.onnx', role: 'onnx', sizeBytes: onnxBytes.byteLength, sha256: sha256(onnxBytes) });
      rmSync(work, { recursive: true, force: true });

      const signature = readJson(join(dir, 'signature.json'));
      const evaluation = readJson(join(dir, 'evaluation.json'));
      const report = evaluation.report;
      models.push({
        id: entry.id,
        name: entry.name,
        description: `A multilayer perceptron (the lab's default spec) predicting ${signature.target.name} from ${signature.inputs.length} columns of the "${dataset.name}" sample dataset.`,
        task: signature.task,
        formats: ['tfjs', 'onnx'],
        inputs: signature.inputs,
        outputs: signature.output,
        labels: signature.output.classes ?? [],
        metrics: { split: evaluation.split, sampleCount: report.sampleCount, accuracy: report.accuracy, f1Macro: report.macro.f1, onnxMaxAbsDiff: check.maxAbsDiff },
        source: { script: SCRIPT, dataset: dataset.id, datasetLicence: dataset.licence, datasetAttribution: dataset.attribution, target: entry.target, epochs: entry.epochs, seed: entry.seed, backend: 'cpu' },
        licence: MODEL_LICENCE,
        licenceNote: `Model weights: ${MODEL_LICENCE} (the project's licence). They were trained on "${dataset.name}", licensed ${dataset.licence}; keep its attribution.`,
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
