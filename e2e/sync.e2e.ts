/**
 * End-to-end: MLflow sync as a user meets it, against the MLflow test server (token required, CORS allowing only the
 * lab's origin). Configure sync in Settings with a canary token; train Iris → the run is on the server once; go
 * offline, train again → queued; back online → pushed exactly once; 429 then 500 → retried and done; 401 → blocked
 * with a message about the token, Retry → done; register a model with an alias → registered model, version and alias
 * on the server; pull the experiment into a fresh profile → the runs are listed as remote and compare. The canary
 * token never appears in page text, console messages, localStorage, the exported workspace archive or any URL.
 */
import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openLab, screenshot, withTimeout, type Lab } from './browser';
import { startMlflowServer, type MlflowTestServer } from './fixtures/mlflow-server.mjs';

const CANARY = 'canary-TOKEN-123';
const EXPERIMENT = 'iris-e2e';
const MODEL = 'iris-e2e-model';

let labs: Lab[] = [];
let server: MlflowTestServer | undefined;
const problems: string[] = [];
const consoleText: string[] = [];
const requestUrls: string[] = [];

afterEach(async () => {
  for (const lab of labs) await lab.close();
  labs = [];
});
afterAll(async () => {
  await server?.close();
});

function watch(context: BrowserContext, page: Page): void {
  page.on('console', (message) => {
    consoleText.push(message.text());
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${String(err)}`));
  context.on('request', (request) => requestUrls.push(request.url()));
}

async function open(path = ''): Promise<Lab> {
  const lab = await openLab({ path });
  labs.push(lab);
  watch(lab.context, lab.page);
  return lab;
}

/** Fills and saves the sync section of the settings page. */
async function configureSync(page: Page, trackingUri: string, autoSync: boolean): Promise<void> {
  await page.goto(`${new URL(page.url()).origin}/#/settings`);
  const section = page.getByTestId('sync-settings');
  await section.getByRole('button', { name: 'Save sync settings' }).waitFor();
  await expect.poll(() => section.getByRole('button', { name: 'Save sync settings' }).isEnabled()).toBe(true);
  await section.getByLabel('Tracking URI').fill(trackingUri);
  await section.getByLabel('Experiment', { exact: true }).fill(EXPERIMENT);
  await section.getByLabel('Token').fill(CANARY);
  await section.getByLabel('Push finished runs and registered models automatically').setChecked(autoSync);
  await section.getByRole('button', { name: 'Save sync settings' }).click();
  await section.getByTestId('sync.token-saved').waitFor();
  expect(await section.getByLabel('Token').inputValue()).toBe('');
}

/** Trains Iris with the defaults from its dataset page; resolves with the run id once it completed. */
async function trainIris(page: Page, datasetUrl?: string): Promise<{ runId: string; datasetUrl: string }> {
  if (datasetUrl) {
    await page.goto(datasetUrl);
  } else {
    await page.goto(`${new URL(page.url()).origin}/#/data`);
    await page.getByRole('button', { name: 'Open sample Iris' }).click();
    await page.waitForURL(/#\/data\/[^/]+\/profile/, { timeout: 30_000 });
  }
  const url = page.url();
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await page.waitForURL(/#\/runs\/[^/]+$/, { timeout: 15_000 });
  const runId = decodeURIComponent(page.url().split('#/runs/')[1]);
  await page.getByTestId('run.status').filter({ hasText: /^Completed$/ }).first().waitFor({ timeout: 120_000 });
  return { runId, datasetUrl: url };
}

const remoteRunsOf = (s: MlflowTestServer, runId: string) => [...s.tracking.runs.values()].filter((r) => r.tags.get('benchtop.run_id') === runId);
const creates = (s: MlflowTestServer) => s.requests.filter((r) => r.path.endsWith('/runs/create') && r.status === 200).length;

/** The sync badge state of the run page's run. */
async function badgeState(page: Page): Promise<string | null> {
  const badge = page.getByTestId('run.sync');
  return (await badge.count()) === 0 ? null : badge.getAttribute('data-state');
}

async function addTag(page: Page, tag: string): Promise<void> {
  await page.getByLabel('Add a tag').fill(tag);
  await page.getByRole('button', { name: 'Add tag' }).click();
  await page.getByTestId('run.tags').getByText(tag).waitFor();
}

/** Text a person could see or copy from the page, and what the page keeps in localStorage. */
async function visibleText(page: Page): Promise<string> {
  return page.evaluate(() => `${document.body.innerText}\n${document.title}\n${JSON.stringify({ ...localStorage })}`);
}

describe('MLflow sync', () => {
  it('pushes runs once (offline too), retries, blocks on 401, registers models, pulls into a fresh profile, never leaks the token', async () => {
    const first = await open('#/data');
    const { page, context } = first;
    const labOrigin = new URL(first.baseUrl).origin;
    server = await startMlflowServer({ token: CANARY, metricDedupe: false, cors: { mode: 'strict', allowedOrigins: [labOrigin] } });

    // Settings: URI, token, auto-sync; Test connection says what is wrong, then that it works.
    await configureSync(page, server.url, true);
    const section = page.getByTestId('sync-settings');
    await section.getByLabel('Token').fill('not-the-token');
    await section.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => section.getByTestId('sync.test-result').textContent(), { timeout: 20_000 }).toMatch(/The token was refused\..*token/);
    await section.getByLabel('Token').fill('');
    await section.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => section.getByTestId('sync.test-result').textContent(), { timeout: 20_000 }).toMatch(/^Connected\..*iris-e2e.*does not exist yet/);
    const stopped = await startMlflowServer({});
    const stoppedUrl = stopped.url;
    await stopped.close();
    await section.getByLabel('Tracking URI').fill(stoppedUrl);
    await section.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => section.getByTestId('sync.test-result').textContent(), { timeout: 30_000 }).toContain('The server could not be reached.');
    await section.getByLabel('Tracking URI').fill(server.url);
    await screenshot(page, 'sync-settings');

    // Train Iris: the run reaches the server once, and its badge says synced.
    const one = await trainIris(page);
    await expect.poll(() => remoteRunsOf(server!, one.runId).length, { timeout: 30_000 }).toBe(1);
    await expect.poll(() => badgeState(page), { timeout: 15_000 }).toBe('done');
    const remoteOne = remoteRunsOf(server, one.runId)[0];
    expect(remoteOne.info.status).toBe('FINISHED');
    expect(remoteOne.metrics.some((m) => m.key === 'val_loss')).toBe(true);
    expect([...server.artifacts.keys()].some((k) => k.endsWith('/model/model.json'))).toBe(true);

    // Offline: a new run is queued, nothing sent; back online, it is pushed exactly once.
    await context.setOffline(true);
    const two = await trainIris(page, one.datasetUrl);
    await expect.poll(() => badgeState(page), { timeout: 15_000 }).toBe('queued');
    await page.goto(`${labOrigin}/#/settings`);
    await expect.poll(() => page.getByTestId('sync.queue-summary').textContent()).toMatch(/Offline/);
    await screenshot(page, 'sync-offline-queue');
    expect(remoteRunsOf(server, two.runId)).toHaveLength(0);
    await context.setOffline(false);
    await expect.poll(() => remoteRunsOf(server!, two.runId).length, { timeout: 30_000 }).toBe(1);
    await page.getByTestId('sync-queue.row').filter({ hasText: 'Synced' }).nth(1).waitFor({ timeout: 15_000 });
    expect(creates(server)).toBe(2);

    // 429 then 500 on the next push: retried, done, nothing duplicated.
    await page.goto(`${labOrigin}/#/runs/${encodeURIComponent(one.runId)}`);
    await expect.poll(() => badgeState(page)).toBe('done');
    const metricCount = remoteOne.metrics.length;
    const before = server.requests.length;
    server.addFault({ match: { path: '/runs/get' }, status: 429, retryAfter: 1 });
    server.addFault({ match: { path: '/runs/get' }, status: 500, times: 2 });
    await addTag(page, 'after-faults');
    await expect.poll(() => remoteOne.tags.get('benchtop.tags'), { timeout: 30_000 }).toBe('["after-faults"]');
    await expect.poll(() => badgeState(page), { timeout: 15_000 }).toBe('done');
    const statuses = server.requests.slice(before).filter((r) => r.method === 'GET' && r.path.endsWith('/runs/get')).map((r) => r.status);
    expect(statuses.slice(0, 4)).toEqual([429, 500, 500, 200]);
    expect(remoteOne.metrics.length).toBe(metricCount);
    expect(server.tracking.runs.size).toBe(2);

    // 401: blocked with a message about the token; Retry pushes it.
    server.addFault({ match: { path: '/runs/get' }, status: 401 });
    await addTag(page, 'after-401');
    await expect.poll(() => badgeState(page), { timeout: 15_000 }).toBe('blocked');
    expect(await page.getByTestId('run.sync').getAttribute('title')).toMatch(/401.*token/i);
    await page.goto(`${labOrigin}/#/settings`);
    const blocked = page.getByTestId('sync-queue.row').filter({ has: page.locator('[data-testid="sync-queue.state"]', { hasText: 'Blocked' }) });
    await blocked.waitFor();
    expect(await blocked.getByTestId('sync-queue.detail').textContent()).toMatch(/token/i);
    await screenshot(page, 'sync-blocked');
    await blocked.getByRole('button', { name: /^Retry / }).click();
    await expect.poll(() => remoteOne.tags.get('benchtop.tags'), { timeout: 30_000 }).toBe('["after-faults","after-401"]');

    // Register the first run's model as champion: model, version and alias on the server.
    await page.goto(`${labOrigin}/#/runs/${encodeURIComponent(one.runId)}`);
    await page.getByRole('button', { name: 'Register model…' }).click();
    const dialog = page.getByRole('dialog', { name: /Register the model of/ });
    await dialog.getByLabel('Model name').fill(MODEL);
    await dialog.getByLabel('champion').check();
    await dialog.getByRole('button', { name: 'Register', exact: true }).click();
    await page.waitForURL(/#\/models\/[^/]+\/\d+$/, { timeout: 15_000 });
    await expect.poll(() => server!.registry.models.get(MODEL)?.aliases.get('champion'), { timeout: 30_000 }).toBe('1');
    const model = server.registry.models.get(MODEL);
    expect(model?.versions.size).toBe(1);
    expect([...(model?.versions.values() ?? [])][0].run_id).toBe(remoteOne.info.run_id);
    expect(server.tracking.runs.size).toBe(2);
    // Removing the alias here deletes it on the server (DELETE registered-models/alias), the version stays.
    await page.getByRole('button', { name: 'Remove alias champion' }).click();
    await expect.poll(() => server!.registry.models.get(MODEL)?.aliases.has('champion'), { timeout: 30_000 }).toBe(false);
    expect(server.requests.filter((r) => r.method === 'DELETE' && r.path.endsWith('/registered-models/alias')).map((r) => r.body)).toEqual([{ name: MODEL, alias: 'champion' }]);
    expect(model?.versions.size).toBe(1);
    await page.goto(`${labOrigin}/#/settings`);
    await page.getByTestId('sync-queue.row').filter({ hasText: `${MODEL} v1` }).filter({ hasText: 'Synced' }).waitFor({ timeout: 15_000 });
    await screenshot(page, 'sync-settings-synced');

    // The token is nowhere: page text, localStorage, console, the exported workspace, any URL.
    expect(await visibleText(page)).not.toContain(CANARY);
    const [download] = await Promise.all([
      withTimeout(page.waitForEvent('download'), 15_000, 'the export download'),
      page.getByRole('button', { name: 'Export workspace My workspace' }).click(),
    ]);
    const archive = readFileSync(await withTimeout(download.path(), 15_000, 'the downloaded file'));
    const entries = unzipSync(new Uint8Array(archive));
    expect(Object.keys(entries)).toContain('tables/syncQueue.jsonl');
    const archiveText = Object.values(entries).map((bytes) => Buffer.from(bytes).toString('latin1')).join('\n');
    expect(archiveText).toContain(server.url);
    expect(archiveText).not.toContain(CANARY);
    expect(Buffer.from(archive).toString('latin1')).not.toContain(CANARY);

    // A fresh profile pulls the experiment: both runs listed as remote, comparable.
    const second = await open('#/data');
    await configureSync(second.page, server.url, false);
    const pullForm = second.page.getByTestId('sync-settings');
    await pullForm.getByLabel('Experiment to pull').fill(EXPERIMENT);
    await pullForm.getByRole('button', { name: 'Pull runs' }).click();
    await expect.poll(() => second.page.getByTestId('sync.pull-result').textContent(), { timeout: 30_000 }).toContain('Pulled 2 new runs');
    await screenshot(second.page, 'sync-pulled');
    await second.page.getByRole('link', { name: 'See them in the runs list' }).click();
    await second.page.getByTestId('run-list.row').nth(1).waitFor();
    expect(await second.page.getByTestId('run-list.row').count()).toBe(2);
    expect(await second.page.getByTestId('run.remote').count()).toBe(2);
    await screenshot(second.page, 'sync-remote-runs');
    for (const box of await second.page.getByRole('checkbox', { name: /^Select run / }).all()) await box.check();
    await second.page.getByRole('button', { name: 'Compare (2)' }).click();
    await second.page.getByRole('heading', { level: 1, name: 'Compare 2 runs' }).waitFor();
    await second.page.getByTestId('compare.table').waitFor();
    await screenshot(second.page, 'sync-remote-compare');
    // A pulled run's page: marked remote, its curves from the pulled histories, nothing to register.
    await second.page.getByTestId('compare.table').getByRole('link').first().click();
    await second.page.getByTestId('run.remote').waitFor();
    await second.page.getByText('Training curves').waitFor();
    await second.page.locator('[data-testid="run.chart"] canvas').nth(1).waitFor();
    await second.page.waitForTimeout(500);
    expect(await second.page.getByRole('button', { name: 'Register model…' }).count()).toBe(0);
    // Read-only: where it came from, and none of the actions that need the model files or the local run.
    expect(await second.page.getByTestId('run.pulled').textContent()).toMatch(new RegExp(`Pulled from ${server.url.replace(/[.]/g, '\\.')}, experiment “${EXPERIMENT}” \\(read-only\\)`));
    expect(await second.page.getByTestId('run.pulled').getByRole('link', { name: 'Open it in MLflow' }).getAttribute('href')).toMatch(new RegExp(`^${server.url.replace(/[.]/g, '\\.')}/#/experiments/\\d+/runs/[0-9a-f]+$`));
    for (const name of ['Download ONNX', 'Export bundle…', 'Share…']) expect(await second.page.getByRole('button', { name }).count(), name).toBe(0);
    await screenshot(second.page, 'sync-remote-run');
    expect(await visibleText(second.page)).not.toContain(CANARY);

    expect(consoleText.filter((t) => t.includes(CANARY))).toEqual([]);
    expect(requestUrls.filter((u) => u.includes(CANARY))).toEqual([]);
    expect(server.requests.filter((r) => r.url.includes(CANARY))).toEqual([]);
    expect(server.leaks).toEqual([]);
    expect(server.requests.filter((r) => r.method !== 'OPTIONS' && r.origin !== undefined && r.origin !== labOrigin)).toEqual([]);
    expect(problems.filter((p) => !/Failed to load resource|ERR_INTERNET_DISCONNECTED|net::ERR_/.test(p))).toEqual([]);
  }, 420_000);
});
