/**
 * End-to-end: share links across two fresh browser profiles. Profile A trains Iris on the CPU backend and makes links
 * (sample reference, embedded data, file reference); profile B opens one: the run shows read-only and nothing is
 * stored or trained until Re-run here, which then reproduces it. A third profile is asked for the file and checks its
 * hash. Hostile links (oversize, unknown version, invalid JSON, HTML in names, `__proto__`, 10,000-deep nesting) are
 * refused with a clear message, with nothing stored and nothing run.
 */
import { readFileSync } from 'node:fs';
import { deflateSync } from 'fflate';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { toBase64Url } from '../src/core/share/base64url';
import { decodeSharePayload } from '../src/core/share/decode';
import { encodeSharePayload } from '../src/core/share/encode';
import { MAX_LINK_CHARS } from '../src/core/share/payload';
import { samplePayload } from '../src/test/share-payload-fixture';
import { openLab, screenshot, withTimeout, type Lab } from './browser';

const labs: Lab[] = [];
let problems: string[] = [];
afterEach(async () => {
  if (problems.length > 0) console.warn(`Browser errors:\n${problems.join('\n')}`);
  problems = [];
  for (const lab of labs.splice(0)) await lab.close();
});

/** A fresh profile (its own IndexedDB), watched for page errors and dialogs (an injected `alert` would be one). */
async function freshLab(path?: string): Promise<Lab> {
  const lab = await openLab(path === undefined ? {} : { path });
  labs.push(lab);
  lab.page.on('pageerror', (err) => problems.push(`pageerror: ${String(err)}`));
  lab.page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return lab;
}

/** Rows in the workspace database's `runs`, `datasets` and `datasetVersions` tables (0 when there is none yet). */
async function storedCounts(page: Page): Promise<{ runs: number; datasets: number; versions: number }> {
  return withTimeout(
    page.evaluate(async () => {
      const names = (await indexedDB.databases()).map((d) => d.name ?? '').filter((n) => n.startsWith('benchtop-ws-'));
      const counts = { runs: 0, datasets: 0, versions: 0 };
      for (const name of names) {
        const db = await new Promise<IDBDatabase>((ok, fail) => {
          const request = indexedDB.open(name);
          request.onsuccess = () => ok(request.result);
          request.onerror = () => fail(request.error);
        });
        const count = (store: string) =>
          db.objectStoreNames.contains(store)
            ? new Promise<number>((ok, fail) => {
                const request = db.transaction(store).objectStore(store).count();
                request.onsuccess = () => ok(request.result);
                request.onerror = () => fail(request.error);
              })
            : Promise.resolve(0);
        counts.runs += await count('runs');
        counts.datasets += await count('datasets');
        counts.versions += await count('datasetVersions');
        db.close();
      }
      return counts;
    }),
    10_000,
    'count stored rows',
  );
}

