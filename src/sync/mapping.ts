/**
 * @file A Benchtop run as MLflow records it, computed without any I/O: params flattened from the spec, `benchtop.*`
 * and `mlflow.*` tags, the status, the dataset input, metric points with MLflow-safe keys, and the packing of all of
 * it into `runs/log-batch` calls within MLflow's limits. The same run always maps to the same values, so a repeated
 * push sends nothing new and never trips MLflow's rule that a param cannot change.
 */
import { fnv1a32 } from '../core/random/fnv1a';
import type { MetricRecord, RunRecord } from '../storage/records';
import type { DatasetToLog, LogBatch, MetricToLog } from './client';
import {
  keyProblem,
  MAX_BATCH_REQUEST_BYTES,
  MAX_DATASET_DIGEST_LENGTH,
  MAX_DATASET_NAME_LENGTH,
  MAX_ENTITIES_PER_BATCH,
  MAX_KEY_LENGTH,
  MAX_METRICS_PER_BATCH,
  MAX_PARAM_VALUE_LENGTH,
  MAX_PARAMS_PER_BATCH,
  MAX_TAG_VALUE_LENGTH,
  MAX_TAGS_PER_BATCH,
} from './mlflow-limits';
import type { MlflowKeyValue, MlflowRunStatus } from './mlflow-wire';
import { automlMetrics, automlTags, parentOrTrialParams } from './mapping-parents';

/** The tag holding the Benchtop run id: how a push finds a run it created before (never a second run). */
export const RUN_ID_TAG = 'benchtop.run_id';

/**
 * The MLflow key for a Benchtop metric or param key: unchanged when MLflow accepts it; otherwise each refused
 * character becomes `_`, empty, `.` and `..` path segments are dropped, and a hash of the original key is appended
 * so two different keys never end up as one. Deterministic.
 */
export function mlflowKey(key: string): string {
  if (keyProblem(key) === undefined) return key;
  const suffix = `_${fnv1a32(key).toString(16).padStart(8, '0')}`;
  const cleaned = key
    .replace(/[^A-Za-z0-9_\-./ ]/g, '_')
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.' && segment !== '..')
    .join('/');
  const base = (cleaned === '' ? 'key' : cleaned).slice(0, MAX_KEY_LENGTH - suffix.length);
  return base.replace(/\/+$/, '') + suffix;
}

/** `value` cut to `max` characters, with a marker saying how long it was; deterministic. */
export function fitValue(value: string, max: number): string {
  if (value.length <= max) return value;
  const marker = `…[${value.length} characters]`;
  return value.slice(0, max - marker.length) + marker;
}

/**
 * The spec as MLflow params: one per leaf, dotted paths (`optimizer.learningRate`, `model.layers.0.units`); lists of
 * plain values (the feature columns) as one JSON param. Sorted by key. Values fit MLflow's 6000 characters.
 */
