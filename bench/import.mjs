#!/usr/bin/env node
// npm run bench:import [-- --rows 1000000 --reps 4 --warmup 1 --profile --ref HEAD]
// --ref builds the lab code of a git ref (extracted under bench/.out) instead of the working tree.
// Side by side in one headless Chromium page, alternating order: (a) papaparse alone streaming the File in a
// worker (baseline) and (b) the lab's full import (real import worker: parse + columnar encode + SHA-256 +
// IndexedDB + profiles). Prints MB/s, the ratio (goal >= 0.8) and each worker's peak heap (goal < 3x file size).
// Peak heap: CDP Runtime.getHeapUsage sent to the worker target itself (auto-attached from the page), every 100 ms.
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { cpus, loadavg, totalmem } from 'node:os';
import { build } from 'vite';
import { checkoutRef, chromiumVersion, median, openBenchPage, table, treeState, withTimeout } from './lib.mjs';

const args = process.argv.slice(2);
const REF = args.includes('--ref') ? args[args.indexOf('--ref') + 1] : undefined;
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(args[i + 1]);
};
const ROWS = opt('rows', 1_000_000);
const REPS = Math.max(2, opt('reps', 4));
const WARMUP = opt('warmup', 1);
const PROFILE = args.includes('--profile');
const SEED = 20261127;
const OUT = resolve('bench/.out');
const RUN_TIMEOUT_MS = 10 * 60_000;

// ---------------------------------------------------------------- data: deterministic, seeded CSV

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

const CATEGORIES = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima', 'mike', 'november', 'oscar', 'papa', 'quebec', 'romeo', 'sierra', 'tango'];
const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'xe', 'zu', 'ba', 'do'];

/** 10 columns: 3 ints, 3 floats (one with ~2% missing), a 20-value category, a short text, a boolean, a date. */
async function generateCsv(file, rows) {
  const rand = mulberry32(SEED);
  const tmp = `${file}.tmp`;
  const out = createWriteStream(tmp);
  out.write('id,age,income,score,category,name,active,signup,visits,ratio\n');
  const day0 = Date.UTC(2015, 0, 1);
  let batch = [];
  for (let i = 1; i <= rows; i++) {
    const age = 18 + Math.floor(rand() * 72);
    const income = (20000 + rand() * 180000).toFixed(2);
    const score = rand() < 0.02 ? '' : (rand() * 100).toFixed(4);
    const category = CATEGORIES[Math.floor(rand() * CATEGORIES.length)];
    const name = SYLLABLES[Math.floor(rand() * 12)] + SYLLABLES[Math.floor(rand() * 12)] + SYLLABLES[Math.floor(rand() * 12)] + Math.floor(rand() * 100);
    const active = rand() < 0.5 ? 'true' : 'false';
    const signup = new Date(day0 + Math.floor(rand() * 3650) * 86_400_000).toISOString().slice(0, 10);
    const visits = Math.floor(-Math.log(1 - rand()) * 30);
    const ratio = rand().toFixed(5);
    batch.push(`${i},${age},${income},${score},${category},${name},${active},${signup},${visits},${ratio}`);
    if (batch.length === 10_000 || i === rows) {
      if (!out.write(`${batch.join('\n')}\n`)) await once(out, 'drain');
      batch = [];
    }
  }
  out.end();
  await once(out, 'finish');
  renameSync(tmp, file);
}

// ---------------------------------------------------------------- CDP: worker heap sampling (+ optional CPU profile)

/**
 * Auto-attaches (non-flat sessions, recursively, so nested workers such as the import worker's hash worker are
 * reached too) to the page's dedicated workers and polls Runtime.getHeapUsage in each, plus the page itself,
 * every `intervalMs`. usedSize is the V8 heap; backingStorageSize is ArrayBuffer memory. The sum over all workers
 * alive at one tick is recorded as "workers".
 */
class HeapSampler {
  constructor(cdp, { intervalMs = 100, profileWorker } = {}) {
    this.cdp = cdp;
    this.intervalMs = intervalMs;
    this.profileWorker = profileWorker; // name of a worker to CPU-profile from its first instruction
    this.workers = new Map(); // sessionId -> { name, parent: sessionId | null }
    this.pending = new Map(); // `${sessionId}:${id}` -> resolve
    this.nextId = 1;
    this.peaks = new Map(); // name -> { used, total, backing, combined, samples }
    this.profiles = [];
  }

