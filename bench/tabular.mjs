#!/usr/bin/env node
// npm run bench:tabular [-- --only iris,wine --families random-forest,hist-gradient-boosting --no-sklearn --no-mlp]
// The tabular model families (src/engines/tabular) side by side with scikit-learn: 5-fold stratified
// cross-validation (seed 0, the lab's own folds from src/core/data/k-fold.ts, passed to Python so both sides use the
// same rows) on iris, wine, breast cancer and digits (accuracy) and diabetes (R²), with each family's defaults
// (random forest: 300 trees) against scikit-learn's logistic regression / ridge, kNN (k=5), decision tree, random
// forest (300 trees), HistGradientBoosting, RBF SVC and MLP(128, 128) (bench/tabular-sklearn.py, Debian's
// python3-sklearn, OMP_NUM_THREADS=1 so that both sides use one core). Times are fit + predict over the 5 folds, as
// CPU seconds (fairer on a shared machine; the ratio column) and wall seconds.
// The samples come from public/datasets (CSV); digits from scikit-learn's own digits.csv.gz (the sample in
// public/datasets holds the same digits as PNG images). Results also go to bench/.out/tabular-results.json.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { createServer } from 'vite';

const args = process.argv.slice(2);
const listArg = (name) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1].split(',') : undefined);
const ONLY = listArg('only');
const FAMILIES = listArg('families');
const SKLEARN = !args.includes('--no-sklearn');
const MLP = !args.includes('--no-mlp');
const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';
const DIGITS_CSV = '/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = fileURLToPath(new URL('.out/', import.meta.url));

/** Best scikit-learn score per dataset given with the issue (the goal AutoML must match). */
const REFERENCE = { iris: 0.96, wine: 0.983, 'breast-cancer': 0.979, digits: 0.981, diabetes: 0.49 };

/** Parameters of each family in this bench: its defaults, but 300 trees for the forest (as the reference). */
const PARAMS = { 'random-forest': { nEstimators: 300 } };

/** A sample CSV of public/datasets as a numeric matrix and a target (class indices in sorted label order). */
function loadCsv(id) {
  const manifest = JSON.parse(readFileSync(`${root}public/datasets/manifest.json`, 'utf8'));
  const entry = manifest.datasets.find((d) => d.id === id);
  const text = readFileSync(`${root}public/datasets/${entry.file}`, 'utf8');
  if (text.includes('"')) throw new Error(`${entry.file} has quoted fields; this bench reads plain CSV only`);
  const [header, ...lines] = text.trim().split(/\r?\n/);
  const columns = header.split(',');
  const target = columns.indexOf(entry.target);
  const features = columns.map((_, i) => i).filter((i) => i !== target);
  const rows = lines.map((line) => line.split(','));
  const classification = entry.task !== 'regression';
  const labels = classification ? [...new Set(rows.map((r) => r[target]))].sort() : [];
  const X = new Float64Array(rows.length * features.length);
  rows.forEach((r, i) => features.forEach((c, j) => (X[i * features.length + j] = r[c] === '' ? NaN : Number(r[c]))));
  const y = Float64Array.from(rows, (r) => (classification ? labels.indexOf(r[target]) : Number(r[target])));
  return { name: id, task: classification ? (labels.length === 2 ? 'binary' : 'multiclass') : 'regression', X, y, nRows: rows.length, nFeatures: features.length, nClasses: labels.length };
}

function loadDigits() {
  const rows = gunzipSync(readFileSync(DIGITS_CSV)).toString('utf8').trim().split('\n').map((l) => l.split(',').map(Number));
  const F = rows[0].length - 1;
  const X = new Float64Array(rows.length * F);
  rows.forEach((r, i) => X.set(r.slice(0, F), i * F));
  return { name: 'digits', task: 'multiclass', X, y: Float64Array.from(rows, (r) => r[F]), nRows: rows.length, nFeatures: F, nClasses: 10 };
}

function subset(d, rows) {
  const X = new Float64Array(rows.length * d.nFeatures);
  const y = new Float64Array(rows.length);
  rows.forEach((r, i) => {
    X.set(d.X.subarray(r * d.nFeatures, (r + 1) * d.nFeatures), i * d.nFeatures);
    y[i] = d.y[r];
  });
  return { X, y, nRows: rows.length, nFeatures: d.nFeatures, task: d.task, nClasses: d.nClasses };
}

function score(task, truth, predicted) {
  if (task !== 'regression') {
    let correct = 0;
    for (let i = 0; i < truth.length; i++) correct += truth[i] === predicted[i] ? 1 : 0;
    return correct / truth.length;
  }
  const mean = truth.reduce((a, b) => a + b, 0) / truth.length;
  let res = 0;
  let tot = 0;
  for (let i = 0; i < truth.length; i++) {
    res += (truth[i] - predicted[i]) ** 2;
    tot += (truth[i] - mean) ** 2;
  }
  return 1 - res / tot;
}

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const fmt = (v, digits = 3) => (v === undefined ? '-' : v.toFixed(digits));

