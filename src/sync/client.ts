/**
 * @file A typed MLflow REST client: the endpoints sync uses, one method each, over {@link MlflowTransport}. Answers
 * are checked ({@link readAnswer}); searches and metric histories always send `max_results`; "does not exist"
 * answers to lookups become `undefined`; batch limits are checked before a request leaves.
 */
import { Answers, readAnswer, type MlflowExperiment, type MlflowFileInfo, type MlflowKeyValue, type MlflowMetric, type MlflowModelVersion, type MlflowRegisteredModel, type MlflowRun, type MlflowRunInfo, type MlflowRunStatus } from './mlflow-wire';
import { MAX_ENTITIES_PER_BATCH, MAX_METRIC_HISTORY_RESULTS, MAX_METRICS_PER_BATCH, MAX_PARAMS_PER_BATCH, MAX_SEARCH_MODELS_RESULTS, MAX_SEARCH_RUNS_RESULTS, MAX_TAGS_PER_BATCH } from './mlflow-limits';
import { SyncError } from './sync-error';
import { encodePath } from './tracking-uri';
import { MlflowTransport, type TransportOptions } from './transport';

const API = '/api/2.0/mlflow';
/** The artifact proxy of `mlflow server` (served unless it runs with `--no-serve-artifacts`). */
export const ARTIFACTS_API = '/api/2.0/mlflow-artifacts/artifacts';

/** A page of results and the token of the next one. */
export interface Page<T> {
  items: T[];
  nextPageToken?: string;
}

/** A metric point to log (`value` may be NaN or infinite: it is sent as protobuf JSON spells those). */
export interface MetricToLog {
  key: string;
  value: number;
  /** Epoch milliseconds. */
  timestamp: number;
  step: number;
}

/** One `runs/log-batch` call. */
export interface LogBatch {
  metrics?: readonly MetricToLog[];
  params?: readonly MlflowKeyValue[];
  tags?: readonly MlflowKeyValue[];
}

/** A dataset input for `runs/log-inputs`. */
export interface DatasetToLog {
  name: string;
  digest: string;
  sourceType: string;
  source: string;
  schema?: string;
  profile?: string;
  tags?: readonly MlflowKeyValue[];
}

/** The MLflow REST API, typed. One instance per tracking URI and token. */
export class MlflowClient {
  readonly transport: MlflowTransport;

  constructor(options: TransportOptions | MlflowTransport) {
    this.transport = options instanceof MlflowTransport ? options : new MlflowTransport(options);
  }

  get trackingUri(): string {
    return this.transport.trackingUri;
  }

