import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startMlflowServer, type MlflowServerOptions, type MlflowTestServer } from '../../e2e/fixtures/mlflow-server.mjs';

const TOKEN = 'server-test-token';
let server: MlflowTestServer | undefined;

async function start(options: MlflowServerOptions = {}): Promise<MlflowTestServer> {
  server = await startMlflowServer({ token: TOKEN, ...options });
  return server;
}

afterEach(async () => {
  await server?.close();
  server = undefined;
});

interface Answer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers of many shapes, read field by field in assertions
  json: any;
  text: string;
}

async function call(method: string, path: string, options: { json?: unknown; headers?: Record<string, string>; body?: string; auth?: boolean } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...(options.auth === false ? {} : { Authorization: `Bearer ${TOKEN}` }), ...options.headers };
  if (options.json !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(server!.url + path, { method, headers, body: options.json !== undefined ? JSON.stringify(options.json) : options.body });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}

/** A request whose path is sent exactly as written (fetch would resolve `..` before sending). */
function rawRequest(method: string, path: string, body = ''): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(server!.url + '/', { method, path, headers: { Authorization: `Bearer ${TOKEN}` } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const API = '/api/2.0/mlflow';

async function newRun(experimentName = 'exp'): Promise<string> {
  const { json } = await call('POST', `${API}/experiments/create`, { json: { name: experimentName } });
  const run = await call('POST', `${API}/runs/create`, { json: { experiment_id: json.experiment_id, run_name: 'r' } });
  return run.json.run.info.run_id;
}

describe('MLflow test server: tracking', () => {
  it('creates, finds and refuses duplicate experiments with MLflow error bodies', async () => {
    await start();
    const created = await call('POST', `${API}/experiments/create`, { json: { name: 'cnn' } });
    expect(created.status).toBe(200);
    expect(created.json.experiment_id).toBe('1');
    const again = await call('POST', `${API}/experiments/create`, { json: { name: 'cnn' } });
    expect(again.status).toBe(400);
    expect(again.json.error_code).toBe('RESOURCE_ALREADY_EXISTS');
    const found = await call('GET', `${API}/experiments/get-by-name?experiment_name=cnn`);
    expect(found.json.experiment).toMatchObject({ experiment_id: '1', name: 'cnn', lifecycle_stage: 'active', artifact_location: 'mlflow-artifacts:/1' });
    const missing = await call('GET', `${API}/experiments/get-by-name?experiment_name=nope`);
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: expect.stringContaining('nope') });
  });

  it('answers RESOURCE_DOES_NOT_EXIST for an unknown run and INVALID_PARAMETER_VALUE for a missing id', async () => {
    await start();
    const unknown = await call('GET', `${API}/runs/get?run_id=0123456789abcdef`);
    expect(unknown.status).toBe(404);
    expect(unknown.json.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    const noId = await call('GET', `${API}/runs/get`);
    expect(noId.status).toBe(400);
    expect(noId.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    const batch = await call('POST', `${API}/runs/log-batch`, { json: { run_id: 'nope', metrics: [] } });
    expect(batch.status).toBe(404);
  });

  it('enforces log-batch limits: 1000 metrics, 100 params, 100 tags, 1000 in all', async () => {
    await start();
    const runId = await newRun();
    const metrics = (n: number) => Array.from({ length: n }, (_, i) => ({ key: 'm', value: i, timestamp: 1, step: i }));
    const params = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `p${i}`, value: '1' }));
    const tags = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `t${i}`, value: '1' }));
    const cases: Array<[unknown, string]> = [
      [{ metrics: metrics(1001) }, 'at most 1000 metrics'],
      [{ params: params(101) }, 'at most 100 params'],
      [{ tags: tags(101) }, 'at most 100 tags'],
      [{ metrics: metrics(1000), params: params(1) }, 'at most 1000 metrics, params, and tags'],
    ];
    for (const [body, message] of cases) {
      const answer = await call('POST', `${API}/runs/log-batch`, { json: { run_id: runId, ...(body as object) } });
      expect(answer.status).toBe(400);
      expect(answer.json.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect(answer.json.message).toContain(message);
    }
    const ok = await call('POST', `${API}/runs/log-batch`, { json: { run_id: runId, metrics: metrics(900), params: params(50), tags: tags(50) } });
    expect(ok.status).toBe(200);
    expect(server!.tracking.runs.get(runId)!.metrics).toHaveLength(900);
  });

  it('keeps params immutable: the same value again is fine, another value is refused', async () => {
    await start();
    const runId = await newRun();
    const log = (value: string) => call('POST', `${API}/runs/log-batch`, { json: { run_id: runId, params: [{ key: 'lr', value }] } });
    expect((await log('0.1')).status).toBe(200);
    expect((await log('0.1')).status).toBe(200);
    const changed = await log('0.2');
    expect(changed.status).toBe(400);
    expect(changed.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(changed.json.message).toContain("Changing param values is not allowed. Param with key='lr' was already logged with value='0.1'");
    expect(server!.tracking.runs.get(runId)!.params.get('lr')).toBe('0.1');
  });

  it('refuses keys outside letters, digits, _ - . / and space, and names that are not their own path', async () => {
    await start();
    const runId = await newRun();
    for (const key of ['loss@1', 'a//b', '/a', 'a/', 'x/../y', 'ä']) {
      const answer = await call('POST', `${API}/runs/log-batch`, { json: { run_id: runId, metrics: [{ key, value: 1, timestamp: 1, step: 0 }] } });
      expect(answer.status, key).toBe(400);
      expect(answer.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    }
    const fine = await call('POST', `${API}/runs/log-batch`, { json: { run_id: runId, metrics: [{ key: 'val loss/epoch-1.x_y', value: 1, timestamp: 1, step: 0 }] } });
    expect(fine.status).toBe(200);
  });

  it('accepts NaN and infinities as protobuf JSON strings and returns them the same way', async () => {
    await start();
    const runId = await newRun();
    const metrics = [
      { key: 'loss', value: 'NaN', timestamp: 1, step: 0 },
      { key: 'loss', value: 'Infinity', timestamp: 2, step: 1 },
    ];
    expect((await call('POST', `${API}/runs/log-batch`, { json: { run_id: runId, metrics } })).status).toBe(200);
    const history = await call('GET', `${API}/metrics/get-history?run_id=${runId}&metric_key=loss&max_results=10`);
    expect(history.json.metrics.map((m: { value: unknown }) => m.value)).toEqual(['NaN', 'Infinity']);
    const bad = await call('POST', `${API}/runs/log-batch`, { json: { run_id: runId, metrics: [{ key: 'loss', value: 'high', timestamp: 3, step: 2 }] } });
    expect(bad.status).toBe(400);
  });

  it('requires max_results on searches and histories, within MLflow bounds, and pages with page_token', async () => {
    await start();
    const runId = await newRun();
    await call('POST', `${API}/runs/log-batch`, { json: { run_id: runId, metrics: Array.from({ length: 5 }, (_, i) => ({ key: 'm', value: i, timestamp: i, step: i })) } });
    expect((await call('POST', `${API}/runs/search`, { json: { experiment_ids: ['1'] } })).status).toBe(400);
    expect((await call('POST', `${API}/runs/search`, { json: { experiment_ids: ['1'], max_results: 50001 } })).status).toBe(400);
    expect((await call('GET', `${API}/metrics/get-history?run_id=${runId}&metric_key=m`)).status).toBe(400);
    const first = await call('GET', `${API}/metrics/get-history?run_id=${runId}&metric_key=m&max_results=2`);
    expect(first.json.metrics.map((m: { step: number }) => m.step)).toEqual([0, 1]);
    const second = await call('GET', `${API}/metrics/get-history?run_id=${runId}&metric_key=m&max_results=2&page_token=${encodeURIComponent(first.json.next_page_token)}`);
    expect(second.json.metrics.map((m: { step: number }) => m.step)).toEqual([2, 3]);
  });

  it('finds runs by a dotted tag key in backticks', async () => {
    await start();
    const runId = await newRun();
    await call('POST', `${API}/runs/set-tag`, { json: { run_id: runId, key: 'benchtop.run_id', value: 'abc' } });
    const hit = await call('POST', `${API}/runs/search`, { json: { experiment_ids: ['1'], filter: "tags.`benchtop.run_id` = 'abc'", max_results: 5 } });
    expect(hit.json.runs.map((r: { info: { run_id: string } }) => r.info.run_id)).toEqual([runId]);
    const miss = await call('POST', `${API}/runs/search`, { json: { experiment_ids: ['1'], filter: "tags.`benchtop.run_id` = 'abd'", max_results: 5 } });
    expect(miss.json.runs).toEqual([]);
  });

  it('logs dataset inputs once and checks their sizes', async () => {
    await start();
    const runId = await newRun();
    const dataset = { name: 'titanic', digest: 'ab'.repeat(16), source_type: 'benchtop', source: '{}' };
    const body = { run_id: runId, datasets: [{ tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset }] };
    expect((await call('POST', `${API}/runs/log-inputs`, { json: body })).status).toBe(200);
    expect((await call('POST', `${API}/runs/log-inputs`, { json: body })).status).toBe(200);
    expect(server!.tracking.runs.get(runId)!.inputs).toHaveLength(1);
    const long = await call('POST', `${API}/runs/log-inputs`, { json: { run_id: runId, datasets: [{ dataset: { ...dataset, digest: 'a'.repeat(37) } }] } });
    expect(long.status).toBe(400);
  });
});

