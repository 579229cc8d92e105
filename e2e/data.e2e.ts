/**
 * End-to-end: bringing data in and looking at it, as a new user would, including hostile and broken files.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { zipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { openLab, screenshot, withTimeout, type Lab } from './browser';

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

/** Import files through the hidden input behind "Import file…". */
async function importFiles(page: Page, files: { name: string; mimeType: string; buffer: Buffer }[]) {
  await page.getByTestId('import.file-input').setInputFiles(files);
}

/** Count rows in the current workspace's raw IndexedDB tables (bypassing the app). */
async function countStored(page: Page): Promise<{ datasets: number; versions: number; chunks: number }> {
  return withTimeout(
    page.evaluate(async () => {
      const dbs = await indexedDB.databases();
      const ws = dbs.find((d) => d.name?.startsWith('benchtop-ws-'));
      if (!ws?.name) return { datasets: 0, versions: 0, chunks: 0 };
      const db = await new Promise<IDBDatabase>((ok, fail) => {
        const req = indexedDB.open(ws.name!);
        req.onsuccess = () => ok(req.result);
        req.onerror = () => fail(req.error);
      });
      const count = (store: string) =>
        new Promise<number>((ok, fail) => {
          const req = db.transaction(store).objectStore(store).count();
          req.onsuccess = () => ok(req.result);
          req.onerror = () => fail(req.error);
        });
      const result = { datasets: await count('datasets'), versions: await count('datasetVersions'), chunks: await count('columnChunks') };
      db.close();
      return result;
    }),
    10_000,
    'count stored rows',
  );
}

