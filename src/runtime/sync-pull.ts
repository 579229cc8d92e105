/**
 * @file Pulling the runs of a remote MLflow experiment into the workspace, to view and compare them with local runs.
 * A run Benchtop pushed carries its whole training spec as params (`optimizer.learningRate`, `model.layers.0.units`,
 * lists as JSON): those are folded back into a spec and validated like any spec, so a pulled run is a real run record
 * (marked `remote`) with its metric histories. A run whose params are not a Benchtop spec (logged by another tool), or
 * that is still running on the server, is skipped with the reason.
 */
import { parseTrainSpec } from '../core/jobs/train-spec';
import type { LibraryVersion, MetricSplit, MetricValue, RunEnvironment, RunStatus } from '../protocol/run';
import type { TrainSpec } from '../protocol/train';
import type { ExperimentRecord, MetricRecord } from '../storage/records';
import { remoteExperimentLocalId, remoteRunLocalId, savePulledRuns, type PulledRun } from '../storage/remote-runs';
import type { WorkspaceDb } from '../storage/workspace-schema';
import type { MlflowClient } from '../sync/client';
import type { MlflowKeyValue, MlflowRunStatus } from '../sync/mlflow-wire';
import { pullRunHistories, pullRuns, type RemoteMetricSeries, type RemoteRun } from '../sync/pull';

/** Summary-only values Benchtop pushes as one metric point (kept in the summary, not drawn as series). */
const SUMMARY_ONLY_KEYS: ReadonlySet<string> = new Set(['epochs', 'best_epoch']);

/** The nested value of dotted params (`a.b.0.c`): numeric segments make arrays. Values are decoded by `decode`. */
export function unflattenParams(params: readonly MlflowKeyValue[], decode: (key: string, value: string) => unknown): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const { key, value } of params) {
    const path = key.split('.');
    let node: Record<string, unknown> | unknown[] = root;
    for (let i = 0; i < path.length; i++) {
      const segment = path[i];
      if (segment === '__proto__' || segment === 'constructor' || segment === 'prototype') throw new Error(`Param "${key.slice(0, 80)}" has a reserved name`);
      const slot = /^\d+$/.test(segment) && Array.isArray(node) ? Number(segment) : segment;
      const container = node as Record<string | number, unknown>;
      if (i === path.length - 1) {
        container[slot] = decode(key, value);
      } else {
        const existing = container[slot];
        const child = existing !== null && typeof existing === 'object' ? existing : /^\d+$/.test(path[i + 1]) ? [] : {};
        container[slot] = child;
        node = child as Record<string, unknown> | unknown[];
      }
    }
  }
  return root;
}

