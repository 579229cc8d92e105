/**
 * End-to-end: ONNX in the browser. Files go through the app's own ONNX client (its built chunk, imported into the
 * page) and worker: a valid file is introspected and run (WebGPU on SwiftShader when asked, wasm otherwise); bad
 * files are refused with clear messages; a model that never finishes is stopped by the deadline while the page
 * stays responsive. Then an Iris model trained in the app is exported with "Download ONNX" and loaded back into
 * onnxruntime in the page, its outputs compared with onnxruntime in Node. Nothing is fetched from outside the app.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { endlessLoopModel, externalDataModel, hugeInitializerModel, hugeInputModel, randomBytes, tinyOnnxModel, tinyReference, truncated, unknownOperatorModel } from '../src/test/onnx-fixtures';
import { openLab, screenshot, withTimeout, type Lab } from './browser';

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

/** The built ONNX client chunk, relative to the app's root (`assets/onnx-client-<hash>.js`). */
function clientChunk(): string {
  const name = readdirSync(join(process.cwd(), 'dist', 'assets')).find((file) => /^onnx-client-[\w-]+\.js$/.test(file));
  if (!name) throw new Error('dist/assets has no onnx-client-*.js chunk; run `npx vite build` first');
  return `assets/${name}`;
}

/** What a call in the page gave: a value, or an error's name and message, and how long it took. */
type Outcome<T> = { ok: true; value: T; ms: number } | { ok: false; name: string; message: string; ms: number };

type ClientModule = Pick<typeof import('../src/runtime/onnx-client'), 'getOnnxClient'>;

/**
 * Imports the built client chunk into the page as `window.__onnxClient` (a string expression: Vitest would
 * rewrite an `import()` inside a function passed to `evaluate`). The chunk exports what the app imports from
 * it: `getOnnxClient`, the page's shared client.
 */
async function loadClientModule(page: Page): Promise<void> {
  const url = JSON.stringify(clientChunk());
  await withTimeout(page.evaluate(`import(new URL(${url}, location.href).href).then((m) => { window.__onnxClient = m; })`), 15_000, 'import the ONNX client chunk');
}

/** Runs `fn` in the page with `bytes` (as numbers) and the client module, under a timeout. */
async function inPage<T>(page: Page, what: string, fn: (arg: { bytes: number[] }) => Promise<T>, bytes: Uint8Array = new Uint8Array(), ms = 60_000): Promise<T> {
  return withTimeout(page.evaluate(fn, { bytes: Array.from(bytes) }), ms, what);
}

/** What these tests keep on the page's `window`. */
type TestWindow = { __onnxClient: ClientModule; __onnxTest: ReturnType<ClientModule['getOnnxClient']>; __endless: Promise<Outcome<void>> };

