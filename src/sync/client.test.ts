import { describe, expect, it } from 'vitest';
import { MlflowClient } from './client';
import { SyncError } from './sync-error';

const TOKEN = 'canary-TOKEN-123';

interface Sent {
  url: string;
  method: string;
  headers: Headers;
  body?: string;
}

/** A fake fetch answering from a list (one answer per call; a function may throw). */
function fakeFetch(answers: Array<Response | (() => Response | Promise<Response>)>) {
  const sent: Sent[] = [];
  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    sent.push({ url: String(input), method: init.method ?? 'GET', headers: new Headers(init.headers), body: typeof init.body === 'string' ? init.body : undefined });
    const next = answers.shift();
    if (next === undefined) throw new Error(`unexpected request ${String(input)}`);
    return typeof next === 'function' ? next() : next;
  };
  return { fetch: fetch as typeof globalThis.fetch, sent };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

function client(fetch: typeof globalThis.fetch, extra: { delays?: number[]; log?: string[]; timeoutMs?: number } = {}) {
  return new MlflowClient({
    trackingUri: 'https://mlflow.example/tracking',
    token: TOKEN,
    fetch,
    page: {},
    seed: 3,
    timeoutMs: extra.timeoutMs ?? 1000,
    backoff: { baseMs: 100, maxMs: 1000, maxAttempts: 3 },
    sleep: async (ms) => void extra.delays?.push(ms),
    log: (line) => extra.log?.push(line),
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

const RUN = { info: { run_id: 'r1', experiment_id: '1', status: 'RUNNING', start_time: 5, artifact_uri: 'mlflow-artifacts:/1/r1/artifacts', lifecycle_stage: 'active' }, data: { params: [{ key: 'a', value: '1' }] } };

describe('MlflowClient requests', () => {
  it('sends the token only in the Authorization header, JSON as application/json', async () => {
    const { fetch, sent } = fakeFetch([json({ run: RUN })]);
    await client(fetch).createRun({ experimentId: '1', runName: 'x', tags: [{ key: 'benchtop.run_id', value: 'b1' }] });
    expect(sent[0].url).toBe('https://mlflow.example/tracking/api/2.0/mlflow/runs/create');
    expect(sent[0].method).toBe('POST');
    expect(sent[0].headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
    expect(sent[0].headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(sent[0].body!)).toEqual({ experiment_id: '1', run_name: 'x', tags: [{ key: 'benchtop.run_id', value: 'b1' }] });
    expect(sent[0].url + sent[0].body).not.toContain(TOKEN);
  });

  it('sends no Authorization header without a token', async () => {
    const { fetch, sent } = fakeFetch([json({ experiment: { experiment_id: '0', name: 'Default' } })]);
    await new MlflowClient({ trackingUri: 'http://localhost:5000', fetch, page: {} }).getExperiment('0');
    expect(sent[0].headers.has('authorization')).toBe(false);
    expect(sent[0].url).toBe('http://localhost:5000/api/2.0/mlflow/experiments/get?experiment_id=0');
  });

  it('always sends max_results, and refuses out-of-range values before sending', async () => {
    const { fetch, sent } = fakeFetch([json({ metrics: [{ key: 'loss', value: 'NaN', timestamp: '7', step: 2 }], next_page_token: 'p2' })]);
    const c = client(fetch);
    const page = await c.getMetricHistory({ runId: 'r1', key: 'val loss', maxResults: 500 });
    expect(sent[0].url).toContain('metric_key=val+loss&max_results=500');
    expect(page.items[0].value).toBeNaN();
    expect(page.items[0].timestamp).toBe(7);
    expect(page.nextPageToken).toBe('p2');
    await expect(c.searchRuns({ experimentIds: ['1'], maxResults: 50_001 })).rejects.toThrow('max_results 50001');
    expect(sent).toHaveLength(1);
  });

  it('writes NaN and infinite metric values as protobuf JSON strings', async () => {
    const { fetch, sent } = fakeFetch([json({})]);
    await client(fetch).logBatch('r1', { metrics: [{ key: 'loss', value: Number.NaN, timestamp: 1, step: 0 }, { key: 'loss', value: -Infinity, timestamp: 2, step: 1 }] });
    expect(JSON.parse(sent[0].body!).metrics.map((m: { value: unknown }) => m.value)).toEqual(['NaN', '-Infinity']);
  });

  it('refuses a log-batch over the limits before sending', async () => {
    const { fetch, sent } = fakeFetch([]);
    const params = Array.from({ length: 101 }, (_, i) => ({ key: `p${i}`, value: '1' }));
    await expect(client(fetch).logBatch('r1', { params })).rejects.toThrow("over MLflow's limits");
    expect(sent).toHaveLength(0);
  });

  it('turns not-found lookups into undefined', async () => {
    const { fetch } = fakeFetch([json({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Run with id=x not found' }, 404)]);
    expect(await client(fetch).getRun('x')).toBeUndefined();
  });

  it('checks answers: a wrong shape is a clear error', async () => {
    const { fetch } = fakeFetch([json({ run: { info: { run_id: 5 } } })]);
    const error = await failure(client(fetch).getRun('x'));
    expect(error.code).toBe('BAD_RESPONSE');
    expect(error.message).toContain('run.info.run_id');
  });

  it('says when the answer is not JSON (a login page, a wrong URI)', async () => {
    const { fetch } = fakeFetch([new Response('<html><body>Sign in</body></html>', { status: 200 })]);
    const error = await failure(client(fetch).getExperiment('0'));
    expect(error.kind).toBe('unsupported');
    expect(error.message).toContain('is the tracking URI');
  });
});

describe('MlflowClient errors', () => {
  it('reads {error_code, message} and keeps the code', async () => {
    const { fetch } = fakeFetch([json({ error_code: 'INVALID_PARAMETER_VALUE', message: "Invalid metric name: 'a@b'" }, 400)]);
    const error = await failure(client(fetch).logBatch('r1', { metrics: [{ key: 'a@b', value: 1, timestamp: 1, step: 0 }] }));
    expect(error).toMatchObject({ kind: 'invalid', code: 'INVALID_PARAMETER_VALUE', status: 400, retryable: false, request: 'POST /api/2.0/mlflow/runs/log-batch' });
    expect(error.message).toContain("Invalid metric name: 'a@b'");
  });

  it("reads Azure ML's {error: {code, message}}", async () => {
    const { fetch } = fakeFetch([json({ error: { code: 'UserError', message: 'Bearer token not provided.' } }, 401)]);
    const error = await failure(client(fetch).getExperiment('0'));
    expect(error.kind).toBe('auth');
    expect(error.message).toContain('Bearer token not provided.');
  });

  it('maps statuses to kinds; 403 and 404 are not retried', async () => {
    for (const [status, kind] of [
      [401, 'auth'],
      [403, 'forbidden'],
      [404, 'not-found'],
      [501, 'unsupported'],
    ] as const) {
      const { fetch, sent } = fakeFetch([new Response('nope', { status })]);
      const error = await failure(client(fetch).updateRun({ runId: 'r', status: 'FINISHED' }));
      expect(error.kind, String(status)).toBe(kind);
      expect(sent).toHaveLength(1);
    }
  });

  it('honours Retry-After on a 429, even for a write', async () => {
    const delays: number[] = [];
    const { fetch, sent } = fakeFetch([new Response('slow down', { status: 429, headers: { 'Retry-After': '3' } }), json({ run: RUN })]);
    await client(fetch, { delays }).createRun({ experimentId: '1' });
    expect(delays).toEqual([3000]);
    expect(sent).toHaveLength(2);
  });

  it('gives up on a Retry-After longer than it may wait, telling the queue when to come back', async () => {
    const { fetch } = fakeFetch([new Response('', { status: 429, headers: { 'Retry-After': '3600' } })]);
    const error = await failure(client(fetch).getExperiment('0'));
    expect(error.kind).toBe('rate-limited');
    expect(error.retryAfterMs).toBe(3_600_000);
  });

  it('retries a 500 on a read with growing jittered delays, but not on a create', async () => {
    const delays: number[] = [];
    const e500 = () => json({ error_code: 'INTERNAL_ERROR', message: 'db down' }, 500);
    const { fetch, sent } = fakeFetch([e500, e500, e500]);
    const error = await failure(client(fetch, { delays }).getExperiment('0'));
    expect(error.kind).toBe('server');
    expect(sent).toHaveLength(3);
    expect(delays).toHaveLength(2);
    expect(delays[0]).toBeGreaterThanOrEqual(50);
    expect(delays[0]).toBeLessThanOrEqual(100);
    expect(delays[1]).toBeGreaterThanOrEqual(100);
    expect(delays[1]).toBeLessThanOrEqual(200);

    const once = fakeFetch([e500]);
    expect((await failure(client(once.fetch).createExperiment('x'))).kind).toBe('server');
    expect(once.sent).toHaveLength(1);
  });

  it('times out with AbortSignal and marks the outcome unknown', async () => {
    const hanging = (_input: RequestInfo | URL, init: RequestInit = {}) =>
      new Promise<Response>((_, reject) => init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    const error = await failure(new MlflowClient({ trackingUri: 'http://x.test', fetch: hanging as typeof fetch, page: {}, timeoutMs: 20, backoff: { maxAttempts: 1 } }).createExperiment('x'));
    expect(error.kind).toBe('timeout');
    expect(error.outcomeUnknown).toBe(true);
    expect(error.retryable).toBe(true);
  });

  it('stops when the caller aborts', async () => {
    const controller = new AbortController();
    const hanging = (_input: RequestInfo | URL, init: RequestInit = {}) =>
      new Promise<Response>((_, reject) => init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    const transport = new MlflowClient({ trackingUri: 'http://x.test', fetch: hanging as typeof fetch, page: {}, timeoutMs: 5000 }).transport;
    const pending = transport.request('GET', '/api/2.0/mlflow/experiments/get', { signal: controller.signal });
    controller.abort();
    expect((await failure(pending)).kind).toBe('canceled');
  });

  it('redacts the token from server messages, logs and errors', async () => {
    const log: string[] = [];
    const echo = () => json({ error_code: 'BAD_REQUEST', message: `header was Bearer ${TOKEN} (${encodeURIComponent(TOKEN)})` }, 400);
    const { fetch } = fakeFetch([echo, () => Promise.reject(new TypeError(`connect failed for ${TOKEN}`))]);
    const c = client(fetch, { log });
    const first = await failure(c.getExperiment('0'));
    const second = await failure(c.transport.request('GET', '/x', { idempotent: false }));
    const text = JSON.stringify([first.message, first.code, second.message, log]);
    expect(text).toContain('[redacted]');
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(encodeURIComponent(TOKEN));
  });
});

describe('MlflowClient cancellation', () => {
  it('aborts requests with the signal given to the client', async () => {
    const controller = new AbortController();
    const hanging = (_input: RequestInfo | URL, init: RequestInit = {}) =>
      new Promise<Response>((_, reject) => init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    const c = new MlflowClient({ trackingUri: 'http://x.test', fetch: hanging as typeof fetch, page: {}, signal: controller.signal });
    const pending = c.getExperiment('0');
    controller.abort();
    expect((await failure(pending)).kind).toBe('canceled');
  });
});