export function flattenParams(value: unknown, prefix = ''): MlflowKeyValue[] {
  const out: MlflowKeyValue[] = [];
  const visit = (node: unknown, path: string): void => {
    if (Array.isArray(node) && node.some((item) => item !== null && typeof item === 'object')) {
      node.forEach((item, i) => visit(item, path === '' ? String(i) : `${path}.${i}`));
    } else if (node !== null && typeof node === 'object' && !Array.isArray(node)) {
      for (const [key, child] of Object.entries(node)) visit(child, path === '' ? key : `${path}.${key}`);
    } else if (node !== undefined && path !== '') {
      const text = typeof node === 'string' ? node : JSON.stringify(node);
      out.push({ key: mlflowKey(path), value: fitValue(text, MAX_PARAM_VALUE_LENGTH) });
    }
  };
  visit(value, prefix);
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** MLflow's status for a Benchtop status; an interrupted run counts as killed until it resumes. */
export function mlflowStatus(status: RunRecord['status']): MlflowRunStatus {
  switch (status) {
    case 'queued':
      return 'SCHEDULED';
    case 'running':
      return 'RUNNING';
    case 'completed':
      return 'FINISHED';
    case 'failed':
      return 'FAILED';
    case 'canceled':
    case 'interrupted':
      return 'KILLED';
  }
}

/** What else a run's mapping needs besides the record. */
export interface RunContext {
  /** The dataset's name, for the dataset input (the record has only its id). */
  datasetName?: string;
  /** The MLflow id of the parent run (a sweep or an AutoML job), once the parent is pushed: MLflow then nests the trial under it. */
  remoteParentRunId?: string;
  /** The local parent run of a trial (an AutoML trial's metric is named after its parent's primary metric). */
  parent?: RunRecord;
  /** The child runs of a parent (an AutoML job's leaderboard series is read from its trials). */
  children?: readonly RunRecord[];
}

/** A run as MLflow records it. */
export interface RunMapping {
  runName: string;
  params: MlflowKeyValue[];
  tags: MlflowKeyValue[];
  status: MlflowRunStatus;
  startTime: number;
  endTime?: number;
  dataset: DatasetToLog;
}

/** Maps a run record (spec, environment, lineage, status, tags, notes). */
export function mapRun(run: RunRecord, context: RunContext = {}): RunMapping {
  const status = mlflowStatus(run.status);
  const final = status === 'FINISHED' || status === 'FAILED' || (status === 'KILLED' && run.status === 'canceled');
  return {
    runName: run.name,
    params: parentOrTrialParams(run, flattenParams) ?? flattenParams(run.spec),
    tags: runTags(run, context),
    status,
    startTime: Math.round(run.startedAt ?? run.createdAt),
    endTime: final ? Math.round(run.endedAt ?? run.updatedAt) : undefined,
    dataset: datasetInput(run, context),
  };
}

function runTags(run: RunRecord, context: RunContext): MlflowKeyValue[] {
  const env = run.environment;
  const entries: Array<[string, string | number | undefined]> = [
    [RUN_ID_TAG, run.id],
    ['benchtop.kind', run.kind],
    ['benchtop.status', run.status],
    ['benchtop.experiment_id', run.experimentId],
    ['benchtop.parent_id', run.parentId],
    ['benchtop.dataset_id', run.datasetId],
    ['benchtop.dataset_version_id', run.datasetVersionId],
    ['benchtop.content_hash', run.contentHash],
    ['benchtop.tags', run.tags.length > 0 ? JSON.stringify(run.tags) : undefined],
    ['benchtop.error', run.error?.message],
    ['benchtop.env.app_version', env.appVersion],
    ['benchtop.env.build', env.buildHash],
    ['benchtop.env.backend', env.backend],
    ['benchtop.env.adapter', env.adapter ? `${env.adapter.vendor} ${env.adapter.architecture} ${env.adapter.description}`.trim() : undefined],
    ['benchtop.env.libraries', env.libraries.length > 0 ? JSON.stringify(env.libraries.map((l) => `${l.name}@${l.version}`)) : undefined],
    ['benchtop.trial.number', run.trial?.number],
    ['benchtop.trial.stopped_early', run.trial?.stoppedEarly],
    ['benchtop.sweep.stop_reason', run.sweep?.stopReason],
    ...automlTags(run),
    ['mlflow.runName', run.name],
    ['mlflow.note.content', run.notes],
    ['mlflow.parentRunId', context.remoteParentRunId],
    ['mlflow.source.name', 'benchtop'],
    ['mlflow.source.type', 'LOCAL'],
  ];
  return entries
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== '')
    .map(([key, value]) => ({ key, value: fitValue(String(value), MAX_TAG_VALUE_LENGTH) }));
}

function datasetInput(run: RunRecord, context: RunContext): DatasetToLog {
  return {
    name: fitValue(context.datasetName ?? run.datasetId, MAX_DATASET_NAME_LENGTH),
    // MLflow keeps digests to 36 characters: 32 hex digits of the SHA-256 (the full hash is in `source`).
    digest: (run.contentHash || 'unknown').slice(0, Math.min(32, MAX_DATASET_DIGEST_LENGTH)),
    sourceType: 'benchtop',
    source: JSON.stringify({ dataset_id: run.datasetId, version_id: run.datasetVersionId, content_hash: run.contentHash }),
    tags: [{ key: 'mlflow.data.context', value: 'training' }],
  };
}

/** A metric point ready for MLflow, with the Benchtop key it came from. */
export interface MappedMetric extends MetricToLog {
  localKey: string;
}