describe('ONNX', () => {
  it('introspects and runs a valid file, refuses bad ones clearly, and stops an endless run without freezing the page', async () => {
    lab = await openLab();
    const { page, baseUrl } = lab;
    const outside: string[] = [];
    page.context().on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(baseUrl) && !url.startsWith('blob:') && !url.startsWith('data:')) outside.push(url);
    });
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await loadClientModule(page);

    // A valid file: its inputs and outputs, a run on wasm (default: SwiftShader's WebGPU is skipped as software).
    const tiny = tinyOnnxModel();
    const valid = await inPage(
      page,
      'load the tiny model',
      async ({ bytes }) => {
        const client = (window as unknown as TestWindow).__onnxClient.getOnnxClient();
        (window as unknown as TestWindow).__onnxTest = client;
        const file = new Blob([new Uint8Array(bytes)]);
        const info = await client.inspect(file);
        let started = performance.now();
        const session = await client.load(file);
        const loadMs = performance.now() - started;
        started = performance.now();
        const { outputs } = await client.run(session, {
          x: { type: 'float32', dims: [2, 3], data: Float32Array.of(1, 2, 3, -1, 0.5, 4) },
          temperature: { type: 'float32', dims: [1], data: Float32Array.of(2) },
        });
        const runMs = performance.now() - started;
        let gpu: { provider: string; skipped: string[]; probabilities: number[] } | { error: string };
        try {
          const gpuSession = await client.load(file, { allowSoftwareWebgpu: true });
          const gpuOut = await client.run(gpuSession, {
            x: { type: 'float32', dims: [2, 3], data: Float32Array.of(1, 2, 3, -1, 0.5, 4) },
            temperature: { type: 'float32', dims: [1], data: Float32Array.of(2) },
          });
          gpu = { provider: gpuSession.provider, skipped: gpuSession.skipped, probabilities: Array.from(gpuOut.outputs.probabilities.data as Float32Array) };
        } catch (err) {
          gpu = { error: String(err) };
        }
        return {
          info,
          session: { provider: session.provider, skipped: session.skipped, inputs: session.inputs, outputs: session.outputs },
          probabilities: Array.from(outputs.probabilities.data as Float32Array),
          logits: Array.from(outputs.logits.data as Float32Array),
          loadMs,
          runMs,
          gpu,
        };
      },
      tiny,
      120_000,
    );
    expect(valid.info.inputs.map((i) => [i.name, i.type, i.shape])).toEqual([
      ['x', 'float32', ['batch', 3]],
      ['temperature', 'float32', [1]],
    ]);
    expect(valid.session.provider).toBe('wasm');
    expect(valid.session.skipped).toHaveLength(1);
    expect(valid.session.skipped[0]).toMatch(/^webgpu: /);
    expect(valid.session.outputs.map((o) => [o.name, o.type, o.shape])).toEqual([
      ['probabilities', 'float32', ['batch', 2]],
      ['logits', 'float32', ['batch', 2]],
    ]);
    const reference = tinyReference([1, 2, 3, -1, 0.5, 4], 2);
    valid.logits.forEach((v, i) => expect(v).toBeCloseTo(reference.logits[i], 5));
    valid.probabilities.forEach((v, i) => expect(v).toBeCloseTo(reference.probabilities[i], 6));
    expect(valid.gpu).toMatchObject({ provider: 'webgpu', skipped: [] });
    if ('probabilities' in valid.gpu) valid.gpu.probabilities.forEach((v, i) => expect(v).toBeCloseTo(reference.probabilities[i], 5));
    console.info(`ONNX in Chromium (wasm): first load ${valid.loadMs.toFixed(0)} ms (compiles onnxruntime), run ${valid.runMs.toFixed(1)} ms; default provider skipped ${JSON.stringify(valid.session.skipped)}`);

    // Bad files: each a clear error from the worker, none a hang.
    const bad: [string, Uint8Array, RegExp][] = [
      ['truncated', truncated(tiny), /^The file is truncated: it ends at byte \d+/],
      ['random bytes', randomBytes(4096, 9), /^This is not an ONNX model/],
      ['a 10^12-element initializer', hugeInitializerModel(), /declares 1,000,000,000,000 elements \(dims \[1000000, 1000000\]\); the limit is 268,435,456$/],
      ['a 10^12 input dimension', hugeInputModel(), /^The input "x" of the main graph "huge-input" declares shape \[batch, 1000000000000\]/],
      ['external data', externalDataModel(), /keeps its data in a separate file \(location "weights\.bin"\); a browser cannot open it/],
      ['an unknown operator', unknownOperatorModel(), /^ONNX Runtime could not load the model: .*NoSuchOp/],
    ];
    const refusals: string[] = [];
    for (const [what, bytes, message] of bad) {
      const outcome = await inPage(
        page,
        `load ${what}`,
        async ({ bytes }) => {
          const client = (window as unknown as TestWindow).__onnxTest;
          const started = performance.now();
          try {
            await client.load(new Uint8Array(bytes), { providers: ['wasm'] });
            return { ok: true, ms: performance.now() - started } as Outcome<void>;
          } catch (err) {
            const e = err as Error;
            return { ok: false, name: e.name, message: e.message, ms: performance.now() - started } as Outcome<void>;
          }
        },
        bytes,
      );
      expect(outcome.ok, what).toBe(false);
      if (!outcome.ok) {
        expect(outcome.message, what).toMatch(message);
        expect(outcome.ms, what).toBeLessThan(10_000);
        refusals.push(`${what} ${outcome.ms.toFixed(0)} ms`);
      }
    }
    console.info(`ONNX refusals in Chromium: ${refusals.join(', ')}`);

    // A model that never finishes: the deadline stops its worker; meanwhile the page answers and navigates.
    const endless = endlessLoopModel();
    await inPage(
      page,
      'start the endless run',
      async ({ bytes }) => {
        const client = (window as unknown as TestWindow).__onnxClient.getOnnxClient();
        const session = await client.load(new Uint8Array(bytes), { providers: ['wasm'] });
        const started = performance.now();
        const state = window as unknown as TestWindow;
        // A 4 s deadline for this call (the default is 30 s).
        state.__endless = client.run(session, { x: { type: 'float32', dims: [1], data: Float32Array.of(0) } }, 4_000).then(
          () => ({ ok: true, ms: performance.now() - started }) as Outcome<void>,
          (err: Error) => ({ ok: false, name: err.name, message: err.message, ms: performance.now() - started }) as Outcome<void>,
        );
      },
      endless,
    );
    const ping = Date.now();
    await withTimeout(page.evaluate(() => 1 + 1), 1_000, 'the page answers while the model runs');
    const pingMs = Date.now() - ping;
    expect(pingMs).toBeLessThan(1_000);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Runs' }).click();
    await page.getByRole('heading', { level: 1, name: 'Runs' }).waitFor({ timeout: 3_000 });
    const stopped = await withTimeout(page.evaluate(() => (window as unknown as TestWindow).__endless), 20_000, 'the endless run is stopped');
    expect(stopped).toMatchObject({ ok: false, name: 'OnnxTimeoutError' });
    if (!stopped.ok) {
      expect(stopped.message).toBe('Running the ONNX model took longer than 4 s, so it was stopped (the ONNX worker was restarted; load models again)');
      expect(stopped.ms).toBeLessThan(8_000);
      console.info(`Endless ONNX run stopped after ${stopped.ms.toFixed(0)} ms (deadline 4 s); the page answered an evaluate in ${pingMs} ms and navigated meanwhile`);
    }
    expect(outside).toEqual([]);
  });

  it('exports an Iris model trained in the app with "Download ONNX" and loads it in onnxruntime in the page', async () => {
    lab = await openLab();
    const { page } = lab;
    await page.getByRole('button', { name: 'Open sample Iris' }).click();
    await page.waitForURL(/#\/data\/[^/]+\/profile/, { timeout: 30_000 });
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await page.waitForURL(/#\/runs\/[^/]+$/, { timeout: 15_000 });
    await page.getByTestId('run.status').filter({ hasText: /^Completed$/ }).first().waitFor({ timeout: 90_000 });

    const started = Date.now();
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByRole('button', { name: 'Download ONNX' }).click()]);
    const exportMs = Date.now() - started;
    expect(download.suggestedFilename()).toMatch(/^Iris.*\.onnx$/);
    const status = page.getByTestId('run.onnx-export');
    await status.filter({ hasText: /max difference/ }).waitFor();
    const statusText = (await status.textContent()) ?? '';
    expect(statusText).toMatch(/opset 13\): matches TF\.js on 64 random rows, max difference (0|\d\.\de-\d+)/);
    const difference = Number(/max difference (\S+)/.exec(statusText)?.[1]);
    expect(difference).toBeLessThanOrEqual(1e-4);
    await screenshot(page, 'onnx-export');
    const bytes = new Uint8Array(readFileSync(await download.path()));
    console.info(`Iris ONNX export: ${bytes.length} bytes, checked in the worker (max |diff| ${difference}), ${exportMs} ms from click to download`);

    // The downloaded file, loaded into onnxruntime in the page through the app's client.
    await loadClientModule(page);
    const scored = await inPage(
      page,
      'score the exported model in the page',
      async ({ bytes }) => {
        const client = (window as unknown as TestWindow).__onnxClient.getOnnxClient();
        let started = performance.now();
        const session = await client.load(new Uint8Array(bytes));
        const loadMs = performance.now() - started;
        const width = session.inputs[0].shape?.[1] as number;
        const x = Float32Array.from({ length: 5 * width }, (_, i) => ((i * 37) % 17) / 4 - 1);
        started = performance.now();
        const result = await client.runRows(session, x, 5);
        const runMs = performance.now() - started;
        return { loadMs, runMs, provider: session.provider, inputs: session.inputs, outputs: session.outputs, metadata: Object.keys(session.model.metadata), width, values: Array.from(result.values), shape: result.shape };
      },
      bytes,
    );
    expect(scored.inputs).toEqual([{ name: 'features', kind: 'tensor', type: 'float32', shape: ['batch', scored.width] }]);
    expect(scored.outputs).toEqual([{ name: 'output', kind: 'tensor', type: 'float32', shape: ['batch', 3] }]);
    expect(scored.metadata).toEqual(expect.arrayContaining(['benchtop.signature', 'benchtop.featurizer']));
    expect(scored.shape).toEqual([5, 3]);
    console.info(`Exported Iris model in the page: load ${scored.loadMs.toFixed(0)} ms on ${scored.provider}, 5 rows scored in ${scored.runMs.toFixed(1)} ms (round trip through the worker)`);
    for (let r = 0; r < 5; r++) expect(scored.values.slice(r * 3, r * 3 + 3).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);

    // The same file in onnxruntime under Node gives the same numbers.
    ort.env.wasm.numThreads = 1;
    const session = await ort.InferenceSession.create(bytes);
    const x = Float32Array.from({ length: 5 * scored.width }, (_, i) => ((i * 37) % 17) / 4 - 1);
    const out = await session.run({ features: new ort.Tensor('float32', x, [5, scored.width]) });
    const node = Array.from(out.output.data as Float32Array);
    node.forEach((v, i) => expect(Math.abs(v - scored.values[i])).toBeLessThanOrEqual(1e-5));
    await session.release();
  });
});