describe('MLflow test server: artifacts', () => {
  it('stores, serves and lists files', async () => {
    await start();
    expect((await call('PUT', '/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts/model/model.json', { body: '{"a":1}' })).status).toBe(200);
    expect((await call('GET', '/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts/model/model.json')).text).toBe('{"a":1}');
    const list = await call('GET', '/api/2.0/mlflow-artifacts/artifacts?path=1/abc/artifacts');
    expect(list.json.files).toEqual([{ path: 'model', is_dir: true }]);
    const missing = await call('GET', '/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts/nope');
    expect(missing.status).toBe(404);
  });

  it('refuses paths with .., also percent-encoded, and absolute ones', async () => {
    await start();
    for (const path of ['1/../../etc/passwd', '1/%2E%2E/%2E%2E/etc/passwd', '%2Fetc%2Fpasswd', '1/a%5C..%5Cb']) {
      const answer = await rawRequest('PUT', `/api/2.0/mlflow-artifacts/artifacts/${path}`, 'x');
      expect(answer.status, path).toBe(400);
      expect(JSON.parse(answer.text)).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: 'Invalid path' });
    }
    const listing = await rawRequest('GET', '/api/2.0/mlflow-artifacts/artifacts?path=../x');
    expect(listing.status).toBe(400);
    expect(server!.artifacts.size).toBe(0);
  });

  it('answers 503 like mlflow server --no-serve-artifacts', async () => {
    await start({ serveArtifacts: false });
    const answer = await call('PUT', '/api/2.0/mlflow-artifacts/artifacts/1/x', { body: 'x' });
    expect(answer.status).toBe(503);
    expect(answer.text).toContain('--no-serve-artifacts');
  });
});

