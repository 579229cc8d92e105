/**
 * @file Pushing one Benchtop run to MLflow, idempotently: however often it is repeated, interrupted or retried, the
 * server ends up with one run (found again by its `benchtop.run_id` tag), each param once with its one value, each
 * metric point once, each artifact once.
 *
 * How: a create is never blindly repeated (after an unclear failure the search runs again first); params, tags and
 * the status are compared with what the server has and only differences are sent; metric points above the
 * per-key high-water mark are sent, and after an unclear failure (or with no marks, for a run found on the server)
 * the server's history is read first and points it already has are dropped. {@link RunPushState} carries the marks
 * between pushes: the caller stores each version `onState` hands it.
 */
import type { MetricRecord, RunRecord } from '../storage/records';
import { Backoff, withRetry, type BackoffPolicy, type RetryNotice, type Sleep } from './backoff';
import { filterLiteral, type LogBatch, type MlflowClient } from './client';
import { MAX_METRIC_HISTORY_RESULTS, MAX_EXPERIMENT_NAME_LENGTH } from './mlflow-limits';
import type { MlflowRun } from './mlflow-wire';
import { mapMetrics, mapRun, packBatches, RUN_ID_TAG, type MappedMetric, type RunContext } from './mapping';
import { pushArtifacts, type ArtifactSource, type PushedArtifact } from './push-artifacts';
import { SyncError } from './sync-error';

export type { ArtifactSource, PushedArtifact } from './push-artifacts';

/** Everything a push reads about one run; the caller loads it from storage. */
export interface RunSnapshot extends RunContext {
  run: RunRecord;
  /** Name of the MLflow experiment (created when missing). */
  experimentName: string;
  /** All metric points of the run. */
  metrics: readonly MetricRecord[];
  /** Files to upload (bytes loaded only for those not yet pushed). */
  artifacts?: readonly ArtifactSource[];
}

/** The highest step of a metric key already on the server. */
export interface MetricMark {
  key: string;
  step: number;
}

/** What earlier pushes of a run achieved; JSON-serialisable, for the sync queue to store. */
export interface RunPushState {
  remoteExperimentId?: string;
  remoteRunId?: string;
  metricMarks: MetricMark[];
  /** A metric batch was sent without a known outcome: read the server's history before sending more. */
  metricsInFlight?: boolean;
  artifacts: PushedArtifact[];
}

/** The state of a run never pushed. */
export function emptyPushState(): RunPushState {
  return { metricMarks: [], artifacts: [] };
}

/** What a push is doing, for a progress line. */
export type PushPhase = 'experiment' | 'run' | 'params' | 'inputs' | 'metrics' | 'artifacts' | 'status';

/** Options of {@link pushRun}. */
export interface PushOptions {
  /** Stops waiting between retries; give the client the same signal (`TransportOptions.signal`) to abort requests too. */
  signal?: AbortSignal;
  /** Called after every step the server confirmed: store this state, and the next push resumes from it. */
  onState?: (state: RunPushState) => void | Promise<void>;
  onProgress?: (progress: { phase: PushPhase; done?: number; total?: number }) => void;
  /** Retries of steps the transport cannot retry alone (unclear creates, metric batches). */
  backoff?: Partial<BackoffPolicy>;
  seed?: number;
  sleep?: Sleep;
}

/** What a push did. */
export interface PushResult {
  state: RunPushState;
  remoteRunId: string;
  remoteExperimentId: string;
  /** Whether this push created the MLflow run. */
  created: boolean;
  sent: { params: number; tags: number; metrics: number; artifacts: number; inputs: number; status: boolean };
  /** Things left undone that are not failures (artifacts the server does not take...). */
  warnings: string[];
}

