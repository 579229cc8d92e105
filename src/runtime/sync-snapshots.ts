/**
 * @file What a push reads from the workspace: a run with its metric points and files (bytes loaded only for files
 * not pushed yet), and a registered model version with its files. The trained model's files go under `model/` in
 * the MLflow run (where MLflow keeps a run's model and where the registered version's `source` points); the other
 * files (`evaluation.json`, plots, reports) at the root of the run's artifacts.
 */
import { AUTOML_MODEL_FILE } from '../protocol/automl';
import { listArtifacts, getArtifact } from '../storage/artifacts';
import { RUN_MODEL_FILES } from '../storage/model-registration';
import type { ModelRecord, ModelVersionRecord, RunRecord } from '../storage/records';
import type { WorkspaceDb } from '../storage/workspace-schema';
import type { ArtifactSource } from '../sync/push-artifacts';
import type { RunSnapshot } from '../sync/push';

/** Folder of the model files in an MLflow run's artifacts. */
export const MODEL_ARTIFACT_FOLDER = 'model';

/**
 * Run kinds that are pushed: runs that train a model, and the parents of trials (a sweep, an AutoML job), which MLflow
 * shows with their trials nested under them (`mlflow.parentRunId`).
 */
export const SYNCED_RUN_KINDS: ReadonlySet<RunRecord['kind']> = new Set(['train', 'trial', 'sweep', 'automl']);

/** Statuses after which a run no longer changes by itself: it is pushed then. */
export const FINAL_RUN_STATUSES: ReadonlySet<RunRecord['status']> = new Set(['completed', 'failed', 'canceled']);

const MODEL_FILE_NAMES: ReadonlySet<string> = new Set([RUN_MODEL_FILES.model, RUN_MODEL_FILES.weights, RUN_MODEL_FILES.featurizer, RUN_MODEL_FILES.signature, AUTOML_MODEL_FILE]);

/** The MLflow artifact path of a run artifact: model files under `model/`, the rest as named. */
export function remoteArtifactName(name: string): string {
  return MODEL_FILE_NAMES.has(name) ? `${MODEL_ARTIFACT_FOLDER}/${name}` : name;
}

/** Whether a run is one the sync queue pushes: a finished train or trial run made here (not one pulled from MLflow). */
export function isSyncableRun(run: RunRecord): boolean {
  return SYNCED_RUN_KINDS.has(run.kind) && FINAL_RUN_STATUSES.has(run.status) && run.remote === undefined;
}

/**
 * A run, its metric points and its files, as `pushRun` reads them, with its parent (a trial's sweep or AutoML job)
 * and its children (a parent's trials). Undefined when the run is gone.
 */
export async function loadRunSnapshot(db: WorkspaceDb, runId: string, experimentName: string): Promise<RunSnapshot | undefined> {
  const run = await db.runs.get(runId);
  if (!run) return undefined;
  const metrics = await db.metrics.where('runId').equals(runId).toArray();
  const dataset = await db.datasets.get(run.datasetId);
  const artifacts: ArtifactSource[] = (await listArtifacts(db, runId)).map((info) => ({
    name: remoteArtifactName(info.name),
    mediaType: info.mediaType,
    size: info.size,
    sha256: info.sha256,
    async load() {
      const record = await getArtifact(db, info.id);
      if (!record) throw new Error(`Artifact "${info.name}" of run "${run.name}" was deleted while it was being pushed`);
      return record.data;
    },
  }));
  const parent = run.parentId === undefined ? undefined : await db.runs.get(run.parentId);
  const children = run.kind === 'sweep' || run.kind === 'automl' ? await db.runs.where('parentId').equals(runId).toArray() : undefined;
  return { run, experimentName, metrics, artifacts, ...(dataset ? { datasetName: dataset.name } : {}), ...(parent ? { parent } : {}), ...(children ? { children } : {}) };
}

/** A model version with its model, or undefined when either is gone. */
export async function loadModelVersion(db: WorkspaceDb, versionId: string): Promise<{ model: ModelRecord; version: ModelVersionRecord } | undefined> {
  const version = await db.modelVersions.get(versionId);
  const model = version ? await db.models.get(version.modelId) : undefined;
  return version && model ? { model, version } : undefined;
}

/** The files of a model version as artifacts under `model/`, bytes loaded on demand. */
export function modelVersionSources(db: WorkspaceDb, version: ModelVersionRecord): ArtifactSource[] {
  return version.files.map((file) => ({
    name: `${MODEL_ARTIFACT_FOLDER}/${file.name}`,
    mediaType: file.mediaType,
    size: file.size,
    sha256: file.sha256,
    async load() {
      const record = await db.modelFiles.get([version.id, file.name]);
      if (!record) throw new Error(`File "${file.name}" of model version ${version.version} is missing`);
      return record.data;
    },
  }));
}

/** Label of a model version in the queue list: `iris-classifier v2`. */
export function modelVersionLabel(model: ModelRecord, version: ModelVersionRecord): string {
  return `${model.name} v${version.version}`;
}