describe('MLflow test server: model registry', () => {
  it('creates models and numbered versions, and points aliases at them', async () => {
    await start();
    expect((await call('POST', `${API}/registered-models/create`, { json: { name: 'titanic' } })).status).toBe(200);
    expect((await call('POST', `${API}/registered-models/create`, { json: { name: 'titanic' } })).json.error_code).toBe('RESOURCE_ALREADY_EXISTS');
    const v1 = await call('POST', `${API}/model-versions/create`, { json: { name: 'titanic', source: 'mlflow-artifacts:/1/r/artifacts/model', run_id: 'r' } });
    const v2 = await call('POST', `${API}/model-versions/create`, { json: { name: 'titanic', source: 'mlflow-artifacts:/1/s/artifacts/model', run_id: 's' } });
    expect([v1.json.model_version.version, v2.json.model_version.version]).toEqual(['1', '2']);
    expect((await call('POST', `${API}/registered-models/alias`, { json: { name: 'titanic', alias: 'champion', version: '2' } })).status).toBe(200);
    const byAlias = await call('GET', `${API}/registered-models/alias?name=titanic&alias=champion`);
    expect(byAlias.json.model_version).toMatchObject({ version: '2', aliases: ['champion'] });
    for (const alias of ['latest', 'v3', 'bad alias']) {
      const refused = await call('POST', `${API}/registered-models/alias`, { json: { name: 'titanic', alias, version: '1' } });
      expect(refused.status, alias).toBe(400);
    }
    const search = await call('GET', `${API}/model-versions/search?filter=${encodeURIComponent("name = 'titanic' and run_id = 's'")}&max_results=10`);
    expect(search.json.model_versions.map((v: { version: string }) => v.version)).toEqual(['2']);
    expect((await call('GET', `${API}/registered-models/get?name=nope`)).status).toBe(404);
  });

  it('deletes an alias as MLflow does: parameters from the JSON body only, no error when already gone', async () => {
    await start();
    await call('POST', `${API}/registered-models/create`, { json: { name: 'titanic' } });
    await call('POST', `${API}/model-versions/create`, { json: { name: 'titanic', source: 'mlflow-artifacts:/1/r/artifacts/model', run_id: 'r' } });
    await call('POST', `${API}/registered-models/alias`, { json: { name: 'titanic', alias: 'champion', version: '1' } });
    // Query parameters are not read for DELETE: the name is missing.
    const byQuery = await call('DELETE', `${API}/registered-models/alias?name=titanic&alias=champion`);
    expect(byQuery.status).toBe(400);
    expect(byQuery.json).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining("'name'") });
    expect((await call('GET', `${API}/registered-models/alias?name=titanic&alias=champion`)).status).toBe(200);
    expect((await call('DELETE', `${API}/registered-models/alias`, { json: { name: 'titanic', alias: 'champion' } })).status).toBe(200);
    const gone = await call('GET', `${API}/registered-models/alias?name=titanic&alias=champion`);
    expect(gone.status).toBe(404);
    expect(gone.json.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    expect((await call('GET', `${API}/registered-models/get?name=titanic`)).json.registered_model.aliases).toEqual([]);
    // Deleting it again is no error; an unknown model and a reserved alias name are.
    expect((await call('DELETE', `${API}/registered-models/alias`, { json: { name: 'titanic', alias: 'champion' } })).status).toBe(200);
    expect((await call('DELETE', `${API}/registered-models/alias`, { json: { name: 'nope', alias: 'champion' } })).status).toBe(404);
    expect((await call('DELETE', `${API}/registered-models/alias`, { json: { name: 'titanic', alias: 'latest' } })).status).toBe(400);
  });
});