  async start() {
    this.cdp.on('Target.attachedToTarget', (params) => this.onAttached(params, null));
    this.cdp.on('Target.detachedFromTarget', ({ sessionId }) => this.workers.delete(sessionId));
    this.cdp.on('Target.receivedMessageFromTarget', ({ sessionId, message }) => this.dispatch(sessionId, JSON.parse(message)));
    await this.cdp.send('Target.setAutoAttach', this.autoAttachParams());
    this.timer = setInterval(() => void this.sample(), this.intervalMs);
  }

  autoAttachParams() {
    return { autoAttach: true, waitForDebuggerOnStart: Boolean(this.profileWorker), flatten: false };
  }

  /** A message from a worker session: a reply, a nested worker's message, or an attach/detach event. */
  dispatch(sessionId, msg) {
    if (msg.id !== undefined) {
      const key = `${sessionId}:${msg.id}`;
      const done = this.pending.get(key);
      if (done) {
        this.pending.delete(key);
        done(msg);
      }
    } else if (msg.method === 'Target.receivedMessageFromTarget') {
      this.dispatch(msg.params.sessionId, JSON.parse(msg.params.message));
    } else if (msg.method === 'Target.attachedToTarget') {
      this.onAttached(msg.params, sessionId);
    } else if (msg.method === 'Target.detachedFromTarget') {
      this.workers.delete(msg.params.sessionId);
    }
  }

  onAttached({ sessionId, targetInfo, waitingForDebugger }, parent) {
    if (targetInfo.type !== 'worker') return;
    const name = targetInfo.title || targetInfo.url;
    this.workers.set(sessionId, { name, parent });
    if (process.env.BENCH_DEBUG) console.log(`    attached to worker "${name}"${parent ? ' (nested)' : ''}`);
    void this.onWorker(sessionId, name, waitingForDebugger).catch((err) => console.error(`CDP worker ${name}: ${err.message}`));
  }

  /** Send one command to a (possibly nested) worker session; resolves with the result or rejects with the CDP error. */
  async toWorker(sessionId, method, params = {}, timeoutMs = 60_000) {
    const id = this.nextId++;
    const reply = new Promise((ok) => this.pending.set(`${sessionId}:${id}`, ok));
    let message = { id, method, params };
    let target = sessionId;
    for (let parent = this.workers.get(target)?.parent; parent; parent = this.workers.get(parent)?.parent) {
      message = { id: this.nextId++, method: 'Target.sendMessageToTarget', params: { sessionId: target, message: JSON.stringify(message) } };
      target = parent;
    }
    await this.cdp.send('Target.sendMessageToTarget', { sessionId: target, message: JSON.stringify(message) });
    const msg = await withTimeout(reply, timeoutMs, `CDP ${method} in a worker`).finally(() => this.pending.delete(`${sessionId}:${id}`));
    if (msg.error) throw new Error(`${method}: ${msg.error.message}`);
    return msg.result;
  }

  async onWorker(sessionId, name, waiting) {
    await this.toWorker(sessionId, 'Target.setAutoAttach', this.autoAttachParams());
    if (waiting && name === this.profileWorker) {
      await this.toWorker(sessionId, 'Profiler.enable');
      await this.toWorker(sessionId, 'Profiler.setSamplingInterval', { interval: 200 });
      await this.toWorker(sessionId, 'Profiler.start');
      this.workers.get(sessionId).profiling = true;
    }
    if (waiting) await this.toWorker(sessionId, 'Runtime.runIfWaitingForDebugger');
  }

  record(name, usage) {
    const p = this.peaks.get(name) ?? { used: 0, total: 0, backing: 0, combined: 0, samples: 0 };
    const backing = usage.backingStorageSize ?? 0;
    p.used = Math.max(p.used, usage.usedSize);
    p.total = Math.max(p.total, usage.totalSize);
    p.backing = Math.max(p.backing, backing);
    p.combined = Math.max(p.combined, usage.usedSize + backing);
    p.samples++;
    this.peaks.set(name, p);
  }

