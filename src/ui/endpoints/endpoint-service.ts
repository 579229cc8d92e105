/**
 * @file What the endpoint pages do: list, create and delete endpoints, deploy model versions, change the traffic
 * split, call an endpoint as a caller would, and start batch scoring. Components call this module, never tables.
 */
import { materializeColumn } from '../../core/table/materialize';
import { callEndpoint, type EndpointCall } from '../../runtime/endpoint-relay';
import { runBatchScore, type BatchScoreHandle } from '../../runtime/score-client';
import type { BatchScoreProgress } from '../../protocol/scoring';
import { readChunk } from '../../storage/chunks';
import { getWorkspaceDb } from '../../storage/connections';
import { listDatasets, type DatasetSummary } from '../../storage/datasets';
import * as endpoints from '../../storage/endpoints';
import { listModels } from '../../storage/models';
import { listModelVersions } from '../../storage/model-versions';
import type { DatasetVersionRecord, ModelVersionRecord } from '../../storage/records';
import { workspaceState } from '../settings/workspace-state.svelte';

function workspaceId(): string {
  const id = workspaceState.current?.id;
  if (!id) throw new Error('No workspace is open');
  return id;
}

function db() {
  return getWorkspaceDb(workspaceId());
}

/** A model version a user can deploy, with its label. */
export interface DeployableVersion {
  version: ModelVersionRecord;
  /** `iris-classifier v2`. */
  label: string;
}

/** A dataset version scored from an endpoint. */
export interface ScoredDataset {
  version: DatasetVersionRecord;
  datasetName: string;
}

/** The endpoint pages' side of storage and the runtime. */
export const endpointService = {
  list: (): Promise<endpoints.EndpointView[]> => endpoints.listEndpoints(db()),
  get: async (endpointId: string): Promise<endpoints.EndpointView | null> => (await endpoints.getEndpointView(db(), endpointId)) ?? null,
  create: (init: endpoints.NewEndpoint) => endpoints.createEndpoint(db(), init),
  remove: (endpointId: string) => endpoints.deleteEndpoint(db(), endpointId),
  addDeployment: (endpointId: string, modelVersionId: string) => endpoints.addDeployment(db(), endpointId, modelVersionId),
  removeDeployment: (deploymentId: string) => endpoints.removeDeployment(db(), deploymentId),
  setTrafficSplit: (endpointId: string, shares: endpoints.DeploymentShare[]) => endpoints.setTrafficSplit(db(), endpointId, shares),
  resetStats: (endpointId: string) => endpoints.resetEndpointStats(db(), endpointId),
  endpointsOfVersion: (modelVersionId: string) => endpoints.endpointsOfVersion(db(), modelVersionId),

  /** Every registered model version, newest model first, each model's versions newest first. */
  async deployableVersions(): Promise<DeployableVersion[]> {
    const database = db();
    const out: DeployableVersion[] = [];
    for (const item of await listModels(database)) {
      for (const version of await listModelVersions(database, item.model.id)) out.push({ version, label: `${item.model.name} v${version.version}` });
    }
    return out;
  },

  /** Datasets with a complete version, for batch scoring. */
  datasets: async (): Promise<DatasetSummary[]> => (await listDatasets(db())).filter((d) => d.latestVersion !== undefined),

  /** Dataset versions scored from this endpoint, newest first. */
  async scoredDatasets(endpointId: string): Promise<ScoredDataset[]> {
    const database = db();
    const versions = (await database.datasetVersions.where('complete').equals(1).toArray()).filter((v) => v.lineage?.endpointId === endpointId);
    const datasets = await database.datasets.bulkGet(versions.map((v) => v.datasetId));
    return versions.map((version, i) => ({ version, datasetName: datasets[i]?.name ?? 'a deleted dataset' })).sort((a, b) => b.version.createdAt - a.version.createdAt);
  },

  /**
   * The first row of the dataset version a model was trained on, for the test form (text of each column, by name),
   * or nothing when that version is gone.
   */
  async exampleRow(datasetVersionId: string | undefined, columns: readonly string[]): Promise<Map<string, string>> {
    const example = new Map<string, string>();
    if (!datasetVersionId) return example;
    const database = db();
    const version = await database.datasetVersions.get(datasetVersionId);
    if (!version || version.complete !== 1 || version.rows === 0) return example;
    for (const name of columns) {
      const index = version.columns.findIndex((c) => c.name === name);
      if (index < 0) continue;
      const values = materializeColumn(version.columns[index], [await readChunk(database, version.id, index, 0)]).values;
      if (values.kind === 'numeric') {
        const v = values.values[0];
        if (Number.isNaN(v)) continue;
        example.set(name, version.columns[index].type === 'datetime' ? new Date(v).toISOString().slice(0, 16) : version.columns[index].type === 'boolean' ? String(v === 1) : String(v));
      } else if (values.kind === 'categorical' && values.codes[0] >= 0) {
        example.set(name, values.categories[values.codes[0]]);
      } else if (values.kind === 'text' && values.values[0] !== null) {
        example.set(name, values.values[0]);
      }
    }
    return example;
  },

  /** Calls the endpoint through `fetch` (the service worker), as any caller would. */
  call: (endpointName: string, body: string): Promise<EndpointCall> => callEndpoint(workspaceId(), endpointName, body),

  /** Starts batch scoring of a dataset version with a deployment's model version. */
  scoreDataset(view: endpoints.DeploymentView, datasetVersionId: string, onProgress: (progress: BatchScoreProgress) => void): BatchScoreHandle {
    return runBatchScore({ workspaceId: workspaceId(), datasetVersionId, modelVersionId: view.deployment.modelVersionId, endpointId: view.deployment.endpointId, deploymentId: view.deployment.id }, onProgress);
  },
};

export { EndpointError, TrafficSplitError } from '../../storage/endpoints';
export type { DeploymentView, EndpointView } from '../../storage/endpoints';