/** Pushes one run. Throws a {@link SyncError}; `onState` has then received everything that did reach the server. */
export async function pushRun(client: MlflowClient, snapshot: RunSnapshot, previous: RunPushState = emptyPushState(), options: PushOptions = {}): Promise<PushResult> {
  const retry = {
    backoff: new Backoff(options.backoff, options.seed),
    sleep: options.sleep,
    signal: options.signal,
    shouldRetry: retriedHere,
    onRetry: ({ retry: n, delayMs, error }: RetryNotice) => client.transport.log(`push ${snapshot.run.id}: retry ${n} in ${delayMs} ms after ${error.kind} on ${error.request ?? 'a request'}`),
  };
  let state: RunPushState = { ...emptyPushState(), ...structuredClone(previous) };
  const save = async (next: RunPushState): Promise<void> => {
    state = next;
    await options.onState?.(structuredClone(next));
  };
  const mapping = mapRun(snapshot.run, snapshot);
  const sent = { params: 0, tags: 0, metrics: 0, artifacts: 0, inputs: 0, status: false };

  options.onProgress?.({ phase: 'experiment' });
  const experimentId = state.remoteExperimentId ?? (await withRetry(() => ensureExperiment(client, snapshot.experimentName), retry));
  if (state.remoteExperimentId === undefined) await save({ ...state, remoteExperimentId: experimentId });

  options.onProgress?.({ phase: 'run' });
  const located = await withRetry(() => locateRun(client, snapshot, state, experimentId, mapping), retry);
  const remote = located.run;
  const remoteRunId = remote.info.run_id;
  if (state.remoteRunId !== remoteRunId) await save({ ...state, remoteRunId, remoteExperimentId: remote.info.experiment_id });

  options.onProgress?.({ phase: 'params' });
  const remoteParams = new Map(remote.data.params.map((p) => [p.key, p.value]));
  const changed = mapping.params.filter((p) => remoteParams.has(p.key) && remoteParams.get(p.key) !== p.value);
  if (changed.length > 0) throw paramChanged(changed[0].key, remoteParams.get(changed[0].key) ?? '', changed[0].value, changed.length, remoteRunId);
  const params = mapping.params.filter((p) => !remoteParams.has(p.key));
  const remoteTags = new Map(remote.data.tags.map((t) => [t.key, t.value]));
  const tags = mapping.tags.filter((t) => remoteTags.get(t.key) !== t.value);
  for (const batch of packBatches({ params, tags })) {
    await logParamsAndTags(client, remoteRunId, batch);
    sent.params += batch.params.length;
    sent.tags += batch.tags.length;
  }

  options.onProgress?.({ phase: 'inputs' });
  const { dataset } = mapping;
  const hasDataset = (run: MlflowRun | undefined): boolean => run?.inputs.dataset_inputs.some((i) => i.dataset.name === dataset.name && i.dataset.digest === dataset.digest) ?? false;
  if (!hasDataset(remote)) {
    await withRetry(async (attempt) => {
      // After an unclear failure, look before logging again.
      if (attempt > 0 && hasDataset(await client.getRun(remoteRunId))) return;
      await client.logInputs(remoteRunId, [dataset]);
      sent.inputs = 1;
    }, retry);
  }

  const metrics = await pendingMetrics(client, remote, mapMetrics(snapshot.run, snapshot.metrics, snapshot), state, located.found || state.metricsInFlight === true);
  const batches = packBatches({ metrics });
  for (const [index, batch] of batches.entries()) {
    options.onProgress?.({ phase: 'metrics', done: index, total: batches.length });
    const points = batch.metrics;
    await save({ ...state, metricsInFlight: true });
    await withRetry(async (attempt) => {
      // After a failure whose outcome is unknown, send only what the server does not have yet.
      const toSend = attempt === 0 ? points : await withoutRemote(client, remoteRunId, points);
      if (toSend.length > 0) await client.logBatch(remoteRunId, { metrics: toSend });
    }, retry);
    await save({ ...state, metricsInFlight: false, metricMarks: advanceMarks(state.metricMarks, points) });
    sent.metrics += points.length;
  }
  if (batches.length === 0 && state.metricsInFlight) await save({ ...state, metricsInFlight: false });

  options.onProgress?.({ phase: 'artifacts' });
  const warnings: string[] = [];
  if (snapshot.artifacts && snapshot.artifacts.length > 0) {
    const outcome = await pushArtifacts(client, remote, snapshot.artifacts, state.artifacts, {
      signal: options.signal,
      onPushed: (artifacts) => save({ ...state, artifacts }),
    });
    sent.artifacts = outcome.uploaded;
    warnings.push(...outcome.warnings);
  }

  options.onProgress?.({ phase: 'status' });
  const info = remote.info;
  if (info.status !== mapping.status || (mapping.endTime !== undefined && info.end_time !== mapping.endTime)) {
    await client.updateRun({ runId: remoteRunId, status: mapping.status, endTime: mapping.endTime });
    sent.status = true;
  }
  return { state: structuredClone(state), remoteRunId, remoteExperimentId: remote.info.experiment_id, created: located.created, sent, warnings };
}