  async sample() {
    const tick = { usedSize: 0, totalSize: 0, backingStorageSize: 0 };
    let alive = 0;
    const polls = [...this.workers].map(async ([sessionId, { name }]) => {
      // A terminated worker never answers (its detach event can come late): forget it after 2 s.
      const usage = await this.toWorker(sessionId, 'Runtime.getHeapUsage', {}, 2_000).catch(() => void this.workers.delete(sessionId));
      if (!usage) return;
      this.record(name, usage);
      alive++;
      tick.usedSize += usage.usedSize;
      tick.totalSize += usage.totalSize;
      tick.backingStorageSize += usage.backingStorageSize ?? 0;
    });
    polls.push(
      this.cdp
        .send('Runtime.getHeapUsage')
        .then((u) => this.record('page', u))
        .catch(() => undefined),
    );
    await Promise.all(polls);
    if (alive > 0) this.record('workers', tick);
  }

  /** Stop profiling every worker that profiles (before it is terminated: call from inside the run). */
  async stopProfiles() {
    for (const [sessionId, w] of this.workers) {
      if (!w.profiling) continue;
      const { profile } = await this.toWorker(sessionId, 'Profiler.stop');
      w.profiling = false;
      this.profiles.push(profile);
    }
  }

  reset() {
    this.peaks.clear();
  }

  stop() {
    clearInterval(this.timer);
  }
}

/**
 * Maps a bundle position to its source file:line through the bundle's source map (source-map-js, a dependency
 * of Vite's toolchain, loaded only here); falls back to nothing when the map or the package is missing.
 */
async function sourceMapper(assetsDir, file) {
  try {
    const { SourceMapConsumer } = await import('source-map-js');
    const consumer = new SourceMapConsumer(JSON.parse(readFileSync(join(assetsDir, `${file}.map`), 'utf8')));
    return (line, column) => {
      if (line < 0 || column < 0) return '';
      const pos = consumer.originalPositionFor({ line: line + 1, column });
      return pos.source ? `${pos.source.replace(/^.*?((?:src|workers|node_modules)\/)/, '$1').replace(/^node_modules\//, '')}:${pos.line}` : '';
    };
  } catch {
    return () => '';
  }
}

/** Top functions by self time of a V8 CPU profile, with the source module of each (unminified build). */
async function hotFunctions(profile, assetsDir, top = 20) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const modules = new Map();
  const self = new Map();
  const dt = profile.timeDeltas;
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const { functionName, url, lineNumber, columnNumber } = byId.get(profile.samples[i]).callFrame;
    const file = url.split('/').pop();
    if (file && !modules.has(file)) modules.set(file, await sourceMapper(assetsDir, file));
    const where = file ? modules.get(file)(lineNumber, columnNumber) || `${file}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'}\t${where}`;
    const t = dt[i] ?? 0;
    self.set(key, (self.get(key) ?? 0) + t);
    total += t;
  }
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, us]) => [...key.split('\t'), (us / 1000).toFixed(0), ((100 * us) / total).toFixed(1)]);
}

// ---------------------------------------------------------------- main