  async #call<S extends keyof typeof Answers>(answer: S, method: string, path: string, options: Parameters<MlflowTransport['request']>[2] = {}) {
    const raw = await this.transport.request(method, path, options);
    return readAnswer(Answers[answer], raw, `${method} ${path}`);
  }

  /** `undefined` instead of a not-found error. */
  async #orUndefined<T>(call: Promise<T>): Promise<T | undefined> {
    try {
      return await call;
    } catch (error) {
      if (error instanceof SyncError && error.kind === 'not-found') return undefined;
      throw error;
    }
  }

  // Experiments

  /** The experiment named `name` (possibly deleted: check `lifecycle_stage`), or `undefined`. */
  async getExperimentByName(name: string): Promise<MlflowExperiment | undefined> {
    const answer = await this.#orUndefined(this.#call('experiment', 'GET', `${API}/experiments/get-by-name`, { query: { experiment_name: name } }));
    return answer?.experiment;
  }

  async getExperiment(experimentId: string): Promise<MlflowExperiment | undefined> {
    const answer = await this.#orUndefined(this.#call('experiment', 'GET', `${API}/experiments/get`, { query: { experiment_id: experimentId } }));
    return answer?.experiment;
  }

  /** Creates an experiment; throws a `conflict` when the name is taken. Returns its id. */
  async createExperiment(name: string, tags: readonly MlflowKeyValue[] = []): Promise<string> {
    const answer = await this.#call('experimentId', 'POST', `${API}/experiments/create`, { json: { name, tags } });
    return answer.experiment_id;
  }

  async searchExperiments(options: { filter?: string; maxResults: number; pageToken?: string }): Promise<Page<MlflowExperiment>> {
    const json = { filter: options.filter, max_results: options.maxResults, page_token: options.pageToken };
    const answer = await this.#call('experiments', 'POST', `${API}/experiments/search`, { json, idempotent: true });
    return { items: answer.experiments, nextPageToken: answer.next_page_token || undefined };
  }

  // Runs

  /** Creates a run (not repeated on an unclear failure: the caller searches before creating again). */
  async createRun(options: { experimentId: string; runName?: string; startTime?: number; tags?: readonly MlflowKeyValue[] }): Promise<MlflowRun> {
    const json = { experiment_id: options.experimentId, run_name: options.runName, start_time: options.startTime, tags: options.tags ?? [] };
    return (await this.#call('run', 'POST', `${API}/runs/create`, { json })).run;
  }

  async getRun(runId: string): Promise<MlflowRun | undefined> {
    return (await this.#orUndefined(this.#call('run', 'GET', `${API}/runs/get`, { query: { run_id: runId } })))?.run;
  }

  async updateRun(options: { runId: string; status?: MlflowRunStatus; endTime?: number; runName?: string }): Promise<MlflowRunInfo> {
    const json = { run_id: options.runId, status: options.status, end_time: options.endTime, run_name: options.runName };
    return (await this.#call('runInfo', 'POST', `${API}/runs/update`, { json, idempotent: true })).run_info;
  }

  /** One page of runs; `maxResults` is required (MLflow's own default is 1000). */
  async searchRuns(options: { experimentIds: readonly string[]; filter?: string; maxResults: number; pageToken?: string; orderBy?: readonly string[] }): Promise<Page<MlflowRun>> {
    checkMaxResults(options.maxResults, MAX_SEARCH_RUNS_RESULTS, 'runs/search');
    const json = {
      experiment_ids: options.experimentIds,
      filter: options.filter,
      max_results: options.maxResults,
      page_token: options.pageToken,
      order_by: options.orderBy,
      run_view_type: 'ACTIVE_ONLY',
    };
    const answer = await this.#call('runs', 'POST', `${API}/runs/search`, { json, idempotent: true });
    return { items: answer.runs, nextPageToken: answer.next_page_token || undefined };
  }

  /**
   * Logs one batch. Params and tags are idempotent in MLflow (the same value again is accepted), so a batch of only
   * those is retried freely; one with metrics is not (a store may append a metric twice), the caller reconciles.
   */
  async logBatch(runId: string, batch: LogBatch): Promise<void> {
    const metrics = batch.metrics ?? [];
    const params = batch.params ?? [];
    const tags = batch.tags ?? [];
    if (metrics.length > MAX_METRICS_PER_BATCH || params.length > MAX_PARAMS_PER_BATCH || tags.length > MAX_TAGS_PER_BATCH || metrics.length + params.length + tags.length > MAX_ENTITIES_PER_BATCH) {
      throw new Error(`A log-batch of ${metrics.length} metrics, ${params.length} params and ${tags.length} tags is over MLflow's limits (1000, 100, 100; 1000 in all)`);
    }
    const json = { run_id: runId, metrics: metrics.map(({ key, value, timestamp, step }) => ({ key, value, timestamp, step })), params, tags };
    await this.transport.request('POST', `${API}/runs/log-batch`, { json, idempotent: metrics.length === 0 });
  }

  async logInputs(runId: string, datasets: readonly DatasetToLog[]): Promise<void> {
    const json = {
      run_id: runId,
      datasets: datasets.map((d) => ({
        tags: d.tags ?? [],
        dataset: { name: d.name, digest: d.digest, source_type: d.sourceType, source: d.source, schema: d.schema, profile: d.profile },
      })),
    };
    await this.transport.request('POST', `${API}/runs/log-inputs`, { json });
  }

  async setTag(runId: string, key: string, value: string): Promise<void> {
    await this.transport.request('POST', `${API}/runs/set-tag`, { json: { run_id: runId, key, value }, idempotent: true });
  }

  /** One page of a metric's history; `maxResults` is required. */
  async getMetricHistory(options: { runId: string; key: string; maxResults: number; pageToken?: string }): Promise<Page<MlflowMetric>> {
    checkMaxResults(options.maxResults, MAX_METRIC_HISTORY_RESULTS, 'metrics/get-history');
    const query = { run_id: options.runId, metric_key: options.key, max_results: options.maxResults, page_token: options.pageToken };
    const answer = await this.#call('metrics', 'GET', `${API}/metrics/get-history`, { query });
    return { items: answer.metrics, nextPageToken: answer.next_page_token || undefined };
  }

  // Artifacts (through the tracking server's proxy)

  /** Uploads one file to `path` (relative to the artifact root; see `proxiedArtifactPath`). Repeating it overwrites. */
  async uploadArtifact(path: string, body: Blob | ArrayBuffer | Uint8Array, contentType = 'application/octet-stream', signal?: AbortSignal): Promise<void> {
    await this.transport.request('PUT', `${ARTIFACTS_API}/${encodePath(path)}`, { body, contentType, idempotent: true, signal });
  }

  async downloadArtifact(path: string): Promise<ArrayBuffer> {
    return (await this.transport.request('GET', `${ARTIFACTS_API}/${encodePath(path)}`, { responseType: 'bytes' })) as ArrayBuffer;
  }

  /** The entries of a folder (names relative to it). */
  async listArtifacts(path?: string): Promise<MlflowFileInfo[]> {
    return (await this.#call('files', 'GET', ARTIFACTS_API, { query: { path } })).files;
  }

  // Model registry

  async createRegisteredModel(name: string, options: { description?: string; tags?: readonly MlflowKeyValue[] } = {}): Promise<MlflowRegisteredModel> {
    const json = { name, description: options.description, tags: options.tags ?? [] };
    return (await this.#call('registeredModel', 'POST', `${API}/registered-models/create`, { json })).registered_model;
  }

  async getRegisteredModel(name: string): Promise<MlflowRegisteredModel | undefined> {
    return (await this.#orUndefined(this.#call('registeredModel', 'GET', `${API}/registered-models/get`, { query: { name } })))?.registered_model;
  }

  async searchRegisteredModels(options: { filter?: string; maxResults: number; pageToken?: string }): Promise<Page<MlflowRegisteredModel>> {
    checkMaxResults(options.maxResults, MAX_SEARCH_MODELS_RESULTS, 'registered-models/search');
    const query = { filter: options.filter, max_results: options.maxResults, page_token: options.pageToken };
    const answer = await this.#call('registeredModels', 'GET', `${API}/registered-models/search`, { query });
    return { items: answer.registered_models, nextPageToken: answer.next_page_token || undefined };
  }

  /** Creates a version (not repeated on an unclear failure: the caller searches first). */
  async createModelVersion(options: { name: string; source: string; runId?: string; description?: string; tags?: readonly MlflowKeyValue[] }): Promise<MlflowModelVersion> {
    const json = { name: options.name, source: options.source, run_id: options.runId, description: options.description, tags: options.tags ?? [] };
    return (await this.#call('modelVersion', 'POST', `${API}/model-versions/create`, { json })).model_version;
  }

  async searchModelVersions(options: { filter: string; maxResults: number; pageToken?: string }): Promise<Page<MlflowModelVersion>> {
    checkMaxResults(options.maxResults, 200_000, 'model-versions/search');
    const query = { filter: options.filter, max_results: options.maxResults, page_token: options.pageToken };
    const answer = await this.#call('modelVersions', 'GET', `${API}/model-versions/search`, { query });
    return { items: answer.model_versions, nextPageToken: answer.next_page_token || undefined };
  }

  /** Points `alias` at `version` (moving it from another version if needed). */
  async setRegisteredModelAlias(name: string, alias: string, version: string): Promise<void> {
    await this.transport.request('POST', `${API}/registered-models/alias`, { json: { name, alias, version }, idempotent: true });
  }

  /**
   * Removes `alias` from registered model `name` (MLflow: no error when the alias is already gone; the model must
   * exist). The request body is JSON, as MLflow's handler reads a DELETE's parameters from its body only.
   */
  async deleteRegisteredModelAlias(name: string, alias: string): Promise<void> {
    await this.transport.request('DELETE', `${API}/registered-models/alias`, { json: { name, alias }, idempotent: true });
  }

  async getModelVersionByAlias(name: string, alias: string): Promise<MlflowModelVersion | undefined> {
    return (await this.#orUndefined(this.#call('modelVersion', 'GET', `${API}/registered-models/alias`, { query: { name, alias } })))?.model_version;
  }
}

function checkMaxResults(value: number, max: number, endpoint: string): void {
  if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`${endpoint} max_results ${value} is not valid; expected an integer from 1 to ${max}`);
}

/** A search filter's string literal in single quotes; MLflow documents no escape, so a value with a quote is refused. */
export function filterLiteral(value: string): string {
  if (value.includes("'") || value.includes('"')) throw new Error(`"${value.slice(0, 80)}" cannot be used in an MLflow search filter (it contains a quote)`);
  return `'${value}'`;
}
