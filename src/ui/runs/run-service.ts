/**
 * @file What the run pages do: start training jobs through the workspace's job runtime, and read runs,
 * metrics, logs and evaluation reports from storage. Components call this module, never tables.
 */
import type { DatasetRecord, DatasetVersionRecord, RunRecord } from '../../storage/records';
import type { LineageRef, RunEnvironment } from '../../protocol/run';
import type { TrainSpec } from '../../protocol/train';
import type { EvaluationArtifact } from '../../jobs/train-evaluation';
import { defaultTrainSpec, type DefaultSpecDataset, type DefaultTrainSpec } from '../../core/jobs/train-defaults';
import { assertTrainSpec } from '../../core/jobs/train-spec';
import { getWorkspaceDb } from '../../storage/connections';
import * as datasets from '../../storage/datasets';
import * as runs from '../../storage/runs';
import { metricKeys, metricSeries } from '../../storage/metrics';
import { logsTail } from '../../storage/logs';
import { getArtifactByName, listArtifacts } from '../../storage/artifacts';
import type { RunProgressListener } from '../../runtime/run-progress-hub';
import { workspaceState } from '../settings/workspace-state.svelte';
import { rerunName } from '../train/train-form';

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

/** What a default spec is made from: a version's schema and profiles. */
function specDataset(version: DatasetVersionRecord): DefaultSpecDataset {
  return { id: version.datasetId, versionId: version.id, contentHash: version.contentHash, columns: version.columns, profiles: version.profiles, rows: version.rows };
}

/** A dataset and its latest complete version; throws a message naming what is missing. */
async function latestVersion(datasetId: string): Promise<{ dataset: DatasetRecord; version: DatasetVersionRecord }> {
  const database = db();
  const dataset = await datasets.getDataset(database, datasetId);
  if (!dataset) throw new Error(`Dataset ${datasetId} does not exist in this workspace`);
  const version = dataset.latestVersionId ? await datasets.getVersion(database, dataset.latestVersionId) : undefined;
  if (!version) throw new Error(`Dataset "${dataset.name}" has no complete version to train on`);
  return { dataset, version };
}

/**
 * The version a spec reads: the one it names, or (deleted and imported again) the dataset's version with the same
 * content hash; undefined when neither is in the workspace.
 */
async function versionOfSpec(spec: TrainSpec): Promise<DatasetVersionRecord | undefined> {
  const database = db();
  return (
    (await datasets.getVersion(database, spec.data.versionId)) ??
    (await datasets.findVersionByHash(database, spec.data.datasetId, spec.data.contentHash))
  );
}

/** A spec pointed at `version` (same content, maybe another id after a re-import). */
function onVersion(spec: TrainSpec, version: DatasetVersionRecord): TrainSpec {
  if (spec.data.versionId === version.id && spec.data.datasetId === version.datasetId) return spec;
  return { ...spec, data: { ...spec.data, datasetId: version.datasetId, versionId: version.id, contentHash: version.contentHash } };
}

/** A fresh uint32 seed for a run the user did not give one. */
function freshSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0];
}

/** Where the Train form starts: the dataset version it trains on, and the spec to show (null: the defaults). */
export interface TrainFormSource {
  datasetName: string;
  dataset: DefaultSpecDataset;
  /** The dataset's chosen target, when it has one. */
  target: string | null;
  /** A cloned run's spec, pointed at `dataset`; null for a new run. */
  spec: TrainSpec | null;
  /** The run being cloned. */
  sourceRun?: { id: string; name: string };
  /** Something the user should know before editing (a cloned run's version is gone and the latest is used). */
  notice?: string;
}

/** Options of a queued run. */
export interface EnqueueOptions {
  name: string;
  /** The run this one re-runs or was cloned from: recorded as an input for lineage. */
  sourceRunId?: string;
}

