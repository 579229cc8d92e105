/**
 * @file The offline app, first-use caching, cross-origin isolation on a header-less host, and the update flow.
 *
 * Runs against the built dist/: the shared servers from global-setup (root with COOP/COEP, sub-path
 * without), plus private copies of dist/ served here, so a test can change files or stop its host.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import type { Page } from 'playwright-core';
import { openLab, withTimeout, type Lab } from './browser';
import { serve } from '../scripts/serve.mjs';

interface Site {
  root: string;
  url: string;
  stop(): Promise<void>;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function open(url: string): Promise<Lab> {
  const lab = await openLab({ url });
  cleanups.push(() => lab.close());
  return lab;
}

/** Serve a private copy of dist/ (so the test may change it, or stop it to go really offline). */
async function serveCopy(options: { base?: string; isolation?: boolean } = {}): Promise<Site> {
  const root = mkdtempSync(join(tmpdir(), 'benchtop-site-'));
  cpSync('dist', root, { recursive: true });
  const { server, url } = (await serve({ root, port: 0, ...options })) as { server: Server; url: string };
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  };
  cleanups.push(async () => {
    await stop();
    rmSync(root, { recursive: true, force: true });
  });
  return { root, url, stop };
}

/** Evaluate in the page with a timeout. */
function evaluate<T>(page: Page, fn: () => T | Promise<T>, what: string, ms = 10_000): Promise<T> {
  return withTimeout(page.evaluate(fn), ms, what);
}

/** Poll `fn` in the page until it returns a truthy value; survives the page reloading itself in between. */
async function waitInPage<T>(page: Page, fn: () => T | Promise<T>, what: string, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await evaluate(page, fn, what, 5_000);
      if (value) return value;
    } catch (err) {
      lastError = err; // "Execution context was destroyed" while the page navigates.
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`Timed out after ${ms} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
}

/** Wait until our service worker is active and controls the page (reloading once if it does not claim it). */
async function waitForControl(page: Page): Promise<void> {
  const registered = await waitInPage(page, () => document.documentElement.dataset.swState ?? '', 'a service worker registration', 15_000).catch(() => '');
  if (!registered) {
    throw new Error('The page never started a service worker registration: call registerServiceWorker() from src/runtime/pwa.ts at startup (src/main.ts).');
  }
  expect(registered).not.toBe('failed');
  await waitInPage(page, () => document.documentElement.dataset.swOffline === 'ready', 'the service worker to be active');
  const controlled = await waitInPage(page, () => navigator.serviceWorker.controller !== null, 'control by the service worker', 10_000).catch(() => false);
  if (!controlled) {
    await withTimeout(page.reload(), 15_000, 'reload to come under control');
    await waitInPage(page, () => navigator.serviceWorker.controller !== null, 'control after reload');
  }
}

async function expectShell(page: Page): Promise<void> {
  await withTimeout(page.getByRole('link', { name: 'Benchtop home' }).waitFor({ state: 'visible' }), 15_000, 'the app shell (the "Benchtop home" link)');
}

describe('offline app shell', () => {
  it('reloads offline from the precache, isolated, and serves in-app addresses with index.html', async () => {
    const { page, context, baseUrl } = await open(inject('baseUrl'));
    await waitForControl(page);
    await expectShell(page);
    expect(await evaluate(page, () => self.crossOriginIsolated, 'crossOriginIsolated')).toBe(true);

    await context.setOffline(true);
    cleanups.push(() => context.setOffline(false));
    await withTimeout(page.reload(), 15_000, 'offline reload');
    await expectShell(page);
    // The service worker's own network is offline too, so the shell really came from its cache.
    const uncached = await evaluate(page, () => fetch(`not-cached-${Date.now()}.txt`).then((r) => `status ${r.status}`, () => 'failed'), 'fetch of an uncached file');
    expect(uncached).toBe('failed');
    expect(await evaluate(page, () => self.crossOriginIsolated, 'crossOriginIsolated offline')).toBe(true);

    await withTimeout(page.goto(`${baseUrl}?shared=abc#/datasets`), 15_000, 'offline visit of an in-app address');
    await expectShell(page);
  });
});

describe('cross-origin isolation on a host without headers', () => {
  it('becomes isolated after the service worker takes control, with one reload', async () => {
    const { page } = await open(inject('subPathUrl'));
    let navigations = 0;
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigations++;
    });
    await waitForControl(page);
    await waitInPage(page, () => self.crossOriginIsolated, 'crossOriginIsolated === true');
    await new Promise((done) => setTimeout(done, 1_000)); // Any further (looping) reload would show up here.
    expect(navigations).toBeLessThanOrEqual(1);
    expect(await evaluate(page, () => typeof SharedArrayBuffer, 'SharedArrayBuffer')).toBe('function');
    expect(await evaluate(page, () => document.documentElement.dataset.isolated, 'data-isolated')).toBe('true');
    await expectShell(page);
  });
});

