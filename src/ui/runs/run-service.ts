/**
 * @file What the run pages do: start training jobs through the workspace's job runtime, and read runs,
 * metrics, logs and evaluation reports from storage. Components call this module, never tables.
 */
import type { RunRecord } from '../../storage/records';
import type { RunEnvironment } from '../../protocol/run';
import type { EvaluationArtifact } from '../../jobs/train-evaluation';
import { defaultTrainSpec } from '../../core/jobs/train-defaults';
import { getWorkspaceDb } from '../../storage/connections';
import * as datasets from '../../storage/datasets';
import * as runs from '../../storage/runs';
import { metricKeys, metricSeries } from '../../storage/metrics';
import { logsTail } from '../../storage/logs';
import { getArtifactByName, listArtifacts } from '../../storage/artifacts';
import type { RunProgressListener } from '../../runtime/run-progress-hub';
import { workspaceState } from '../settings/workspace-state.svelte';

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

/** The environment known on the page; the worker completes it (backend, adapter, library versions). */
function pageEnvironment(): RunEnvironment {
  return { appVersion: __APP_VERSION__, libraries: [] };
}

/** The run pages' operations. */
export const runService = {
  /** Queue a training run of `datasetId`'s latest version with the defaults for its target. */
  async trainWithDefaults(datasetId: string): Promise<{ run: RunRecord; notes: string[] }> {
    const database = db();
    const dataset = await datasets.getDataset(database, datasetId);
    if (!dataset) throw new Error(`Dataset ${datasetId} does not exist`);
    const version = dataset.latestVersionId ? await datasets.getVersion(database, dataset.latestVersionId) : undefined;
    if (!version) throw new Error(`Dataset "${dataset.name}" has no complete version to train on`);
    if (!dataset.target) throw new Error(`Choose a target column for "${dataset.name}" first (the column the model should predict)`);
    const { spec, notes } = defaultTrainSpec({
      dataset: { id: dataset.id, versionId: version.id, contentHash: version.contentHash, columns: version.columns, profiles: version.profiles, rows: version.rows },
      target: dataset.target,
      seed: crypto.getRandomValues(new Uint32Array(1))[0],
    });
    const run = await runtime().enqueue({ spec, environment: pageEnvironment(), name: `${dataset.name} · ${spec.model.family}` });
    return { run, notes };
  },

  listRuns(filter: runs.RunFilter = {}) {
    return runs.listRuns(db(), filter);
  },

  getRun(runId: string) {
    return runs.getRun(db(), runId);
  },

  metricKeys(runId: string) {
    return metricKeys(db(), runId);
  },

  metricSeries(runId: string, key: string) {
    return metricSeries(db(), runId, key);
  },

  logsTail(runId: string, n = 200) {
    return logsTail(db(), runId, n);
  },

  listArtifacts(runId: string) {
    return listArtifacts(db(), runId);
  },

  /**
   * The stored `evaluation.json` (the test-split report and permutation importance), or null before the run has one.
   * Parsed as data, never rendered as HTML.
   */
  async evaluation(runId: string): Promise<EvaluationArtifact | null> {
    const artifact = await getArtifactByName(db(), runId, 'evaluation.json');
    if (!artifact) return null;
    const blob = artifact.data instanceof Blob ? artifact.data : new Blob([artifact.data as ArrayBuffer]);
    return JSON.parse(await blob.text()) as EvaluationArtifact;
  },

  cancel(runId: string) {
    return runtime().cancel(runId);
  },

  resume(runId: string) {
    return runtime().resume(runId);
  },

  /** Replaces a run's tags; storage trims, de-duplicates and rejects bad tags with a message. */
  setTags(runId: string, tags: readonly string[]) {
    return runs.setRunTags(db(), runId, tags);
  },

  /** Sets a run's notes; blank notes remove them. */
  setNotes(runId: string, notes: string) {
    return runs.setRunNotes(db(), runId, notes);
  },

  deleteRun(runId: string) {
    return runs.deleteRun(db(), runId);
  },

  /** Live progress of a run (from the leading tab), falling back to the stored progress. Returns an unsubscribe. */
  subscribeProgress(runId: string, listener: RunProgressListener): () => void {
    return runtime().subscribeProgress(runId, listener);
  },
};
