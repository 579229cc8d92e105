/**
 * @file The MLflow client in real Chromium, from a page on another origin than the MLflow test server: what the
 * browser really lets a page see of a CORS refusal, with and without cross-origin isolation, and that the token
 * travels only in the Authorization header. The client is bundled from src/sync with Vite for the page.
 */
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMlflowServer, type MlflowServerCors, type MlflowTestServer } from './fixtures/mlflow-server.mjs';
import { CHROMIUM_ARGS, CHROMIUM_PATH, withTimeout } from './browser';

const TOKEN = 'canary-TOKEN-123';
let bundle = '';
let browser: Browser;
let pages: http.Server;
let pagePort = 0;
let mlflow: MlflowTestServer | undefined;

/** Serves a blank page (isolated under /isolated) and the client bundle, as http://benchtop.test:<port>. */
function servePages(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (req.url === '/sync.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript', 'Cross-Origin-Resource-Policy': 'same-origin' });
      return res.end(bundle);
    }
    const isolated = req.url?.startsWith('/isolated') ?? false;
    res.writeHead(200, { 'Content-Type': 'text/html', ...(isolated ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {}) });
    res.end('<!doctype html><title>sync</title><script type="module">import { MlflowClient } from "/sync.js"; window.MlflowClient = MlflowClient;</script>');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

beforeAll(async () => {
  const entry = fileURLToPath(new URL('../src/sync/client.ts', import.meta.url));
  const output = await build({ configFile: false, logLevel: 'silent', build: { write: false, minify: false, lib: { entry, formats: ['es'], fileName: 'sync' } } });
  const chunk = (Array.isArray(output) ? output[0] : output) as { output: Array<{ type: string; code?: string }> };
  bundle = chunk.output.find((o) => o.type === 'chunk')?.code ?? '';
  pages = await servePages();
  pagePort = (pages.address() as { port: number }).port;
  const origin = `http://benchtop.test:${pagePort}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // benchtop.test is another origin than 127.0.0.1 (the MLflow server), and not a localhost origin MLflow trusts.
    args: [...CHROMIUM_ARGS, '--host-resolver-rules=MAP benchtop.test 127.0.0.1', `--unsafely-treat-insecure-origin-as-secure=${origin}`],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  pages?.close();
  await mlflow?.close();
});

async function openPage(isolated: boolean): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`http://benchtop.test:${pagePort}/${isolated ? 'isolated' : 'plain'}`);
  await withTimeout(page.waitForFunction(() => 'MlflowClient' in window), 10_000, 'the client bundle to load');
  return page;
}

interface Outcome {
  ok: boolean;
  kind?: string;
  code?: string;
  status?: number;
  message?: string;
  isolated: boolean;
}

/** Runs one client call in the page and returns how it ended. */
async function inPage(page: Page, trackingUri: string, call: 'getExperimentByName' | 'createExperiment'): Promise<Outcome> {
  return withTimeout(
    page.evaluate(
      async ({ trackingUri, call, token }) => {
        // The bundle's module script put the class on window (an import() here would be rewritten by Vitest).
        const MlflowClient = (window as unknown as { MlflowClient: new (options: object) => Record<string, (name: string) => Promise<unknown>> }).MlflowClient;
        const client = new MlflowClient({ trackingUri, token, backoff: { maxAttempts: 1 }, timeoutMs: 5000 });
        try {
          await client[call]('titanic');
          return { ok: true, isolated: self.crossOriginIsolated };
        } catch (e) {
          const error = e as { kind?: string; code?: string; status?: number; message?: string };
          return { ok: false, kind: error.kind, code: error.code, status: error.status, message: error.message, isolated: self.crossOriginIsolated };
        }
      },
      { trackingUri, call, token: TOKEN },
    ),
    30_000,
    `MLflow client ${call} in the page`,
  );
}

async function server(cors: Partial<MlflowServerCors>): Promise<MlflowTestServer> {
  await mlflow?.close();
  mlflow = await startMlflowServer({ token: TOKEN, cors });
  return mlflow;
}

describe('MLflow sync from a page on another origin (Chromium)', () => {
  it('names CORS when a server without CORS headers is up', async () => {
    const s = await server({ mode: 'strict' });
    const page = await openPage(false);
    const outcome = await inPage(page, s.url, 'getExperimentByName');
    expect(outcome).toMatchObject({ ok: false, kind: 'cors', code: 'CORS_BLOCKED', isolated: false });
    expect(outcome.message).toContain(`--cors-allowed-origins http://benchtop.test:${pagePort}`);
    await page.close();
  });

  it('says both causes are possible in a cross-origin-isolated page', async () => {
    const s = await server({ mode: 'strict' });
    const page = await openPage(true);
    const outcome = await inPage(page, s.url, 'getExperimentByName');
    expect(outcome).toMatchObject({ ok: false, kind: 'network', isolated: true });
    expect(outcome.message).toContain('the browser does not say which');
    await page.close();
  });

  it("reads MLflow 3.5's 403 for an origin outside --cors-allowed-origins, even when isolated", async () => {
    const s = await server({ mode: 'mlflow', allowedOrigins: ['https://elsewhere.example'] });
    const page = await openPage(true);
    expect(await inPage(page, s.url, 'getExperimentByName')).toMatchObject({ ok: true });
    const outcome = await inPage(page, s.url, 'createExperiment');
    expect(outcome).toMatchObject({ ok: false, kind: 'cors', code: 'CORS_BLOCKED', status: 403 });
    await page.close();
  });

  it('says the server is down when it is', async () => {
    const s = await server({ mode: 'strict' });
    const url = s.url;
    await s.stop();
    const page = await openPage(false);
    const outcome = await inPage(page, url, 'getExperimentByName');
    expect(outcome).toMatchObject({ ok: false, kind: 'network' });
    expect(outcome.message).toContain('down or unreachable');
    await page.close();
  });

  it('works for an allowed origin, the token only in the Authorization header', async () => {
    const s = await server({ mode: 'strict', allowedOrigins: [`http://benchtop.test:${pagePort}`] });
    const page = await openPage(true);
    expect(await inPage(page, s.url, 'createExperiment')).toMatchObject({ ok: true, isolated: true });
    expect([...s.tracking.experiments.values()].map((e) => e.name)).toContain('titanic');
    expect(s.requests.some((r) => r.method === 'OPTIONS')).toBe(true);
    expect(s.requests.filter((r) => r.method === 'POST').map((r) => r.auth)).toEqual(['ok']);
    expect(s.leaks).toEqual([]);
    await page.close();
  });
});