async function main() {
  const loadAtStart = loadavg()[0].toFixed(2);
  mkdirSync(OUT, { recursive: true });
  const csv = join(OUT, `bench-${ROWS}x10-seed${SEED}.csv`);
  if (!existsSync(csv)) {
    const t0 = Date.now();
    process.stdout.write(`Generating ${csv} ... `);
    await generateCsv(csv, ROWS);
    console.log(`${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } else {
    console.log(`Reusing ${csv} (delete it to regenerate)`);
  }
  const bytes = statSync(csv).size;
  const mb = bytes / 1e6;
  console.log(`File: ${ROWS.toLocaleString('en')} rows x 10 columns, ${mb.toFixed(1)} MB`);

  const distDir = join(OUT, PROFILE ? 'dist-profile' : 'dist');
  process.env.BENCH_OUT_DIR = distDir;
  process.env.BENCH_MINIFY = PROFILE ? '0' : '1';
  let code = `working tree (${treeState()})`;
  let configFile = resolve('bench/vite.bench.config.ts');
  let tree;
  if (REF) {
    const { dir, sha } = checkoutRef(REF, OUT);
    tree = dir;
    code = `${REF} = ${sha.slice(0, 12)}`;
    configFile = join(dir, 'bench/vite.bench.config.ts');
  }
  console.log(`Lab code: ${code}`);
  await build({ configFile }).catch((err) => {
    throw new Error(`Building the bench page (bench/vite.bench.config.ts) failed: ${err.message.split('\n')[0]}`);
  }).finally(() => tree && rmSync(tree, { recursive: true, force: true }));

  const bench = await openBenchPage(distDir);
  try {
    const { page, pageErrors } = bench;
    const isolated = await withTimeout(page.evaluate(() => self.crossOriginIsolated), 10_000, 'reading crossOriginIsolated');
    await withTimeout(page.setInputFiles('#file', csv), 60_000, 'setting the CSV on the file input');

    const cdp = await page.context().newCDPSession(page);
    const sampler = new HeapSampler(cdp, { profileWorker: PROFILE ? 'benchtop-import' : undefined });
    await sampler.start();

    const runs = { papa: [], lab: [] };
    const run = async (kind) => {
      await cdp.send('HeapProfiler.collectGarbage').catch(() => undefined);
      sampler.reset();
      const fn = kind === 'papa' ? 'runPapaOnly' : 'runLabImport';
      const result = await withTimeout(
        page.evaluate((name) => window[name](), fn),
        RUN_TIMEOUT_MS,
        `${fn}() in the bench page`,
      );
      await sampler.sample();
      const worker = sampler.peaks.get('workers');
      const perWorker = Object.fromEntries([...sampler.peaks].filter(([n]) => n !== 'workers' && n !== 'page').map(([n, p]) => [n, Math.round((p.used + p.backing) / 1e6)]));
      const pagePeak = sampler.peaks.get('page');
      const entry = { ...result, mbps: mb / (result.ms / 1000), worker, perWorker, pagePeak };
      runs[kind].push(entry);
      console.log(
        `  ${kind.padEnd(4)} ${(result.ms / 1000).toFixed(2).padStart(7)} s  ${entry.mbps.toFixed(1).padStart(6)} MB/s  rows ${result.rows}  ` +
          `workers' heap peak ${worker ? `${(worker.used / 1e6).toFixed(0)} MB used (+${(worker.backing / 1e6).toFixed(0)} MB ArrayBuffers), ${worker.samples} samples ${JSON.stringify(perWorker)}` : 'not sampled'}` +
          (kind === 'lab' ? `  phases ${JSON.stringify(result.detail.phaseStartMs)}` : ''),
      );
      // papaparse counts the header row and the empty line after the last newline as rows
      const dataRows = kind === 'papa' ? result.rows - 1 - (result.rows - 1 > ROWS ? 1 : 0) : result.rows;
      if (dataRows !== ROWS) throw new Error(`${fn} read ${dataRows} data rows; expected ${ROWS}`);
    };

    if (PROFILE) {
      // One lab import profiled in its worker from the first instruction (waitForDebuggerOnStart), then the
      // profile is stopped before the worker is terminated. Unminified build, so names are readable.
      const result = await withTimeout(page.evaluate(() => window.runLabImportHeld()), RUN_TIMEOUT_MS, 'runLabImportHeld() in the bench page');
      await sampler.stopProfiles();
      await withTimeout(page.evaluate(() => window.releaseHeld()), 60_000, 'releaseHeld()');
      sampler.stop();
      const profile = sampler.profiles[0];
      if (!profile) throw new Error('No CPU profile came back from the import worker');
      const file = join(OUT, 'lab-import.cpuprofile');
      writeFileSync(file, JSON.stringify(profile));
      console.log(`Profiled lab import: ${(result.ms / 1000).toFixed(2)} s (${(mb / (result.ms / 1000)).toFixed(1)} MB/s, profiler on); profile: ${file}`);
      console.log(table(['function (self time)', 'source', 'ms', '%'], await hotFunctions(profile, join(distDir, 'assets'), 25)));
      return;
    }

    for (let i = 0; i < WARMUP; i++) {
      console.log('Warm-up (not counted):');
      await run('papa');
      await run('lab');
      runs.papa.length = 0;
      runs.lab.length = 0;
    }
    console.log(`Runs (alternating order, ${REPS} repetitions each):`);
    for (let rep = 0; rep < REPS; rep++) {
      const order = rep % 2 === 0 ? ['papa', 'lab'] : ['lab', 'papa'];
      for (const kind of order) await run(kind);
    }
    sampler.stop();

    const pm = median(runs.papa.map((r) => r.mbps));
    const lm = median(runs.lab.map((r) => r.mbps));
    const peak = (rs, key) => Math.max(...rs.map((r) => r.worker?.[key] ?? NaN));
    const rows = [
      ['papaparse alone (baseline)', pm.toFixed(1), runs.papa.map((r) => r.mbps.toFixed(1)).join(' / '), (peak(runs.papa, 'used') / 1e6).toFixed(0), (peak(runs.papa, 'combined') / 1e6).toFixed(0), (peak(runs.papa, 'combined') / bytes).toFixed(2)],
      ['lab import (full)', lm.toFixed(1), runs.lab.map((r) => r.mbps.toFixed(1)).join(' / '), (peak(runs.lab, 'used') / 1e6).toFixed(0), (peak(runs.lab, 'combined') / 1e6).toFixed(0), (peak(runs.lab, 'combined') / bytes).toFixed(2)],
    ];
    const ratio = lm / pm;
    const heapRatio = peak(runs.lab, 'combined') / bytes;
    console.log('');
    console.log(`Chromium: ${chromiumVersion()}; crossOriginIsolated: ${isolated}; CPUs: ${cpus().length} x ${cpus()[0]?.model ?? '?'}; RAM ${(totalmem() / 2 ** 30).toFixed(0)} GiB; load average at start ${loadAtStart}, now ${loadavg()[0].toFixed(2)}`);
    console.log(`Lab code: ${code}`);
    console.log(`File ${mb.toFixed(1)} MB (MB = 10^6 bytes), ${ROWS} rows; heap = V8 heap of the run's workers (Runtime.getHeapUsage usedSize, summed over workers alive at once), then + ArrayBuffer backing store; peak of 100 ms samples`);
    console.log(table(['', 'median MB/s', 'each run MB/s', 'peak heap MB', 'heap+buffers MB', 'x file'], rows));
    console.log('');
    console.log(`Ratio lab/baseline (median MB/s): ${ratio.toFixed(2)}  (goal >= 0.80: ${ratio >= 0.8 ? 'met' : 'MISSED'})`);
    console.log(`Lab workers' peak heap+buffers: ${heapRatio.toFixed(2)}x file size  (goal < 3x: ${heapRatio < 3 ? 'met' : 'MISSED'})`);
    const phase = (from, to) => median(runs.lab.map((r) => (r.detail.phaseStartMs[to] ?? r.ms) - (r.detail.phaseStartMs[from] ?? 0)));
    console.log(
      `Lab phases (median ms): start -> first progress ${phase('start', 'parsing').toFixed(0)}, ` +
        `read+parse+encode+hash+store ${phase('parsing', 'finishing').toFixed(0)}, finish+profile+commit ${phase('finishing', 'done').toFixed(0)} ` +
        `(papaparse alone: ${median(runs.papa.map((r) => r.ms)).toFixed(0)} ms in total)`,
    );
    const pagePeak = Math.max(...runs.lab.map((r) => r.pagePeak?.used ?? 0));
    console.log(`Page (main thread) peak V8 heap during lab imports: ${(pagePeak / 1e6).toFixed(0)} MB`);
    writeFileSync(join(OUT, `import-results-${ROWS}.json`), JSON.stringify({ date: new Date().toISOString(), code, chromium: chromiumVersion(), bytes, rows: ROWS, runs, ratio, heapRatio }, null, 2));
    if (pageErrors.length) console.log(`Page errors: ${pageErrors.join(' | ')}`);
  } finally {
    await bench.close();
  }
}

main().catch((err) => {
  console.error(`bench:import failed: ${err.stack ?? err}`);
  process.exit(1);
});
