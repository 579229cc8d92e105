#!/usr/bin/env node
// npm run bench:train [-- --budget 3000 --epochs 5 --reps 4 --no-matmul]
// In one headless Chromium page, each task in a fresh Web Worker (one TF.js backend per worker, set up with the
// lab's initBackend): MLP 64-128-128-10 samples/s (raw model.fit) at batch 32 and 256 on webgpu, webgl, wasm and
// cpu, first-step warm-up timed separately; matmul GFLOP/s at 1024^2; and the lab overhead on wasm: raw model.fit
// against the lab's trainModel loop (src/engines/tfjs/train-loop.ts), same model, data and backend, alternating.
// Data: seeded synthetic digits-like rows (64 features in 0..16, 10 classes) generated in the worker.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { serve } from '../scripts/serve.mjs';
import { chromiumVersion, closeServer, launchFresh, median, table, treeState, withTimeout } from './lib.mjs';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(args[i + 1]);
};
const BUDGET_MS = opt('budget', 3000);
const EPOCHS = opt('epochs', 5);
const REPS = Math.max(2, opt('reps', 4));
const ROWS = 1800;
const MATMUL = !args.includes('--no-matmul');
const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'];
// webgpu runs on SwiftShader here (40-100x slower): a few steps only. webgl is software GL too.
const MAX_SAMPLES = { webgpu: 512, webgl: ROWS, wasm: ROWS, cpu: ROWS };
const BUDGET = { webgpu: 1, webgl: BUDGET_MS, wasm: BUDGET_MS, cpu: BUDGET_MS };
const TASK_TIMEOUT_MS = 240_000;
const OUT = resolve('bench/.out');
const DIST = join(OUT, 'dist-train');

function torchNote() {
  try {
    execFileSync('python3', ['-c', 'import torch'], { stdio: 'ignore' });
    return 'python3-torch present, but the native comparison is not implemented yet';
  } catch {
    return 'skipped: python3-torch absent';
  }
}

const fmt = (v, digits = 0) => (Number.isFinite(v) ? v.toFixed(digits) : '-');

