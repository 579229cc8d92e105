/**
 * End-to-end: a hyperparameter sweep as a new user runs one. Open the Iris sample, open the sweep form (TPE and ASHA
 * by default), make it small (6 trials of 6 epochs, 2 at once), check that a bad field is named, start it, watch
 * trials appear, close the tab mid-sweep, reopen the sweep in a new tab and see it finish with a best trial; sort the
 * trial table; find the sweep (and not its trials) in the runs list.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { openLab, screenshot, withTimeout, type Lab } from './browser';

let lab: Lab | undefined;
let problems: string[] = [];
afterEach(async () => {
  if (problems.length > 0) console.warn(`Browser errors:\n${problems.join('\n')}`);
  problems = [];
  await lab?.close();
  lab = undefined;
});

function watchErrors(context: BrowserContext, page: Page) {
  const onPage = (p: Page) => {
    p.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    p.on('pageerror', (err) => problems.push(`pageerror: ${String(err)}`));
  };
  onPage(page);
  context.on('page', onPage);
}

/** Replace every match of `find` with `replace` in the CodeMirror editor, through its search panel (Ctrl+F). */
async function replaceInEditor(page: Page, find: string, replace: string) {
  await page.getByRole('textbox', { name: 'Sweep spec (JSON)' }).click();
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

/** The trial table's metric column, top to bottom ('–' for none). */
async function metricColumn(page: Page): Promise<string[]> {
  return page.getByTestId('sweep.trial-value').allTextContents();
}

/** Finished trials, read from the sweep's progress line ("3 of 6 trials"). */
async function finishedTrials(page: Page): Promise<number> {
  const text = (await page.getByTestId('sweep.progress').textContent()) ?? '';
  return Number(/(\d+) of \d+ trials/.exec(text)?.[1] ?? -1);
}

describe('sweeps', () => {
  it('sweeps Iris with TPE and ASHA, survives a closed tab, and finishes with a best trial', { timeout: 420_000 }, async () => {
    lab = await openLab();
    const { page, context } = lab;
    watchErrors(context, page);

    await page.getByRole('button', { name: 'Open sample Iris' }).click();
    await page.waitForURL(/#\/data\/[^/]+\/profile/, { timeout: 30_000 });
    await page.getByRole('link', { name: 'Sweep…' }).click();
    await page.getByRole('heading', { level: 1, name: /Sweep hyperparameters on “Iris”/ }).waitFor({ timeout: 20_000 });

    // The defaults: TPE, ASHA, the validation loss, a search space over the model's layers.
    expect(await page.getByLabel('Sampler', { exact: true }).inputValue()).toBe('tpe');
    expect(await page.getByLabel('Policy', { exact: true }).inputValue()).toBe('asha');
    expect(await page.getByLabel('Metric to optimize', { exact: true }).inputValue()).toBe('val_loss');
    await page.getByLabel('Parameter 1 path', { exact: true }).waitFor();
    expect(await page.getByLabel('Parameter 1 path', { exact: true }).inputValue()).toBe('optimizer.learningRate');
    expect(await page.getByTestId('sweep.param-row').count()).toBeGreaterThanOrEqual(4);

    // A bad range is named by its field, and Start is disabled until it is fixed.
    await page.getByLabel('Parameter 1 max', { exact: true }).fill('0.00001');
    await page.getByTestId('sweep.error-summary').getByText(/Parameter 1 max \(space\[0\]\.max\): expected max greater than min/).waitFor();
    expect(await page.getByRole('button', { name: 'Start sweep' }).isDisabled()).toBe(true);
    await page.getByLabel('Parameter 1 max', { exact: true }).fill('0.1');
    await page.getByTestId('sweep.error-summary').waitFor({ state: 'detached' });

    // Small: 6 trials of 6 epochs, 2 at once (the workspace trains 1 run at once until told otherwise).
    await page.getByLabel('Epochs per trial', { exact: true }).fill('6');
    await page.getByLabel('First rung (epochs)', { exact: true }).fill('1');
    await page.getByTestId('sweep.rungs').getByText(/compared after epochs 1, 3/).waitFor();
    await page.getByLabel('Random trials first', { exact: true }).fill('3');
    await page.getByLabel('Trials', { exact: true }).fill('6');
    await page.getByLabel('Runs trained at once', { exact: true }).selectOption('2');
    await expect.poll(() => page.getByLabel('Runs trained at once', { exact: true }).inputValue()).toBe('2');
    await page.getByLabel('Trials at once', { exact: true }).fill('2');
    await page.getByTestId('sweep.error-summary').waitFor({ state: 'detached' });
    await screenshot(page, 'sweep-new-form');

    // The whole spec as JSON, checked as it is typed: a bad field is named with its line, and fixing it applies it.
    await page.getByText('Advanced: edit the whole sweep spec (JSON)').click();
    await page.getByTestId('sweep.json-problems').getByText('The sweep spec is valid.').waitFor({ timeout: 20_000 });
    await replaceInEditor(page, '"maxTrials": 6', '"maxTrials": 0');
    await page.getByTestId('sweep.json-problems').getByText(/\d+:\d+ maxTrials: expected/).waitFor();
    expect(await page.getByRole('button', { name: 'Start sweep' }).isDisabled()).toBe(true);
    await replaceInEditor(page, '"maxTrials": 0', '"maxTrials": 6');
    await page.getByTestId('sweep.json-problems').getByText('The sweep spec is valid.').waitFor();
    expect(await page.getByLabel('Trials', { exact: true }).inputValue()).toBe('6');

    await page.getByRole('button', { name: 'Start sweep' }).click();
    await page.waitForURL(/#\/sweeps\/[^/]+$/, { timeout: 15_000 });
    const sweepUrl = page.url();
    await page.getByTestId('sweep.trial-row').first().waitFor({ timeout: 60_000 });
    // Two trials at once, never more.
    await expect.poll(async () => (await page.getByTestId('sweep.trial-status').filter({ hasText: /^Running$/ }).count()) <= 2, { timeout: 5_000 }).toBe(true);

    // Close the tab once a trial has finished and others are still to come, and reopen the sweep in a new tab.
    await expect.poll(() => finishedTrials(page), { timeout: 120_000 }).toBeGreaterThanOrEqual(1);
    expect(await finishedTrials(page)).toBeLessThan(6);
    await screenshot(page, 'sweep-running');
    const second = await context.newPage();
    await page.close();
    await second.goto(sweepUrl);
    await second.getByTestId('sweep.summary').waitFor({ timeout: 20_000 });
    // The page redraws on every stored epoch of every trial: no long task while it does.
    await second.evaluate(() => {
      const w = window as unknown as { longestTask: number };
      w.longestTask = 0;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) w.longestTask = Math.max(w.longestTask, entry.duration);
      }).observe({ type: 'longtask' });
    });

    // The new tab leads the queue: interrupted trials resume, the runner creates the rest, and the sweep completes.
    const ended = second.getByTestId('run.status').filter({ hasText: /^(Completed|Failed|Canceled)$/ }).first();
    await ended.waitFor({ timeout: 300_000 }).catch(async (err: unknown) => {
      await screenshot(second, 'sweep-stuck');
      throw err;
    });
    if ((await ended.textContent()) !== 'Completed') {
      await screenshot(second, 'sweep-ended-badly');
      const rows = await second.getByTestId('sweep.trial-row').allTextContents();
      throw new Error(`The sweep ended ${await ended.textContent()}: ${await second.getByTestId('sweep.summary').textContent()}\nTrials:\n${rows.join('\n')}`);
    }
    expect(await finishedTrials(second)).toBe(6);
    expect(await second.getByTestId('sweep.trial-row').count()).toBe(6);
    const best = Number((await second.getByTestId('sweep.best').locator('.value').textContent()) ?? 'NaN');
    expect(Number.isFinite(best)).toBe(true);
    await second.getByTestId('sweep.best').getByRole('link', { name: /trial \d+/ }).waitFor();
    await second.getByTestId('sweep.history').locator('circle').first().waitFor();
    await second.getByTestId('sweep.parallel').locator('path').first().waitFor();
    await second.getByTestId('sweep.importance').waitFor();
    const longest = await second.evaluate(() => (window as unknown as { longestTask: number }).longestTask);
    console.info(`Longest task on the sweep page while the sweep ran: ${longest.toFixed(0)} ms`);
    expect(longest).toBeLessThan(200);
    // ASHA stopped at least one trial, with its reason in the table.
    const stopped = second.getByTestId('sweep.trial-status').filter({ hasText: /^Stopped early$/ });
    expect(await stopped.count()).toBeGreaterThan(0);
    await stopped.first().click();
    expect(await second.getByTestId('sweep.trial-reason').first().textContent()).toMatch(/epoch \d/i);
    // Importance says what it was computed on.
    expect(await second.getByTestId('sweep.importance-basis').textContent()).toMatch(/completed trials|compared at epoch \d+/);

    // Sort by the metric: best (lowest loss) first, trials without a value last; again for the reverse.
    await second.getByRole('button', { name: 'Validation loss', exact: false }).first().click();
    expect(await second.getByRole('columnheader', { name: /Validation loss/ }).getAttribute('aria-sort')).toBe('ascending');
    const ascending = (await metricColumn(second)).filter((v) => v !== '–').map(Number);
    expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
    expect(ascending[0]).toBeCloseTo(Math.min(...ascending), 12);
    await second.getByRole('button', { name: 'Validation loss', exact: false }).first().click();
    const descending = (await metricColumn(second)).filter((v) => v !== '–').map(Number);
    expect(descending).toEqual([...descending].sort((a, b) => b - a));
    // By a parameter.
    await second.getByRole('button', { name: 'optimizer.learningRate' }).click();
    expect(await second.getByRole('columnheader', { name: /optimizer\.learningRate/ }).getAttribute('aria-sort')).toBe('ascending');
    await second.getByTestId('sweep.trials').scrollIntoViewIfNeeded();
    await screenshot(second, 'sweep-finished');

    // The runs list shows the sweep with its badge and trial count, and hides its trials.
    await second.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Runs' }).click();
    await second.getByTestId('run-list.row').first().waitFor();
    expect(await second.getByTestId('run-list.row').count()).toBe(1);
    const row = second.getByTestId('run-list.row').first();
    expect(await row.getByTestId('run-list.sweep').textContent()).toBe('sweep');
    expect(await row.textContent()).toMatch(/6\/6 trials/);
    await screenshot(second, 'sweep-runs-list');
    await row.getByRole('link', { name: /Iris · mlp sweep/ }).click();
    await second.waitForURL(/#\/sweeps\/[^/]+$/);

    // A new sweep from this one starts from its settings (space, sampler, budget) with a fresh seed.
    await second.getByRole('link', { name: 'New sweep from this…' }).click();
    await second.getByRole('heading', { level: 1, name: 'Sweep from “Iris · mlp sweep”' }).waitFor({ timeout: 20_000 });
    expect(await second.getByLabel('Trials', { exact: true }).inputValue()).toBe('6');
    expect(await second.getByLabel('Epochs per trial', { exact: true }).inputValue()).toBe('6');
    expect(await second.getByLabel('Sweep name', { exact: true }).inputValue()).toBe('Iris · mlp sweep (edited)');
    await second.getByRole('link', { name: 'Cancel' }).click();
    await second.waitForURL(/#\/sweeps\/[^/]+$/);

    // Re-run the best trial: a new top-level training run with its spec and seed.
    await second.getByRole('button', { name: 'Re-run best' }).click();
    await second.waitForURL(/#\/runs\/[^/]+$/, { timeout: 15_000 });
    await second.getByRole('heading', { level: 1, name: /trial \d+ \(re-run\)/ }).waitFor();
    expect(await withTimeout(second.evaluate(() => document.title), 5_000, 'title')).toMatch(/re-run/);
  });
});
