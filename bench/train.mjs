#!/usr/bin/env node
// npm run bench:train [-- --budget 3000 --epochs 5 --reps 4 --backends webgpu,webgl,wasm,cpu --no-matmul --no-torch]
// In one headless Chromium page, each task in a fresh Web Worker (one TF.js backend per worker, set up with the
// lab's initBackend): samples/s of raw model.fit at batch 32 and 256 on webgpu, webgl, wasm and cpu for the MLP
// 64-128-128-10 (digits-like rows) and the TF.js MNIST-tutorial CNN (28x28x1 images), first-step warm-up timed
// separately; matmul GFLOP/s at 1024^2 and 2048^2, and each training row's FLOP/s as a fraction of its backend's
// matmul peak; the lab overhead on wasm (raw model.fit against the lab's trainModel loop, alternating); and the
// same two models trained natively by PyTorch on one thread (bench/torch_ref.py), skipped with a note without torch.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'vite';
import { chromiumVersion, descendantsCpuSeconds, median, openBenchPage, table, treeState, withTimeout } from './lib.mjs';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(args[i + 1]);
};
const BUDGET_MS = opt('budget', 3000);
const EPOCHS = opt('epochs', 5);
const REPS = Math.max(2, opt('reps', 4));
const MATMUL = !args.includes('--no-matmul');
const TORCH = !args.includes('--no-torch');
const ALL_BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'];
const BACKENDS = args.includes('--backends') ? args[args.indexOf('--backends') + 1].split(',').filter((b) => ALL_BACKENDS.includes(b)) : ALL_BACKENDS;
const BATCH_SIZES = [32, 256];
const MODELS = ['mlp', 'cnn'];
const MODEL_LABEL = { mlp: 'MLP 64-128-128-10', cnn: 'CNN (TF.js MNIST tutorial)' };
/** Rows of synthetic data per model (whole batches of 32 and 256 are taken from them). */
const ROWS = { mlp: 1800, cnn: 1024 };
// Each training row runs whole passes over at most MAX_SAMPLES samples until BUDGET ms have passed (at least one).
// webgpu runs on SwiftShader here (40-100x slower than wasm): one pass over a few samples only, and no CNN at b256
// (measured: ~19 s warm-up + ~21 s per step). SwiftShader WebGL and the cpu backend train the CNN at ~20-40
// samples/s: 256 images (8 steps at b32, 1 at b256).
const MAX_SAMPLES = {
  mlp: { webgpu: 512, webgl: ROWS.mlp, wasm: ROWS.mlp, cpu: ROWS.mlp },
  cnn: { webgpu: 32, webgl: 256, wasm: ROWS.cnn, cpu: 256 },
};
const SKIPPED_ROWS = { 'cnn/webgpu/256': 'skipped: SwiftShader, ~40 s' };
const BUDGET = { webgpu: 1, webgl: BUDGET_MS, wasm: BUDGET_MS, cpu: BUDGET_MS };
// Matmul plans: an untimed warm-up call (unless warmup is false), then up to `reps` timed calls within `budgetMs`
// (at least one); the median. Slow backends get fewer calls (measured at load ~1.5-8): SwiftShader WebGPU ~8-11 s
// per 1024² call; SwiftShader WebGL ~2 s per 1024² and ~12-24 s per 2048² (one call, no warm-up: it includes the
// shader compilation, well under a second at 1024²); cpu (plain JS) ~3.5-13 s per 1024² and 28-70 s per 2048².
const MATMUL_PLAN = {
  webgpu: [{ n: 1024, reps: 1, budgetMs: 1, warmup: true }],
  webgl: [
    { n: 1024, reps: 3, budgetMs: 4000, warmup: true },
    { n: 2048, reps: 1, budgetMs: 1, warmup: false },
  ],
  wasm: [
    { n: 1024, reps: 7, budgetMs: 3000, warmup: true },
    { n: 2048, reps: 5, budgetMs: 3000, warmup: true },
  ],
  cpu: [{ n: 1024, reps: 2, budgetMs: 1, warmup: true }],
};
const SKIPPED_MATMUL = { webgpu: 'skipped: ~90 s', cpu: 'skipped: ~30-70 s' };
/** Backends whose b32 training step is broken down (fit vs bare minimize, kernels per step, dispatch cost). */
const BREAKDOWN_BACKENDS = ['wasm'];
const TASK_TIMEOUT_MS = 240_000;
const OUT = resolve('bench/.out');
const DIST = join(OUT, 'dist-train');