function csv(text: string, name = 'data.csv') {
  return { name, mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') };
}

describe('data import', () => {
  it('opens a sample and shows its profile and preview', async () => {
    lab = await openLab();
    const { page } = lab;
    await page.getByRole('button', { name: 'Open sample Palmer penguins' }).click();
    await page.waitForURL(/#\/data\/[^/]+\/profile/, { timeout: 30_000 });
    await page.getByRole('heading', { name: 'Palmer penguins', level: 1 }).waitFor();
    const cards = page.getByTestId('column-profile');
    await cards.first().waitFor();
    expect(await cards.count()).toBeGreaterThanOrEqual(7);
    // Penguins keeps its missing values.
    const sexCard = page.getByRole('article', { name: 'Column sex' });
    await expect(sexCard.getByText(/^\d+ \([\d.]+%\)$/).first().textContent()).resolves.not.toMatch(/^0 /);
    await screenshot(page, 'data-penguins-profile');
    await page.getByRole('tab', { name: 'Preview' }).click();
    await page.getByTestId('virtual-table.row').first().waitFor();
    await page.getByRole('cell', { name: 'Adelie' }).first().waitFor();
    // Opening the same sample again reuses the version.
    await page.getByRole('link', { name: 'Data', exact: true }).first().click();
    await page.getByRole('button', { name: 'Open sample Palmer penguins' }).click();
    await page.waitForURL(/#\/data\/[^/]+\/profile/, { timeout: 30_000 });
    expect((await countStored(page)).versions).toBe(1);
  });

  it('imports a CSV through the UI and shows hostile text as text', async () => {
    lab = await openLab();
    const { page } = lab;
    const hostile = [
      '__proto__,constructor,prototype,name,name,,amount',
      '1,2,3,<img src=x onerror="window.__pwned=1">,<script>window.__pwned=2</script>,=HYPERLINK("http://evil"),10',
      '4,5,6,plain,text,x,20',
      '7,8,9,short row',
      '10,11,12,a,b,c,30,extra',
    ].join('\r\n');
    await importFiles(page, [csv(hostile, '<b>hostile</b>.csv')]);
    await page.waitForURL(/#\/data\/[^/]+\/profile/, { timeout: 30_000 });
    // The file name is shown as text, not markup.
    await page.getByRole('heading', { name: '<b>hostile</b>', level: 1 }).waitFor();
    // Renamed headers and ragged rows are listed with row numbers.
    const notes = page.getByTestId('import-issues');
    await expect(notes.textContent()).resolves.toMatch(/name \(2\)/);
    await expect(notes.textContent()).resolves.toMatch(/row 3/);
    await page.getByRole('tab', { name: 'Preview' }).click();
    await page.getByTestId('virtual-table.row').first().waitFor();
    await page.getByRole('cell', { name: '<img src=x onerror="window.__pwned=1">' }).waitFor();
    await page.getByRole('cell', { name: '=HYPERLINK("http://evil")' }).waitFor();
    const state = await withTimeout(
      page.evaluate(() => ({
        pwned: (window as unknown as { __pwned?: number }).__pwned,
        imgs: document.querySelectorAll('main img[src="x"]').length,
        scripts: [...document.querySelectorAll('main script')].length,
        polluted: Object.keys(Object.prototype).length,
      })),
      5000,
      'inspect DOM',
    );
    expect(state).toEqual({ pwned: undefined, imgs: 0, scripts: 0, polluted: 0 });
    for (const header of ['__proto__', 'constructor', 'prototype', 'name (2)']) {
      await page.getByRole('columnheader', { name: new RegExp(`^${header.replace(/[()]/g, '\\$&')}`) }).waitFor();
    }
    await screenshot(page, 'data-hostile-preview');
  });

  it('refuses broken files with a clear reason and keeps nothing', async () => {
    lab = await openLab();
    const { page } = lab;
    const parquet = readFileSync('src/test/fixtures/small.parquet');
    const binary = Buffer.alloc(4096);
    for (let i = 0; i < binary.length; i++) binary[i] = (i * 7919) % 256;
    const hugePng = Buffer.from('89504e470d0a1a0a0000000d49484452000fffff000fffff0806000000', 'hex');
    const cases: { file: { name: string; mimeType: string; buffer: Buffer }; message: RegExp }[] = [
      { file: csv('', 'empty.csv'), message: /empty/i },
      { file: { name: 'binary.csv', mimeType: 'text/csv', buffer: binary }, message: /does not look like text|binary/i },
      { file: { name: 'truncated.parquet', mimeType: 'application/octet-stream', buffer: parquet.subarray(0, parquet.length - 20) }, message: /parquet/i },
      { file: { name: 'huge.zip', mimeType: 'application/zip', buffer: Buffer.from(zipSync({ 'cats/huge.png': hugePng }, { level: 0 })) }, message: /dimension|too large|no valid images|image/i },
      { file: csv('a,b\n', 'header-only.csv'), message: /no (data )?rows/i },
    ];
    for (const { file, message } of cases) {
      await importFiles(page, [file]);
      const job = page.getByRole('group', { name: `Import of ${file.name}` });
      const alert = job.getByRole('alert');
      await alert.waitFor({ timeout: 20_000 });
      await expect(alert.textContent()).resolves.toMatch(message);
      await job.getByRole('button', { name: `Dismiss import of ${file.name}` }).click();
    }
    await screenshot(page, 'data-broken-files');
    expect(await countStored(page)).toEqual({ datasets: 0, versions: 0, chunks: 0 });
    // The app is still usable.
    await importFiles(page, [csv('x,y\n1,2\n3,4\n', 'fine.csv')]);
    await page.waitForURL(/#\/data\/[^/]+\/profile/, { timeout: 30_000 });
  });

  it('cancels a large import and keeps nothing', async () => {
    lab = await openLab();
    const { page } = lab;
    const lines = ['id,value,label,note'];
    for (let i = 0; i < 600_000; i++) lines.push(`${i},${(i * 0.37) % 100},${i % 7 === 0 ? 'seven' : 'other'},row number ${i}`);
    await importFiles(page, [csv(lines.join('\n'), 'big.csv')]);
    const job = page.getByRole('group', { name: 'Import of big.csv' });
    await job.getByRole('progressbar').waitFor({ timeout: 20_000 });
    await page.waitForFunction(() => /Parsing: [1-9]/.test(document.body.textContent ?? ''), null, { timeout: 30_000 });
    await job.getByRole('button', { name: 'Cancel import of big.csv' }).click();
    await expect(job.getByRole('status').textContent()).resolves.toMatch(/Canceled/);
    // The sweeper removes the staged version once the terminated worker's lock is gone.
    await expect.poll(() => countStored(page), { timeout: 15_000 }).toEqual({ datasets: 0, versions: 0, chunks: 0 });
  });

  it('changes a column type and the target, and deletes with confirmation', async () => {
    lab = await openLab();
    const { page } = lab;
    await importFiles(page, [csv('zip,price,when,city\n01234,1.5,2024-01-02,Oslo\n02345,n/a,2024-02-03,Bergen\n03456,3,2024-03-04,Oslo\n', 'houses.csv')]);
    await page.waitForURL(/#\/data\/[^/]+\/profile/, { timeout: 30_000 });
    const zipType = page.getByRole('combobox', { name: 'Type of column zip' });
    await expect(zipType.inputValue()).resolves.toBe('integer');
    await expect(page.getByRole('combobox', { name: 'Type of column when' }).inputValue()).resolves.toBe('datetime');
    // A type no value fits is refused, and the control shows the type in force again.
    const cityType = page.getByRole('combobox', { name: 'Type of column city' });
    await cityType.selectOption('number');
    await page.getByRole('button', { name: 'Apply type number to column city' }).click();
    await page.getByTestId('toast').filter({ hasText: 'none reads as number' }).waitFor();
    await expect.poll(() => cityType.inputValue()).toBe('category');
    await zipType.selectOption('category');
    // Looking through the options changes nothing until Apply.
    await expect(zipType.inputValue()).resolves.toBe('category');
    await page.getByRole('button', { name: 'Apply type category to column zip' }).click();
    await expect.poll(() => zipType.inputValue(), { timeout: 15_000 }).toBe('category');
    await page.getByRole('combobox', { name: 'Target column' }).selectOption('price');
    await page.getByRole('button', { name: 'Set target' }).click();
    await page.getByRole('article', { name: 'Column price' }).getByText('target').waitFor();
    await page.getByRole('button', { name: 'Delete dataset…' }).click();
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect((await countStored(page)).datasets).toBe(1);
    await page.getByRole('button', { name: 'Delete dataset…' }).click();
    await page.getByRole('button', { name: 'Delete dataset', exact: true }).click();
    await page.waitForURL(/#\/data$/);
    expect(await countStored(page)).toEqual({ datasets: 0, versions: 0, chunks: 0 });
  });

  it('imports an image zip and shows the grid', async () => {
    lab = await openLab();
    const { page } = lab;
    await page.getByRole('button', { name: 'Open sample Digits (8×8)' }).click();
    await page.waitForURL(/#\/data\/[^/]+\/images/, { timeout: 30_000 });
    const grid = page.getByTestId('image-grid');
    await grid.getByRole('img').first().waitFor();
    expect(await grid.getByRole('img').count()).toBe(120);
    const loaded = await withTimeout(
      page.evaluate(() => [...document.querySelectorAll<HTMLImageElement>('[data-testid="image-grid"] img')].slice(0, 5).every((img) => img.complete && img.naturalWidth === 8)),
      5000,
      'check decoded images',
    );
    expect(loaded).toBe(true);
    await screenshot(page, 'data-digits-grid');
  });
});
