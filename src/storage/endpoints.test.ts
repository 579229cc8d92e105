/**
 * Endpoints in storage: names, deployments, the traffic split (refused unless it sums to 100), routing that takes
 * one request number per request, counters per deployment, and deletion rules shared with the registry.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { ScoringError } from '../core/scoring/scoring-error';
import { makeWorkspaceDb, resetStorage } from '../test/storage-fixtures';
import { makeTrainedRun } from '../test/storage-model-fixtures';
import {
  addDeployment,
  createEndpoint,
  deleteEndpoint,
  EndpointError,
  endpointsOfVersion,
  getEndpointView,
  listEndpoints,
  recordInvocations,
  removeDeployment,
  resetEndpointStats,
  routeInvocation,
  setTrafficSplit,
  TrafficSplitError,
} from './endpoints';
import { registerModelVersion } from './model-registration';
import { deleteModelVersion } from './model-versions';
import type { WorkspaceDb } from './workspace-schema';

beforeEach(resetStorage);

async function twoVersions(): Promise<{ db: WorkspaceDb; v1: string; v2: string }> {
  const { db } = await makeWorkspaceDb();
  const run = await makeTrainedRun(db);
  const v1 = (await registerModelVersion(db, { modelName: 'iris', source: { kind: 'run', runId: run.id } })).version.id;
  const v2 = (await registerModelVersion(db, { modelName: 'iris', source: { kind: 'run', runId: run.id } })).version.id;
  return { db, v1, v2 };
}

describe('endpoints', () => {
  it('creates an endpoint with its first deployment taking all the traffic', async () => {
    const { db, v1 } = await twoVersions();
    const endpoint = await createEndpoint(db, { name: ' iris-prod ', description: 'Production', modelVersionId: v1 });
    expect(endpoint).toMatchObject({ name: 'iris-prod', description: 'Production', requestCount: 0 });
    const view = await getEndpointView(db, endpoint.id);
    expect(view?.deployments.map((d) => [d.label, d.deployment.trafficPercent])).toEqual([['iris v1', 100]]);
    expect((await listEndpoints(db)).map((e) => e.endpoint.name)).toEqual(['iris-prod']);
    expect((await endpointsOfVersion(db, v1)).map((e) => e.name)).toEqual(['iris-prod']);
  });

  it('refuses names that are not URL-safe or already taken', async () => {
    const { db } = await twoVersions();
    await createEndpoint(db, { name: 'iris' });
    await expect(createEndpoint(db, { name: 'iris' })).rejects.toThrow('An endpoint named "iris" already exists');
    await expect(createEndpoint(db, { name: 'Iris Prod' })).rejects.toThrow(EndpointError);
    await expect(createEndpoint(db, { name: '../x' })).rejects.toThrow(/lower-case letters/);
  });

  it('adds a second version at 0%, and sets a split that sums to 100 only', async () => {
    const { db, v1, v2 } = await twoVersions();
    const endpoint = await createEndpoint(db, { name: 'iris', modelVersionId: v1 });
    const second = await addDeployment(db, endpoint.id, v2);
    expect(second.trafficPercent).toBe(0);
    await expect(addDeployment(db, endpoint.id, v2)).rejects.toThrow('Version 2 is already deployed to endpoint "iris"');
    const [first] = (await getEndpointView(db, endpoint.id))?.deployments ?? [];
    await expect(setTrafficSplit(db, endpoint.id, [{ deploymentId: first.deployment.id, trafficPercent: 70 }, { deploymentId: second.id, trafficPercent: 20 }])).rejects.toThrow(
      'The traffic split sums to 90% (iris v1 70% + iris v2 20%); it must sum to 100%',
    );
    await expect(setTrafficSplit(db, endpoint.id, [{ deploymentId: first.deployment.id, trafficPercent: 100 }])).rejects.toThrow(/leaves out iris v2/);
    await expect(setTrafficSplit(db, endpoint.id, [{ deploymentId: first.deployment.id, trafficPercent: 70.5 }, { deploymentId: second.id, trafficPercent: 29.5 }])).rejects.toThrow(TrafficSplitError);
    // Nothing changed after the refusals.
    expect((await getEndpointView(db, endpoint.id))?.deployments.map((d) => d.deployment.trafficPercent)).toEqual([100, 0]);
    await setTrafficSplit(db, endpoint.id, [{ deploymentId: first.deployment.id, trafficPercent: 70 }, { deploymentId: second.id, trafficPercent: 30, mirrorPercent: 10 }]);
    expect((await getEndpointView(db, endpoint.id))?.deployments.map((d) => [d.deployment.trafficPercent, d.deployment.mirrorPercent])).toEqual([[70, 0], [30, 10]]);
  });

  it('routes requests by the split, one request number each, exactly 70/30 over 100 requests', async () => {
    const { db, v1, v2 } = await twoVersions();
    const endpoint = await createEndpoint(db, { name: 'iris', modelVersionId: v1 });
    const second = await addDeployment(db, endpoint.id, v2);
    const first = (await getEndpointView(db, endpoint.id))?.deployments[0].deployment.id as string;
    await setTrafficSplit(db, endpoint.id, [{ deploymentId: first, trafficPercent: 70 }, { deploymentId: second.id, trafficPercent: 30 }]);
    // Concurrent routings never share a number.
    const routed = await Promise.all(Array.from({ length: 100 }, () => routeInvocation(db, 'iris')));
    expect(new Set(routed.map((r) => r.sequence)).size).toBe(100);
    expect(routed.filter((r) => r.primary.modelVersionId === v1)).toHaveLength(70);
    expect((await db.endpoints.get(endpoint.id))?.requestCount).toBe(100);
  });

  it('answers 404 for an unknown endpoint and 503 for one without deployments', async () => {
    const { db } = await twoVersions();
    await createEndpoint(db, { name: 'empty' });
    const missing = await routeInvocation(db, 'nope').catch((err: unknown) => err);
    expect(missing instanceof ScoringError && [missing.status, missing.errorCode]).toEqual([404, 'RESOURCE_DOES_NOT_EXIST']);
    const empty = await routeInvocation(db, 'empty').catch((err: unknown) => err);
    expect(empty instanceof ScoringError && [empty.status, empty.message]).toEqual([503, 'Endpoint "empty" has no deployment to answer; deploy a model version to it']);
  });

  it('keeps counters and recent latencies per deployment, and resets them', async () => {
    const { db, v1 } = await twoVersions();
    const endpoint = await createEndpoint(db, { name: 'iris', modelVersionId: v1 });
    const id = (await getEndpointView(db, endpoint.id))?.deployments[0].deployment.id as string;
    await recordInvocations(db, [
      { deploymentId: id, outcome: { ms: 3, ok: true, mirror: false, at: 1 } },
      { deploymentId: id, outcome: { ms: 5, ok: false, mirror: false, at: 2 } },
      { deploymentId: 'gone', outcome: { ms: 5, ok: true, mirror: false, at: 2 } },
    ]);
    expect((await db.deployments.get(id))?.stats).toMatchObject({ requests: 2, errors: 1, totalMs: 8, recentMs: [3, 5] });
    await resetEndpointStats(db, endpoint.id);
    expect((await db.deployments.get(id))?.stats).toBeUndefined();
  });

  it('removes deployments without traffic, refuses one with traffic, and deletes endpoints', async () => {
    const { db, v1, v2 } = await twoVersions();
    const endpoint = await createEndpoint(db, { name: 'iris', modelVersionId: v1 });
    const second = await addDeployment(db, endpoint.id, v2);
    const first = (await getEndpointView(db, endpoint.id))?.deployments[0].deployment.id as string;
    await expect(removeDeployment(db, first)).rejects.toThrow(/answers 100% of the traffic/);
    // The registry refuses to delete a deployed version.
    await expect(deleteModelVersion(db, v2)).rejects.toThrow(/deployed to endpoint "iris"/);
    expect(await removeDeployment(db, second.id)).toBe(true);
    await deleteModelVersion(db, v2);
    expect(await deleteEndpoint(db, endpoint.id)).toBe(true);
    expect(await db.deployments.count()).toBe(0);
    expect(await deleteEndpoint(db, endpoint.id)).toBe(false);
  });
});
