#!/usr/bin/env node
// npm run bench:score [-- --quick --rows 100000 --requests 200 --warmup 20 --batch-rows 4096 --budget 30000
//                        --backends ort-wasm,ort-webgpu,tfjs-cpu,tfjs-wasm,tfjs-webgl,tfjs-webgpu,endpoint-tfjs,endpoint-onnx
//                        --models iris,mlp --rounds 1 --json results.json --ref HEAD]
// Scoring speed of one model exported both ways, in one headless Chromium page, every task in fresh workers:
// ONNX Runtime Web (wasm, webgpu) through the lab's ONNX worker (OnnxClient → workers/onnx.worker.ts), TF.js on each
// backend (cpu, wasm, webgl, webgpu) through the lab's openScoringModel/predict in a worker, and the endpoint path
// (ScoreClient → workers/score.worker.ts with MLflow JSON bodies; TF.js cpu and ONNX Runtime wasm, as the score worker
// runs them). Per task: single-row request latency p50/p95 after a warm-up, batch throughput (rows/s) on up to 100k
// rows in batches, and the outputs on fixed rows against TF.js cpu's (max abs diff, argmax agreement). Models: the
// iris catalog model (models/iris-mlp: TF.js files and its shipped ONNX file) and an MLP 64-256-256-10 built in the
// page (seeded) and exported to ONNX with the lab's exporter. Ratios are speeds relative to ONNX Runtime wasm.
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { build } from 'vite';
import { checkoutRef, chromiumVersion, descendantsCpuSeconds, openBenchPage, table, treeState, withTimeout } from './lib.mjs';

