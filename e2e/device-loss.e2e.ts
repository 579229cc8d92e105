/**
 * End-to-end: a WebGPU device lost mid-run, in real Chromium (WebGPU on SwiftShader here). The train worker's
 * fault-injection hook (`globalThis.__benchtopTest.loseDevice()`, reached with Playwright's `worker.evaluate`)
 * destroys the device as a driver reset would. The run must resume from its checkpoint on another backend, or end
 * interrupted with a message: never completed with missing epochs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Page, Worker } from 'playwright-core';
import { openLab, screenshot, withTimeout, type Lab } from './browser';

let lab: Lab | undefined;
let problems: string[] = [];
afterEach(async () => {
  if (problems.length > 0) console.warn(`Browser errors:\n${problems.join('\n')}`);
  problems = [];
  await lab?.close();
  lab = undefined;
});

/** Epochs of the WebGPU runs (SwiftShader is slow) and their checkpoint interval. */
const EPOCHS = 8;
const CHECKPOINT_EVERY = 2;

interface StoredRun {
  id: string;
  status: string;
  spec: { backend: string; epochs: number; checkpointEvery: number };
  environment: { backend?: string; adapter?: unknown; libraries: { name: string }[] };
  progress: { epoch: number; epochs: number };
  summary: { key: string; value: number }[];
  error?: { message: string; code?: string };
}

/** What the test reads from and writes to the workspace database, in the page. */
type DbRequest =
  | { op: 'run'; runId: string }
  | { op: 'metricSteps'; runId: string; key: string }
  | { op: 'queueCopy'; templateId: string; name: string; epochs: number; checkpointEvery: number };

/** Runs `request` against the (only) workspace database in the page, with a timeout. */
function workspaceDb<T>(page: Page, request: DbRequest): Promise<T> {
  const work = page.evaluate(async (request: DbRequest) => {
    const ws = (await indexedDB.databases()).find((d) => d.name?.startsWith('benchtop-ws-'));
    if (!ws?.name) throw new Error('no workspace database');
    const db = await new Promise<IDBDatabase>((ok, fail) => {
      const open = indexedDB.open(ws.name!);
      open.onsuccess = () => ok(open.result);
      open.onerror = () => fail(open.error);
    });
    const done = <R>(r: IDBRequest<R>) => new Promise<R>((ok, fail) => ((r.onsuccess = () => ok(r.result)), (r.onerror = () => fail(r.error))));
    try {
      if (request.op === 'run') return await done(db.transaction('runs').objectStore('runs').get(request.runId));
      if (request.op === 'metricSteps') {
        const points = (await done(db.transaction('metrics').objectStore('metrics').getAll())) as { runId: string; key: string; step: number }[];
        return points.filter((p) => p.runId === request.runId && p.key === request.key).map((p) => p.step).sort((a, b) => a - b);
      }
      const store = db.transaction('runs', 'readwrite').objectStore('runs');
      const template = (await done(store.get(request.templateId))) as Record<string, unknown> & { spec: object; environment: { appVersion: string } };
      const { startedAt: _s, endedAt: _e, error: _r, ...rest } = template;
      const id = crypto.randomUUID();
      const now = Date.now();
      await done(
        store.put({
          ...rest, id, name: request.name, status: 'queued',
          spec: { ...template.spec, backend: 'webgpu', epochs: request.epochs, checkpointEvery: request.checkpointEvery },
          environment: { appVersion: template.environment.appVersion, libraries: [] }, outputs: [], summary: [], tags: [],
          progress: { epoch: 0, epochs: request.epochs }, createdAt: now, updatedAt: now,
        }),
      );
      return id;
    } finally {
      db.close();
    }
  }, request);
  return withTimeout(work as Promise<T>, 15_000, `workspace database: ${request.op}`);
}

function readRun(page: Page, runId: string): Promise<StoredRun> {
  return workspaceDb(page, { op: 'run', runId });
}

/** Steps of the stored points of metric `key` of a run, sorted. */
function metricSteps(page: Page, runId: string, key: string): Promise<number[]> {
  return workspaceDb(page, { op: 'metricSteps', runId, key });
}