describe('MLflow test server: token, CORS and faults', () => {
  it('requires the bearer token and reports a token seen anywhere else', async () => {
    await start();
    const none = await call('GET', `${API}/experiments/get?experiment_id=0`, { auth: false });
    expect(none.status).toBe(401);
    expect(none.json.error_code).toBe('UNAUTHENTICATED');
    const wrong = await call('GET', `${API}/experiments/get?experiment_id=0`, { auth: false, headers: { Authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect(server!.leaks).toEqual([]);
    await call('GET', `${API}/experiments/get?experiment_id=0&token=${TOKEN}`);
    expect(server!.leaks).toEqual([expect.objectContaining({ places: ['url'] })]);
  });

  it('does CORS as MLflow 3.5: preflights for any origin, state-changing requests only from allowed ones', async () => {
    await start({ cors: { allowedOrigins: ['https://lab.example'] } });
    const preflight = await call('OPTIONS', `${API}/runs/create`, { auth: false, headers: { Origin: 'https://other.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://other.example');
    const blocked = await call('POST', `${API}/experiments/create`, { json: { name: 'x' }, headers: { Origin: 'https://other.example' } });
    expect(blocked.status).toBe(403);
    expect(blocked.text).toBe('Cross-origin request blocked');
    expect(blocked.headers.get('access-control-allow-origin')).toBe('*');
    const read = await call('GET', `${API}/experiments/get?experiment_id=0`, { headers: { Origin: 'https://other.example' } });
    expect(read.status).toBe(200);
    for (const origin of ['https://lab.example', 'http://localhost:5173']) {
      const allowed = await call('POST', `${API}/experiments/create`, { json: { name: origin }, headers: { Origin: origin } });
      expect(allowed.status, origin).toBe(200);
    }
  });

  it('sends no CORS headers to an origin it does not allow in strict mode', async () => {
    await start({ cors: { allowedOrigins: ['https://lab.example'], mode: 'strict' } });
    const preflight = await call('OPTIONS', `${API}/runs/create`, { auth: false, headers: { Origin: 'https://other.example', 'Access-Control-Request-Method': 'POST' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const read = await call('GET', `${API}/experiments/get?experiment_id=0`, { headers: { Origin: 'https://other.example' } });
    expect(read.headers.get('access-control-allow-origin')).toBeNull();
    const allowed = await call('GET', `${API}/experiments/get?experiment_id=0`, { headers: { Origin: 'https://lab.example' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://lab.example');
  });

  it('injects statuses with Retry-After, then answers normally', async () => {
    await start();
    server!.addFault({ match: { path: '/experiments/get' }, status: 429, retryAfter: 3, times: 2 });
    const first = await call('GET', `${API}/experiments/get?experiment_id=0`);
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('3');
    expect(first.json.error_code).toBe('REQUEST_LIMIT_EXCEEDED');
    expect((await call('GET', `${API}/experiments/get?experiment_id=0`)).status).toBe(429);
    expect((await call('GET', `${API}/experiments/get?experiment_id=0`)).status).toBe(200);
  });

  it('can do the work and lose the answer, or break the answer halfway', async () => {
    await start();
    server!.addFault({ match: { path: '/experiments/create' }, drop: 'after' });
    await expect(call('POST', `${API}/experiments/create`, { json: { name: 'lost' } })).rejects.toThrow();
    expect([...server!.tracking.experiments.values()].map((e) => e.name)).toContain('lost');
    server!.addFault({ match: { path: '/experiments/create' }, drop: 'mid-body' });
    await expect(call('POST', `${API}/experiments/create`, { json: { name: 'half' } })).rejects.toThrow();
    expect([...server!.tracking.experiments.values()].map((e) => e.name)).toContain('half');
  });

  it('vanishes and comes back with its state', async () => {
    await start();
    await call('POST', `${API}/experiments/create`, { json: { name: 'kept' } });
    server!.addFault({ vanish: true });
    await expect(call('GET', `${API}/experiments/get?experiment_id=0`)).rejects.toThrow();
    await expect(call('GET', `${API}/experiments/get?experiment_id=0`)).rejects.toThrow();
    await server!.start();
    expect((await call('GET', `${API}/experiments/get-by-name?experiment_name=kept`)).status).toBe(200);
  });
});
