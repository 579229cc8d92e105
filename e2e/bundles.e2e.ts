/**
 * End-to-end: bundles between two browsers. In browser A, train Iris, register its model, run a 2-trial sweep, and
 * export three bundles (run, sweep, model version) as downloads. In browser B (another profile: another IndexedDB),
 * import them on the Runs page: the run, the sweep with its trials and the model version appear. Importing a bundle
 * again is skipped with no duplicate; hostile zips (a `..` path, a zip bomb, an invalid manifest) are refused with a
 * message and nothing is stored.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, unzipSync, zipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { openLab, screenshot, type Lab } from './browser';

const labs: Lab[] = [];
let problems: string[] = [];
const folder = mkdtempSync(join(tmpdir(), 'benchtop-bundles-'));

afterEach(async () => {
  if (problems.length > 0) console.warn(`Browser errors:\n${problems.join('\n')}`);
  problems = [];
  for (const lab of labs.splice(0)) await lab.close();
});

function watch(page: Page) {
  page.on('pageerror', (err) => problems.push(`pageerror: ${String(err)}`));
  page.on('dialog', (dialog) => {
    problems.push(`unexpected dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
}

/** Opens the export dialog of the page's "Export bundle…" button and saves the download; returns its path. */
async function exportBundle(page: Page, name: string): Promise<string> {
  await page.getByRole('button', { name: 'Export bundle…' }).click();
  const dialog = page.getByTestId('bundle.export-dialog');
  await dialog.waitFor();
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), dialog.getByRole('button', { name: 'Export bundle', exact: true }).click()]);
  expect(download.suggestedFilename()).toMatch(/^benchtop-(run|sweep|model)-[A-Za-z0-9_-]+-\d{4}-\d\d-\d\d\.zip$/);
  const path = join(folder, name);
  await download.saveAs(path);
  await dialog.waitFor({ state: 'hidden' });
  return path;
}

/** Imports `path` on B's Runs page; resolves with the result summary, or the error text when `refused`. */
async function importBundle(page: Page, path: string, refused = false): Promise<string> {
  await page.getByTestId('bundle.import-input').setInputFiles(path);
  const box = page.getByTestId(refused ? 'bundle.import-error' : 'bundle.import-result');
  await box.waitFor({ timeout: 60_000 });
  return ((await (refused ? box.locator('.message') : page.getByTestId('bundle.import-summary')).textContent()) ?? '').trim();
}

async function runRows(page: Page): Promise<number> {
  await page.getByTestId('run-list').or(page.getByText('No runs yet.')).first().waitFor();
  return page.getByTestId('run-list.row').count();
}