async function main() {
  const loadAtStart = loadavg()[0].toFixed(2);
  mkdirSync(OUT, { recursive: true });
  const code = `working tree (${treeState()})`;
  await build({ configFile: resolve('bench/vite.train.config.ts') }).catch((err) => {
    throw new Error(`Building the bench page (bench/vite.train.config.ts) failed: ${err.message.split('\n')[0]}`);
  });
  const { server, url } = await serve({ root: DIST, port: 0 });
  let browser;
  const cleanup = async () => {
    await browser?.close();
    await closeServer(server);
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  try {
    browser = await launchFresh();
    const { page } = browser;
    const pageErrors = [];
    page.on('pageerror', (err) => pageErrors.push(String(err)));
    await withTimeout(page.goto(url), 30_000, `loading the bench page ${url}`);
    await withTimeout(page.waitForFunction(() => window.benchReady === true), 30_000, 'the bench page to set window.benchReady');
    const runTask = (task) =>
      withTimeout(
        page.evaluate(([t, ms]) => window.runTask(t, ms).catch((err) => ({ ok: false, backend: t.backend, error: String(err.message ?? err) })), [task, TASK_TIMEOUT_MS]),
        TASK_TIMEOUT_MS + 30_000,
        `${task.kind} on ${task.backend}`,
      );

    const results = {};
    for (const backend of BACKENDS) {
      process.stdout.write(`  ${backend}: MLP ... `);
      const mlp = await runTask({ kind: 'mlp', backend, rows: ROWS, batchSizes: [32, 256], budgetMs: BUDGET[backend], maxSamples: MAX_SAMPLES[backend] });
      console.log(mlp.ok ? mlp.mlp.map((r) => `b${r.batchSize} ${fmt(r.samplesPerSecond)}/s (warm-up ${fmt(r.warmupMs)} ms)`).join(', ') : `FAILED: ${mlp.error}`);
      let matmul;
      if (MATMUL && mlp.ok) {
        process.stdout.write(`  ${backend}: matmul 1024^2 ... `);
        matmul = await runTask({ kind: 'matmul', backend, sizes: [1024], budgetMs: backend === 'webgpu' ? 1 : Math.min(BUDGET_MS, 2000) });
        console.log(matmul.ok ? matmul.matmul.map((m) => `${fmt(m.gflops, 2)} GFLOP/s (${m.reps} reps)`).join(', ') : `FAILED: ${matmul.error}`);
      }
      results[backend] = { mlp, matmul };
    }

    console.log(`  wasm: lab overhead (${REPS} reps x ${EPOCHS} epochs each, alternating) ...`);
    const overhead = await runTask({ kind: 'overhead', backend: 'wasm', rows: ROWS, batchSize: 32, epochs: EPOCHS, reps: REPS });
    const torch = torchNote();

    console.log('');
    console.log(`Chromium: ${chromiumVersion()}; CPUs: ${cpus().length} x ${cpus()[0]?.model ?? '?'}; RAM ${(totalmem() / 2 ** 30).toFixed(0)} GiB; load average at start ${loadAtStart}, now ${loadavg()[0].toFixed(2)}`);
    console.log(`Lab code: ${code}; data: ${ROWS} seeded digits-like rows (64 features, 10 classes); MLP 64-128-128-10, Adam; raw model.fit`);
    const rows = BACKENDS.map((b) => {
      const { mlp, matmul } = results[b];
      if (!mlp.ok) return [b, `failed: ${mlp.error.slice(0, 60)}`, '', '', '', '', ''];
      const by = (bs) => mlp.mlp.find((r) => r.batchSize === bs);
      return [
        `${b}${mlp.backend !== b ? ` (got ${mlp.backend})` : ''}`,
        fmt(mlp.initMs),
        fmt(by(32)?.warmupMs),
        `${fmt(by(32)?.samplesPerSecond)} (${by(32)?.samples})`,
        fmt(by(256)?.warmupMs),
        `${fmt(by(256)?.samplesPerSecond)} (${by(256)?.samples})`,
        matmul ? (matmul.ok ? fmt(matmul.matmul[0].gflops, 2) : `failed: ${matmul.error.slice(0, 40)}`) : '-',
      ];
    });
    console.log(table(['backend', 'init ms', 'warm-up b32 ms', 'samples/s b32 (n)', 'warm-up b256 ms', 'samples/s b256 (n)', 'matmul 1024² GFLOP/s'], rows));
    console.log('');
    let ratio = NaN;
    if (overhead.ok) {
      const raw = overhead.overhead.filter((r) => r.kind === 'raw');
      const lab = overhead.overhead.filter((r) => r.kind === 'lab');
      const rawMed = median(raw.map((r) => r.samplesPerSecond));
      const labMed = median(lab.map((r) => r.samplesPerSecond));
      ratio = labMed / rawMed;
      console.log(`Lab overhead on wasm, batch 32, ${EPOCHS} epochs x ${ROWS} rows per run, ${REPS} runs each (alternating), live metrics every 10 batches (${overhead.progressMessages} messages to the page):`);
      console.log(
        table(
          ['', 'median samples/s', 'each run'],
          [
            ['raw model.fit', fmt(rawMed), raw.map((r) => fmt(r.samplesPerSecond)).join(' / ')],
            ['lab trainModel', fmt(labMed), lab.map((r) => fmt(r.samplesPerSecond)).join(' / ')],
          ],
        ),
      );
      console.log(`Ratio lab/raw: ${ratio.toFixed(2)}  (goal >= 0.95: ${ratio >= 0.95 ? 'met' : 'MISSED'})`);
    } else {
      console.log(`Lab overhead: FAILED: ${overhead.error}`);
    }
    console.log(`Native (PyTorch, 1 thread): ${torch}`);
    writeFileSync(join(OUT, 'train-results.json'), JSON.stringify({ date: new Date().toISOString(), code, chromium: chromiumVersion(), results, overhead, ratio, torch }, null, 2));
    if (pageErrors.length) console.log(`Page errors: ${pageErrors.join(' | ')}`);
  } finally {
    await cleanup();
  }
}

main().catch((err) => {
  console.error(`bench:train failed: ${err.stack ?? err}`);
  process.exit(1);
});
