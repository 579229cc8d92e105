import { afterEach, describe, expect, it } from 'vitest';
import { browserFetch, type EmulatedPage } from '../../e2e/fixtures/browser-fetch';
import { startMlflowServer, type MlflowServerCors, type MlflowTestServer } from '../../e2e/fixtures/mlflow-server.mjs';
import { MlflowClient } from './client';
import { pushRun } from './push';
import { SyncError } from './sync-error';
import { CANARY_TOKEN, metricSeries, syncRun } from './sync-test-fixtures';

const LAB = 'https://lab.example';
let server: MlflowTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setUp(cors: Partial<MlflowServerCors>, page: EmulatedPage, crossOriginIsolated = false): Promise<MlflowClient> {
  server = await startMlflowServer({ token: CANARY_TOKEN, cors });
  return new MlflowClient({
    trackingUri: server.url,
    token: CANARY_TOKEN,
    fetch: browserFetch(page),
    page: { origin: page.origin, crossOriginIsolated },
    backoff: { maxAttempts: 2, baseMs: 1, maxMs: 2 },
    sleep: async () => {},
  });
}

async function failure(promise: Promise<unknown>): Promise<SyncError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof SyncError)) throw new Error(`expected a SyncError, got ${String(error)}`);
  return error;
}

describe('CORS failures in a browser page', () => {
  it('names CORS, and the flag that fixes it, when a server without CORS headers is up', async () => {
    const client = await setUp({ mode: 'strict' }, { origin: LAB });
    const error = await failure(client.getExperimentByName('titanic'));
    expect(error.kind).toBe('cors');
    expect(error.code).toBe('CORS_BLOCKED');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(`--cors-allowed-origins ${LAB}`);
    // The probe went out without the token.
    const probe = server!.requests.find((r) => r.path === '/');
    expect(probe?.auth).toBe('missing');
    expect(server!.leaks).toEqual([]);
  });

  it('says both causes are possible in a cross-origin-isolated page (require-corp blocks the probe)', async () => {
    const client = await setUp({ mode: 'strict' }, { origin: LAB, coep: 'require-corp' }, true);
    const error = await failure(client.getExperimentByName('titanic'));
    expect(error.kind).toBe('network');
    expect(error.message).toContain('either the server is down'.replace('either', 'Either'));
    expect(error.message).toContain(`--cors-allowed-origins ${LAB}`);
  });

  it('still tells CORS apart under COEP credentialless', async () => {
    const client = await setUp({ mode: 'strict' }, { origin: LAB, coep: 'credentialless' }, true);
    expect((await failure(client.getExperimentByName('titanic'))).kind).toBe('cors');
  });

  it("reads MLflow 3.5's own refusal of an origin outside --cors-allowed-origins", async () => {
    const client = await setUp({ mode: 'mlflow', allowedOrigins: ['https://other.example'] }, { origin: LAB, coep: 'require-corp' }, true);
    expect(await client.getExperimentByName('Default')).toMatchObject({ experiment_id: '0' });
    const error = await failure(client.createExperiment('titanic'));
    expect(error.kind).toBe('cors');
    expect(error.status).toBe(403);
    expect(error.message).toContain(`--cors-allowed-origins ${LAB}`);
    expect([...server!.tracking.experiments.values()].map((e) => e.name)).toEqual(['Default']);
  });

  it('pushes a whole run through the browser rules when the origin is allowed', async () => {
    const client = await setUp({ mode: 'strict', allowedOrigins: [LAB] }, { origin: LAB, coep: 'require-corp' }, true);
    const run = syncRun();
    const result = await pushRun(client, { run, experimentName: 'titanic', metrics: metricSeries(run.id, ['loss'], 20) });
    expect(result.created).toBe(true);
    expect([...server!.tracking.runs.values()][0].metrics).toHaveLength(22); // 20 points + 2 summary values
    expect(server!.requests.filter((r) => r.method === 'OPTIONS').length).toBeGreaterThan(0);
  });

  it('says the server is down when the probe cannot reach it either', async () => {
    const client = await setUp({ mode: 'strict' }, { origin: LAB });
    await server!.stop();
    const error = await failure(client.getExperimentByName('titanic'));
    expect(error.kind).toBe('network');
    expect(error.message).toContain('down or unreachable');
    expect(error.message).not.toContain('CORS');
  });

  it('refuses mixed content before sending anything', async () => {
    let calls = 0;
    const client = new MlflowClient({
      trackingUri: 'http://mlflow.example:5000',
      token: CANARY_TOKEN,
      page: { origin: LAB },
      fetch: async () => {
        calls++;
        throw new TypeError('Failed to fetch');
      },
    });
    const error = await failure(client.getExperimentByName('titanic'));
    expect(error.code).toBe('MIXED_CONTENT');
    expect(error.message).toContain('HTTPS');
    expect(calls).toBe(0);
  });

  it('outside a page (Node), reports the connection error itself', async () => {
    server = await startMlflowServer({});
    const url = server.url;
    await server.stop();
    const client = new MlflowClient({ trackingUri: url, page: {}, backoff: { maxAttempts: 1 } });
    const error = await failure(client.getExperimentByName('titanic'));
    expect(error.kind).toBe('network');
    expect(error.message).toContain('ECONNREFUSED');
  });
});