async function main() {
  mkdirSync(out, { recursive: true });
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
    const { TABULAR_FAMILIES, familiesFor } = await server.ssrLoadModule('/src/engines/tabular/families.ts');
    const { kFolds } = await server.ssrLoadModule('/src/core/data/k-fold.ts');
    const datasets = [loadCsv('iris'), loadCsv('wine'), loadCsv('breast-cancer'), loadDigits(), loadCsv('diabetes')].filter((d) => !ONLY || ONLY.includes(d.name));
    for (const d of datasets) {
      const target = d.task === 'regression' ? { kind: 'numeric', values: d.y } : { kind: 'categorical', codes: Int32Array.from(d.y), categories: Array.from({ length: d.nClasses }, (_, i) => String(i)) };
      d.folds = kFolds(target, { k: 5, task: d.task === 'regression' ? 'regression' : 'classification', seed: 0, column: 'target' });
    }

    let sklearn = {};
    if (SKLEARN) {
      const specPath = `${out}tabular-datasets.json`;
      writeFileSync(specPath, JSON.stringify({ datasets: datasets.map((d) => ({ name: d.name, task: d.task, nRows: d.nRows, nFeatures: d.nFeatures, X: Array.from(d.X), y: Array.from(d.y), folds: d.folds.map((f) => Array.from(f.validation)) })) }));
      console.error(`scikit-learn: ${PYTHON} bench/tabular-sklearn.py (one thread)...`);
      sklearn = JSON.parse(
        execFileSync(PYTHON, [`${root}bench/tabular-sklearn.py`, specPath, ...(MLP ? [] : ['--no-mlp'])], {
          encoding: 'utf8',
          env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
          stdio: ['ignore', 'pipe', 'inherit'],
          maxBuffer: 1 << 26,
        }),
      );
    }

    const results = {};
    for (const d of datasets) {
      results[d.name] = {};
      for (const name of familiesFor(d.task).filter((f) => !FAMILIES || FAMILIES.includes(f))) {
        const family = TABULAR_FAMILIES[name];
        let total = 0;
        let seconds = 0;
        let cpuSeconds = 0;
        for (const fold of d.folds) {
          const train = subset(d, fold.train);
          const test = subset(d, fold.validation);
          const started = performance.now();
          const cpu = process.cpuUsage();
          const model = await family.fit(train, family.resolveParams(d.task, PARAMS[name]), { seed: 0 });
          const predicted = model.predict(test.X, test.nRows);
          const used = process.cpuUsage(cpu);
          cpuSeconds += (used.user + used.system) / 1e6;
          seconds += (performance.now() - started) / 1000;
          total += score(d.task, test.y, predicted);
        }
        results[d.name][name] = { score: total / d.folds.length, seconds, cpuSeconds };
        console.error(`lab ${d.name} ${name}: ${fmt(total / d.folds.length, 4)} in ${seconds.toFixed(2)} s (CPU ${cpuSeconds.toFixed(2)} s)`);
      }
    }

    console.log(`\n# Tabular families vs scikit-learn — 5-fold stratified CV, seed 0; ${cpus().length} CPUs, load ${loadavg()[0].toFixed(1)}; Node ${process.version}\n`);
    for (const d of datasets) {
      const metric = d.task === 'regression' ? 'R²' : 'accuracy';
      const lab = results[d.name];
      const ref = sklearn[d.name] ?? {};
      const rows = Object.entries(lab).map(([name, r]) => [
        name,
        fmt(r.score),
        fmt(ref[name]?.score),
        ref[name] ? fmt(r.score - ref[name].score, 3) : '-',
        `${r.cpuSeconds.toFixed(2)} (${r.seconds.toFixed(2)})`,
        ref[name] ? `${ref[name].cpuSeconds.toFixed(2)} (${ref[name].seconds.toFixed(2)})` : '-',
        ref[name] ? (r.cpuSeconds / ref[name].cpuSeconds).toFixed(2) : '-',
      ]);
      for (const [name, r] of Object.entries(ref)) if (!lab[name]) rows.push([`(sklearn only) ${name}`, '-', fmt(r.score), '-', '-', `${r.cpuSeconds.toFixed(2)} (${r.seconds.toFixed(2)})`, '-']);
      const bestLab = Math.max(...Object.values(lab).map((r) => r.score));
      const bestRef = Math.max(...Object.values(ref).map((r) => r.score));
      console.log(`## ${d.name} (${d.nRows} × ${d.nFeatures}, ${d.task}; ${metric})\n`);
      console.log(table(['family', `lab ${metric}`, `sklearn ${metric}`, 'Δ', 'lab CPU s (wall)', 'sklearn CPU s (wall)', 'CPU lab/sklearn'], rows));
      console.log(`\nbest lab default ${fmt(bestLab)}; best scikit-learn here ${Number.isFinite(bestRef) ? fmt(bestRef) : '-'}; issue reference ${REFERENCE[d.name]}\n`);
    }
    const head = (() => {
      try {
        return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
      } catch {
        return 'unknown';
      }
    })();
    writeFileSync(`${out}tabular-results.json`, JSON.stringify({ head, date: new Date().toISOString(), lab: results, sklearn }, null, 2));
  } finally {
    await server.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
