/**
 * End-to-end: from a sample dataset to a trained model in one click, as a new user would: watch the run, read its
 * evaluation, find it in the runs list, cancel a run, and close the tab mid-run so the run resumes in a new one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { openLab, screenshot, type Lab } from './browser';

let lab: Lab | undefined;
let problems: string[] = [];
afterEach(async () => {
  // Page and worker errors explain a failed training run; print them with the failure.
  if (problems.length > 0) console.warn(`Browser errors:\n${problems.join('\n')}`);
  problems = [];
  await lab?.close();
  lab = undefined;
});

/** Collect console errors and uncaught errors of every page and worker of `context`. */
function watchErrors(context: BrowserContext, page: Page) {
  const onPage = (p: Page) => {
    p.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    p.on('pageerror', (err) => problems.push(`pageerror: ${String(err)}`));
    p.on('worker', (worker) => worker.on('close', () => undefined));
  };
  onPage(page);
  context.on('page', onPage);
  context.on('weberror', (webError) => problems.push(`weberror: ${String(webError.error())}`));
}

/** Open a sample from the data page and start training it with the defaults; resolves on the run page. */
async function trainSample(page: Page, sample: string): Promise<string> {
  await page.getByRole('button', { name: `Open sample ${sample}` }).click();
  await page.waitForURL(/#\/data\/[^/]+\/(profile|images)/, { timeout: 30_000 });
  const train = page.getByRole('button', { name: 'Train', exact: true });
  await expect(train.isEnabled()).resolves.toBe(true);
  await train.click();
  await page.waitForURL(/#\/runs\/[^/]+$/, { timeout: 15_000 });
  return decodeURIComponent(page.url().split('#/runs/')[1]);
}

/** Writes `count` extra `batch_loss` points (steps from 1,000,000) straight into the workspace database. */
async function addBatchLossPoints(page: Page, runId: string, count: number) {
  await page.evaluate(
    async ({ runId, count }) => {
      const ws = (await indexedDB.databases()).find((d) => d.name?.startsWith('benchtop-ws-'));
      if (!ws?.name) throw new Error('no workspace database');
      const db = await new Promise<IDBDatabase>((ok, fail) => {
        const request = indexedDB.open(ws.name!);
        request.onsuccess = () => ok(request.result);
        request.onerror = () => fail(request.error);
      });
      const tx = db.transaction('metrics', 'readwrite');
      const store = tx.objectStore('metrics');
      for (let i = 0; i < count; i++) {
        store.put({ runId, key: 'batch_loss', step: 1_000_000 + i, value: 1 / (1 + i / 500) + 0.05 * Math.sin(i / 7), time: Date.now(), split: 'train' });
      }
      await new Promise((ok, fail) => {
        tx.oncomplete = ok;
        tx.onerror = () => fail(tx.error);
      });
      db.close();
    },
    { runId, count },
  );
}

/** Wait until the run page shows `status` (the badge's text). */
async function waitForStatus(page: Page, status: string, timeout = 90_000) {
  await page.getByTestId('run.status').filter({ hasText: new RegExp(`^${status}$`) }).first().waitFor({ timeout });
}

describe('training', () => {
  it('trains Iris with the defaults, shows curves and the test evaluation, and lists the run', async () => {
    lab = await openLab();
    const { page, context } = lab;
    watchErrors(context, page);
    await trainSample(page, 'Iris');
    await page.getByRole('heading', { level: 1, name: /Iris/ }).waitFor();
    await waitForStatus(page, 'Completed').catch(async (err: unknown) => {
      await screenshot(page, 'train-iris-stuck');
      throw err;
    });

    const accuracy = page.getByTestId('run.test-accuracy').locator('dd').first();
    await accuracy.waitFor({ timeout: 15_000 });
    expect(Number(await accuracy.textContent())).toBeGreaterThan(0.6);
    expect(await page.locator('[data-testid="run.chart"] canvas').count()).toBeGreaterThanOrEqual(2);
    await page.getByTestId('run.confusion-matrix').getByRole('rowheader', { name: 'setosa' }).waitFor();
    await page.getByTestId('run.importance').waitFor();
    expect(await page.getByTestId('run.logs').locator('li').count()).toBeGreaterThan(3);
    await page.getByText('Training curves').scrollIntoViewIfNeeded();
    await screenshot(page, 'train-iris-run');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Runs' }).click();
    const row = page.getByTestId('run-list.row').first();
    await row.waitFor();
    expect(await row.textContent()).toMatch(/Iris/);
    expect(await row.getByTestId('run.status').textContent()).toBe('Completed');
    await page.getByRole('button', { name: /Metric/ }).click();
    expect(await page.getByRole('columnheader', { name: /Metric/ }).getAttribute('aria-sort')).toBe('descending');
    await screenshot(page, 'train-runs-list');
    await row.getByRole('link', { name: 'Iris · mlp' }).click();
    await page.waitForURL(/#\/runs\/[^/]+$/);

    // 10k points on one curve draw without a long task (uPlot, one setData per throttled redraw).
    const runId = decodeURIComponent(page.url().split('#/runs/')[1]);
    await addBatchLossPoints(page, runId, 10_000);
    await page.evaluate(() => {
      const w = window as unknown as { longestTask: number };
      w.longestTask = 0;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) w.longestTask = Math.max(w.longestTask, entry.duration);
      }).observe({ type: 'longtask' });
    });
    await page.getByRole('checkbox', { name: 'Per batch' }).check();
    await page.getByText(/at batch 1009999/).first().waitFor({ timeout: 10_000 });
    await page.waitForTimeout(500);
    const longest = await page.evaluate(() => (window as unknown as { longestTask: number }).longestTask);
    console.info(`Longest task while drawing 10k points: ${longest.toFixed(0)} ms`);
    expect(longest).toBeLessThan(250);
    await screenshot(page, 'train-iris-per-batch');
  });

  it('cancels a running run', async () => {
    lab = await openLab();
    const { page, context } = lab;
    watchErrors(context, page);
    await trainSample(page, 'Breast cancer (Wisconsin diagnostic)');
    await waitForStatus(page, 'Running', 60_000);
    await page.getByTestId('run.progress').getByText(/Epoch [1-9]/).waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Cancel run' }).click();
    await waitForStatus(page, 'Canceled', 30_000);
    expect(await page.getByRole('button', { name: 'Cancel run' }).count()).toBe(0);
    await screenshot(page, 'train-canceled');
  });

  it('resumes a run whose tab closed mid-training', async () => {
    lab = await openLab();
    const { page, context } = lab;
    watchErrors(context, page);
    const runId = await trainSample(page, 'Breast cancer (Wisconsin diagnostic)');
    await waitForStatus(page, 'Running', 60_000);
    // Past the first checkpoint (every 5 epochs by default), so the resume has something to start from.
    await page.getByTestId('run.progress').getByText(/Epoch ([6-9]|\d\d) of/).waitFor({ timeout: 60_000 });
    const second = await context.newPage();
    await page.close();
    await second.goto(`${lab.baseUrl}#/runs/${encodeURIComponent(runId)}`);
    watchErrors(context, second);
    await waitForStatus(second, 'Completed', 120_000);
    await second.getByTestId('run.logs').getByText(/Resuming from the checkpoint after epoch \d+/).waitFor({ timeout: 10_000 });
    await screenshot(second, 'train-resumed');
  });
});