/**
 * Queues a copy of run `templateId` that asks for WebGPU (there is no backend choice in the UI yet): the row is
 * written straight into the workspace database, and a reload makes the new page's runtime pick it up.
 */
async function queueWebgpuCopy(page: Page, baseUrl: string, templateId: string, name: string): Promise<string> {
  const runId = await workspaceDb<string>(page, { op: 'queueCopy', templateId, name, epochs: EPOCHS, checkpointEvery: CHECKPOINT_EVERY });
  await page.goto(`${baseUrl}#/runs/${encodeURIComponent(runId)}`);
  await page.reload();
  return runId;
}

/** Trains Iris with the defaults (auto backend: wasm here) to get a valid spec; returns that run's id. */
async function trainIris(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Open sample Iris' }).click();
  await page.waitForURL(/#\/data\/[^/]+\/profile/, { timeout: 30_000 });
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await page.waitForURL(/#\/runs\/[^/]+$/, { timeout: 15_000 });
  await waitForStatus(page, 'Completed');
  return decodeURIComponent(page.url().split('#/runs/')[1]);
}

async function waitForStatus(page: Page, status: string, timeout = 120_000) {
  await page.getByTestId('run.status').filter({ hasText: new RegExp(`^${status}$`) }).first().waitFor({ timeout });
}

/** Waits until the run page shows epoch `epoch` (or later) in progress. */
async function waitForEpoch(page: Page, epoch: number) {
  await expect.poll(async () => {
    const text = (await page.getByTestId('run.progress').textContent().catch(() => '')) ?? '';
    return Number(/Epoch (\d+) of/.exec(text)?.[1] ?? 0);
  }, { timeout: 120_000, interval: 250 }).toBeGreaterThanOrEqual(epoch);
}

/** The page's newest training worker (its script is the train worker's bundle). */
async function trainWorker(page: Page): Promise<Worker> {
  await expect.poll(() => page.workers().filter((w) => /train\.worker/.test(w.url())).length, { timeout: 30_000 }).toBeGreaterThan(0);
  const workers = page.workers().filter((w) => /train\.worker/.test(w.url()));
  return workers[workers.length - 1];
}

/** Destroys the worker's WebGPU device through its test hook; true when it was on webgpu. */
function loseDevice(worker: Worker): Promise<boolean> {
  return withTimeout(worker.evaluate(() => (globalThis as unknown as { __benchtopTest: { loseDevice(): boolean } }).__benchtopTest.loseDevice()), 10_000, 'loseDevice');
}

function watchErrors(page: Page) {
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${String(err)}`));
}

/** Prints how long the test took to reach `what` (SwiftShader timings vary with the machine's load). */
function stepper() {
  const started = Date.now();
  return (what: string) => console.info(`${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s  ${what}`);
}

/** On failure: the run's row and log lines, and a screenshot, to see where it stopped. */
async function explain<T>(page: Page, runId: string, name: string, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    await screenshot(page, name).catch(() => undefined);
    const run = await readRun(page, runId).catch((e: unknown) => String(e));
    console.warn(`Run: ${JSON.stringify(run, null, 1)}\nLogs:\n${(await logLines(page).catch(() => [])).join('\n')}`);
    throw err;
  }
}

async function logLines(page: Page): Promise<string[]> {
  return page.getByTestId('run.logs').locator('li').allTextContents();
}

describe('WebGPU device loss mid-run', () => {
  it('resumes from the checkpoint on wasm when no fresh GPU device can start, and records wasm', { timeout: 420_000 }, async () => {
    const step = stepper();
    lab = await openLab();
    const { page } = lab;
    watchErrors(page);
    const template = await trainIris(page);
    step('Iris trained with the defaults (the spec to copy)');
    const runId = await queueWebgpuCopy(page, lab.baseUrl, template, 'Iris · webgpu, device lost');
    await explain(page, runId, 'device-loss-wasm-stuck', (async () => {
      await waitForStatus(page, 'Running', 60_000);
      await waitForEpoch(page, CHECKPOINT_EVERY + 1);
      step(`webgpu run in epoch ${CHECKPOINT_EVERY + 1}`);
      expect((await readRun(page, runId)).environment.backend).toBe('webgpu');

      const worker = await trainWorker(page);
      // After the loss the GPU is gone for good (as when Chromium blocks WebGPU after GPU process crashes).
      await worker.evaluate(() => {
        (navigator as unknown as { gpu: { requestAdapter: () => Promise<null> } }).gpu.requestAdapter = async () => null;
      });
      expect(await loseDevice(worker)).toBe(true);
      step('device destroyed');
      await page.getByTestId('run.logs').getByText(/GPU device lost: .+; resuming from checkpoint epoch \d+ on wasm/).waitFor({ timeout: 60_000 });
      step('resumed on wasm');
      await waitForStatus(page, 'Completed', 180_000);
      step('completed');
    })());

    const run = await readRun(page, runId);
    expect(run.environment.backend).toBe('wasm');
    expect(run.environment.adapter).toBeUndefined();
    expect(run.environment.libraries.map((l) => l.name)).toEqual(expect.arrayContaining(['@tensorflow/tfjs-backend-webgpu', '@tensorflow/tfjs-backend-wasm']));
    expect(run.progress).toMatchObject({ epoch: EPOCHS, epochs: EPOCHS });
    expect(run.summary.find((m) => m.key === 'epochs')?.value).toBe(EPOCHS);
    expect(await metricSteps(page, runId, 'val_loss')).toEqual(Array.from({ length: EPOCHS }, (_, i) => i + 1));

    const lines = await logLines(page);
    console.info(`Log:\n${lines.join('\n')}`);
    expect(lines.some((l) => /a fresh WebGPU device did not start/.test(l))).toBe(true);
    await expect(page.getByTestId('run.environment').textContent()).resolves.toMatch(/Backend\s*wasm\b/);
    await page.getByTestId('run.logs').scrollIntoViewIfNeeded();
    await screenshot(page, 'device-loss-wasm');
  });

  it('resumes on a fresh WebGPU device after the first loss, and ends interrupted (resumable) after the second', { timeout: 420_000 }, async () => {
    const step = stepper();
    lab = await openLab();
    const { page } = lab;
    watchErrors(page);
    const template = await trainIris(page);
    step('Iris trained with the defaults (the spec to copy)');
    const runId = await queueWebgpuCopy(page, lab.baseUrl, template, 'Iris · webgpu, device lost twice');
    await explain(page, runId, 'device-loss-interrupted-stuck', (async () => {
      await waitForStatus(page, 'Running', 60_000);
      await waitForEpoch(page, CHECKPOINT_EVERY + 1);
      step(`webgpu run in epoch ${CHECKPOINT_EVERY + 1}`);
      expect(await loseDevice(await trainWorker(page))).toBe(true);
      step('device destroyed');
      await page.getByTestId('run.logs').getByText(/GPU device lost: .+; resuming from checkpoint epoch \d+ on webgpu/).waitFor({ timeout: 120_000 });
      step('resumed on a fresh webgpu device');
      expect((await readRun(page, runId)).status).toBe('running');
      await waitForEpoch(page, 2 * CHECKPOINT_EVERY + 1);
      expect(await loseDevice(await trainWorker(page))).toBe(true);
      step('fresh device destroyed');
      await waitForStatus(page, 'Interrupted', 60_000);
      step('interrupted');
    })());

    const run = await readRun(page, runId);
    console.info(`Interrupted with: ${run.error?.message}`);
    expect(run.error).toMatchObject({ code: 'GpuDeviceLost' });
    expect(run.error?.message).toMatch(/^GPU device lost twice during this run \(last: .+\); the run is interrupted: Resume continues from the checkpoint after epoch \d+$/);
    expect(run.summary).toEqual([]);
    expect(await page.getByRole('button', { name: 'Resume' }).isVisible()).toBe(true);
    await page.getByTestId('run.logs').scrollIntoViewIfNeeded();
    await screenshot(page, 'device-loss-interrupted');
  });
});
