/**
 * @file Endpoints and their deployments: creating and deleting endpoints (URL-safe names), deploying model versions,
 * the traffic split (whole percentages summing to 100, refused otherwise) and mirroring, routing one request (a
 * transaction, so tabs sharing a workspace never take the same request number), and the per-deployment counters.
 */
import { endpointNameProblem } from '../core/scoring/endpoint-name';
import { addInvocation, type InvocationOutcome } from '../core/scoring/latency-stats';
import { ScoringError } from '../core/scoring/scoring-error';
import { checkTrafficSplit, TrafficSplitError } from '../core/scoring/traffic-split';
import { routeRequest } from '../core/scoring/traffic-routing';
import type { DeploymentRecord, EndpointRecord, ModelRecord, ModelVersionRecord } from './records';
import type { WorkspaceDb } from './workspace-schema';

/** Longest endpoint description, in characters. */
export const MAX_ENDPOINT_DESCRIPTION = 2_000;

/** An endpoint change the user can act on (a name taken, a split that does not sum to 100): the message says what to do. */
export class EndpointError extends Error {
  override name = 'EndpointError';
}

export { TrafficSplitError };

/** An endpoint name checked (trimmed; a URL-safe slug). */
export function checkEndpointName(name: string): string {
  const trimmed = name.trim();
  const problem = endpointNameProblem(trimmed);
  if (problem !== undefined) throw new EndpointError(problem);
  return trimmed;
}

/** `name v<version>`, or the version id when the model is gone. */
export function deploymentLabel(model: ModelRecord | undefined, version: ModelVersionRecord | undefined, fallback: string): string {
  return model && version ? `${model.name} v${version.version}` : `version ${fallback.slice(0, 8)}`;
}