/** The run pages' operations. */
export const runService = {
  /** The default spec (and notes on its choices) for `datasetId`'s latest version and its chosen target. */
  async defaultSpecFor(datasetId: string, seed = freshSeed()): Promise<DefaultTrainSpec & { datasetName: string }> {
    const { dataset, version } = await latestVersion(datasetId);
    if (!dataset.target) throw new Error(`Choose a target column for "${dataset.name}" first (the column the model should predict)`);
    return { ...defaultTrainSpec({ dataset: specDataset(version), target: dataset.target, seed }), datasetName: dataset.name };
  },

  /** Queue a training run of `datasetId`'s latest version with the defaults for its target. */
  async trainWithDefaults(datasetId: string): Promise<{ run: RunRecord; notes: string[] }> {
    const { spec, notes, datasetName } = await this.defaultSpecFor(datasetId);
    const run = await this.enqueueSpec(spec, { name: `${datasetName} · ${spec.model.family}` });
    return { run, notes };
  },

  /**
   * Queue a run of `spec`, checked first against the dataset version it names (a `TrainSpecError` lists every
   * problem). With `sourceRunId`, the new run records the run it came from among its inputs.
   */
  async enqueueSpec(spec: TrainSpec, options: EnqueueOptions): Promise<RunRecord> {
    const version = await datasets.getVersion(db(), spec.data.versionId);
    if (!version) throw new Error(`The dataset version this spec reads (${spec.data.versionId}) is not in this workspace`);
    const checked = assertTrainSpec(spec, { columns: version.columns, contentHash: version.contentHash });
    const inputs: LineageRef[] = [{ kind: 'datasetVersion', id: version.id }];
    if (options.sourceRunId !== undefined) inputs.push({ kind: 'run', id: options.sourceRunId });
    return runtime().enqueue({ spec: checked, environment: pageEnvironment(), name: options.name, inputs });
  },

  /**
   * Queue the same spec and seed again as a new run named `<name> (re-run)`. Throws a message saying what to do
   * when the dataset version the run read is no longer in the workspace.
   */
  async rerun(runId: string): Promise<RunRecord> {
    const source = await runs.getRun(db(), runId);
    if (!source) throw new Error(`Run ${runId} does not exist in this workspace`);
    const version = await versionOfSpec(source.spec);
    if (!version) {
      throw new Error(
        `the dataset version it trained on (content ${source.contentHash.slice(0, 12)}…) is no longer in this workspace. ` +
          'Import that data again to re-run it exactly, or use Clone and edit to train on the dataset\'s latest version',
      );
    }
    return this.enqueueSpec(onVersion(source.spec, version), { name: rerunName(source.name), sourceRunId: source.id });
  },

  /** The Train form of a new run on `datasetId`'s latest version. */
  async formSourceForDataset(datasetId: string): Promise<TrainFormSource> {
    const { dataset, version } = await latestVersion(datasetId);
    const target = dataset.target && version.columns.some((c) => c.name === dataset.target) ? dataset.target : null;
    return { datasetName: dataset.name, dataset: specDataset(version), target, spec: null };
  },

  /**
   * The Train form prefilled with run `runId`'s spec. When the version it read is gone but its dataset remains, the
   * form uses the dataset's latest version and says so; validation then names any column that no longer fits.
   */
  async formSourceForRun(runId: string): Promise<TrainFormSource> {
    const database = db();
    const run = await runs.getRun(database, runId);
    if (!run) throw new Error(`Run ${runId} does not exist in this workspace`);
    const sourceRun = { id: run.id, name: run.name };
    const dataset = await datasets.getDataset(database, run.datasetId);
    const version = await versionOfSpec(run.spec);
    if (version) {
      const name = dataset?.name ?? 'dataset';
      return { datasetName: name, dataset: specDataset(version), target: run.spec.data.target, spec: onVersion(run.spec, version), sourceRun };
    }
    if (!dataset) throw new Error(`The dataset run "${run.name}" trained on is no longer in this workspace; import it again to train on it`);
    const latest = await latestVersion(dataset.id).catch(() => null);
    if (!latest) throw new Error(`Dataset "${dataset.name}" has no complete version left to train on`);
    return {
      datasetName: dataset.name,
      dataset: specDataset(latest.version),
      target: run.spec.data.target,
      spec: onVersion(run.spec, latest.version),
      sourceRun,
      notice: `The version of "${dataset.name}" this run trained on (content ${run.contentHash.slice(0, 12)}…) was deleted; this form trains on the latest version (content ${latest.version.contentHash.slice(0, 12)}…) instead.`,
    };
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