const fmt = (v, digits = 0) => (Number.isFinite(v) ? v.toFixed(digits) : '-');
const pct = (v) => (Number.isFinite(v) ? `${(100 * v).toFixed(v < 0.1 ? 1 : 0)} %` : '-');

/** The first Python that imports torch: $BENCH_PYTHON, python3 on PATH, then Debian's /usr/bin/python3 (python3-torch). */
function torchPython() {
  const candidates = [process.env.BENCH_PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean);
  for (const python of [...new Set(candidates)]) {
    try {
      execFileSync(python, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
      return python;
    } catch {
      // next candidate
    }
  }
  return null;
}

/** bench/torch_ref.py's JSON, or `{ skipped: reason }`. */
async function runTorch() {
  if (!TORCH) return { skipped: 'skipped: --no-torch' };
  const python = torchPython();
  if (!python) return { skipped: 'skipped: python3-torch absent' };
  const refArgs = ['bench/torch_ref.py', '--budget-ms', String(Math.min(BUDGET_MS, 2000)), '--batch-sizes', BATCH_SIZES.join(','), '--threads', '1', '--mlp-rows', String(ROWS.mlp), '--cnn-rows', String(ROWS.cnn)];
  try {
    const { stdout } = await promisify(execFile)(python, refArgs, { timeout: 180_000, maxBuffer: 1 << 20 });
    return { python, ...JSON.parse(stdout) };
  } catch (err) {
    return { skipped: `failed: ${python} ${refArgs.join(' ')}: ${String(err.message).split('\n')[0]}` };
  }
}

const torchNote = (r) => (r.rows ? `${r.rows.map((x) => `${x.model} b${x.batchSize} ${fmt(x.samplesPerSecond)}/s`).join(', ')} [CPU/wall ${r.rows.map((x) => fmt(x.cpuPerWall, 2)).join(', ')}]` : r.skipped);

/**
 * The faster of the PyTorch runs per row and per matmul size (runs right before and after the wasm rows: the load on
 * this shared machine drifts; the faster one is the conservative reference for the lab : PyTorch ratio), with each run's rate.
 */
function mergeTorch(runs) {
  const ok = runs.filter((r) => r.rows);
  if (ok.length === 0) return runs[0];
  const best = (list, key, value) => {
    const groups = new Map();
    for (const x of list) groups.set(key(x), [...(groups.get(key(x)) ?? []), x]);
    return [...groups.values()].map((g) => ({ ...g.reduce((a, b) => (value(b) > value(a) ? b : a)), each: g.map(value) }));
  };
  return {
    ...ok[0],
    runs: ok.length,
    rows: best(ok.flatMap((r) => r.rows), (x) => `${x.model}/${x.batchSize}`, (x) => x.samplesPerSecond),
    matmul: best(ok.flatMap((r) => r.matmul), (x) => x.n, (x) => x.gflops),
  };
}

/** t(b) = fixed + perSample * b through the b32 and b256 step times: fixed ms per batch and µs per sample. */
function batchCost(rate32, rate256) {
  const t32 = 32 / rate32;
  const t256 = 256 / rate256;
  const perSample = (t256 - t32) / 224;
  const fixed = t32 - 32 * perSample;
  return { fixedMs: fixed * 1000, perSampleUs: perSample * 1e6, fixedShareAt32: fixed / t32 };
}

async function main() {
  const loadAtStart = loadavg()[0].toFixed(2);
  const startedAt = Date.now();
  mkdirSync(OUT, { recursive: true });
  const code = `working tree (${treeState()})`;
  await build({ configFile: resolve('bench/vite.train.config.ts') }).catch((err) => {
    throw new Error(`Building the bench page (bench/vite.train.config.ts) failed: ${err.message.split('\n')[0]}`);
  });
  console.log('Parameters:');
  for (const model of MODELS) {
    console.log(
      `  ${MODEL_LABEL[model]}: ${ROWS[model]} rows; per backend: ${BACKENDS.map((b) => `${b} ${b === 'webgpu' ? 'one pass over' : `${BUDGET[b]} ms of passes over`} ≤${MAX_SAMPLES[model][b]} samples`).join('; ')}`,
    );
  }
  console.log(`  skipped rows: ${Object.entries(SKIPPED_ROWS).map(([k, v]) => `${k.replaceAll('/', ' ')} (${v})`).join('; ')}`);
  if (MATMUL) console.log(`  matmul: ${BACKENDS.map((b) => `${b} ${MATMUL_PLAN[b].map((p) => `${p.n}² ≤${p.reps} calls${p.warmup ? '' : ' (no warm-up)'}`).join(', ')}${SKIPPED_MATMUL[b] ? `, 2048² ${SKIPPED_MATMUL[b]}` : ''}`).join('; ')}`);

  const torchRuns = [];
  const torchRun = async (which) => {
    if (!TORCH || torchRuns[0]?.skipped) return;
    process.stdout.write(`  PyTorch reference, ${which} (bench/torch_ref.py) [load ${loadavg()[0].toFixed(1)}] ... `);
    torchRuns.push(await runTorch());
    console.log(torchNote(torchRuns.at(-1)));
  };
  const bench = await openBenchPage(DIST);
  try {
    const { page, pageErrors } = bench;
    // Each reply gets the browser's CPU/wall over the task (all its processes): ~1.0 = one thread with a core to itself.
    const runTask = async (task) => {
      const cpu0 = descendantsCpuSeconds();
      const t0 = performance.now();
      const reply = await withTimeout(
        page.evaluate(([t, ms]) => window.runTask(t, ms).catch((err) => ({ ok: false, backend: t.backend, error: String(err.message ?? err) })), [task, TASK_TIMEOUT_MS]),
        TASK_TIMEOUT_MS + 30_000,
        `${task.kind} on ${task.backend}`,
      );
      return { ...reply, cpuPerWall: (descendantsCpuSeconds() - cpu0) / ((performance.now() - t0) / 1000) };
    };
    const loadNote = () => `[load ${loadavg()[0].toFixed(1)}]`;
    const cpuNote = (r) => `[CPU/wall ${fmt(r.cpuPerWall, 2)}]`;

    const results = {};
    // PyTorch runs right before and after the wasm rows (the lab's fastest backend here): the load on this shared
    // machine drifts within minutes, and the lab : PyTorch ratio should compare like with like.
    for (const backend of BACKENDS) {
      results[backend] = {};
      if (backend === 'wasm') await torchRun('before the wasm rows');
      for (const model of MODELS) {
        process.stdout.write(`  ${backend}: ${model} ${loadNote()} ... `);
        const batchSizes = BATCH_SIZES.filter((bs) => !SKIPPED_ROWS[`${model}/${backend}/${bs}`]);
        const r = await runTask({ kind: 'train', model, backend, rows: ROWS[model], batchSizes, budgetMs: BUDGET[backend], maxSamples: MAX_SAMPLES[model][backend] });
        console.log(
          r.ok ? `${r.train.rows.map((x) => (x.na ? `b${x.batchSize} ${x.na}` : `b${x.batchSize} ${fmt(x.samplesPerSecond)}/s (warm-up ${fmt(x.warmupMs)} ms, ${x.steps} steps)`)).join(', ')} ${cpuNote(r)}` : `FAILED: ${r.error}`,
        );
        results[backend][model] = r;
      }
      if (backend === 'wasm') await torchRun('after the wasm rows');
      if (BREAKDOWN_BACKENDS.includes(backend)) {
        for (const model of MODELS) {
          process.stdout.write(`  ${backend}: ${model} step breakdown at b32 ${loadNote()} ... `);
          const r = await runTask({ kind: 'breakdown', backend, model, rows: ROWS[model], batchSize: 32, budgetMs: Math.min(BUDGET_MS, 2000) });
          console.log(r.ok ? `fit ${fmt(r.breakdown.fitStepMs, 2)} ms/step, bare ${fmt(r.breakdown.bareStepMs, 2)} ms/step ${cpuNote(r)}` : `FAILED: ${r.error}`);
          results[backend][`breakdown-${model}`] = r;
        }
      }
      if (MATMUL) {
        process.stdout.write(`  ${backend}: matmul ${loadNote()} ... `);
        const m = await runTask({ kind: 'matmul', backend, sizes: MATMUL_PLAN[backend] });
        console.log(m.ok ? `${m.matmul.map((x) => `${x.n}² ${fmt(x.gflops, 2)} GFLOP/s (median of ${x.reps})`).join(', ')} ${cpuNote(m)}` : `FAILED: ${m.error}`);
        results[backend].matmul = m;
      }
    }

    console.log(`  wasm: lab overhead (${REPS} reps x ${EPOCHS} epochs each, alternating) ...`);
    const overhead = await runTask({ kind: 'overhead', backend: 'wasm', rows: ROWS.mlp, batchSize: 32, epochs: EPOCHS, reps: REPS });
    if (!BACKENDS.includes('wasm')) await torchRun('after the browser rows');
    const torch = TORCH ? mergeTorch(torchRuns) : await runTorch();

    // ------------------------------------------------------------ report
    const row = (backend, model, bs) => {
      const r = results[backend]?.[model];
      return r?.ok ? r.train.rows.find((x) => x.batchSize === bs) : undefined;
    };
    const torchRow = (model, bs) => torch.rows?.find((x) => x.model === model && x.batchSize === bs);
    const flops = Object.fromEntries(MODELS.map((m) => [m, BACKENDS.map((b) => results[b][m]).find((r) => r?.ok)?.train.flops]));
    const peak = (backend) => {
      const m = results[backend]?.matmul;
      return m?.ok ? Math.max(...m.matmul.map((x) => x.gflops)) : NaN;
    };
    const torchPeak = torch.matmul ? Math.max(...torch.matmul.map((x) => x.gflops)) : NaN;
    const cell = (r, skipped) => (!r ? (skipped ?? '-') : r.na ? r.na : `${fmt(r.samplesPerSecond)} (${r.steps})`);

    console.log('');
    console.log(`Chromium: ${chromiumVersion()}; CPUs: ${cpus().length} x ${cpus()[0]?.model ?? '?'}; RAM ${(totalmem() / 2 ** 30).toFixed(0)} GiB; load average at start ${loadAtStart}, now ${loadavg()[0].toFixed(2)}; ${((Date.now() - startedAt) / 1000).toFixed(0)} s`);
    console.log(`Lab code: ${code}; raw model.fit, Adam 1e-3, sparse cross-entropy; seeded synthetic data`);
    for (const m of MODELS) if (flops[m]) console.log(`  ${MODEL_LABEL[m]}: ${flops[m].layers.join(', ')}; ${flops[m].params} params; ${fmt(flops[m].forward / 1e3, 1)} kFLOP forward, ${fmt(flops[m].training / 1e3, 1)} kFLOP training per sample`);
    console.log('');
    console.log('Training, samples/s (steps timed); warm-up = the first one-batch fit, ms; CPU/wall = CPU seconds of all browser processes per second of the task (PyTorch: of its process, per row):');
    const trainRows = [];
    for (const model of MODELS) {
      for (const backend of BACKENDS) {
        const r = results[backend][model];
        if (!r.ok) {
          trainRows.push([MODEL_LABEL[model].split(' ')[0], backend, `failed: ${r.error.slice(0, 70)}`, '', '', '', '', '']);
          continue;
        }
        const [a, b] = BATCH_SIZES.map((bs) => row(backend, model, bs));
        const [sa, sb] = BATCH_SIZES.map((bs) => SKIPPED_ROWS[`${model}/${backend}/${bs}`]);
        trainRows.push([MODEL_LABEL[model].split(' ')[0], `${backend}${r.backend !== backend ? ` (got ${r.backend})` : ''}`, fmt(r.initMs), fmt(a?.warmupMs), cell(a, sa), fmt(b?.warmupMs), cell(b, sb), fmt(r.cpuPerWall, 2)]);
      }
      const [a, b] = BATCH_SIZES.map((bs) => torchRow(model, bs));
      const each = (x) => (x.each.length > 1 ? ` [${x.each.map((v) => fmt(v)).join(' / ')}]` : '');
      trainRows.push([
        MODEL_LABEL[model].split(' ')[0],
        'PyTorch 1 thread',
        '-',
        fmt(a?.warmupMs),
        a ? `${fmt(a.samplesPerSecond)} (${a.samples / 32})${each(a)}` : torch.skipped,
        fmt(b?.warmupMs),
        b ? `${fmt(b.samplesPerSecond)} (${b.samples / 256})${each(b)}` : '-',
        a && b ? `${fmt(a.cpuPerWall, 2)}, ${fmt(b.cpuPerWall, 2)}` : '-',
      ]);
    }
    console.log(table(['model', 'backend', 'init ms', 'warm-up b32', 'samples/s b32', 'warm-up b256', 'samples/s b256', 'CPU/wall'], trainRows));

    if (MATMUL) {
      console.log('');
      console.log('Matmul GFLOP/s (median; webgpu/webgl/wasm/cpu include `await data()`), and training GFLOP/s as a share of the backend\'s matmul peak:');
      const effRows = [...BACKENDS, 'torch'].map((backend) => {
        const isTorch = backend === 'torch';
        const mm = isTorch ? torch.matmul : results[backend].matmul?.ok ? results[backend].matmul.matmul : undefined;
        const at = (n) => {
          const x = mm?.find((y) => y.n === n);
          return x ? `${fmt(x.gflops, 2)} (${x.reps})` : isTorch ? '-' : (SKIPPED_MATMUL[backend] ?? '-');
        };
        const p = isTorch ? torchPeak : peak(backend);
        const eff = (model, bs) => {
          const r = isTorch ? torchRow(model, bs) : row(backend, model, bs);
          if (!r || r.na || !flops[model]) return r?.na ? 'n/a' : '-';
          const gf = (r.samplesPerSecond * flops[model].training) / 1e9;
          return `${fmt(gf, 2)} (${pct(gf / p)})`;
        };
        return [isTorch ? 'PyTorch 1 thread' : backend, at(1024), at(2048), ...MODELS.flatMap((m) => BATCH_SIZES.map((bs) => eff(m, bs)))];
      });
      console.log(table(['backend', '1024²', '2048²', ...MODELS.flatMap((m) => BATCH_SIZES.map((bs) => `${m} b${bs}`))], effRows));
    }

    console.log('');
    console.log('Per-batch cost, fitted through the b32 and b256 step times (t = fixed + per-sample × batch):');
    const costRows = [];
    for (const model of MODELS) {
      for (const backend of [...BACKENDS, 'torch']) {
        const [a, b] = BATCH_SIZES.map((bs) => (backend === 'torch' ? torchRow(model, bs) : row(backend, model, bs)));
        if (!a?.samplesPerSecond || !b?.samplesPerSecond) continue;
        const c = batchCost(a.samplesPerSecond, b.samplesPerSecond);
        const steps = backend === 'torch' ? '' : Math.min(a.steps, b.steps) < 4 ? ' (noisy: < 4 steps)' : '';
        costRows.push([model, `${backend === 'torch' ? 'PyTorch 1 thread' : backend}${steps}`, fmt(c.fixedMs, 2), fmt(c.perSampleUs, 1), pct(c.fixedShareAt32)]);
      }
    }
    console.log(table(['model', 'backend', 'fixed ms/batch', 'µs/sample', 'fixed share at b32'], costRows));

    const bdRows = [];
    const topRows = [];
    for (const backend of BREAKDOWN_BACKENDS) {
      for (const model of MODELS) {
        const r = results[backend]?.[`breakdown-${model}`];
        if (!r?.ok) continue;
        const b = r.breakdown;
        const t = torchRow(model, 32);
        bdRows.push([
          model,
          backend,
          fmt(b.fitStepMs, 2),
          fmt(b.bareStepMs, 2),
          `${fmt(b.kernelMsPerStep, 2)} (${pct(b.kernelMsPerStep / b.bareStepMs)})`,
          b.fitKernelsPerStep,
          b.bareKernelsPerStep,
          fmt(b.dispatchUs, 1),
          fmt((b.fitKernelsPerStep * b.dispatchUs) / 1000, 2),
          t ? fmt((32 / t.samplesPerSecond) * 1000, 2) : '-',
          fmt(r.cpuPerWall, 2),
        ]);
        topRows.push([model, backend, b.topKernels.map((k) => `${k.name} ×${fmt(k.perStep)} ${fmt(k.msPerStep, 2)}`).join(', ')]);
      }
    }
    if (bdRows.length) {
      console.log('');
      console.log('One training step at b32: model.fit vs a bare optimizer.minimize step (same model, loss, batches); time inside kernels per bare step; kernels per step (tf.profile); µs to dispatch a 1-element add:');
      console.log(table(['model', 'backend', 'fit ms/step', 'bare ms/step', 'in kernels ms (share)', 'fit kernels', 'bare kernels', 'µs/add', 'fit kernels × µs/add, ms', 'PyTorch ms/step', 'CPU/wall'], bdRows));
      console.log('Top kernels of a bare step (name ×count per step, ms per step):');
      for (const [model, backend, list] of topRows) console.log(`  ${model} ${backend}: ${list}`);
    }

    const ratios = [];
    console.log('');
    if (torch.rows) {
      console.log(
        `Native reference: PyTorch ${torch.torch}, ${torch.threads} thread (${torch.python}; faster of ${torch.runs} runs, right before and after the wasm rows [each in brackets]; ` +
          `CPU/wall of the rows used ${torch.rows.map((r) => r.cpuPerWall.toFixed(2)).join(', ')}). Lab's best backend : PyTorch (goal ≥ 0.5):`,
      );
      const ratioRows = [];
      for (const model of MODELS) {
        for (const bs of BATCH_SIZES) {
          const t = torchRow(model, bs);
          const best = BACKENDS.map((b) => ({ b, r: row(b, model, bs) }))
            .filter((x) => x.r?.samplesPerSecond)
            .sort((x, y) => y.r.samplesPerSecond - x.r.samplesPerSecond)[0];
          if (!t || !best) continue;
          const ratio = best.r.samplesPerSecond / t.samplesPerSecond;
          ratios.push({ model, batchSize: bs, backend: best.b, lab: best.r.samplesPerSecond, torch: t.samplesPerSecond, ratio });
          ratioRows.push([`${model} b${bs}`, best.b, fmt(best.r.samplesPerSecond), fmt(t.samplesPerSecond), fmt(ratio, 2), ratio >= 0.5 ? 'met' : 'MISSED']);
        }
      }
      console.log(table(['model', 'best backend', 'lab samples/s', 'PyTorch samples/s', 'ratio', 'goal ≥ 0.5'], ratioRows));
      const best = BACKENDS.filter((b) => Number.isFinite(peak(b))).sort((a, b) => peak(b) - peak(a))[0];
      if (best) console.log(`Matmul peak, ${best} : PyTorch = ${fmt(peak(best), 1)} : ${fmt(torchPeak, 1)} GFLOP/s = ${fmt(peak(best) / torchPeak, 2)}`);
    } else {
      console.log(`Native (PyTorch, 1 thread): ${torch.skipped}${/absent/.test(torch.skipped) ? " (no Python here imports torch: `python3 -c 'import torch'` fails; Debian: apt-get install python3-torch; or set BENCH_PYTHON)" : ''}`);
    }

    console.log('');
    let overheadRatio = NaN;
    if (overhead.ok) {
      const raw = overhead.overhead.filter((r) => r.kind === 'raw');
      const lab = overhead.overhead.filter((r) => r.kind === 'lab');
      const rawMed = median(raw.map((r) => r.samplesPerSecond));
      const labMed = median(lab.map((r) => r.samplesPerSecond));
      overheadRatio = labMed / rawMed;
      console.log(`Lab overhead on wasm, MLP, batch 32, ${EPOCHS} epochs x ${ROWS.mlp} rows per run, ${REPS} runs each (alternating), live metrics every 10 batches (${overhead.progressMessages} messages to the page):`);
      console.log(
        table(
          ['', 'median samples/s', 'each run'],
          [
            ['raw model.fit', fmt(rawMed), raw.map((r) => fmt(r.samplesPerSecond)).join(' / ')],
            ['lab trainModel', fmt(labMed), lab.map((r) => fmt(r.samplesPerSecond)).join(' / ')],
          ],
        ),
      );
      console.log(`Ratio lab/raw: ${overheadRatio.toFixed(2)}  (goal >= 0.95: ${overheadRatio >= 0.95 ? 'met' : 'MISSED'})`);
    } else {
      console.log(`Lab overhead: FAILED: ${overhead.error}`);
    }
    writeFileSync(
      join(OUT, 'train-results.json'),
      JSON.stringify({ date: new Date().toISOString(), code, chromium: chromiumVersion(), loadAtStart, results, overhead, overheadRatio, torch, torchRuns, ratios }, null, 2),
    );
    if (pageErrors.length) console.log(`Page errors: ${pageErrors.join(' | ')}`);
  } finally {
    await bench.close();
  }
}

main().catch((err) => {
  console.error(`bench:train failed: ${err.stack ?? err}`);
  process.exit(1);
});