describe('bundles', () => {
  it('moves a run, a sweep and a model version to another browser, once, and refuses hostile zips', { timeout: 600_000 }, async () => {
    // Browser A: train Iris, register its model.
    const a = await openLab();
    labs.push(a);
    watch(a.page);
    const pageA = a.page;
    await pageA.getByRole('button', { name: 'Open sample Iris' }).click();
    await pageA.waitForURL(/#\/data\/[^/]+\/profile/, { timeout: 30_000 });
    const dataUrl = pageA.url();
    await pageA.getByRole('button', { name: 'Train', exact: true }).click();
    await pageA.waitForURL(/#\/runs\/[^/]+$/, { timeout: 15_000 });
    const runName = ((await pageA.getByRole('heading', { level: 1 }).textContent()) ?? '').trim();
    await pageA.getByTestId('run.status').filter({ hasText: /^Completed$/ }).first().waitFor({ timeout: 180_000 });
    const runBundle = await exportBundle(pageA, 'run.zip');

    await pageA.getByRole('button', { name: 'Register model…' }).click();
    const register = pageA.getByRole('dialog', { name: /Register the model of/ });
    await expect.poll(() => register.getByLabel('Model name').inputValue(), { timeout: 5_000 }).toBe('iris-classifier');
    await register.getByRole('button', { name: 'Register', exact: true }).click();
    await pageA.waitForURL(/#\/models\/[^/]+\/1$/, { timeout: 15_000 });
    const modelBundle = await exportBundle(pageA, 'model.zip');

    // A 2-trial sweep, short, no early termination.
    await pageA.goto(dataUrl);
    await pageA.getByRole('link', { name: 'Sweep…' }).click();
    await pageA.getByRole('heading', { level: 1, name: /Sweep hyperparameters on “Iris”/ }).waitFor({ timeout: 20_000 });
    await pageA.getByLabel('Policy', { exact: true }).selectOption('none');
    await pageA.getByLabel('Epochs per trial', { exact: true }).fill('3');
    await pageA.getByLabel('Random trials first', { exact: true }).fill('2');
    await pageA.getByLabel('Trials', { exact: true }).fill('2');
    await pageA.getByLabel('Trials at once', { exact: true }).fill('1');
    await pageA.getByTestId('sweep.error-summary').waitFor({ state: 'detached' });
    await pageA.getByRole('button', { name: 'Start sweep' }).click();
    await pageA.waitForURL(/#\/sweeps\/[^/]+$/, { timeout: 15_000 });
    await pageA.locator('header.page-head').getByTestId('run.status').filter({ hasText: /^Completed$/ }).waitFor({ timeout: 240_000 });
    const sweepName = ((await pageA.getByRole('heading', { level: 1 }).textContent()) ?? '').trim();
    const sweepBundle = await exportBundle(pageA, 'sweep.zip');

    // Browser B: another profile, nothing in it.
    const b = await openLab({ path: '#/runs' });
    labs.push(b);
    watch(b.page);
    const pageB = b.page;
    expect(await runRows(pageB)).toBe(0);
    await pageB.getByRole('button', { name: 'Import bundle…' }).waitFor();
    const sizes = Object.entries({ run: runBundle, model: modelBundle, sweep: sweepBundle }).map(([kind, path]) => `${kind} ${readFileSync(path).byteLength} B`);
    const started = Date.now();
    expect(await importBundle(pageB, sweepBundle)).toBe('Imported 1 sweep, 2 trials and its data.');
    console.info(`Bundle sizes: ${sizes.join(', ')}; importing the sweep bundle took ${Date.now() - started} ms (choosing the file to the result shown)`);
    await screenshot(pageB, 'bundles-import-result');
    expect(await importBundle(pageB, runBundle)).toBe('Imported 1 run.');
    expect(await importBundle(pageB, modelBundle)).toBe('Imported model version iris-classifier v1; skipped, already here: 1 run.');
    await expect.poll(() => runRows(pageB)).toBe(2);
    await pageB.getByTestId('run-list').getByRole('link', { name: runName, exact: true }).waitFor();

    // Again: nothing new, and said so.
    expect(await importBundle(pageB, sweepBundle)).toBe('Skipped, already here: 1 sweep, 2 trials. Nothing was duplicated.');
    await screenshot(pageB, 'bundles-import-skipped');
    expect(await runRows(pageB)).toBe(2);

    // Hostile zips: refused with a message; nothing stored.
    const entries = unzipSync(new Uint8Array(readFileSync(runBundle)));
    const escape = join(folder, 'escape.zip');
    writeFileSync(escape, zipSync({ ...entries, '../../escape.txt': strToU8('outside') }));
    expect(await importBundle(pageB, escape, true)).toBe('The bundle has an entry with an unsafe path, "../../escape.txt": a bundle\'s paths are letters, digits, ".", "_" and "-" joined by "/", never ".." or absolute');
    const bomb = join(folder, 'bomb.zip');
    writeFileSync(bomb, zipSync({ ...entries, 'runs/0/artifacts/zeros.bin': new Uint8Array(64 * 1024 * 1024) }));
    expect(await importBundle(pageB, bomb, true)).toMatch(/^runs\/0\/artifacts\/zeros\.bin unpacks to 67108864 bytes from \d+: a zip bomb, not a bundle; refused unread$/);
    const invalid = join(folder, 'invalid.zip');
    writeFileSync(invalid, zipSync({ ...entries, 'manifest.json': strToU8('{"format": "benchtop-bundle", "kind": <b>run</b>}') }));
    expect(await importBundle(pageB, invalid, true)).toMatch(/^manifest\.json is not valid JSON/);
    await screenshot(pageB, 'bundles-import-refused');
    expect(await runRows(pageB)).toBe(2);
    expect(await pageB.locator('main b, main img').count()).toBe(0);

    // What B has: the sweep with its two trials, the run, and the model version.
    await pageB.getByTestId('run-list').getByRole('link', { name: sweepName, exact: true }).click();
    await pageB.waitForURL(/#\/sweeps\/[^/]+$/);
    await expect.poll(() => pageB.getByTestId('sweep.trial-row').count(), { timeout: 20_000 }).toBe(2);
    await pageB.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
    await pageB.getByTestId('model-list.row').filter({ hasText: 'iris-classifier' }).getByRole('link', { name: 'iris-classifier' }).click();
    await pageB.getByRole('heading', { level: 2, name: 'Version 1' }).waitFor({ timeout: 20_000 });
    expect(await pageB.getByTestId('model.signature').textContent()).toContain('setosa');
    await screenshot(pageB, 'bundles-model-in-b');
    expect(problems).toEqual([]);
    rmSync(folder, { recursive: true, force: true });
  });
});