describe('runtime caching', () => {
  const datasetManifest = join('dist', 'datasets', 'manifest.json');

  it('keeps datasets/manifest.json available offline after one online fetch', async (context) => {
    if (!existsSync(datasetManifest)) context.skip('dist/datasets/manifest.json is missing: run `npm run datasets`, then build');
    const { page, context: browser } = await open(inject('baseUrl'));
    await waitForControl(page);
    const online = await evaluate(page, () => fetch('datasets/manifest.json').then((r) => r.text()), 'online manifest fetch');
    await browser.setOffline(true);
    cleanups.push(() => browser.setOffline(false));
    const offline = await evaluate(page, () => fetch('datasets/manifest.json').then((r) => r.text()), 'offline manifest fetch');
    expect(offline).toBe(online);
    expect(JSON.parse(offline)).toBeTruthy();
  });

  it('caches data and wasm on first use only, then serves them (and byte ranges) with the host gone', async () => {
    const site = await serveCopy({ base: '/lab/', isolation: false });
    mkdirSync(join(site.root, 'datasets'), { recursive: true });
    mkdirSync(join(site.root, 'ort'), { recursive: true });
    writeFileSync(join(site.root, 'datasets', 'pwa-probe.csv'), '0123456789');
    writeFileSync(join(site.root, 'ort', 'pwa-probe.wasm'), Buffer.from([0, 97, 115, 109, 1, 0, 0, 0]));
    const { page, context } = await open(site.url);
    await waitForControl(page);
    await waitInPage(page, () => self.crossOriginIsolated, 'isolation');

    const cachedUrls = () =>
      caches.keys().then(async (names) => (await Promise.all(names.map(async (name) => (await (await caches.open(name)).keys()).map((r) => r.url)))).flat());
    const before = await evaluate(page, cachedUrls, 'cache listing before use');
    expect(before.some((url) => url.includes('index.html'))).toBe(true);
    // Only the sample list (datasets/manifest.json) is precached with the shell; data files are not.
    expect(before.some((url) => /\/datasets\/manifest\.json/.test(url))).toBe(true);
    expect(before.filter((url) => /\/(datasets|models|ort)\/|\.wasm/.test(url) && !/\/datasets\/manifest\.json/.test(url))).toEqual([]);

    const online = await evaluate(page, () => Promise.all(['datasets/pwa-probe.csv', 'ort/pwa-probe.wasm'].map((u) => fetch(u).then((r) => r.status))), 'first use');
    expect(online).toEqual([200, 200]);
    // The service worker writes the cache after answering, so the entries appear a moment later.
    await expect
      .poll(async () => (await evaluate(page, cachedUrls, 'cache listing after use')).filter((url) => url.includes('pwa-probe')).length, { timeout: 10_000 })
      .toBe(2);

    await site.stop();
    await context.setOffline(true);
    cleanups.push(() => context.setOffline(false));
    const offline = await evaluate(
      page,
      async () => {
        const csv = await fetch('datasets/pwa-probe.csv');
        const wasm = await fetch('ort/pwa-probe.wasm');
        const range = await fetch('datasets/pwa-probe.csv', { headers: { Range: 'bytes=2-4' } });
        const head = await fetch('datasets/pwa-probe.csv', { method: 'HEAD' });
        return {
          csv: await csv.text(),
          coep: csv.headers.get('Cross-Origin-Embedder-Policy'),
          wasmBytes: (await wasm.arrayBuffer()).byteLength,
          range: [range.status, range.headers.get('Content-Range'), await range.text()],
          head: [head.status, head.headers.get('Content-Length')],
        };
      },
      'offline reads of cached files',
    );
    expect(offline).toEqual({
      csv: '0123456789',
      coep: 'require-corp',
      wasmBytes: 8,
      range: [206, 'bytes 2-4/10', '234'],
      head: [200, '10'],
    });
  });
});

describe('update flow', () => {
  it('announces a waiting version, keeps the old tab working, and reloads into the new one on request', async () => {
    const site = await serveCopy();
    const { page } = await open(site.url);
    await waitForControl(page);
    await expectShell(page);
    expect(await evaluate(page, () => document.documentElement.dataset.swUpdate, 'data-sw-update')).toBe('none');

    // Deploy "v2": a changed index.html, and a sw.js whose precache revision for it differs.
    const indexFile = join(site.root, 'index.html');
    writeFileSync(indexFile, readFileSync(indexFile, 'utf8').replace('<head>', '<head>\n    <meta name="benchtop-build" content="e2e-v2" />'));
    const swFile = join(site.root, 'sw.js');
    const sw = readFileSync(swFile, 'utf8');
    const revised = sw.replace(/"revision":"[0-9a-f]+","url":"index.html"/, '"revision":"e2e-v2","url":"index.html"');
    expect(revised, 'the precache manifest in sw.js lists index.html with a revision').not.toBe(sw);
    writeFileSync(swFile, `${revised}\n// e2e-v2\n`);

    await evaluate(page, () => window.__benchtopPwa?.checkForUpdate(), 'checkForUpdate');
    await waitInPage(page, () => document.documentElement.dataset.swUpdate === 'available', 'data-sw-update="available"');

    // The old tab still works: a reload stays on the old version (the new one waits) and still offers the update.
    await withTimeout(page.reload(), 15_000, 'reload of the old tab');
    await expectShell(page);
    const buildMeta = () => document.querySelector('meta[name="benchtop-build"]')?.getAttribute('content') ?? 'v1';
    expect(await evaluate(page, buildMeta, 'build marker')).toBe('v1');
    await waitInPage(page, () => document.documentElement.dataset.swUpdate === 'available', 'the update still offered after reload');

    // What the user sees: the banner, and its button applies the update.
    const banner = page.getByTestId('update-banner');
    await banner.getByText('Update available').waitFor({ timeout: 15_000 });
    await banner.getByRole('button', { name: 'Reload to update' }).click();
    await waitInPage(page, () => document.querySelector('meta[name="benchtop-build"]')?.getAttribute('content') === 'e2e-v2', 'the new version after applyUpdate');
    await expectShell(page);
    await waitInPage(page, () => document.documentElement.dataset.swUpdate === 'none', 'no update pending in the new version');
  });
});
