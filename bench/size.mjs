#!/usr/bin/env node
// npm run bench:size [-- --loads 5 --ref HEAD]
// --ref builds the app of a git ref (extracted under bench/.out) instead of the working tree.
// Builds the app into bench/.out/app-dist (not dist/, which the e2e tests use), serves it with
// scripts/serve.mjs (COOP/COEP), and in headless Debian Chromium with a fresh profile per load measures:
//  - the initial JavaScript of the data page (#/data): every JS response of the first load, gzipped with
//    zlib level 9 and summed, against the 250 KB gzip goal; the chunks are listed;
//  - time to interactive: navigation start -> the "Import file…" button visible and enabled
//    (median of N cold loads), and DOMContentLoaded / load from the Navigation Timing entry.
import { readdirSync, statSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve, basename } from 'node:path';
import { gzipSync } from 'node:zlib';
import { cpus, loadavg } from 'node:os';
import { build } from 'vite';
import { serve } from '../scripts/serve.mjs';
import { checkoutRef, chromiumVersion, closeServer, launchFresh, median, table, treeState, withTimeout } from './lib.mjs';

const args = process.argv.slice(2);
const loadsArg = args.indexOf('--loads');
const REF = args.includes('--ref') ? args[args.indexOf('--ref') + 1] : undefined;
const LOADS = loadsArg === -1 ? 5 : Math.max(1, Number(args[loadsArg + 1]));
const GOAL_KB = 250;
const OUT = resolve('bench/.out');
const APP_DIST = join(OUT, 'app-dist');
const BUTTON = 'Import file…';
/** Extra time after the button is ready, to catch chunks the data page still loads lazily. */
const SETTLE_MS = 3_000;

const gz = (buf) => gzipSync(buf, { level: 9 }).length;
const kb = (n) => (n / 1024).toFixed(1);

/** One cold load in a fresh profile: JS responses, TTI and navigation timing. */
async function coldLoad(url) {
  const browser = await launchFresh();
  try {
    const { page } = browser;
    const errors = [];
    page.on('pageerror', (err) => errors.push(String(err)));
    const scripts = [];
    page.on('response', (response) => {
      const req = response.request();
      const type = response.headers()['content-type'] ?? '';
      if (req.resourceType() !== 'script' && !/javascript/.test(type) && !/\.m?js(\?|$)/.test(response.url())) return;
      scripts.push({ url: response.url(), at: Date.now(), body: response.body().catch(() => null), fromSw: Boolean(response.fromServiceWorker?.()) });
    });
    const t0 = Date.now();
    await withTimeout(page.goto(`${url}#/data`, { waitUntil: 'commit' }), 30_000, `opening ${url}#/data`);
    const handle = await withTimeout(
      page.waitForFunction(
        (label) => {
          const button = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === label);
          if (!button || button.disabled) return false;
          const box = button.getBoundingClientRect();
          const style = getComputedStyle(button);
          return box.width > 0 && box.height > 0 && style.visibility !== 'hidden' && style.display !== 'none' ? performance.now() : false;
        },
        BUTTON,
        { polling: 'raf', timeout: 0 },
      ),
      60_000,
      `the "${BUTTON}" button to be visible and enabled${errors.length ? ` (page errors: ${errors.join(' | ')})` : ''}`,
    ).catch((err) => {
      throw new Error(`${err.message}${errors.length ? `; page errors: ${errors.join(' | ')}` : ''}`);
    });
    const tti = await handle.jsonValue();
    const readyAt = t0 + tti;
    await withTimeout(page.waitForLoadState('load'), 30_000, 'the load event');
    await page.waitForTimeout(SETTLE_MS);
    const nav = await withTimeout(
      page.evaluate(() => {
        const e = performance.getEntriesByType('navigation')[0];
        return { dcl: e.domContentLoadedEventEnd, load: e.loadEventEnd, isolated: self.crossOriginIsolated };
      }),
      10_000,
      'reading navigation timing',
    );
    const bodies = await Promise.all(
      scripts.map(async (s) => {
        const body = await withTimeout(s.body, 10_000, `the body of ${s.url}`).catch(() => null);
        return { ...s, body, beforeReady: s.at <= readyAt + 50 };
      }),
    );
    return { tti, ...nav, scripts: bodies, errors };
  } finally {
    await browser.close();
  }
}