/** Open the Iris sample, configure a small CPU run in the Train form, start it and wait for it to complete. */
async function trainIrisOnCpu(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Open sample Iris' }).click();
  await page.waitForURL(/#\/data\/[^/]+\/profile/, { timeout: 30_000 });
  await page.getByRole('link', { name: 'Configure training…' }).click();
  await page.getByRole('heading', { level: 1, name: 'Train a model on “Iris”' }).waitFor({ timeout: 15_000 });
  await page.getByLabel('Epochs', { exact: true }).fill('4');
  await page.getByLabel('Layer 1 units').fill('8');
  await page.getByRole('button', { name: 'Remove layer 2' }).click();
  await page.getByLabel('Backend').selectOption('cpu');
  await page.getByRole('button', { name: 'Start training' }).click();
  await page.waitForURL(/#\/runs\/[^/]+$/, { timeout: 15_000 });
  await page.getByTestId('run.status').filter({ hasText: /^Completed$/ }).first().waitFor({ timeout: 90_000 });
}

/** Accessible names of the Share dialog's data choices. */
const CHOICES = { sample: /^Reference the sample/, embedded: /^Embed the data in the link/, file: /^Reference the file by its content hash/ } as const;

/** In the open Share dialog: pick how the data travels, wait for its link (not the previous one), return it with its size line. */
async function linkFor(page: Page, kind: keyof typeof CHOICES, previous = ''): Promise<{ url: string; size: string }> {
  await page.getByRole('radio', { name: CHOICES[kind] }).check();
  await page.waitForFunction(
    ({ kind, previous }) => {
      const area = document.querySelector<HTMLTextAreaElement>('[data-testid="share.link"]');
      const checked = document.querySelector<HTMLInputElement>('input[name="share-data"]:checked');
      return checked?.value === kind && area !== null && area.value.includes('#/shared/') && area.value !== previous;
    },
    { kind, previous },
    { timeout: 20_000 },
  );
  return { url: await page.getByTestId('share.link').inputValue(), size: (await page.getByTestId('share.size').textContent()) ?? '' };
}

describe('share links', () => {
  it('shares a CPU run of Iris from one profile and reproduces it, after a click, in another', async () => {
    const a = await freshLab();
    await trainIrisOnCpu(a.page);
    const runName = await a.page.getByRole('heading', { level: 1 }).textContent();
    const seed = JSON.parse((await a.page.getByTestId('run.spec').textContent()) ?? '{}').seed as number;

    await a.page.getByRole('button', { name: 'Share…' }).click();
    const dialog = a.page.getByRole('dialog', { name: 'Share this run' });
    await dialog.waitFor();
    const sample = await linkFor(a.page, 'sample');
    const embedded = await linkFor(a.page, 'embedded', sample.url);
    const file = await linkFor(a.page, 'file', embedded.url);
    console.info(`Iris link sizes: sample reference ${sample.url.length} chars (${sample.size}); embedded data ${embedded.url.length} chars (${embedded.size}); file reference ${file.url.length} chars`);
    expect(embedded.url.length).toBeGreaterThan(sample.url.length);
    expect(embedded.size).toMatch(/^[\d,]+ characters \([\d.]+ KB compressed, from [\d.]+ KB of JSON\)\.$/);
    await screenshot(a.page, 'share-dialog');

    // Profile B: a fresh browser profile opens the link with the data embedded.
    const b = await freshLab();
    const path = embedded.url.slice(embedded.url.indexOf('#'));
    await b.page.goto(b.baseUrl + path);
    await b.page.getByRole('heading', { level: 1, name: runName ?? '' }).waitFor({ timeout: 15_000 });
    await b.page.getByText('Shared · read-only').waitFor();
    expect(await b.page.getByTestId('shared.seed').textContent()).toBe(String(seed));
    await b.page.getByTestId('shared.data').getByText(/The data is in the link: 150 rows as CSV/).waitFor({ timeout: 10_000 });
    expect(await b.page.getByTestId('shared.chart').count()).toBe(2);
    expect(await b.page.title()).toBe('Shared run · Benchtop');
    // Read-only until the click: nothing imported, nothing queued, however long we wait.
    await b.page.waitForTimeout(1500);
    expect(await storedCounts(b.page)).toEqual({ runs: 0, datasets: 0, versions: 0 });
    await screenshot(b.page, 'shared-run');

    await b.page.getByRole('button', { name: 'Re-run here' }).click();
    const verdict = b.page.getByTestId('shared.verdict');
    await verdict.waitFor({ timeout: 120_000 }).catch(async (err: unknown) => {
      await screenshot(b.page, 'shared-run-stuck');
      throw err;
    });
    expect(await verdict.textContent()).toMatch(/Reproduced within tolerance\.\s*Every recorded metric is identical to the shared run, bit for bit\./);
    const rows = b.page.getByTestId('shared.comparison-row');
    expect(await rows.count()).toBeGreaterThanOrEqual(6);
    expect(await rows.filter({ hasText: /differs|missing/ }).count()).toBe(0);
    expect(await b.page.getByTestId('shared.rerun').getByText(/on cpu/).count()).toBe(1);
    expect(await storedCounts(b.page)).toEqual({ runs: 1, datasets: 1, versions: 1 });
    await screenshot(b.page, 'shared-run-verified');

    // The sample-reference link of the same run finds that re-run (same spec and seed) and its verdict.
    await b.page.goto(b.baseUrl + sample.url.slice(sample.url.indexOf('#')));
    await b.page.getByTestId('shared.data').getByText(/The sample “Iris” ships with this app/).waitFor({ timeout: 15_000 });
    await b.page.getByTestId('shared.verdict').getByText('Reproduced within tolerance.').waitFor({ timeout: 15_000 });

    // A link whose recorded validation loss was changed at epoch 2: the same re-run no longer matches it, and the
    // table says which metric differs and from which step.
    const tampered = decodeSharePayload(embedded.url.slice(embedded.url.indexOf('#/shared/') + '#/shared/'.length));
    tampered.metrics.series = tampered.metrics.series.map((s) => (s.key === 'val_loss' ? { ...s, values: s.values.map((v, i) => (i === 1 && v !== null ? v + 0.01 : v)) } : s));
    await b.page.goto(`${b.baseUrl}#/shared/${encodeSharePayload(tampered).encoded}`);
    const differs = b.page.getByTestId('shared.verdict');
    await differs.getByText(/^Not reproduced:/).waitFor({ timeout: 15_000 });
    expect(await differs.textContent()).toMatch(/Not reproduced: 1 of \d+ metrics differ from the shared run beyond the tolerance\./);
    const row = b.page.getByTestId('shared.comparison-row').filter({ hasText: 'Validation loss (curve)' });
    expect(await row.textContent()).toMatch(/1\.00e-2.*4 \(1 differ\).*differs from step 2/);
    await screenshot(b.page, 'shared-run-differs');

    // Profile C lacks the data: asked for the file, it checks the hash before importing anything.
    const c = await freshLab();
    await c.page.goto(c.baseUrl + file.url.slice(file.url.indexOf('#')));
    await c.page.getByTestId('shared.data').getByText(/The data is not in the link\. Pick the file the run read: “iris\.csv”/).waitFor({ timeout: 15_000 });
    const rerun = c.page.getByRole('button', { name: 'Re-run here' });
    expect(await rerun.isDisabled()).toBe(true);
    const iris = readFileSync('public/datasets/iris.csv');
    // Same size, other bytes: the hash catches it.
    const altered = Buffer.from(iris);
    altered[altered.length - 3] = altered[altered.length - 3] === 0x61 ? 0x62 : 0x61;
    await c.page.getByTestId('shared.file-input').setInputFiles({ name: 'iris.csv', mimeType: 'text/csv', buffer: altered });
    await c.page.getByText(/has other content than the file the run read/).waitFor({ timeout: 10_000 });
    expect(await rerun.isDisabled()).toBe(true);
    await c.page.getByTestId('shared.file-input').setInputFiles({ name: 'penguins.csv', mimeType: 'text/csv', buffer: readFileSync('public/datasets/penguins.csv') });
    await c.page.getByText(/“penguins\.csv” is 13\.2 KB; the run read 3\.8 KB/).waitFor({ timeout: 10_000 });
    await c.page.getByTestId('shared.file-input').setInputFiles({ name: 'iris.csv', mimeType: 'text/csv', buffer: iris });
    await c.page.getByText('“iris.csv” matches the run\'s data.').waitFor({ timeout: 10_000 });
    expect(await rerun.isEnabled()).toBe(true);
    expect(await storedCounts(c.page)).toEqual({ runs: 0, datasets: 0, versions: 0 });
    expect(problems.filter((p) => p.startsWith('dialog'))).toEqual([]);
  });

  it('refuses hostile links with a clear message, storing and running nothing', async () => {
    const lab = await freshLab();
    const { page } = lab;
    // Links change only the fragment: one document throughout, so a flag set now would show any injected script.
    await page.evaluate(() => {
      (window as unknown as { pwned: number }).pwned = 0;
    });
    const raw = (text: string) => toBase64Url(deflateSync(new TextEncoder().encode(text)));
    const valid = samplePayload();
    const cases: { name: string; encoded: string; message: RegExp }[] = [
      { name: 'oversize', encoded: 'A'.repeat(MAX_LINK_CHARS + 4), message: /^The link is 524,292 characters long; share links have at most 524,288$/ },
      { name: 'unknown version', encoded: raw(JSON.stringify({ ...valid, version: 2 })), message: /newer Benchtop \(share version 2\); this app reads version 1/ },
      { name: 'invalid JSON', encoded: raw('{"format":"benchtop-share","version":1,'), message: /^The link's data is not valid JSON/ },
      {
        name: 'HTML in a name',
        encoded: raw(JSON.stringify({ ...valid, run: { ...valid.run, name: '<img src=x onerror="window.pwned=1">' } })),
        message: /^The shared run name contains HTML markup; links with markup in names are refused$/,
      },
      { name: '__proto__ key', encoded: raw(JSON.stringify(valid).replace('"run":{', '"run":{"__proto__":{"polluted":true},')), message: /"__proto__" key at \(root\)\.run; keys named __proto__, constructor or prototype are refused/ },
      { name: '10,000-deep nesting', encoded: raw(`{"format":"benchtop-share","version":1,"x":${'['.repeat(10_000)}${']'.repeat(10_000)}}`), message: /nested more than 32 levels deep/ },
      { name: 'damaged', encoded: encodeSharePayload(valid).encoded.slice(0, 40), message: /^The link is (damaged|cut short)/ },
    ];
    for (const hostile of cases) {
      await page.goto(`${lab.baseUrl}#/shared/${hostile.encoded}`);
      await page.getByRole('heading', { level: 1, name: 'This share link cannot be opened' }).waitFor({ timeout: 15_000 });
      const message = (await page.getByTestId('shared.error').textContent()) ?? '';
      expect(message, hostile.name).toMatch(hostile.message);
      expect(message.length, `${hostile.name}: the message never quotes the link`).toBeLessThan(300);
      expect(await page.getByRole('button', { name: 'Re-run here' }).count()).toBe(0);
      expect(await page.title()).toBe('Shared run · Benchtop');
    }
    await screenshot(page, 'shared-run-refused');
    expect(await page.evaluate(() => (window as unknown as { pwned: number }).pwned)).toBe(0);
    expect(await page.evaluate(() => ({} as Record<string, unknown>).polluted)).toBeUndefined();
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await storedCounts(page)).toEqual({ runs: 0, datasets: 0, versions: 0 });
    expect(problems).toEqual([]);
  });
});