const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  if (i === -1) return fallback;
  const value = Number(args[i + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number; got ${JSON.stringify(args[i + 1])}`);
  return value;
};
const list = (name, all) => {
  const i = args.indexOf(`--${name}`);
  if (i === -1) return all;
  const picked = String(args[i + 1] ?? '').split(',').filter(Boolean);
  const unknown = picked.filter((x) => !all.includes(x));
  if (unknown.length || picked.length === 0) throw new Error(`--${name}: unknown ${JSON.stringify(unknown.join(','))}; expected a comma-separated list of ${all.join(', ')}`);
  return all.filter((x) => picked.includes(x));
};
const jsonIndex = args.indexOf('--json');
const JSON_OUT = jsonIndex === -1 ? undefined : resolve(args[jsonIndex + 1] ?? '');
if (jsonIndex !== -1 && !args[jsonIndex + 1]) throw new Error('--json needs a file name');

const ROWS = opt('rows', QUICK ? 10_000 : 100_000);
const REQUESTS = opt('requests', QUICK ? 50 : 200);
const WARMUP = opt('warmup', QUICK ? 5 : 20);
/** The lab's batch-scoring default (src/jobs/batch-score.ts DEFAULT_BATCH_ROWS). */
const BATCH_ROWS = opt('batch-rows', 4096);
const BUDGET_MS = opt('budget', QUICK ? 5_000 : 30_000);
/** Repetitions of every task, alternating the order; each row reports its best round (see bestOfRounds). */
const ROUNDS = Math.round(opt('rounds', 1));
const CHECK_ROWS = 1024;
const SEED = 20261128;
const MLP_UNITS = [64, 256, 256, 10];

const ENGINES = {
  'ort-wasm': { label: 'ORT wasm', engine: { kind: 'ort', provider: 'wasm' } },
  'ort-webgpu': { label: 'ORT webgpu', engine: { kind: 'ort', provider: 'webgpu' }, software: 'webgpu' },
  'tfjs-cpu': { label: 'TF.js cpu', engine: { kind: 'tfjs', backend: 'cpu' } },
  'tfjs-wasm': { label: 'TF.js wasm', engine: { kind: 'tfjs', backend: 'wasm' } },
  'tfjs-webgl': { label: 'TF.js webgl', engine: { kind: 'tfjs', backend: 'webgl' }, software: 'webgl' },
  'tfjs-webgpu': { label: 'TF.js webgpu', engine: { kind: 'tfjs', backend: 'webgpu' }, software: 'webgpu' },
  'endpoint-tfjs': { label: 'endpoint, TF.js (wasm)', engine: { kind: 'endpoint', format: 'tfjs' } },
  'endpoint-onnx': { label: 'endpoint, ORT wasm', engine: { kind: 'endpoint', format: 'onnx' } },
};
const BACKENDS = list('backends', Object.keys(ENGINES));
const MODELS = list('models', ['iris', 'mlp']);
const refIndex = args.indexOf('--ref');
const REF = refIndex === -1 ? undefined : args[refIndex + 1];
if (refIndex !== -1 && !REF) throw new Error('--ref needs a git ref (e.g. HEAD)');
const TASK_TIMEOUT_MS = 600_000;
const OUT = resolve('bench/.out');

const fmt = (v, digits = 0) => (Number.isFinite(v) ? v.toFixed(digits) : '-');
const ms = (v) => (!Number.isFinite(v) ? '-' : v < 1 ? v.toFixed(3) : v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0));
const ratio = (v) => (!Number.isFinite(v) ? '-' : v >= 10 ? `${v.toFixed(0)}×` : v >= 1 ? `${v.toFixed(2)}×` : `${v.toPrecision(2)}×`);
const rate = (v) => (!Number.isFinite(v) ? '-' : v >= 1e6 ? `${(v / 1e6).toFixed(2)} M` : v >= 1e4 ? `${(v / 1e3).toFixed(0)} k` : v >= 1e3 ? `${(v / 1e3).toFixed(1)} k` : v.toFixed(0));
const sci = (v) => (!Number.isFinite(v) ? '-' : v === 0 ? '0' : v.toExponential(1));

/**
 * One backend's rounds as one row: latency from the round with the lowest p50, throughput from the round with the
 * most rows/s (the least disturbed by other jobs), agreement from the worst round. A backend that failed every round
 * gives its first failure.
 */
function bestOfRounds(list) {
  const ok = list.filter((r) => r.ok);
  if (ok.length === 0) return list[0];
  const fastest = ok.reduce((a, b) => (b.latency.p50 < a.latency.p50 ? b : a));
  const best = ok.reduce((a, b) => (b.batch.rowsPerSecond > a.batch.rowsPerSecond ? b : a));
  const worst = ok.reduce((a, b) => (b.check.maxAbsDiff > a.check.maxAbsDiff ? b : a));
  return {
    ...best,
    latency: fastest.latency,
    ...(fastest.innerLatency ? { innerLatency: fastest.innerLatency } : {}),
    check: worst.check,
    loadMs: Math.min(...ok.map((r) => r.initMs + r.loadMs)),
    initMs: 0,
    rounds: list.map((r) => (r.ok ? { p50: r.latency.p50, p95: r.latency.p95, rowsPerSecond: r.batch.rowsPerSecond, rows: r.batch.rows, cpuPerWall: r.cpuPerWall } : { error: r.error })),
  };
}

async function main() {
  const startedAt = Date.now();
  const loadAtStart = loadavg()[0].toFixed(2);
  mkdirSync(OUT, { recursive: true });
  // --ref: the committed code of a ref (extracted under bench/.out/tree-<sha>, removed afterwards) with this bench page.
  const tree = REF ? checkoutRef(REF, OUT) : undefined;
  if (tree) cpSync(resolve('bench/score-page'), join(tree.dir, 'bench/score-page'), { recursive: true });
  const root = tree?.dir ?? resolve('.');
  const code = tree ? `${REF} (${tree.sha.slice(0, 7)})` : `working tree (${treeState()})`;
  const DIST = join(root, 'bench/.out/dist-score');
  try {
    await build({ configFile: join(root, 'bench/score-page/vite.config.ts') });
  } catch (err) {
    throw new Error(`Building the bench page (bench/score-page/vite.config.ts) failed: ${String(err.message).split('\n').slice(0, 8).join(' ')}`);
  }
  // The catalog model the page fetches (model.json, weights, the shipped model.onnx, featurizer, signature).
  cpSync(join(root, 'models/iris-mlp'), join(DIST, 'models/iris-mlp'), { recursive: true });

  console.log(
    `Parameters: ${ROWS.toLocaleString('en-US')} rows per model (seeded), ${WARMUP} warm-up + ${REQUESTS} single-row requests, batches of ${BATCH_ROWS} rows until all rows or ${BUDGET_MS / 1000} s (at least one batch, after an uncounted warm-up batch of 1024 rows), outputs on ${CHECK_ROWS} rows vs TF.js cpu${ROUNDS > 1 ? `; ${ROUNDS} rounds, alternating order, each row its best round (lowest p50, highest rows/s)` : ''}${QUICK ? ' (--quick)' : ''}`,
  );
  const bench = await openBenchPage(DIST);
  const results = {};
  let info;
  try {
    const { page, pageErrors } = bench;
    process.stdout.write('  preparing: data, MLP build + ONNX export, reference outputs (TF.js cpu), registered versions ... ');
    info = await withTimeout(page.evaluate((o) => window.prepare(o), { rows: ROWS, checkRows: CHECK_ROWS, seed: SEED, mlpUnits: MLP_UNITS }), 300_000, 'preparing the bench page');
    console.log('done');
    console.log(`  WebGPU adapter: ${info.gpu.webgpu}; WebGL renderer: ${info.gpu.webgl}`);
    // Rounds alternate the order of the backends (forward, reversed, ...): the load on a shared machine drifts.
    const rounds = Object.fromEntries(MODELS.map((model) => [model, Object.fromEntries(BACKENDS.map((key) => [key, []]))]));
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? BACKENDS : [...BACKENDS].reverse();
      for (const model of MODELS) {
        for (const key of order) {
          const { label, engine } = ENGINES[key];
          process.stdout.write(`  ${ROUNDS > 1 ? `round ${round + 1}, ` : ''}${model}: ${label} [load ${loadavg()[0].toFixed(1)}] ... `);
          const task = { engine, model, warmup: WARMUP, requests: REQUESTS, batchRows: BATCH_ROWS, maxRows: ROWS, budgetMs: BUDGET_MS };
          const cpu0 = descendantsCpuSeconds();
          const t0 = performance.now();
          const r = await withTimeout(page.evaluate((t) => window.runScoreTask(t), task), TASK_TIMEOUT_MS, `${model} on ${label}`).catch((err) => ({ ok: false, error: String(err.message ?? err) }));
          r.cpuPerWall = (descendantsCpuSeconds() - cpu0) / ((performance.now() - t0) / 1000);
          r.wallS = (performance.now() - t0) / 1000;
          rounds[model][key].push(r);
          console.log(
            r.ok
              ? `p50 ${ms(r.latency.p50)} ms, p95 ${ms(r.latency.p95)} ms; ${rate(r.batch.rowsPerSecond)} rows/s over ${r.batch.rows} rows; max |Δ| ${sci(r.check.maxAbsDiff)} [${fmt(r.wallS, 1)} s, CPU/wall ${fmt(r.cpuPerWall, 2)}]`
              : `FAILED: ${r.error}`,
          );
        }
      }
    }
    for (const model of MODELS) results[model] = Object.fromEntries(BACKENDS.map((key) => [key, bestOfRounds(rounds[model][key])]));
    if (pageErrors.length) console.log(`Page errors: ${pageErrors.join(' | ')}`);
  } finally {
    await bench.close();
    if (tree) rmSync(tree.dir, { recursive: true, force: true });
  }

  // ------------------------------------------------------------ report
  console.log('');
  console.log(`Chromium: ${chromiumVersion()}; CPUs: ${cpus().length} x ${cpus()[0]?.model ?? '?'}; RAM ${(totalmem() / 2 ** 30).toFixed(0)} GiB; load average at start ${loadAtStart}, now ${loadavg()[0].toFixed(2)}; ${((Date.now() - startedAt) / 1000).toFixed(0)} s`);
  console.log(`Lab code: ${code}. WebGPU: ${info.gpu.webgpu}; WebGL: ${info.gpu.webgl}`);
  const software = /swiftshader|llvmpipe|lavapipe|fallback/i;
  if (software.test(info.gpu.webgpu) || software.test(info.gpu.webgl)) {
    console.log('Note: webgpu and webgl run on SwiftShader here (a software GPU on the CPU): their numbers say nothing about a real GPU.');
  }
  const summary = [];
  for (const model of MODELS) {
    const m = info.models.find((x) => x.id === model);
    console.log('');
    console.log(`${m.label}: ${m.layers.join(', ')}; ${m.params.toLocaleString('en-US')} params; ${fmt(m.flopsPerRow / 1e3, 1)} kFLOP per row; ONNX file ${fmt(m.onnxBytes / 1024, 1)} KiB`);
    const base = results[model]['ort-wasm'];
    const baseOk = base?.ok ? base : undefined;
    const rows = BACKENDS.map((key) => {
      const r = results[model][key];
      const label = `${ENGINES[key].label}${ENGINES[key].software && software.test(info.gpu[ENGINES[key].software]) ? ' (SwiftShader)' : ''}`;
      if (!r.ok) return [label, `failed: ${r.error.slice(0, 90)}`, '', '', '', '', '', '', '', '', fmt(r.cpuPerWall, 2)];
      const inner = r.innerLatency ? ` (in worker ${ms(r.innerLatency.p50)})` : '';
      return [
        label,
        fmt(r.initMs + r.loadMs),
        `${ms(r.latency.p50)}${inner}`,
        ms(r.latency.p95),
        baseOk ? ratio(baseOk.latency.p50 / r.latency.p50) : '-',
        r.batch.rows.toLocaleString('en-US'),
        rate(r.batch.rowsPerSecond),
        baseOk ? ratio(r.batch.rowsPerSecond / baseOk.batch.rowsPerSecond) : '-',
        sci(r.check.maxAbsDiff),
        `${fmt(100 * r.check.argmaxAgree, 1)} %`,
        fmt(r.cpuPerWall, 2),
      ];
    });
    console.log(table(['backend', 'load ms', 'p50 ms', 'p95 ms', 'p50 speed vs ORT wasm', 'rows scored', 'rows/s', 'rows/s vs ORT wasm', `max |Δ| vs TF.js cpu`, 'argmax agree', 'CPU/wall'], rows));
    if (ROUNDS > 1) {
      for (const key of BACKENDS) {
        const each = results[model][key].rounds;
        if (each) console.log(`  ${ENGINES[key].label}, each round: p50 ${each.map((x) => (x.error ? 'failed' : ms(x.p50))).join(' / ')} ms; rows/s ${each.map((x) => (x.error ? 'failed' : rate(x.rowsPerSecond))).join(' / ')}`);
      }
    }
    const tw = results[model]['tfjs-wasm'];
    if (baseOk && tw?.ok) {
      const line = `  TF.js wasm vs ORT wasm: p50 ${ms(tw.latency.p50)} vs ${ms(baseOk.latency.p50)} ms per request (TF.js speed ${ratio(baseOk.latency.p50 / tw.latency.p50)} ORT's); ${rate(tw.batch.rowsPerSecond)} vs ${rate(baseOk.batch.rowsPerSecond)} rows/s in batches (TF.js ${ratio(tw.batch.rowsPerSecond / baseOk.batch.rowsPerSecond)} ORT's)`;
      console.log(line);
      summary.push({ model, tfjsWasmP50: tw.latency.p50, ortWasmP50: baseOk.latency.p50, tfjsWasmRowsPerSecond: tw.batch.rowsPerSecond, ortWasmRowsPerSecond: baseOk.batch.rowsPerSecond });
    }
  }
  console.log('');
  console.log(
    `Latency = one row per request, page → worker → page (comlink), timed in the page; endpoint rows go through ScoreClient.invoke with an MLflow JSON body (parse, featurize, predict, prediction records; not the service-worker relay). Batches: ${BATCH_ROWS} rows per worker call, which the engines split as the app does (TF.js predictRows: 256 rows per predict; ONNX Runtime runRows: 1024 rows per run); endpoint batches are ${BATCH_ROWS}-row JSON requests (body built outside the timer). Speed ratios: > 1 = faster than ORT wasm.`,
  );

  const record = {
    date: new Date().toISOString(),
    code,
    chromium: chromiumVersion(),
    cpus: `${cpus().length} x ${cpus()[0]?.model ?? '?'}`,
    loadAtStart,
    loadAtEnd: loadavg()[0].toFixed(2),
    parameters: { rounds: ROUNDS, rows: ROWS, requests: REQUESTS, warmup: WARMUP, batchRows: BATCH_ROWS, budgetMs: BUDGET_MS, checkRows: CHECK_ROWS, seed: SEED, mlpUnits: MLP_UNITS, quick: QUICK },
    gpu: info.gpu,
    models: info.models,
    engines: Object.fromEntries(BACKENDS.map((k) => [k, ENGINES[k].label])),
    results,
    summary,
  };
  writeFileSync(join(OUT, 'score-results.json'), JSON.stringify(record, null, 2));
  if (JSON_OUT) {
    mkdirSync(dirname(JSON_OUT), { recursive: true });
    writeFileSync(JSON_OUT, JSON.stringify(record, null, 2));
    console.log(`Results written to ${JSON_OUT}`);
  }
}

main().catch((err) => {
  console.error(`bench:score failed: ${err.stack ?? err}`);
  process.exit(1);
});
