/**
 * End-to-end: model endpoints as a user meets them. Train Iris, register it twice, deploy version 1 to an endpoint,
 * call `endpoints/iris/invocations` with `fetch` from another tab (a page of the lab's origin that runs no lab: the
 * service worker relays to the lab tab), online and offline; a bad column answers 400 naming it; no lab tab answers
 * 503; split 70/30 between the two versions and watch the exact counts; batch-score the Iris dataset into a new
 * dataset with a prediction column. Measures the endpoint's latency from the calling tab.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openLab, screenshot, withTimeout, type Lab } from './browser';

let lab: Lab | undefined;
let problems: string[] = [];
afterEach(async () => {
  if (problems.length > 0) console.warn(`Browser errors:\n${problems.join('\n')}`);
  problems = [];
  await lab?.close();
  lab = undefined;
});

const COLUMNS = ['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)'];
const SETOSA = [5.1, 3.5, 1.4, 0.2];
const VIRGINICA = [6.9, 3.1, 5.4, 2.1];

interface Answer {
  status: number;
  body: { predictions?: { prediction: string; probabilities: Record<string, number> }[]; error_code?: string; message?: string };
  ms: number;
}

/** POSTs `body` to the endpoint from `page` with fetch, as a caller would; `times` requests one after another. */
async function call(page: Page, name: string, body: unknown, times = 1): Promise<Answer[]> {
  const url = new URL(`endpoints/${name}/invocations`, lab?.baseUrl).href;
  return withTimeout(
    page.evaluate(
      async ({ url, text, times }) => {
        const answers = [];
        for (let i = 0; i < times; i++) {
          const started = performance.now();
          const response = await fetch(url, { method: 'POST', body: text });
          const body = await response.json();
          answers.push({ status: response.status, body, ms: performance.now() - started });
        }
        return answers;
      },
      { url, text: JSON.stringify(body), times },
    ),
    120_000,
    `calling endpoint ${name}`,
  );
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Registers the run page's model as `iris-classifier`; resolves on the model page. */
async function register(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Register model…' }).click();
  const dialog = page.getByRole('dialog', { name: /Register the model of/ });
  await dialog.waitFor();
  await expect.poll(() => dialog.getByLabel('Model name').inputValue(), { timeout: 5_000 }).toBe('iris-classifier');
  await dialog.getByRole('button', { name: 'Register', exact: true }).click();
  await page.waitForURL(/#\/models\/[^/]+\/\d+$/, { timeout: 15_000 });
}

/** Requests column of each deployment row, as numbers. */
async function requestCounts(page: Page): Promise<number[]> {
  return (await page.getByTestId('endpoint.deployment.requests').allTextContents()).map(Number);
}

describe('model endpoints', () => {
  it('deploys, answers fetch from another tab online and offline, splits traffic exactly, batch-scores', async () => {
    lab = await openLab();
    const { page, context, baseUrl } = lab;
    page.on('pageerror', (err) => problems.push(`pageerror: ${String(err)}`));

    // Train Iris and register its model twice (versions 1 and 2).
    await page.getByRole('button', { name: 'Open sample Iris' }).click();
    await page.waitForURL(/#\/data\/[^/]+\/profile/, { timeout: 30_000 });
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await page.waitForURL(/#\/runs\/[^/]+$/, { timeout: 15_000 });
    const runUrl = page.url();
    await page.getByTestId('run.status').filter({ hasText: /^Completed$/ }).first().waitFor({ timeout: 120_000 });
    await register(page);
    await page.goto(runUrl);
    await register(page);

    // Deploy version 1 to a new endpoint "iris".
    await page.getByRole('link', { name: 'Version 1', exact: true }).click();
    await page.getByRole('heading', { level: 2, name: 'Version 1' }).waitFor();
    await page.getByRole('button', { name: 'Deploy…' }).click();
    const deploy = page.getByRole('dialog', { name: /Deploy iris-classifier v1/ });
    await deploy.getByLabel('Endpoint name').fill('iris');
    await deploy.getByRole('button', { name: 'Deploy', exact: true }).click();
    await page.waitForURL(/#\/endpoints\/[^/]+$/, { timeout: 15_000 });
    const endpointUrl = page.url();
    expect(await page.getByTestId('endpoint.name').textContent()).toBe('iris');
    expect(await page.getByTestId('endpoint.url').textContent()).toBe(`${baseUrl}endpoints/iris/invocations`);

    // The test form, prefilled from the training data (a setosa row), scores through fetch and the service worker.
    await page.getByRole('button', { name: 'Score', exact: true }).click();
    await page.getByTestId('endpoint.test.status').filter({ hasText: '200' }).waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('endpoint.test.answer').textContent()).toContain('"prediction": "setosa"');
    expect(await page.getByTestId('endpoint.test.latency').textContent()).not.toContain('no service worker');

    // Another tab of the lab's origin that runs no lab (an icon): its fetch is relayed to the lab tab.
    const caller = await context.newPage();
    caller.on('pageerror', (err) => problems.push(`caller pageerror: ${String(err)}`));
    await caller.goto(`${baseUrl}icons/icon.svg`);
    await expect.poll(() => caller.evaluate(() => Boolean(navigator.serviceWorker?.controller)), { timeout: 10_000 }).toBe(true);
    const [online] = await call(caller, 'iris', { dataframe_split: { columns: COLUMNS, data: [SETOSA, VIRGINICA] } });
    expect(online.status).toBe(200);
    expect(online.body.predictions?.map((p) => p.prediction)).toEqual(['setosa', 'virginica']);
    expect(Object.keys(online.body.predictions?.[0].probabilities ?? {})).toEqual(['setosa', 'versicolor', 'virginica']);
    // The four MLflow shapes give the same answer.
    const records = [Object.fromEntries(COLUMNS.map((c, i) => [c, SETOSA[i]]))];
    for (const body of [{ dataframe_records: records }, { instances: records }, { inputs: Object.fromEntries(COLUMNS.map((c, i) => [c, [SETOSA[i]]])) }]) {
      const [answer] = await call(caller, 'iris', body);
      expect(answer.body.predictions?.[0]).toEqual(online.body.predictions?.[0]);
    }

    // A CSV body (header + rows) is the same request as dataframe_split; other media types are refused with 415.
    const url = new URL('endpoints/iris/invocations', baseUrl).href;
    const csv = `${COLUMNS.map((c) => `"${c}"`).join(',')}\n${SETOSA.join(',')}\n${VIRGINICA.join(',')}\n`;
    const typed = await withTimeout(
      caller.evaluate(
        async ({ url, csv }) => {
          const answers = [];
          for (const [type, body] of [['text/csv', csv], ['application/xml', '<rows/>']]) {
            const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': type }, body });
            answers.push({ status: response.status, body: await response.json() });
          }
          return answers;
        },
        { url, csv },
      ),
      60_000,
      'calling the endpoint with CSV',
    );
    expect(typed[0]).toEqual({ status: 200, body: online.body });
    expect([typed[1].status, typed[1].body.message]).toEqual([415, expect.stringContaining('accepted: application/json, text/plain, text/csv')]);

    // Offline: no network involved.
    await context.setOffline(true);
    const offline = await call(caller, 'iris', { instances: [SETOSA] }, 60);
    expect(offline.every((a) => a.status === 200 && a.body.predictions?.[0].prediction === 'setosa')).toBe(true);
    const latencies = offline.slice(10).map((a) => a.ms);
    const latency = { requests: latencies.length, p50: percentile(latencies, 50), p95: percentile(latencies, 95) };
    console.log(`Endpoint latency from another tab, offline (fetch → service worker → lab tab → scoring worker → back), ms: ${JSON.stringify(latency)}`);
    writeFileSync(join(process.cwd(), 'e2e', '.artifacts', 'endpoint-latency.json'), `${JSON.stringify(latency, null, 2)}\n`);

    // A bad column: 400 naming it; an unknown endpoint: 404.
    const [bad] = await call(caller, 'iris', { dataframe_split: { columns: [...COLUMNS.slice(0, 3), 'petal_width'], data: [SETOSA] } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error_code: 'BAD_REQUEST', message: expect.stringMatching(/^Unknown column "petal_width"/) });
    const [wrongType] = await call(caller, 'iris', { dataframe_records: [{ ...records[0], 'sepal width (cm)': 'wide' }] });
    expect([wrongType.status, wrongType.body.message]).toEqual([400, 'Column "sepal width (cm)" expects numbers; row 1 has "wide" (text)']);
    const [unknown] = await call(caller, 'nope', { instances: [SETOSA] });
    expect([unknown.status, unknown.body.error_code]).toEqual([404, 'RESOURCE_DOES_NOT_EXIST']);
    await context.setOffline(false);

    // Version 2 joins at 0%; a split not summing to 100 is refused; 70/30 is saved.
    await page.getByLabel('Deploy a model version').selectOption({ label: 'iris-classifier v2' });
    await page.getByRole('button', { name: 'Deploy', exact: true }).click();
    await expect.poll(() => page.getByTestId('endpoint.deployment').count()).toBe(2);
    await page.getByLabel('Traffic % for iris-classifier v1').fill('70');
    await page.getByLabel('Traffic % for iris-classifier v2').fill('20');
    expect(await page.getByTestId('endpoint.split-problem').textContent()).toBe('The traffic split sums to 90% (iris-classifier v1 70% + iris-classifier v2 20%); it must sum to 100%');
    expect(await page.getByRole('button', { name: 'Save split' }).isDisabled()).toBe(true);
    await page.getByLabel('Traffic % for iris-classifier v2').fill('30');
    await page.getByTestId('endpoint.split-problem').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Save split' }).click();
    await page.getByText('Saved the traffic split').waitFor();
    await page.getByRole('button', { name: 'Clear statistics' }).click();
    await expect.poll(() => requestCounts(page)).toEqual([0, 0]);

    // 100 requests: exactly 70 and 30 (any 100 consecutive requests follow the split exactly).
    const split = await call(caller, 'iris', { instances: [SETOSA] }, 100);
    expect(split.every((a) => a.status === 200)).toBe(true);
    await expect.poll(() => requestCounts(page), { timeout: 10_000 }).toEqual([70, 30]);
    await screenshot(page, 'endpoints-endpoint-page');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Endpoints' }).click();
    const row = page.getByTestId('endpoint-list.row');
    await row.waitFor();
    expect(await row.textContent()).toMatch(/iris-classifier v1 · 70%.*iris-classifier v2 · 30%.*100/);
    await screenshot(page, 'endpoints-list');

    // With no lab tab open, the endpoint answers 503 (and never hangs).
    await page.close();
    const [closed] = await call(caller, 'iris', { instances: [SETOSA] });
    expect([closed.status, closed.body.error_code]).toEqual([503, 'TEMPORARILY_UNAVAILABLE']);
    expect(closed.body.message).toMatch(/No Benchtop lab tab is open/);

    // Batch-score the Iris dataset from a new lab tab: a new dataset with the predictions.
    const again = await context.newPage();
    again.on('pageerror', (err) => problems.push(`pageerror: ${String(err)}`));
    await again.goto(endpointUrl);
    await again.getByLabel('Dataset', { exact: true }).selectOption({ label: 'Iris (150 rows)' });
    await again.getByRole('button', { name: 'Score dataset' }).click();
    const scored = again.getByTestId('endpoint.scored').getByRole('link');
    await scored.first().waitFor({ timeout: 60_000 });
    expect(await scored.first().textContent()).toBe('Iris scored by iris-classifier v1');
    expect(await again.getByTestId('endpoint.scored').textContent()).toMatch(/150 rows · iris-classifier v1 · adds prediction, probability_setosa, probability_versicolor, probability_virginica/);
    await screenshot(again, 'endpoints-after-batch');
    await scored.first().click();
    await again.waitForURL(/#\/data\/[^/]+$/, { timeout: 10_000 });
    await again.getByRole('columnheader', { name: /^prediction/ }).first().waitFor({ timeout: 15_000 });
    await screenshot(again, 'endpoints-scored-dataset');
    expect(problems).toEqual([]);
  }, 400_000);
});
