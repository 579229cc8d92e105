/**
 * End-to-end: what happens when things go wrong around the data (offline, a closed tab),
 * and the folder import path.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openLab, screenshot, withTimeout, type Lab } from './browser';

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

/** Versions stored in the (only) workspace database, complete or not. */
async function storedVersions(page: Page): Promise<{ complete: number; incomplete: number }> {
  return withTimeout(
    page.evaluate(async () => {
      const dbs = await indexedDB.databases();
      const ws = dbs.find((d) => d.name?.startsWith('benchtop-ws-'));
      if (!ws?.name) return { complete: 0, incomplete: 0 };
      const db = await new Promise<IDBDatabase>((ok, fail) => {
        const req = indexedDB.open(ws.name!);
        req.onsuccess = () => ok(req.result);
        req.onerror = () => fail(req.error);
      });
      const all = await new Promise<{ complete: number }[]>((ok, fail) => {
        const req = db.transaction('datasetVersions').objectStore('datasetVersions').getAll();
        req.onsuccess = () => ok(req.result);
        req.onerror = () => fail(req.error);
      });
      db.close();
      return { complete: all.filter((v) => v.complete === 1).length, incomplete: all.filter((v) => v.complete !== 1).length };
    }),
    10_000,
    'count versions',
  );
}

async function waitForServiceWorker(page: Page) {
  await page.waitForFunction(() => document.documentElement.dataset.swOffline === 'ready', null, { timeout: 30_000 });
  await withTimeout(page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined)), 30_000, 'service worker ready');
  if (!(await page.evaluate(() => !!navigator.serviceWorker.controller))) await page.reload();
}

describe('resilience', () => {
  it('reloads offline with the data still there', async () => {
    lab = await openLab();
    const { page, context } = lab;
    await waitForServiceWorker(page);
    await page.getByRole('button', { name: 'Open sample Iris' }).click();
    await page.waitForURL(/#\/data\/[^/]+\/profile/, { timeout: 30_000 });
    await context.setOffline(true);
    await page.reload();
    await page.getByRole('heading', { name: 'Iris', level: 1 }).waitFor({ timeout: 20_000 });
    await page.getByRole('article', { name: 'Column species' }).waitFor();
    await page.getByRole('link', { name: 'Data', exact: true }).first().click();
    await page.getByRole('link', { name: 'Iris' }).waitFor();
    await screenshot(page, 'resilience-offline');
    // The sample list and a sample's file were cached on first use: opening it again offline works.
    await page.getByRole('button', { name: 'Open sample Iris' }).click();
    await page.waitForURL(/#\/data\/[^/]+\/profile/, { timeout: 30_000 });
    await context.setOffline(false);
  });

  it('sweeps the staged version of an import whose tab was closed', async () => {
    lab = await openLab();
    const { context, page } = lab;
    const lines = ['id,value,label'];
    for (let i = 0; i < 800_000; i++) lines.push(`${i},${i % 97},${i % 3 ? 'a' : 'b'}`);
    await page.getByTestId('import.file-input').setInputFiles([{ name: 'closing.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n')) }]);
    await page.waitForFunction(() => /Parsing: [1-9]/.test(document.body.textContent ?? ''), null, { timeout: 30_000 });
    // Wait until the import has written some chunks, then close the tab mid-import.
    await expect.poll(async () => (await storedVersions(page)).incomplete, { timeout: 20_000 }).toBe(1);
    await page.close();
    const next = await context.newPage();
    await next.goto(lab.baseUrl);
    await next.getByRole('heading', { name: 'Data', level: 1 }).waitFor();
    await expect.poll(() => storedVersions(next), { timeout: 20_000 }).toEqual({ complete: 0, incomplete: 0 });
    await next.getByText('No datasets yet').waitFor();
  });

  it('imports a folder of images with labels from subfolders', async () => {
    lab = await openLab();
    const { page } = lab;
    const dir = mkdtempSync(join(tmpdir(), 'benchtop-folder-'));
    const root = join(dir, 'shapes');
    // 1x1 PNG (valid header and data).
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d4944415478da63f8cfc0f01f0005000201a0e8b3a30000000049454e44ae426082', 'hex');
    for (const label of ['circle', 'square']) {
      mkdirSync(join(root, label), { recursive: true });
      for (let i = 0; i < 3; i++) writeFileSync(join(root, label, `${i}.png`), png);
    }
    writeFileSync(join(root, 'square', 'notes.txt'), 'not an image');
    try {
      await page.getByTestId('import.folder-input').setInputFiles(root);
      await page.waitForURL(/#\/data\/[^/]+\/images/, { timeout: 30_000 });
      await page.getByRole('heading', { name: 'shapes', level: 1 }).waitFor();
      const grid = page.getByTestId('image-grid');
      await grid.getByRole('img').first().waitFor();
      expect(await grid.getByRole('img').count()).toBe(6);
      await expect(grid.textContent()).resolves.toMatch(/circle.*square/s);
      await expect(page.getByTestId('import-issues').textContent()).resolves.toMatch(/notes\.txt/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