/** Requests the transport sends once (repeating them blindly could duplicate): retried here, after a fresh look. */
const SINGLE_SHOT = ['/experiments/create', '/runs/create', '/runs/log-batch', '/runs/log-inputs'];

/** Whether a push step should be retried after `error`: only single-shot writes, which the transport did not retry. */
function retriedHere(error: SyncError): boolean {
  return error.retryable && error.kind !== 'rate-limited' && SINGLE_SHOT.some((path) => error.request?.endsWith(path) === true);
}

/** The experiment's id, creating it when missing; a create whose outcome is unclear is followed by a lookup. */
async function ensureExperiment(client: MlflowClient, name: string): Promise<string> {
  if (name.trim() === '' || name.length > MAX_EXPERIMENT_NAME_LENGTH) {
    throw new SyncError({ kind: 'invalid', message: `Experiment name "${name.slice(0, 80)}" is not valid; expected 1 to ${MAX_EXPERIMENT_NAME_LENGTH} characters` });
  }
  const existing = await client.getExperimentByName(name);
  if (existing) return activeExperiment(existing.experiment_id, existing.lifecycle_stage, name);
  try {
    return await client.createExperiment(name);
  } catch (error) {
    if (!(error instanceof SyncError) || !(error.kind === 'conflict' || error.outcomeUnknown)) throw error;
    const created = await client.getExperimentByName(name);
    if (!created) throw error;
    return activeExperiment(created.experiment_id, created.lifecycle_stage, name);
  }
}

function activeExperiment(id: string, stage: string | undefined, name: string): string {
  if (stage === 'deleted') {
    throw new SyncError({
      kind: 'conflict',
      code: 'EXPERIMENT_DELETED',
      message: `The MLflow experiment "${name}" was deleted on the server; restore it there (mlflow experiments restore --experiment-id ${id}) or sync to another experiment.`,
    });
  }
  return id;
}

/** The run this Benchtop run maps to: from the state, else found by its tag, else created (with the tag). */
async function locateRun(client: MlflowClient, snapshot: RunSnapshot, state: RunPushState, experimentId: string, mapping: ReturnType<typeof mapRun>): Promise<{ run: MlflowRun; created: boolean; found: boolean }> {
  if (state.remoteRunId !== undefined) {
    const run = await client.getRun(state.remoteRunId);
    if (run && run.info.lifecycle_stage === 'deleted') {
      throw new SyncError({
        kind: 'conflict',
        code: 'REMOTE_RUN_DELETED',
        message: `The MLflow run ${run.info.run_id} of "${snapshot.run.name}" was deleted on the server; restore it there to keep syncing this run.`,
      });
    }
    if (run) return { run, created: false, found: false };
  }
  const existing = await findRunByTag(client, experimentId, snapshot.run.id);
  if (existing) return { run: existing, created: false, found: true };
  const identity = mapping.tags.filter((t) => t.key === RUN_ID_TAG || t.key === 'mlflow.runName');
  try {
    const run = await client.createRun({ experimentId, runName: mapping.runName, startTime: mapping.startTime, tags: identity });
    return { run, created: true, found: false };
  } catch (error) {
    // The run may exist even though the answer was lost: search again before the retry creates anything.
    if (error instanceof SyncError && error.outcomeUnknown) {
      const again = await findRunByTag(client, experimentId, snapshot.run.id);
      if (again) return { run: again, created: true, found: true };
    }
    throw error;
  }
}

