/**
 * End-to-end: the model registry as a user meets it. Train Iris, register its model twice (versions 1 and 2), move
 * the `champion` alias from one to the other, edit the model card, register under a hostile name (shown as text,
 * never run), search the models list, and delete a version that holds an alias (asked first).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openLab, screenshot, type Lab } from './browser';

let lab: Lab | undefined;
let problems: string[] = [];
afterEach(async () => {
  if (problems.length > 0) console.warn(`Browser errors:\n${problems.join('\n')}`);
  problems = [];
  await lab?.close();
  lab = undefined;
});

const HOSTILE = '<img src=x onerror=alert(1)>';

/** Registers the model of the run page's run as `name`; resolves on the model page, returning the version in the URL. */
async function registerFromRun(page: Page, name: string): Promise<number> {
  await page.getByRole('button', { name: 'Register model…' }).click();
  const dialog = page.getByRole('dialog', { name: /Register the model of/ });
  await dialog.waitFor();
  const field = dialog.getByLabel('Model name');
  // The name is suggested from the dataset and task once the dialog has read the registry.
  await expect.poll(() => field.inputValue(), { timeout: 5_000 }).toBe('iris-classifier');
  await field.fill(name);
  await dialog.getByRole('button', { name: 'Register', exact: true }).click();
  await page.waitForURL(/#\/models\/[^/]+\/\d+$/, { timeout: 15_000 });
  await page.getByTestId('model.name').waitFor();
  return Number(page.url().split('/').at(-1));
}

/** The aliases cell of version `n`'s row in the versions table. */
async function aliasesOfRow(page: Page, n: number): Promise<string> {
  const row = page.getByTestId('model.version-row').filter({ has: page.getByRole('link', { name: `Version ${n}`, exact: true }) });
  return ((await row.locator('td').nth(1).textContent()) ?? '').trim();
}

describe('model registry', () => {
  it('registers versions, moves an alias, edits the card, shows hostile names as text', async () => {
    lab = await openLab();
    const { page } = lab;
    page.on('pageerror', (err) => problems.push(`pageerror: ${String(err)}`));
    let alerted = false;
    page.on('dialog', (dialog) => {
      alerted = true;
      void dialog.dismiss();
    });

    // Train Iris with the defaults.
    await page.getByRole('button', { name: 'Open sample Iris' }).click();
    await page.waitForURL(/#\/data\/[^/]+\/profile/, { timeout: 30_000 });
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await page.waitForURL(/#\/runs\/[^/]+$/, { timeout: 15_000 });
    const runUrl = page.url();
    await page.getByTestId('run.status').filter({ hasText: /^Completed$/ }).first().waitFor({ timeout: 120_000 });

    // Version 1, then version 2 of the same model.
    expect(await registerFromRun(page, 'iris-classifier')).toBe(1);
    expect(await page.getByTestId('model.name').textContent()).toBe('iris-classifier');
    expect(await page.getByTestId('model.signature').textContent()).toContain('petal length (cm)');
    expect(await page.getByTestId('model.signature').textContent()).toContain('setosa');
    await page.goto(runUrl);
    await page.getByTestId('run.models').getByRole('link', { name: 'iris-classifier v1' }).waitFor();
    await screenshot(page, 'models-run-page');
    expect(await registerFromRun(page, 'iris-classifier')).toBe(2);
    expect(await page.getByTestId('model.version-row').count()).toBe(2);

    // champion on version 1, then on version 2: it moves.
    await page.getByRole('link', { name: 'Version 1', exact: true }).click();
    await page.getByRole('heading', { level: 2, name: 'Version 1' }).waitFor();
    await page.getByRole('button', { name: 'Make champion' }).click();
    await expect.poll(() => aliasesOfRow(page, 1)).toBe('champion');
    await page.getByRole('link', { name: 'Version 2', exact: true }).click();
    await page.getByRole('heading', { level: 2, name: 'Version 2' }).waitFor();
    await page.getByRole('button', { name: 'Make champion' }).click();
    await page.getByText('Moved “champion” from version 1 to version 2').waitFor();
    await expect.poll(() => aliasesOfRow(page, 2)).toBe('champion');
    expect(await aliasesOfRow(page, 1)).toBe('–');

    // The card: edited, and hostile text shown as text.
    await page.getByRole('button', { name: 'Edit card' }).click();
    await page.getByLabel(/^Intended use/).fill('Teaching only: not for botanical decisions.');
    await page.getByLabel(/^Limitations/).fill(HOSTILE);
    await page.getByRole('button', { name: 'Save card' }).click();
    await page.getByTestId('model.card.intendedUse').filter({ hasText: 'Teaching only' }).waitFor();
    expect(await page.getByTestId('model.card.limitations').textContent()).toBe(HOSTILE);
    expect(await page.getByTestId('model.card.trainingData').textContent()).toMatch(/Dataset "Iris"/);
    await page.getByTestId('model.metrics').waitFor();
    await screenshot(page, 'models-model-page');

    // A hostile model name: stored and shown as text, nothing runs.
    await page.goto(runUrl);
    await registerFromRun(page, HOSTILE);
    expect(await page.getByTestId('model.name').textContent()).toBe(HOSTILE);
    expect(await page.locator('main img').count()).toBe(0);
    await screenshot(page, 'models-hostile-name');

    // The list, with search.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
    await page.getByTestId('model-list.row').nth(1).waitFor();
    expect(await page.getByTestId('model-list.row').count()).toBe(2);
    await page.getByLabel('Search').fill('iris-class');
    await expect.poll(() => page.getByTestId('model-list.row').count()).toBe(1);
    const row = page.getByTestId('model-list.row').first();
    expect(await row.textContent()).toContain('champion → v2');
    await screenshot(page, 'models-list');

    // Deleting the version holding champion asks first, naming the alias.
    await row.getByRole('link', { name: 'iris-classifier' }).click();
    await page.getByRole('heading', { level: 2, name: 'Version 2' }).waitFor();
    await page.getByRole('button', { name: 'Delete version…' }).click();
    const confirm = page.getByRole('dialog', { name: /Delete version 2/ });
    expect(await confirm.getByTestId('model.delete-version-aliases').textContent()).toContain('champion');
    await confirm.getByRole('button', { name: 'Delete version' }).click();
    await expect.poll(() => page.getByTestId('model.version-row').count()).toBe(1);
    await page.getByRole('heading', { level: 2, name: 'Version 1' }).waitFor();
    expect(await aliasesOfRow(page, 1)).toBe('–');

    expect(alerted).toBe(false);
    expect(problems).toEqual([]);
  }, 240_000);

  it('registers the best trial of a sweep, with the sweep in its lineage', async () => {
    lab = await openLab();
    const { page } = lab;
    page.on('pageerror', (err) => problems.push(`pageerror: ${String(err)}`));
    await page.getByRole('button', { name: 'Open sample Iris' }).click();
    await page.waitForURL(/#\/data\/[^/]+\/profile/, { timeout: 30_000 });
    await page.getByRole('link', { name: 'Sweep…' }).click();
    await page.getByRole('heading', { level: 1, name: /Sweep hyperparameters/ }).waitFor({ timeout: 20_000 });
    // Tiny: 2 trials of 3 epochs.
    await page.getByLabel('Epochs per trial', { exact: true }).fill('3');
    await page.getByLabel('First rung (epochs)', { exact: true }).fill('1');
    await page.getByLabel('Random trials first', { exact: true }).fill('2');
    await page.getByLabel('Trials', { exact: true }).fill('2');
    await page.getByTestId('sweep.error-summary').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Start sweep' }).click();
    await page.waitForURL(/#\/sweeps\/[^/]+$/, { timeout: 15_000 });
    const sweepName = (await page.getByRole('heading', { level: 1 }).textContent()) ?? '';
    await page.getByTestId('run.status').filter({ hasText: /^Completed$/ }).first().waitFor({ timeout: 150_000 });

    await page.getByRole('button', { name: 'Register as model…' }).click();
    const dialog = page.getByRole('dialog', { name: /Register the model of trial \d+ \(the best\)/ });
    await dialog.waitFor();
    await expect.poll(() => dialog.getByLabel('Model name').inputValue(), { timeout: 5_000 }).toBe('iris-classifier');
    await dialog.getByRole('checkbox', { name: 'challenger' }).check();
    await dialog.getByRole('button', { name: 'Register', exact: true }).click();
    await page.waitForURL(/#\/models\/[^/]+\/1$/, { timeout: 15_000 });
    expect(await page.getByTestId('model.aliases').textContent()).toContain('challenger');
    const lineage = page.getByTestId('model.lineage');
    await lineage.getByRole('link', { name: sweepName, exact: true }).waitFor();
    expect(await lineage.getByTestId('model.lineage.run').textContent()).toMatch(/trial/i);
    expect(problems).toEqual([]);
  }, 240_000);
});
