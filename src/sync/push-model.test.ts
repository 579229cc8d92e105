import { afterEach, describe, expect, it } from 'vitest';
import type { MlflowTestServer } from '../../e2e/fixtures/mlflow-server.mjs';
import { pushRun } from './push';
import { pushModelVersion, type ModelVersionSnapshot } from './push-model';
import { SyncError } from './sync-error';
import { serverAndClient, syncRun } from './sync-test-fixtures';

let server: MlflowTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function pushedRun(ctx: Awaited<ReturnType<typeof serverAndClient>>, id = 'run-0001'): Promise<string> {
  return (await pushRun(ctx.client, { run: syncRun({ id }), experimentName: 'titanic', metrics: [] })).remoteRunId;
}

describe('pushModelVersion', () => {
  it('registers a version from the run artifacts and points aliases at it, once', async () => {
    const ctx = await serverAndClient();
    server = ctx.server;
    const remoteRunId = await pushedRun(ctx);
    const snapshot: ModelVersionSnapshot = { modelName: 'titanic-survival', modelVersionId: 'mv-1', remoteRunId, artifactPath: 'model', aliases: ['champion'] };
    const first = await pushModelVersion(ctx.client, snapshot);
    expect(first).toEqual({ version: '1', created: true, aliasesSet: ['champion'], aliasesRemoved: [] });
    const model = server.registry.models.get('titanic-survival')!;
    expect(model.versions.get('1')).toMatchObject({ run_id: remoteRunId, source: `mlflow-artifacts:/1/${remoteRunId}/artifacts/model` });
    expect(model.aliases.get('champion')).toBe('1');

    const again = await pushModelVersion(ctx.client, snapshot);
    expect(again).toEqual({ version: '1', created: false, aliasesSet: [], aliasesRemoved: [] });
    expect(model.versions.size).toBe(1);
  });

  it('moves an alias to a newer version', async () => {
    const ctx = await serverAndClient();
    server = ctx.server;
    const a = await pushedRun(ctx, 'run-a');
    const b = await pushedRun(ctx, 'run-b');
    await pushModelVersion(ctx.client, { modelName: 'm', modelVersionId: 'mv-a', remoteRunId: a, artifactPath: 'model', aliases: ['champion'] });
    const second = await pushModelVersion(ctx.client, { modelName: 'm', modelVersionId: 'mv-b', remoteRunId: b, artifactPath: 'model', aliases: ['champion', 'challenger'] });
    expect(second.version).toBe('2');
    const aliases = server.registry.models.get('m')!.aliases;
    expect(Object.fromEntries(aliases)).toEqual({ champion: '2', challenger: '2' });
  });

  it('deletes on the server an alias removed here, but not one moved to another version since', async () => {
    const ctx = await serverAndClient();
    server = ctx.server;
    const a = await pushedRun(ctx, 'run-a');
    const b = await pushedRun(ctx, 'run-b');
    const va = { modelName: 'm', modelVersionId: 'mv-a', remoteRunId: a, artifactPath: 'model' };
    const vb = { modelName: 'm', modelVersionId: 'mv-b', remoteRunId: b, artifactPath: 'model' };
    await pushModelVersion(ctx.client, { ...va, aliases: ['champion', 'staging'] });
    const aliases = server.registry.models.get('m')!.aliases;
    expect(Object.fromEntries(aliases)).toEqual({ champion: '1', staging: '1' });

    // `staging` removed from v1 here: deleted there.
    const removed = await pushModelVersion(ctx.client, { ...va, aliases: ['champion'], previousAliases: ['champion', 'staging'] });
    expect(removed.aliasesRemoved).toEqual(['staging']);
    expect(Object.fromEntries(aliases)).toEqual({ champion: '1' });
    const deletes = server.requests.filter((r) => r.method === 'DELETE');
    expect(deletes.map((r) => r.body)).toEqual([{ name: 'm', alias: 'staging' }]);

    // `champion` moved to v2 (v2 pushed first): v1's push leaves it on v2.
    await pushModelVersion(ctx.client, { ...vb, aliases: ['champion'] });
    const moved = await pushModelVersion(ctx.client, { ...va, aliases: [], previousAliases: ['champion'] });
    expect(moved.aliasesRemoved).toEqual([]);
    expect(Object.fromEntries(aliases)).toEqual({ champion: '2' });

    // Repeating a removal is harmless: nothing points here any more, nothing is sent.
    const before = server.requests.filter((r) => r.method === 'DELETE').length;
    expect((await pushModelVersion(ctx.client, { ...va, aliases: [], previousAliases: ['staging'] })).aliasesRemoved).toEqual([]);
    expect(server.requests.filter((r) => r.method === 'DELETE').length).toBe(before);
  });

  it('creates one version when the answer to model-versions/create is lost', async () => {
    const ctx = await serverAndClient();
    server = ctx.server;
    const remoteRunId = await pushedRun(ctx);
    server.addFault({ match: { path: '/model-versions/create' }, drop: 'after' });
    server.addFault({ match: { path: '/registered-models/create' }, drop: 'after' });
    const result = await pushModelVersion(ctx.client, { modelName: 'm', modelVersionId: 'mv-1', remoteRunId, artifactPath: 'model' });
    expect(result.version).toBe('1');
    expect(server.registry.models.get('m')!.versions.size).toBe(1);
  });

  it('refuses aliases MLflow reserves before sending anything', async () => {
    const ctx = await serverAndClient();
    server = ctx.server;
    const before = server.requests.length;
    for (const alias of ['latest', 'v2', 'my alias']) {
      const error = await pushModelVersion(ctx.client, { modelName: 'm', modelVersionId: 'x', remoteRunId: 'r', artifactPath: 'model', aliases: [alias] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SyncError);
      expect((error as SyncError).kind).toBe('invalid');
    }
    const escaping = await pushModelVersion(ctx.client, { modelName: 'm', modelVersionId: 'x', remoteRunId: 'r', artifactPath: '../model' }).catch((e: unknown) => e);
    expect((escaping as SyncError).message).toContain('..');
    expect(server.requests.length).toBe(before);
  });
});
