/**
 * End-to-end: two runs of the same sample compared side by side (overlaid validation curves, the parameters that
 * differ), then tagged and found again through the runs list's tag filter.
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

/** Press Train on the open dataset page and wait on the run page until the run completes; returns the run id. */
async function trainAndWait(page: Page): Promise<string> {
  const train = page.getByRole('button', { name: 'Train', exact: true });
  await train.waitFor({ timeout: 30_000 });
  await expect(train.isEnabled()).resolves.toBe(true);
  await train.click();
  await page.waitForURL(/#\/runs\/[^/]+$/, { timeout: 15_000 });
  const runId = decodeURIComponent(page.url().split('#/runs/')[1]);
  await page
    .getByTestId('run.status')
    .filter({ hasText: /^Completed$/ })
    .first()
    .waitFor({ timeout: 90_000 })
    .catch(async (err: unknown) => {
      await screenshot(page, 'runs-train-stuck');
      throw err;
    });
  return runId;
}

describe('runs: compare, tags and notes', () => {
  it('compares two Iris runs and filters the list by a tag', async () => {
    lab = await openLab();
    const { page } = lab;
    page.on('pageerror', (err) => problems.push(`pageerror: ${String(err)}`));

    await page.getByRole('button', { name: 'Open sample Iris' }).click();
    await page.waitForURL(/#\/data\/[^/]+\/(profile|images)/, { timeout: 30_000 });
    const datasetUrl = page.url();
    const first = await trainAndWait(page);
    await page.goto(datasetUrl);
    const second = await trainAndWait(page);
    expect(second).not.toBe(first);

    // Tag the second run (on its page), and write a note saved on blur.
    const tagInput = page.getByLabel('Add a tag');
    await tagInput.fill('best <b>one</b>');
    await tagInput.press('Enter');
    await page.getByTestId('run.tags').getByText('best <b>one</b>', { exact: true }).waitFor({ timeout: 10_000 });
    await page.getByLabel('Notes', { exact: true }).fill('Second seed');
    await page.getByLabel('Add a tag').focus();
    await page.getByText('Notes saved').waitFor({ timeout: 10_000 });
    // A tag that is too long is refused with the storage's message.
    await tagInput.fill('x'.repeat(65));
    await tagInput.press('Enter');
    await page.getByText(/has 65 characters/).first().waitFor({ timeout: 10_000 });
    await tagInput.fill('');

    // Select both runs in the list and compare them.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Runs' }).click();
    await page.getByTestId('run-list.row').nth(1).waitFor();
    const checkboxes = page.getByRole('checkbox', { name: /^Select run Iris/ });
    expect(await checkboxes.count()).toBe(2);
    await checkboxes.nth(0).check();
    await checkboxes.nth(1).check();
    await page.getByRole('button', { name: 'Compare (2)' }).click();
    await page.waitForURL(/#\/runs\/compare\/[^/]+,[^/]+$/, { timeout: 10_000 });
    await page.getByRole('heading', { level: 1, name: 'Compare 2 runs' }).waitFor();

    const charts = page.getByTestId('compare.chart');
    await charts.first().waitFor();
    expect(await charts.count()).toBe(2);
    // One legend entry per run (uPlot's legend has the x series first).
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="compare.chart"] .u-legend .u-series').length === 6);
    const legend = await charts.first().locator('.u-legend .u-series').allTextContents();
    expect(legend.filter((text) => /Iris/.test(text))).toHaveLength(2);
    const params = page.getByTestId('compare.params');
    await params.getByRole('rowheader', { name: 'seed', exact: true }).waitFor();
    expect(await params.getByRole('rowheader', { name: 'model.family' }).count()).toBe(0);
    await page.getByTestId('compare.metrics').getByRole('rowheader').first().waitFor();
    await page.waitForTimeout(600); // the charts' throttled redraw
    await screenshot(page, 'runs-compare');

    // Filter the list by the tag: only the tagged run is left.
    await page.getByRole('link', { name: 'Runs' }).first().click();
    await page.waitForURL(/#\/runs$/);
    await page.getByLabel('Filter runs by tag').selectOption('best <b>one</b>');
    const rows = page.getByTestId('run-list.row');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="run-list.row"]').length === 1);
    expect(await rows.first().getByRole('link').first().getAttribute('href')).toBe(`#/runs/${encodeURIComponent(second)}`);
    expect(await page.locator('b').filter({ hasText: 'one' }).count()).toBe(0);
    await screenshot(page, 'runs-tag-filter');
  });
});