/** A param value as flattenParams wrote it: JSON for numbers, booleans, null and lists; strings as they are. */
function decodeJsonish(value: string): unknown {
  if (value === '' || !/^[-\d[tfn]/.test(value)) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** The training spec in a pushed run's params, validated; or the first problem. */
export function specFromParams(params: readonly MlflowKeyValue[]): { ok: true; spec: TrainSpec } | { ok: false; message: string } {
  if (params.length === 0) return { ok: false, message: 'it has no params' };
  // Values that read as JSON but fail where the spec wants text (a column named "2020") are retried as text.
  const asText = new Set<string>();
  for (let round = 0; round < 4; round++) {
    let input: Record<string, unknown>;
    try {
      input = unflattenParams(params, (key, value) => (asText.has(key) ? value : decodeJsonish(value)));
    } catch (error) {
      return { ok: false, message: (error as Error).message };
    }
    const result = parseTrainSpec(input);
    if (result.ok) return result;
    const retry = result.issues.map((issue) => issue.path.replace(/\[(\d+)\]/g, '.$1')).filter((key) => !asText.has(key) && params.some((p) => p.key === key && decodeJsonish(p.value) !== p.value));
    if (retry.length === 0) return { ok: false, message: `${result.issues[0].path}: ${result.issues[0].message}` };
    for (const key of retry) asText.add(key);
  }
  return { ok: false, message: 'its params do not form a training spec' };
}

const STATUS: Partial<Record<MlflowRunStatus, RunStatus>> = { FINISHED: 'completed', FAILED: 'failed', KILLED: 'canceled' };

function tag(tags: readonly MlflowKeyValue[], key: string): string | undefined {
  return tags.find((t) => t.key === key)?.value;
}

function jsonList(text: string | undefined): unknown[] {
  if (text === undefined) return [];
  try {
    const value = JSON.parse(text) as unknown;
    return Array.isArray(value) ? value : [];
  } catch {
    return [];
  }
}

function environmentOf(tags: readonly MlflowKeyValue[]): RunEnvironment {
  const libraries: LibraryVersion[] = jsonList(tag(tags, 'benchtop.env.libraries'))
    .filter((l): l is string => typeof l === 'string' && l.lastIndexOf('@') > 0)
    .map((l) => ({ name: l.slice(0, l.lastIndexOf('@')), version: l.slice(l.lastIndexOf('@') + 1) }));
  const backend = tag(tags, 'benchtop.env.backend');
  const build = tag(tags, 'benchtop.env.build');
  return {
    appVersion: tag(tags, 'benchtop.env.app_version') ?? 'unknown',
    ...(build ? { buildHash: build } : {}),
    ...(backend === 'webgpu' || backend === 'webgl' || backend === 'wasm' || backend === 'cpu' ? { backend } : {}),
    libraries,
  };
}

function splitOf(key: string): MetricSplit | undefined {
  if (SUMMARY_ONLY_KEYS.has(key)) return undefined;
  if (key.startsWith('val_')) return 'validation';
  if (key.startsWith('test_')) return 'test';
  return 'train';
}

/** The run's summary as Benchtop keeps it: epoch metrics at the best epoch, then the one-off values (test, epochs). */
function summaryOf(remote: RemoteRun, series: readonly RemoteMetricSeries[]): MetricValue[] {
  const best = remote.latestMetrics.find((m) => m.key === 'best_epoch')?.value;
  const out: MetricValue[] = [];
  for (const { key, points } of series) {
    if (key.startsWith('batch_') || points.length === 0) continue;
    const atBest = best === undefined ? undefined : points.find((p) => p.step === best);
    out.push({ key, value: (atBest ?? points[points.length - 1]).value });
  }
  for (const latest of remote.latestMetrics) if (!out.some((m) => m.key === latest.key) && !latest.key.startsWith('batch_')) out.push({ key: latest.key, value: latest.value });
  return out;
}

/** What a remote run becomes here, or why it is skipped. */
export type RemoteRunConversion = { ok: true; pulled: PulledRun } | { ok: false; name: string; reason: string };

/** A remote run with its metric histories as a local run record (marked remote) and metric rows. Pure. */
export function remoteRunToRecord(
  remote: RemoteRun,
  series: readonly RemoteMetricSeries[],
  origin: { trackingUri: string; experimentName: string; localExperimentId: string; now: number },
): RemoteRunConversion {
  const parentKind = tag(remote.tags, 'benchtop.kind');
  if (parentKind === 'sweep' || parentKind === 'automl') {
    return { ok: false, name: remote.name, reason: `it is ${parentKind === 'sweep' ? 'a sweep' : 'an AutoML job'}, a parent of runs: pull brings back training runs (a sweep's trials come back as runs of their own)` };
  }
  if (tag(remote.tags, 'benchtop.automl.family') !== undefined) {
    return { ok: false, name: remote.name, reason: 'it is a trial of an AutoML job (cross-validation scores, no training spec of its own): only training runs are pulled' };
  }
  const status = remote.status === undefined ? undefined : STATUS[remote.status];
  if (status === undefined) return { ok: false, name: remote.name, reason: `it is ${remote.status?.toLowerCase() ?? 'in an unknown state'} on the server; pull again when it has ended` };
  const spec = specFromParams(remote.params);
  if (!spec.ok) return { ok: false, name: remote.name, reason: `its params are not a Benchtop training spec (${spec.message}); only runs pushed by Benchtop can be pulled` };
  const id = remoteRunLocalId(origin.trackingUri, remote.remoteRunId);
  const started = remote.startTime ?? origin.now;
  const metrics: MetricRecord[] = series
    .filter((s) => !SUMMARY_ONLY_KEYS.has(s.key))
    .flatMap((s) => s.points.filter((p) => Number.isInteger(p.step) && p.step >= 0).map((p) => ({ runId: id, key: s.key, step: p.step, value: p.value, time: p.timestamp, ...(splitOf(s.key) ? { split: splitOf(s.key) } : {}) })));
  const summary = summaryOf(remote, series);
  const epochs = summary.find((m) => m.key === 'epochs')?.value;
  const tags = jsonList(tag(remote.tags, 'benchtop.tags')).filter((t): t is string => typeof t === 'string' && t.trim() !== '' && t.length <= 64);
  const notes = tag(remote.tags, 'mlflow.note.content');
  const error = tag(remote.tags, 'benchtop.error');
  const name = remote.name.trim().slice(0, 200) || remote.remoteRunId;
  return {
    ok: true,
    pulled: {
      run: {
        id,
        experimentId: origin.localExperimentId,
        kind: 'train',
        status,
        name,
        spec: spec.spec,
        seed: spec.spec.seed,
        datasetId: spec.spec.data.datasetId,
        datasetVersionId: spec.spec.data.versionId,
        contentHash: spec.spec.data.contentHash,
        environment: environmentOf(remote.tags),
        inputs: [{ kind: 'datasetVersion', id: spec.spec.data.versionId }],
        outputs: [],
        progress: { epoch: epochs ?? spec.spec.epochs, epochs: spec.spec.epochs },
        ...(status === 'failed' && error ? { error: { message: error } } : {}),
        summary,
        tags: [...new Set(tags)],
        ...(notes ? { notes } : {}),
        createdAt: started,
        startedAt: started,
        ...(remote.endTime === undefined ? {} : { endedAt: remote.endTime }),
        updatedAt: origin.now,
        remote: {
          trackingUri: origin.trackingUri,
          experimentId: remote.experimentId,
          experimentName: origin.experimentName,
          runId: remote.remoteRunId,
          ...(remote.benchtopRunId === undefined ? {} : { benchtopRunId: remote.benchtopRunId }),
          pulledAt: origin.now,
        },
      },
      metrics,
    },
  };
}

/** What a pull did. */
export interface PullReport {
  experimentName: string;
  added: number;
  updated: number;
  skipped: { name: string; reason: string }[];
  /** More runs matched than were read. */
  truncated: boolean;
}

/** Reads the runs of `experimentName` (with their metric histories) and stores them; runs made here are skipped. */
export async function pullExperimentRuns(
  db: WorkspaceDb,
  client: MlflowClient,
  options: { experimentName: string; maxRuns?: number; now?: number },
): Promise<PullReport> {
  const now = options.now ?? Date.now();
  const pulled = await pullRuns(client, { experimentName: options.experimentName, maxRuns: options.maxRuns ?? 500 });
  const experiment: ExperimentRecord = {
    id: remoteExperimentLocalId(client.trackingUri, pulled.experimentId),
    name: `${pulled.experimentName} (MLflow)`.slice(0, 200),
    createdAt: now,
  };
  const skipped: PullReport['skipped'] = [];
  const converted: PulledRun[] = [];
  for (const remote of pulled.runs) {
    const local = remote.benchtopRunId === undefined ? undefined : await db.runs.get(remote.benchtopRunId);
    if (local && local.remote === undefined) {
      skipped.push({ name: remote.name, reason: 'it was pushed from this workspace, which has it already' });
      continue;
    }
    const series = remote.status === 'FINISHED' || remote.status === 'FAILED' || remote.status === 'KILLED' ? await pullRunHistories(client, remote) : [];
    const result = remoteRunToRecord(remote, series, { trackingUri: client.trackingUri, experimentName: pulled.experimentName, localExperimentId: experiment.id, now });
    if (result.ok) converted.push(result.pulled);
    else skipped.push({ name: result.name, reason: result.reason });
  }
  const saved = await savePulledRuns(db, experiment, converted);
  return { experimentName: pulled.experimentName, ...saved, skipped, truncated: pulled.truncated };
}
