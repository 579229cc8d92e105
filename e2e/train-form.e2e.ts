/**
 * End-to-end: the Train form. Open a sample, change settings in the form and in the JSON spec editor (errors named by
 * path or line:column, Start disabled until fixed), start, and watch the run complete; then re-run it (same spec and
 * seed), clone and edit it (the changed field in the new run's spec), and re-run a run whose data was deleted.
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

const runIdOf = (page: Page) => decodeURIComponent(page.url().split('#/runs/')[1]);

async function waitForCompleted(page: Page, name: string) {
  await page
    .getByTestId('run.status')
    .filter({ hasText: /^Completed$/ })
    .first()
    .waitFor({ timeout: 90_000 })
    .catch(async (err: unknown) => {
      await screenshot(page, `train-form-${name}-stuck`);
      throw err;
    });
}

/** The run page's stored spec (the Details section's JSON). */
async function runSpec(page: Page): Promise<Record<string, unknown> & { seed: number; epochs: number; model: { layers: { units: number }[] } }> {
  return JSON.parse((await page.getByTestId('run.spec').textContent()) ?? 'null');
}

/** Replace every match of `find` with `replace` in the CodeMirror editor, through its search panel (Ctrl+F). */
async function replaceInEditor(page: Page, find: string, replace: string) {
  await page.getByRole('textbox', { name: 'Training spec (JSON)' }).click();
  await page.keyboard.press('Control+f');
  const search = page.locator('.cm-search input[name=search]');
  await search.fill(find);
  await search.press('End'); // the panel reads its fields on keyup
  const replaceField = page.locator('.cm-search input[name=replace]');
  await replaceField.fill(replace);
  await replaceField.press('End');
  await page.locator('.cm-search button[name=replaceAll]').click();
  await page.locator('.cm-search button[name=close]').click();
}