/** Deployments in routing order: oldest first (the id breaks ties). */
function inRoutingOrder(deployments: DeploymentRecord[]): DeploymentRecord[] {
  return deployments.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** An endpoint's deployments in routing order. */
export async function listDeployments(db: WorkspaceDb, endpointId: string): Promise<DeploymentRecord[]> {
  return inRoutingOrder(await db.deployments.where('endpointId').equals(endpointId).toArray());
}

/** What {@link createEndpoint} needs. */
export interface NewEndpoint {
  name: string;
  description?: string;
  /** Deploy this model version with all the traffic. */
  modelVersionId?: string;
}

/** Creates an endpoint (and, given a model version, its first deployment with 100% of the traffic). */
export async function createEndpoint(db: WorkspaceDb, init: NewEndpoint): Promise<EndpointRecord> {
  const name = checkEndpointName(init.name);
  const description = init.description?.trim() || undefined;
  if (description !== undefined && description.length > MAX_ENDPOINT_DESCRIPTION) throw new EndpointError(`The description has ${description.length} characters; at most ${MAX_ENDPOINT_DESCRIPTION} are allowed`);
  return db.transaction('rw', [db.endpoints, db.deployments, db.modelVersions], async () => {
    if (await db.endpoints.where('name').equals(name).first()) throw new EndpointError(`An endpoint named "${name}" already exists; choose another name`);
    const now = Date.now();
    const endpoint: EndpointRecord = { id: crypto.randomUUID(), name, ...(description === undefined ? {} : { description }), requestCount: 0, createdAt: now, updatedAt: now };
    await db.endpoints.add(endpoint);
    if (init.modelVersionId !== undefined) await addDeploymentInTransaction(db, endpoint, init.modelVersionId, now);
    return endpoint;
  });
}

/** One endpoint, or `undefined`. */
export async function getEndpoint(db: WorkspaceDb, endpointId: string): Promise<EndpointRecord | undefined> {
  return db.endpoints.get(endpointId);
}

/** The endpoint named `name`, or `undefined`. */
export async function getEndpointByName(db: WorkspaceDb, name: string): Promise<EndpointRecord | undefined> {
  return db.endpoints.where('name').equals(name).first();
}

/** A deployment with the model version it serves (absent if deleted meanwhile) and that version's model. */
export interface DeploymentView {
  deployment: DeploymentRecord;
  version?: ModelVersionRecord;
  model?: ModelRecord;
  /** `iris-classifier v2`. */
  label: string;
}

/** An endpoint with its deployments, in routing order. */
export interface EndpointView {
  endpoint: EndpointRecord;
  deployments: DeploymentView[];
}

async function viewOf(db: WorkspaceDb, endpoint: EndpointRecord, deployments: DeploymentRecord[]): Promise<EndpointView> {
  const versions = await db.modelVersions.bulkGet(deployments.map((d) => d.modelVersionId));
  const models = await db.models.bulkGet(versions.map((v) => v?.modelId ?? ''));
  return {
    endpoint,
    deployments: deployments.map((deployment, i) => {
      const version = versions[i];
      const model = models[i];
      return { deployment, ...(version ? { version } : {}), ...(model ? { model } : {}), label: deploymentLabel(model, version, deployment.modelVersionId) };
    }),
  };
}

/** Every endpoint with its deployments, newest first. Works inside `liveQuery`. */
export async function listEndpoints(db: WorkspaceDb): Promise<EndpointView[]> {
  const endpoints = await db.endpoints.orderBy('createdAt').reverse().toArray();
  const all = await db.deployments.toArray();
  return Promise.all(endpoints.map((e) => viewOf(db, e, inRoutingOrder(all.filter((d) => d.endpointId === e.id)))));
}

/** One endpoint with its deployments, or `undefined`. Works inside `liveQuery`. */
export async function getEndpointView(db: WorkspaceDb, endpointId: string): Promise<EndpointView | undefined> {
  const endpoint = await db.endpoints.get(endpointId);
  return endpoint ? viewOf(db, endpoint, await listDeployments(db, endpointId)) : undefined;
}

/** The endpoints a model version is deployed to. */
export async function endpointsOfVersion(db: WorkspaceDb, modelVersionId: string): Promise<EndpointRecord[]> {
  const deployments = await db.deployments.where('modelVersionId').equals(modelVersionId).toArray();
  return (await db.endpoints.bulkGet([...new Set(deployments.map((d) => d.endpointId))])).filter((e): e is EndpointRecord => e !== undefined);
}

/** Deletes an endpoint and its deployments (the model versions stay). Returns false when it did not exist. */
export async function deleteEndpoint(db: WorkspaceDb, endpointId: string): Promise<boolean> {
  return db.transaction('rw', db.endpoints, db.deployments, async () => {
    if (!(await db.endpoints.get(endpointId))) return false;
    await db.deployments.where('endpointId').equals(endpointId).delete();
    await db.endpoints.delete(endpointId);
    return true;
  });
}

async function requireEndpoint(db: WorkspaceDb, endpointId: string): Promise<EndpointRecord> {
  const endpoint = await db.endpoints.get(endpointId);
  if (!endpoint) throw new EndpointError(`Endpoint "${endpointId}" does not exist in this workspace`);
  return endpoint;
}

async function addDeploymentInTransaction(db: WorkspaceDb, endpoint: EndpointRecord, modelVersionId: string, now: number, mirrorPercent = 0): Promise<DeploymentRecord> {
  const version = await db.modelVersions.get(modelVersionId);
  if (!version) throw new EndpointError(`Model version "${modelVersionId}" does not exist in this workspace`);
  const existing = await db.deployments.where('endpointId').equals(endpoint.id).toArray();
  if (existing.some((d) => d.modelVersionId === modelVersionId)) throw new EndpointError(`Version ${version.version} is already deployed to endpoint "${endpoint.name}"`);
  // The first deployment takes all the traffic; later ones start at 0% so the split still sums to 100.
  const deployment: DeploymentRecord = { id: crypto.randomUUID(), endpointId: endpoint.id, modelVersionId, trafficPercent: existing.length === 0 ? 100 : 0, mirrorPercent, createdAt: now, updatedAt: now };
  if (!Number.isInteger(mirrorPercent) || mirrorPercent < 0 || mirrorPercent > 100) throw new TrafficSplitError(`The mirrored share is ${mirrorPercent}; expected a whole percentage from 0 to 100`);
  await db.deployments.add(deployment);
  await db.endpoints.update(endpoint.id, { updatedAt: now });
  return deployment;
}

/**
 * Deploys a model version to an endpoint: with all the traffic when it is the first, else with 0% (change the split
 * with {@link setTrafficSplit}) and an optional mirrored share. A version is deployed once per endpoint.
 */
export async function addDeployment(db: WorkspaceDb, endpointId: string, modelVersionId: string, options: { mirrorPercent?: number } = {}): Promise<DeploymentRecord> {
  return db.transaction('rw', [db.endpoints, db.deployments, db.modelVersions], async () => addDeploymentInTransaction(db, await requireEndpoint(db, endpointId), modelVersionId, Date.now(), options.mirrorPercent ?? 0));
}

/** Removes a deployment. Refused while it answers traffic and others remain: give its share to them first. */
export async function removeDeployment(db: WorkspaceDb, deploymentId: string): Promise<boolean> {
  return db.transaction('rw', db.endpoints, db.deployments, async () => {
    const deployment = await db.deployments.get(deploymentId);
    if (!deployment) return false;
    const others = (await db.deployments.where('endpointId').equals(deployment.endpointId).toArray()).filter((d) => d.id !== deploymentId);
    if (others.length > 0 && deployment.trafficPercent > 0) {
      throw new EndpointError(`This deployment answers ${deployment.trafficPercent}% of the traffic; move its share to the other deployments first (the split must keep summing to 100%)`);
    }
    await db.deployments.delete(deploymentId);
    await db.endpoints.update(deployment.endpointId, { updatedAt: Date.now() });
    return true;
  });
}

/** One deployment's new shares. */
export interface DeploymentShare {
  deploymentId: string;
  trafficPercent: number;
  mirrorPercent?: number;
}

/**
 * Replaces an endpoint's traffic split: every deployment listed once, whole percentages summing to 100, mirrored
 * shares from 0 to 100. Refused (a {@link TrafficSplitError}) otherwise; nothing changes then.
 */
export async function setTrafficSplit(db: WorkspaceDb, endpointId: string, shares: readonly DeploymentShare[]): Promise<void> {
  await db.transaction('rw', [db.endpoints, db.deployments, db.modelVersions, db.models], async () => {
    const endpoint = await requireEndpoint(db, endpointId);
    const view = await viewOf(db, endpoint, await listDeployments(db, endpointId));
    const byId = new Map(view.deployments.map((d) => [d.deployment.id, d]));
    const listed = new Set<string>();
    for (const share of shares) {
      if (!byId.has(share.deploymentId)) throw new TrafficSplitError(`Deployment "${share.deploymentId}" is not on endpoint "${endpoint.name}"`);
      if (listed.has(share.deploymentId)) throw new TrafficSplitError(`${byId.get(share.deploymentId)?.label} is listed twice in the split`);
      listed.add(share.deploymentId);
    }
    const absent = view.deployments.find((d) => !listed.has(d.deployment.id));
    if (absent) throw new TrafficSplitError(`The split leaves out ${absent.label}; give every deployment a share (0% is allowed)`);
    checkTrafficSplit(shares.map((s) => ({ label: byId.get(s.deploymentId)?.label ?? s.deploymentId, trafficPercent: s.trafficPercent, mirrorPercent: s.mirrorPercent ?? 0 })));
    const now = Date.now();
    for (const share of shares) {
      await db.deployments.update(share.deploymentId, { trafficPercent: share.trafficPercent, mirrorPercent: share.mirrorPercent ?? 0, updatedAt: now });
    }
    await db.endpoints.update(endpointId, { updatedAt: now });
  });
}

/** Where one request goes. */
export interface RoutedInvocation {
  endpointId: string;
  /** The request number the split was walked at (0, 1, 2...). */
  sequence: number;
  primary: { deploymentId: string; modelVersionId: string };
  mirrors: { deploymentId: string; modelVersionId: string }[];
}

/**
 * Takes the endpoint's next request number and routes it, in one transaction. Throws a 404 {@link ScoringError}
 * for an unknown endpoint, a 503 when no deployment has traffic.
 */
export async function routeInvocation(db: WorkspaceDb, endpointName: string): Promise<RoutedInvocation> {
  return db.transaction('rw', db.endpoints, db.deployments, async () => {
    const endpoint = await db.endpoints.where('name').equals(endpointName).first();
    if (!endpoint) throw new ScoringError('RESOURCE_DOES_NOT_EXIST', `No endpoint named ${JSON.stringify(endpointName.slice(0, 80))} in this workspace`);
    const deployments = await listDeployments(db, endpoint.id);
    const sequence = endpoint.requestCount ?? 0;
    const decision = routeRequest(deployments, sequence);
    const primary = deployments.find((d) => d.id === decision.primary);
    if (!primary) throw new ScoringError('TEMPORARILY_UNAVAILABLE', `Endpoint "${endpoint.name}" has no deployment to answer; deploy a model version to it`);
    await db.endpoints.update(endpoint.id, { requestCount: sequence + 1 });
    const pick = (d: DeploymentRecord) => ({ deploymentId: d.id, modelVersionId: d.modelVersionId });
    return { endpointId: endpoint.id, sequence, primary: pick(primary), mirrors: deployments.filter((d) => decision.mirrors.includes(d.id)).map(pick) };
  });
}

/** Adds request outcomes to their deployments' counters (one transaction; a deployment removed meanwhile is skipped). */
export async function recordInvocations(db: WorkspaceDb, outcomes: readonly { deploymentId: string; outcome: InvocationOutcome }[]): Promise<void> {
  await db.transaction('rw', db.deployments, async () => {
    for (const { deploymentId, outcome } of outcomes) {
      const deployment = await db.deployments.get(deploymentId);
      if (deployment) await db.deployments.update(deploymentId, { stats: addInvocation(deployment.stats, outcome) });
    }
  });
}

/** Clears the counters of an endpoint's deployments (the request counter, and so the routing, goes on). */
export async function resetEndpointStats(db: WorkspaceDb, endpointId: string): Promise<void> {
  await db.transaction('rw', db.deployments, async () => {
    for (const d of await db.deployments.where('endpointId').equals(endpointId).toArray()) {
      const { stats: _old, ...rest } = d;
      await db.deployments.put(rest);
    }
  });
}