async function main() {
  mkdirSync(OUT, { recursive: true });
  let code = `working tree (${treeState()})`;
  let root = resolve('.');
  if (REF) {
    const { dir, sha } = checkoutRef(REF, OUT);
    code = `${REF} = ${sha.slice(0, 12)}`;
    root = dir;
  }
  const tree = REF ? root : undefined;
  console.log(`Building the app (${code}) into ${APP_DIST} ...`);
  await build({ root, configFile: join(root, 'vite.config.ts'), logLevel: 'warn', build: { outDir: APP_DIST, emptyOutDir: true } }).catch((err) => {
    throw new Error(`Building the app failed: ${err.message.split('\n')[0]}`);
  }).finally(() => tree && rmSync(tree, { recursive: true, force: true }));

  const { server, url } = await serve({ root: APP_DIST, port: 0 });
  try {
    const loads = [];
    for (let i = 0; i < LOADS; i++) {
      const load = await coldLoad(url);
      loads.push(load);
      console.log(`  load ${i + 1}: ready ${load.tti.toFixed(0)} ms, DOMContentLoaded ${load.dcl.toFixed(0)} ms, load ${load.load.toFixed(0)} ms, ${load.scripts.length} JS responses`);
      if (load.errors.length) console.log(`    page errors: ${load.errors.join(' | ')}`);
    }

    // Initial JS from the first cold load.
    const first = loads[0];
    const chunks = first.scripts
      .filter((s) => s.body)
      .map((s) => ({ name: new URL(s.url).pathname.split('/').slice(-2).join('/'), raw: s.body.length, gzip: gz(s.body), beforeReady: s.beforeReady, fromSw: s.fromSw }))
      .sort((a, b) => b.gzip - a.gzip);
    const pageChunks = chunks.filter((c) => !c.fromSw);
    const total = pageChunks.reduce((sum, c) => sum + c.gzip, 0);
    const totalBeforeReady = pageChunks.filter((c) => c.beforeReady).reduce((sum, c) => sum + c.gzip, 0);
    const totalRaw = pageChunks.reduce((sum, c) => sum + c.raw, 0);

    // Everything the build emitted, for context (the ML libraries must not be in the list above).
    const assets = join(APP_DIST, 'assets');
    const allJs = readdirSync(assets)
      .filter((f) => /\.m?js$/.test(f))
      .map((f) => ({ f, raw: statSync(join(assets, f)).size }));
    const loaded = new Set(pageChunks.map((c) => basename(c.name)));
    const notLoaded = allJs.filter((a) => !loaded.has(a.f)).sort((a, b) => b.raw - a.raw);
    const notLoadedGzip = notLoaded.reduce((sum, a) => sum + gz(readFileSync(join(assets, a.f))), 0);

    console.log('');
    console.log(`App code: ${code}`);
    console.log(`Chromium: ${chromiumVersion()}; CPUs: ${cpus().length}; load average ${loadavg()[0].toFixed(2)}; crossOriginIsolated: ${first.isolated}`);
    console.log(`Initial JS of ${url}#/data (first cold load, every JS response incl. ${SETTLE_MS / 1000} s after ready; gzip -9 per file):`);
    console.log(table(['chunk', 'raw KB', 'gzip KB', 'before ready'], pageChunks.map((c) => [c.name, kb(c.raw), kb(c.gzip), c.beforeReady ? 'yes' : 'no'])));
    const sw = chunks.filter((c) => c.fromSw);
    if (sw.length) console.log(`(${sw.length} responses served by the service worker not counted)`);
    console.log('');
    console.log(`JS emitted but not loaded by the data page: ${notLoaded.length} files, ${kb(notLoaded.reduce((s, a) => s + a.raw, 0))} KB raw, ${kb(notLoadedGzip)} KB gzip; largest: ${notLoaded.slice(0, 5).map((a) => `${a.f} (${kb(a.raw)} KB)`).join(', ')}`);
    console.log('');
    const tti = median(loads.map((l) => l.tti));
    const dcl = median(loads.map((l) => l.dcl));
    const load = median(loads.map((l) => l.load));
    console.log(
      table(
        ['metric', 'value', 'goal', ''],
        [
          ['initial JS, gzip (all loaded)', `${kb(total)} KB`, `${GOAL_KB} KB`, total / 1024 <= GOAL_KB ? 'met' : 'MISSED'],
          ['initial JS, gzip (before ready)', `${kb(totalBeforeReady)} KB`, '', ''],
          ['initial JS, raw', `${kb(totalRaw)} KB`, '', ''],
          [`ready: "${BUTTON}" enabled (median of ${LOADS})`, `${tti.toFixed(0)} ms`, '', loads.map((l) => l.tti.toFixed(0)).join('/')],
          ['DOMContentLoaded (median)', `${dcl.toFixed(0)} ms`, '', loads.map((l) => l.dcl.toFixed(0)).join('/')],
          ['load (median)', `${load.toFixed(0)} ms`, '', loads.map((l) => l.load.toFixed(0)).join('/')],
        ],
      ),
    );
    writeFileSync(
      join(OUT, 'size-results.json'),
      JSON.stringify({ date: new Date().toISOString(), code, chromium: chromiumVersion(), chunks, totalGzip: total, totalBeforeReady, loads: loads.map(({ scripts: _s, ...l }) => l) }, null, 2),
    );
  } finally {
    await closeServer(server);
  }
}

main().catch((err) => {
  console.error(`bench:size failed: ${err.stack ?? err}`);
  process.exit(1);
});