/**
 * A run's metric points for MLflow, ordered by key then step; plus the points an AutoML record carries without a
 * series (a trial's cross-validated score, a job's leaderboard: `mapping-parents.ts`) for keys that have no stored
 * series, and, once the run has ended, the summary values that have no series of their own (`test_accuracy`...), at
 * the last epoch and the end time.
 */
export function mapMetrics(run: RunRecord, stored: readonly MetricRecord[], context: Pick<RunContext, 'parent' | 'children'> = {}): MappedMetric[] {
  const storedKeys = new Set(stored.map((p) => p.key));
  const points = [...stored, ...automlMetrics(run, context).filter((p) => !storedKeys.has(p.key))];
  const out: MappedMetric[] = points.map((p) => ({ localKey: p.key, key: mlflowKey(p.key), value: p.value, timestamp: Math.round(p.time), step: p.step }));
  const ended = run.status === 'completed' || run.status === 'failed' || run.status === 'canceled';
  if (ended) {
    const series = new Set(points.map((p) => p.key));
    const time = Math.round(run.endedAt ?? run.updatedAt);
    for (const { key, value } of run.summary) {
      if (!series.has(key)) out.push({ localKey: key, key: mlflowKey(key), value, timestamp: time, step: run.progress.epoch });
    }
  }
  return out.sort((a, b) => (a.localKey < b.localKey ? -1 : a.localKey > b.localKey ? 1 : a.step - b.step));
}

/** One `runs/log-batch` call's content, metrics as given to {@link packBatches}. */
export interface PackedBatch<M extends MetricToLog = MetricToLog> extends LogBatch {
  params: MlflowKeyValue[];
  tags: MlflowKeyValue[];
  metrics: M[];
}

/** Bytes an item adds to a log-batch body (JSON, UTF-8), with room for separators. */
function itemBytes(item: MlflowKeyValue | MetricToLog): number {
  return new TextEncoder().encode(JSON.stringify(item)).length + 1;
}

/** Body size kept free for `run_id` and the JSON around the lists. */
const BATCH_OVERHEAD = 200;

/**
 * Packs params, tags and metrics into `runs/log-batch` calls, in order, each within MLflow's limits: at most 1000
 * metrics, 100 params, 100 tags, 1000 items and 1 MB per call. Metric values keep the order given.
 */
export function packBatches<M extends MetricToLog = MetricToLog>(items: { params?: readonly MlflowKeyValue[]; tags?: readonly MlflowKeyValue[]; metrics?: readonly M[] }): PackedBatch<M>[] {
  type Entry = { kind: 'params' | 'tags' | 'metrics'; item: MlflowKeyValue | M; bytes: number };
  const queue: Entry[] = [
    ...(items.params ?? []).map((item) => ({ kind: 'params' as const, item, bytes: itemBytes(item) })),
    ...(items.tags ?? []).map((item) => ({ kind: 'tags' as const, item, bytes: itemBytes(item) })),
    // Sized as sent (the four MLflow fields), kept as given (a MappedMetric keeps its Benchtop key).
    ...(items.metrics ?? []).map((item) => ({ kind: 'metrics' as const, item, bytes: itemBytes({ key: item.key, value: item.value, timestamp: item.timestamp, step: item.step }) })),
  ];
  const limit = { params: MAX_PARAMS_PER_BATCH, tags: MAX_TAGS_PER_BATCH, metrics: MAX_METRICS_PER_BATCH };
  const batches: PackedBatch<M>[] = [];
  let current = { params: [] as MlflowKeyValue[], tags: [] as MlflowKeyValue[], metrics: [] as M[] };
  let count = 0;
  let bytes = BATCH_OVERHEAD;
  const flush = (): void => {
    if (count === 0) return;
    batches.push({ params: current.params, tags: current.tags, metrics: current.metrics });
    current = { params: [], tags: [], metrics: [] };
    count = 0;
    bytes = BATCH_OVERHEAD;
  };
  for (const entry of queue) {
    const list = current[entry.kind] as Array<MlflowKeyValue | M>;
    if (list.length >= limit[entry.kind] || count >= MAX_ENTITIES_PER_BATCH || bytes + entry.bytes > MAX_BATCH_REQUEST_BYTES) flush();
    (current[entry.kind] as Array<MlflowKeyValue | M>).push(entry.item);
    count++;
    bytes += entry.bytes;
  }
  flush();
  return batches;
}