/** The oldest run of the experiment tagged with this Benchtop run id. */
export async function findRunByTag(client: MlflowClient, experimentId: string, benchtopRunId: string): Promise<MlflowRun | undefined> {
  const page = await client.searchRuns({
    experimentIds: [experimentId],
    filter: `tags.\`${RUN_ID_TAG}\` = ${filterLiteral(benchtopRunId)}`,
    maxResults: 10,
    orderBy: ['attributes.start_time ASC'],
  });
  const runs = page.items.filter((r) => r.data.tags.some((t) => t.key === RUN_ID_TAG && t.value === benchtopRunId));
  runs.sort((a, b) => (a.info.start_time ?? 0) - (b.info.start_time ?? 0) || (a.info.run_id < b.info.run_id ? -1 : 1));
  return runs[0];
}

async function logParamsAndTags(client: MlflowClient, runId: string, batch: LogBatch): Promise<void> {
  try {
    await client.logBatch(runId, batch);
  } catch (error) {
    if (error instanceof SyncError && error.kind === 'invalid' && /Changing param values is not allowed/i.test(error.message)) {
      throw new SyncError({ kind: 'invalid', code: 'PARAM_CHANGED', status: error.status, request: error.request, message: `${error.message} MLflow parameters cannot change: re-run to record different settings.` });
    }
    throw error;
  }
}

function paramChanged(key: string, was: string, now: string, count: number, runId: string): SyncError {
  const more = count > 1 ? ` (and ${count - 1} more)` : '';
  return new SyncError({
    kind: 'invalid',
    code: 'PARAM_CHANGED',
    message:
      `Parameter "${key}" of MLflow run ${runId} is "${clip(was)}", but this run now has "${clip(now)}"${more}. ` +
      'MLflow parameters cannot change once logged: re-run (a new run) to record different settings.',
  });
}

/** Points above the marks; when the server may already have some (`reconcile`), those it has are dropped. */
async function pendingMetrics(client: MlflowClient, remote: MlflowRun, points: MappedMetric[], state: RunPushState, reconcile: boolean): Promise<MappedMetric[]> {
  const marks = new Map(state.metricMarks.map((m) => [m.key, m.step]));
  const pending = points.filter((p) => p.step > (marks.get(p.localKey) ?? -1));
  if (!reconcile || pending.length === 0) return pending;
  const remoteKeys = new Set(remote.data.metrics.map((m) => m.key));
  return withoutRemote(client, remote.info.run_id, pending, remoteKeys);
}

/** `points` minus those the server already has (same key, step and timestamp). */
async function withoutRemote(client: MlflowClient, runId: string, points: readonly MappedMetric[], onlyKeys?: ReadonlySet<string>): Promise<MappedMetric[]> {
  const keys = [...new Set(points.map((p) => p.key))].filter((k) => onlyKeys === undefined || onlyKeys.has(k));
  const present = new Set<string>();
  for (const key of keys) {
    let pageToken: string | undefined;
    do {
      const page = await client.getMetricHistory({ runId, key, maxResults: MAX_METRIC_HISTORY_RESULTS, pageToken });
      for (const m of page.items) present.add(`${m.key}\u0000${m.step}\u0000${m.timestamp}`);
      pageToken = page.nextPageToken;
    } while (pageToken !== undefined);
  }
  return points.filter((p) => !present.has(`${p.key}\u0000${p.step}\u0000${p.timestamp}`));
}

function advanceMarks(marks: readonly MetricMark[], points: readonly MappedMetric[]): MetricMark[] {
  const next = new Map(marks.map((m) => [m.key, m.step]));
  for (const p of points) next.set(p.localKey, Math.max(next.get(p.localKey) ?? -1, p.step));
  return [...next].map(([key, step]) => ({ key, step })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
