/**
 * @file What the model pages do: register versions, read models, versions and lineage, edit cards, tags and aliases,
 * delete. Components call this module, never tables.
 */
import type { ModelCard } from '../../protocol/model';
import { getWorkspaceDb } from '../../storage/connections';
import { getDataset } from '../../storage/datasets';
import * as aliases from '../../storage/model-aliases';
import { registerModelVersion, type NewModelVersion, type RegisteredModelVersion } from '../../storage/model-registration';
import * as versions from '../../storage/model-versions';
import * as models from '../../storage/models';
import type { DatasetRecord, ModelRecord, ModelVersionRecord, RunRecord } from '../../storage/records';
import { getRun } from '../../storage/runs';
import { workspaceState } from '../settings/workspace-state.svelte';
import { suggestModelName } from './model-format';

function db() {
  const id = workspaceState.current?.id;
  if (!id) throw new Error('No workspace is open');
  return getWorkspaceDb(id);
}

/** What a run or version links to for its lineage (absent when deleted). */
export interface VersionLineageRecords {
  run?: RunRecord;
  parentRun?: RunRecord;
  dataset?: DatasetRecord;
}

/** The model pages' side of storage. */
export const modelService = {
  listModels: (search = ''): Promise<models.ModelListItem[]> => models.listModels(db(), search),
  getModel: async (modelId: string): Promise<ModelRecord | null> => (await models.getModel(db(), modelId)) ?? null,
  listVersions: (modelId: string): Promise<ModelVersionRecord[]> => versions.listModelVersions(db(), modelId),
  versionsOfRun: (runId: string) => versions.modelVersionsOfRun(db(), runId),
  /** Names of every model, for the register dialog's suggestions. */
  modelNames: async (): Promise<string[]> => (await models.listModels(db())).map((item) => item.model.name).sort((a, b) => a.localeCompare(b)),

  /** A name for a run's model: its dataset's name and task (`iris-classifier`); an AutoML run's task as it detected it. */
  async suggestName(runId: string): Promise<string> {
    const run = await getRun(db(), runId);
    if (!run) return '';
    const dataset = await getDataset(db(), run.datasetId);
    return suggestModelName(dataset?.name ?? 'model', run.automl?.task ?? run.automl?.spec.task ?? run.spec.task);
  },

  register: (init: NewModelVersion): Promise<RegisteredModelVersion> => registerModelVersion(db(), init),
  setAlias: (versionId: string, alias: string) => aliases.setModelAlias(db(), versionId, alias),
  removeAlias: (versionId: string, alias: string) => aliases.removeModelAlias(db(), versionId, alias),
  updateCard: (versionId: string, changes: Partial<ModelCard>) => versions.updateModelCard(db(), versionId, changes),
  setVersionTags: (versionId: string, tags: readonly string[]) => versions.setModelVersionTags(db(), versionId, tags),
  setModelTags: (modelId: string, tags: readonly string[]) => models.setModelTags(db(), modelId, tags),
  setDescription: (modelId: string, description: string) => models.setModelDescription(db(), modelId, description),
  rename: (modelId: string, name: string) => models.renameModel(db(), modelId, name),
  deleteVersion: (versionId: string, force: boolean) => versions.deleteModelVersion(db(), versionId, { force }),
  deleteModel: (modelId: string, force: boolean) => models.deleteModel(db(), modelId, { force }),

  /** The run, parent sweep and dataset a version came from, where they still exist. */
  async lineage(version: ModelVersionRecord): Promise<VersionLineageRecords> {
    const database = db();
    const { runId, parentRunId, datasetId } = version.lineage;
    const [run, parentRun, dataset] = await Promise.all([
      runId ? getRun(database, runId) : undefined,
      parentRunId ? getRun(database, parentRunId) : undefined,
      datasetId ? getDataset(database, datasetId) : undefined,
    ]);
    return { ...(run ? { run } : {}), ...(parentRun ? { parentRun } : {}), ...(dataset ? { dataset } : {}) };
  },

  /** One file of a version as a Blob of its media type, to download. */
  async fileBlob(versionId: string, name: string): Promise<Blob> {
    const file = await versions.getModelFile(db(), versionId, name);
    if (!file) throw new Error(`This version has no file "${name}"`);
    return file.data instanceof Blob ? file.data : new Blob([file.data], { type: file.mediaType });
  },
};

export { ModelRegistryError } from '../../storage/models';
export { ModelVersionAliasedError } from '../../storage/model-versions';