describe('the Train form', () => {
  it('configures, validates and starts a run; re-runs it; clones and edits it', async () => {
    lab = await openLab();
    const { page } = lab;
    page.on('pageerror', (err) => problems.push(`pageerror: ${String(err)}`));

    await page.getByRole('button', { name: 'Open sample Iris' }).click();
    await page.waitForURL(/#\/data\/[^/]+\/(profile|images)/, { timeout: 30_000 });
    const datasetUrl = page.url();
    await page.getByRole('link', { name: 'Configure training…' }).click();
    await page.waitForURL(/#\/train\/[^/]+$/, { timeout: 10_000 });
    await page.getByRole('heading', { level: 1, name: 'Train a model on “Iris”' }).waitFor({ timeout: 15_000 });

    // The defaults of the one-click Train: the detected task with its reason, every useful column, an MLP 64-32.
    expect(await page.getByTestId('train.task').textContent()).toMatch(/multiclass classification.*"species" has 3 classes/);
    expect(await page.getByLabel('Target column').inputValue()).toBe('species');
    expect(await page.getByRole('checkbox', { name: /petal length \(cm\)/ }).isChecked()).toBe(true);
    expect(await page.getByLabel('Layer 1 units').inputValue()).toBe('64');
    const start = page.getByRole('button', { name: 'Start training' });
    expect(await start.isEnabled()).toBe(true);

    // An emptied field: its error next to it and in the summary, whose link moves to it; Start is disabled.
    const epochs = page.getByLabel('Epochs', { exact: true });
    await epochs.fill('');
    const summary = page.getByTestId('train.error-summary');
    await summary.getByRole('link', { name: 'Epochs: Enter an integer from 1 to 10000' }).click();
    expect(await epochs.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await page.locator('#train-epochs-error').textContent()).toMatch(/Enter an integer from 1 to 10000/);
    expect(await start.isDisabled()).toBe(true);

    // A few epochs and a smaller network.
    await epochs.fill('3');
    await page.getByLabel('Layer 1 units').fill('16');
    await page.getByRole('button', { name: 'Remove layer 2' }).click();
    expect(await page.getByTestId('train.layer').count()).toBe(1);
    await summary.waitFor({ state: 'detached' });
    expect(await start.isEnabled()).toBe(true);
    await screenshot(page, 'train-form');

    // The JSON editor shows the form's spec; a bad value is named by its path and disables Start.
    await page.getByText('Advanced: edit the full spec (JSON)').click();
    const editor = page.getByRole('textbox', { name: 'Training spec (JSON)' });
    await editor.waitFor({ timeout: 10_000 });
    const jsonProblems = page.getByTestId('train.json-problems');
    await jsonProblems.getByText('The spec is valid.').waitFor();
    await replaceInEditor(page, '"units": 16', '"units": 0');
    await jsonProblems.getByText(/^\d+:\d+ model\.layers\[0\]\.units: expected an integer from 1 to 4096, got 0$/).waitFor({ timeout: 5_000 });
    expect(await start.isDisabled()).toBe(true);
    await summary.getByRole('link', { name: /model\.layers\[0\]\.units: expected an integer from 1 to 4096, got 0/ }).waitFor();
    expect(await page.getByLabel('Epochs', { exact: true }).isDisabled()).toBe(true);
    await page.locator('.cm-lint-marker-error').first().waitFor();
    await screenshot(page, 'train-form-json-error');

    // A syntax error reads line:column.
    await replaceInEditor(page, '"units": 0', '"units": 0 0');
    await jsonProblems.getByText(/^\d+:\d+ expected "," or "}" after a member, found "0"$/).waitFor({ timeout: 5_000 });
    expect(await start.isDisabled()).toBe(true);

    // Fixed in the JSON: Start is enabled again and the form shows the value.
    await replaceInEditor(page, '"units": 0 0', '"units": 12');
    await jsonProblems.getByText('The spec is valid.').waitFor({ timeout: 5_000 });
    expect(await start.isEnabled()).toBe(true);
    expect(await page.getByLabel('Layer 1 units').inputValue()).toBe('12');
    expect(await page.getByLabel('Epochs', { exact: true }).isEnabled()).toBe(true);

    await start.click();
    await page.waitForURL(/#\/runs\/[^/]+$/, { timeout: 15_000 });
    const firstId = runIdOf(page);
    await page.getByRole('heading', { level: 1, name: 'Iris · mlp' }).waitFor();
    await waitForCompleted(page, 'first');
    const first = await runSpec(page);
    expect(first.epochs).toBe(3);
    expect(first.model.layers.map((l) => l.units)).toEqual([12]);

    // Re-run: a new run with the identical spec and seed, linked to its source.
    await page.getByRole('button', { name: 'Re-run' }).click();
    await page.waitForURL((url) => /#\/runs\/[^/]+$/.test(url.hash) && !url.hash.includes(encodeURIComponent(firstId)), { timeout: 15_000 });
    await page.getByRole('heading', { level: 1, name: 'Iris · mlp (re-run)' }).waitFor();
    expect(await page.getByTestId('run.source').getByRole('link', { name: 'Iris · mlp' }).count()).toBe(1);
    const rerun = await runSpec(page);
    expect(rerun).toEqual(first);
    await waitForCompleted(page, 'rerun');

    // Clone and edit: the form has the run's settings; the change shows in the new run's spec.
    await page.getByRole('link', { name: 'Clone and edit' }).click();
    await page.waitForURL(/#\/runs\/[^/]+\/clone$/, { timeout: 10_000 });
    await page.getByRole('heading', { level: 1, name: 'Clone “Iris · mlp (re-run)”' }).waitFor({ timeout: 15_000 });
    expect(await page.getByLabel('Run name').inputValue()).toBe('Iris · mlp (edited)');
    expect(await page.getByLabel('Epochs', { exact: true }).inputValue()).toBe('3');
    expect(await page.getByLabel('Seed').inputValue()).toBe(String(first.seed));
    await page.getByLabel('Epochs', { exact: true }).fill('2');
    await page.getByRole('button', { name: 'Start training' }).click();
    await page.waitForURL(/#\/runs\/[^/]+$/, { timeout: 15_000 });
    await page.getByRole('heading', { level: 1, name: 'Iris · mlp (edited)' }).waitFor();
    const cloned = await runSpec(page);
    expect(cloned).toEqual({ ...first, epochs: 2 });
    await waitForCompleted(page, 'clone');
    const clonedUrl = page.url();

    // A run whose data is gone: re-run says so, and the form cannot open.
    await page.goto(datasetUrl);
    await page.getByRole('button', { name: 'Delete dataset…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete dataset' }).click();
    await page.waitForURL(/#\/data$/, { timeout: 10_000 });
    await page.goto(clonedUrl);
    await page.getByRole('button', { name: 'Re-run' }).click();
    await page.getByText(/Could not re-run “Iris · mlp \(edited\)”: the dataset version it trained on \(content [0-9a-f]{12}…\) is no longer in this workspace/).waitFor({ timeout: 10_000 });
    expect(page.url()).toBe(clonedUrl);
    await page.getByRole('link', { name: 'Clone and edit' }).click();
    await page.getByRole('heading', { level: 1, name: 'Cannot open the Train form' }).waitFor({ timeout: 10_000 });
    expect(await page.getByRole('alert').first().textContent()).toMatch(/no longer in this workspace/);
  });
});
