/**
 * @file What the AutoML pages do: open the form on a dataset's latest version, start a job through the workspace's
 * job runtime, read a job and its trials (inside `live()`), know whether its refit model is stored, and cancel it.
 * Components call this module, never tables.
 */
import { AUTOML_MODEL_FILE, type AutoMLJobSpec } from '../../protocol/automl';
import type { ColumnProfile, ColumnSchema } from '../../protocol/dataset';
import type { RunRecord } from '../../storage/records';
import { getWorkspaceDb } from '../../storage/connections';
import { getArtifactByName } from '../../storage/artifacts';
import { getAutoMLRun, listAutoMLTrials, type AutoMLRecord, type AutoMLTrialRecord } from '../../storage/automl-runs';
import { getRun } from '../../storage/runs';
import { workspaceState } from '../settings/workspace-state.svelte';
import { runService } from '../runs/run-service';

function db() {
  const id = workspaceState.current?.id;
  if (!id) throw new Error('No workspace is open');
  return getWorkspaceDb(id);
}

function runtime() {
  const current = workspaceState.runtime;
  if (!current) throw new Error('The job runtime is not running (no workspace is open)');
  return current;
}

/** What the AutoML form runs on: a dataset's latest complete version. */
export interface AutoMLFormSource {
  datasetId: string;
  datasetName: string;
  versionId: string;
  columns: readonly ColumnSchema[];
  profiles: readonly ColumnProfile[];
  rows: number;
  /** The dataset's chosen target, when it has one. */
  target: string | null;
}

/** The AutoML pages' operations. */
export const automlService = {
  /** The form over `datasetId`'s latest version. Throws a message naming what is missing. */
  async formSource(datasetId: string): Promise<AutoMLFormSource> {
    const source = await runService.formSourceForDataset(datasetId);
    const { dataset } = source;
    if (dataset.columns.some((c) => c.type === 'image')) throw new Error(`"${source.datasetName}" holds images; AutoML searches models for tables`);
    return {
      datasetId: dataset.id,
      datasetName: source.datasetName,
      versionId: dataset.versionId,
      columns: dataset.columns,
      profiles: dataset.profiles,
      rows: dataset.rows,
      target: source.target,
    };
  },

  /** Queues an AutoML job on a dataset version; the leading tab's runtime runs it. */
  start(datasetVersionId: string, spec: AutoMLJobSpec, name: string): Promise<RunRecord> {
    // The page knows the app version; the job completes the environment (libraries) where it runs.
    return runtime().startAutoML(datasetVersionId, spec, { name, environment: { appVersion: __APP_VERSION__, libraries: [] } });
  },

  /** An AutoML job, or null when no AutoML run has this id. Works inside `live()`. */
  async getAutoML(runId: string): Promise<AutoMLRecord | null> {
    const run = await getRun(db(), runId);
    if (!run || run.kind !== 'automl' || !run.automl) return null;
    return (await getAutoMLRun(db(), runId)) ?? null;
  },

  /** The finished trials of a job, by number. Works inside `live()`. */
  listTrials(runId: string): Promise<AutoMLTrialRecord[]> {
    return listAutoMLTrials(db(), runId);
  },

  /** Whether the job's refit model is stored (what registering copies). Works inside `live()`. */
  async hasModel(runId: string): Promise<boolean> {
    return (await getArtifactByName(db(), runId, AUTOML_MODEL_FILE)) !== undefined;
  },

  /** Stops a job; it ends canceled and keeps the trials it finished. */
  cancel(runId: string): Promise<void> {
    return runtime().cancel(runId);
  },
};
