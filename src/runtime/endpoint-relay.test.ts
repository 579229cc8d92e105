import { beforeEach, describe, expect, it } from 'vitest';
import type { EndpointRelayReply, InvocationResult } from '../protocol/scoring';
import { addDeployment, createEndpoint, getEndpointView, setTrafficSplit } from '../storage/endpoints';
import { registerModelVersion } from '../storage/model-registration';
import type { WorkspaceDb } from '../storage/workspace-schema';
import { makeWorkspaceDb, resetStorage } from '../test/storage-fixtures';
import { makeTrainedRun } from '../test/storage-model-fixtures';
import { answerInvocation, isRelayRequest, relayOne } from './endpoint-relay';
import type { InvocationScorer } from './score-client';

let workspaceId: string;
let db: WorkspaceDb;
let v1: string;
let v2: string;

/** A scorer that answers with the version it was asked for (400 for a body of "bad"). */
function fakeScorer(calls: string[] = []): InvocationScorer {
  return {
    async invoke(_ws, versionId, body): Promise<InvocationResult> {
      calls.push(versionId);
      if (body === 'bad') return { status: 400, body: { error_code: 'BAD_REQUEST', message: 'Missing column "x"' }, rows: 0, ms: 1 };
      return { status: 200, body: { predictions: [{ prediction: versionId }] }, rows: 1, ms: 1 };
    },
  };
}

beforeEach(async () => {
  await resetStorage();
  ({ workspaceId, db } = await makeWorkspaceDb());
  const run = await makeTrainedRun(db);
  v1 = (await registerModelVersion(db, { modelName: 'iris', source: { kind: 'run', runId: run.id } })).version.id;
  v2 = (await registerModelVersion(db, { modelName: 'iris', source: { kind: 'run', runId: run.id } })).version.id;
});

async function splitEndpoint(mirror = 0) {
  const endpoint = await createEndpoint(db, { name: 'iris', modelVersionId: v1 });
  const second = await addDeployment(db, endpoint.id, v2);
  const first = (await getEndpointView(db, endpoint.id))?.deployments[0].deployment.id as string;
  await setTrafficSplit(db, endpoint.id, [{ deploymentId: first, trafficPercent: 70 }, { deploymentId: second.id, trafficPercent: 30, mirrorPercent: mirror }]);
  return { endpoint, first, second: second.id };
}

describe('answerInvocation', () => {
  it('routes 70/30, answers with the chosen version, and counts per deployment', async () => {
    const { first, second } = await splitEndpoint();
    const answers = [];
    for (let i = 0; i < 20; i++) {
      const answer = await answerInvocation(workspaceId, 'iris', '{}', fakeScorer());
      await answer.recorded;
      answers.push(answer);
    }
    expect(answers.filter((a) => a.deploymentId === first)).toHaveLength(14);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(answers[0].body).toEqual({ predictions: [{ prediction: v1 }] });
    expect((await db.deployments.get(first))?.stats).toMatchObject({ requests: 14, errors: 0 });
    expect((await db.deployments.get(second))?.stats?.requests).toBe(6);
  });

  it('counts errors, scores mirrored copies after the answer, and answers 404 for an unknown endpoint', async () => {
    const { first, second } = await splitEndpoint(100);
    const calls: string[] = [];
    const bad = await answerInvocation(workspaceId, 'iris', 'bad', fakeScorer(calls));
    await bad.recorded;
    expect(bad.status).toBe(400);
    // Request 0 goes to v1 (slot 0), and v2 mirrors every request it does not answer.
    expect(calls).toEqual([v1, v2]);
    expect((await db.deployments.get(first))?.stats).toMatchObject({ requests: 1, errors: 1 });
    expect((await db.deployments.get(second))?.stats).toMatchObject({ requests: 0, mirrored: 1, mirrorErrors: 1 });
    const missing = await answerInvocation(workspaceId, 'nope', '{}', fakeScorer());
    expect([missing.status, missing.body]).toEqual([404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'No endpoint named "nope" in this workspace' }]);
  });
});

describe('CSV bodies', () => {
  /** A scorer noting the version and body type of each call. */
  function typedScorer(seen: [string, string | undefined][]): InvocationScorer {
    return {
      async invoke(_ws, versionId, _body, bodyType): Promise<InvocationResult> {
        seen.push([versionId, bodyType]);
        return { status: 200, body: { predictions: [{ prediction: versionId }] }, rows: 1, ms: 1 };
      },
    };
  }

  it('pass their body type through the relay to the scorer, for the answer and for mirrored copies', async () => {
    await splitEndpoint(100);
    const relayed: [string, string | undefined][] = [];
    const channel = new MessageChannel();
    const answered = new Promise<EndpointRelayReply>((resolve) => {
      channel.port1.onmessage = (event: MessageEvent) => {
        if ((event.data as EndpointRelayReply).type === 'response') resolve(event.data as EndpointRelayReply);
      };
    });
    const request = { type: 'benchtop-endpoint-invocation' as const, id: 'c', endpoint: 'iris', body: 'x\n1\n', bodyType: 'csv' as const };
    expect(isRelayRequest(request)).toBe(true);
    expect(isRelayRequest({ ...request, bodyType: 'xml' })).toBe(false);
    await relayOne(request, channel.port2, workspaceId, typedScorer(relayed));
    expect(await answered).toMatchObject({ status: 200 });
    channel.port1.close();
    expect(relayed[0]).toEqual([v1, 'csv']);
    // Request 1 (slot 37) goes to v1 and v2 mirrors it: both get the body type. Request 2 (slot 74) goes to v2; without
    // a body type, a body is JSON.
    const csv: [string, string | undefined][] = [];
    await (await answerInvocation(workspaceId, 'iris', 'x\n1\n', typedScorer(csv), 'csv')).recorded;
    expect(csv).toEqual([
      [v1, 'csv'],
      [v2, 'csv'],
    ]);
    const json: [string, string | undefined][] = [];
    await (await answerInvocation(workspaceId, 'iris', '{}', typedScorer(json))).recorded;
    expect(json).toEqual([[v2, 'json']]);
  });
});

describe('relayOne', () => {
  async function relay(endpoint: string, ws: string | undefined): Promise<EndpointRelayReply[]> {
    const channel = new MessageChannel();
    const replies: EndpointRelayReply[] = [];
    const done = new Promise<void>((resolve) => {
      channel.port1.onmessage = (event: MessageEvent) => {
        replies.push(event.data as EndpointRelayReply);
        if ((event.data as EndpointRelayReply).type !== 'accepted') resolve();
      };
    });
    const request = { type: 'benchtop-endpoint-invocation' as const, id: 'q', endpoint, body: '{}' };
    expect(isRelayRequest(request)).toBe(true);
    await relayOne(request, channel.port2, ws, fakeScorer());
    await done;
    channel.port1.close();
    return replies;
  }

  it('accepts, then answers, for an endpoint of its workspace; refuses others', async () => {
    await createEndpoint(db, { name: 'iris', modelVersionId: v1 });
    expect(await relay('iris', workspaceId)).toEqual([
      { type: 'accepted', id: 'q' },
      { type: 'response', id: 'q', status: 200, body: { predictions: [{ prediction: v1 }] } },
    ]);
    expect(await relay('other', workspaceId)).toEqual([{ type: 'not-found', id: 'q' }]);
    expect(await relay('iris', undefined)).toEqual([{ type: 'not-found', id: 'q' }]);
    expect(isRelayRequest({ type: 'benchtop-endpoint-invocation', id: 1 })).toBe(false);
  });
});
