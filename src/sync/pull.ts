/**
 * @file Reading the runs of a remote MLflow experiment into plain objects the workspace can show and compare:
 * paginated searches (`page_token`, always with `max_results`), and metric histories page by page, with an upper
 * bound on how much is read so a huge experiment cannot exhaust the tab.
 */
import type { MlflowClient } from './client';
import { MAX_METRIC_HISTORY_RESULTS, MAX_SEARCH_RUNS_RESULTS } from './mlflow-limits';
import type { MlflowKeyValue, MlflowRun, MlflowRunStatus } from './mlflow-wire';
import { RUN_ID_TAG } from './mapping';
import { SyncError } from './sync-error';

/** A metric's latest value, or one point of its history. */
export interface RemoteMetricPoint {
  step: number;
  value: number;
  /** Epoch milliseconds. */
  timestamp: number;
}

/** One metric series of a remote run. */
export interface RemoteMetricSeries {
  key: string;
  points: RemoteMetricPoint[];
  /** True when the series was cut at the point limit. */
  truncated: boolean;
}

/** A remote run, as plain data. */
export interface RemoteRun {
  remoteRunId: string;
  experimentId: string;
  name: string;
  status?: MlflowRunStatus;
  startTime?: number;
  endTime?: number;
  artifactUri?: string;
  params: MlflowKeyValue[];
  tags: MlflowKeyValue[];
  /** The latest value of each metric. */
  latestMetrics: Array<RemoteMetricPoint & { key: string }>;
  datasets: Array<{ name: string; digest: string; sourceType: string; context?: string }>;
  /** The Benchtop run this one was pushed from, when it was (`benchtop.run_id` tag). */
  benchtopRunId?: string;
}

/** Options of {@link pullRuns}. */
export interface PullRunsOptions {
  /** The experiment, by name (or `experimentId`). */
  experimentName?: string;
  experimentId?: string;
  /** An MLflow search filter (`metrics.val_loss < 0.5`). */
  filter?: string;
  orderBy?: readonly string[];
  /** Runs per request (default 100). */
  pageSize?: number;
  /** Most runs read in all (default 1000). */
  maxRuns?: number;
}

/** Runs of one experiment. */
export interface PulledRuns {
  experimentId: string;
  experimentName: string;
  runs: RemoteRun[];
  /** True when more runs matched than `maxRuns`. */
  truncated: boolean;
}

/** Reads the runs of an experiment, newest first, page by page. */
export async function pullRuns(client: MlflowClient, options: PullRunsOptions): Promise<PulledRuns> {
  const experiment = options.experimentId !== undefined ? await client.getExperiment(options.experimentId) : options.experimentName !== undefined ? await client.getExperimentByName(options.experimentName) : undefined;
  if (!experiment) {
    const which = options.experimentId ?? options.experimentName ?? '(none given)';
    throw new SyncError({ kind: 'not-found', message: `MLflow has no experiment "${which}" at ${client.trackingUri}.` });
  }
  const maxRuns = options.maxRuns ?? 1000;
  const pageSize = Math.min(options.pageSize ?? 100, maxRuns, MAX_SEARCH_RUNS_RESULTS);
  const runs: RemoteRun[] = [];
  let pageToken: string | undefined;
  let truncated = false;
  do {
    const page = await client.searchRuns({
      experimentIds: [experiment.experiment_id],
      filter: options.filter,
      orderBy: options.orderBy ?? ['attributes.start_time DESC'],
      maxResults: Math.min(pageSize, maxRuns - runs.length),
      pageToken,
    });
    runs.push(...page.items.map(toRemoteRun));
    pageToken = page.nextPageToken;
    if (runs.length >= maxRuns && pageToken !== undefined) {
      truncated = true;
      break;
    }
  } while (pageToken !== undefined);
  return { experimentId: experiment.experiment_id, experimentName: experiment.name, runs, truncated };
}

/** Options of {@link pullMetricHistory}. */
export interface PullHistoryOptions {
  /** Points per request (default 5000, at most 25000). */
  pageSize?: number;
  /** Most points read per series (default 100000). */
  maxPoints?: number;
}

/** The history of one metric of a remote run, ordered by step then time. */
export async function pullMetricHistory(client: MlflowClient, remoteRunId: string, key: string, options: PullHistoryOptions = {}): Promise<RemoteMetricSeries> {
  const maxPoints = options.maxPoints ?? 100_000;
  const pageSize = Math.min(options.pageSize ?? 5000, MAX_METRIC_HISTORY_RESULTS, maxPoints);
  const points: RemoteMetricPoint[] = [];
  let pageToken: string | undefined;
  let truncated = false;
  do {
    const page = await client.getMetricHistory({ runId: remoteRunId, key, maxResults: Math.min(pageSize, maxPoints - points.length), pageToken });
    points.push(...page.items.map((m) => ({ step: m.step, value: m.value, timestamp: m.timestamp })));
    pageToken = page.nextPageToken;
    if (points.length >= maxPoints && pageToken !== undefined) {
      truncated = true;
      break;
    }
  } while (pageToken !== undefined);
  points.sort((a, b) => a.step - b.step || a.timestamp - b.timestamp);
  return { key, points, truncated };
}

/** Every metric series of a remote run (those listed in its latest metrics), or only `keys`. */
export async function pullRunHistories(client: MlflowClient, run: RemoteRun, options: PullHistoryOptions & { keys?: readonly string[] } = {}): Promise<RemoteMetricSeries[]> {
  const keys = options.keys ?? run.latestMetrics.map((m) => m.key);
  const series: RemoteMetricSeries[] = [];
  for (const key of keys) series.push(await pullMetricHistory(client, run.remoteRunId, key, options));
  return series;
}

/** A wire run as a {@link RemoteRun}. */
export function toRemoteRun(run: MlflowRun): RemoteRun {
  const { info, data } = run;
  return {
    remoteRunId: info.run_id,
    experimentId: info.experiment_id,
    name: info.run_name ?? data.tags.find((t) => t.key === 'mlflow.runName')?.value ?? info.run_id,
    status: info.status,
    startTime: info.start_time,
    endTime: info.end_time,
    artifactUri: info.artifact_uri,
    params: [...data.params].sort(byKey),
    tags: [...data.tags].sort(byKey),
    latestMetrics: data.metrics.map((m) => ({ key: m.key, step: m.step, value: m.value, timestamp: m.timestamp })).sort(byKey),
    datasets: run.inputs.dataset_inputs.map((i) => ({
      name: i.dataset.name,
      digest: i.dataset.digest,
      sourceType: i.dataset.source_type,
      context: i.tags.find((t) => t.key === 'mlflow.data.context')?.value,
    })),
    benchtopRunId: data.tags.find((t) => t.key === RUN_ID_TAG)?.value,
  };
}

function byKey(a: { key: string }, b: { key: string }): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
