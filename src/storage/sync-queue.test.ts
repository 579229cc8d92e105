import { beforeEach, describe, expect, it } from 'vitest';
import { makeWorkspaceDb, resetStorage } from '../test/storage-fixtures';
import type { WorkspaceDb } from './workspace-schema';
import {
  deferSyncItem,
  dueSyncItems,
  enqueueSyncItem,
  failSyncPush,
  finishSyncPush,
  getSyncItem,
  listSyncItems,
  nextSyncAttemptAt,
  removeSyncItem,
  requeueInterruptedSyncItems,
  retryNetworkWaits,
  retrySyncItem,
  saveSyncPushState,
  startSyncPush,
  syncItemId,
  unblockSyncItems,
} from './sync-queue';

beforeEach(resetStorage);

async function queueOf(db: WorkspaceDb, targetId = 'r1', kind: 'run' | 'modelVersion' = 'run', at = 100) {
  return enqueueSyncItem(db, { kind, targetId, label: `label ${targetId}`, sourceUpdatedAt: 10 }, at);
}

describe('sync queue', () => {
  it('queues a target once, whatever the number of calls', async () => {
    const { db } = await makeWorkspaceDb();
    const first = await queueOf(db);
    const again = await queueOf(db, 'r1', 'run', 200);
    expect(again).toEqual(first);
    expect(first).toMatchObject({ id: 'run:r1', kind: 'run', targetId: 'r1', state: 'queued', attempts: 0, nextAttemptAt: 0, pushState: { metricMarks: [], artifacts: [] } });
    expect(await listSyncItems(db)).toHaveLength(1);
  });

  it('queues a pushed item again when its target changed, keeping the push state', async () => {
    const { db } = await makeWorkspaceDb();
    await queueOf(db);
    await startSyncPush(db, 'run:r1');
    const pushState = { remoteRunId: 'abc', metricMarks: [{ key: 'loss', step: 3 }], artifacts: [] };
    await finishSyncPush(db, 'run:r1', { pushState, sourceUpdatedAt: 10, warnings: ['w', 'w'] }, 150);
    expect(await getSyncItem(db, 'run:r1')).toMatchObject({ state: 'done', pushedAt: 150, warnings: ['w'], pushState });
    // Same time: nothing to do. Later time: queued again, state kept.
    expect((await enqueueSyncItem(db, { kind: 'run', targetId: 'r1', label: 'x', sourceUpdatedAt: 10 })).state).toBe('done');
    const requeued = await enqueueSyncItem(db, { kind: 'run', targetId: 'r1', label: 'renamed', sourceUpdatedAt: 11 }, 160);
    expect(requeued).toMatchObject({ state: 'queued', label: 'renamed', sourceUpdatedAt: 11, pushState });
  });

  it('leaves failed and blocked items for a person', async () => {
    const { db } = await makeWorkspaceDb();
    await queueOf(db);
    await startSyncPush(db, 'run:r1');
    await failSyncPush(db, 'run:r1', { state: 'blocked', error: { kind: 'auth', message: 'check the token' } });
    expect((await enqueueSyncItem(db, { kind: 'run', targetId: 'r1', label: 'x', sourceUpdatedAt: 99 })).state).toBe('blocked');
  });

  it('lists due items, runs before model versions, and when the next one is due', async () => {
    const { db } = await makeWorkspaceDb();
    await queueOf(db, 'v1', 'modelVersion', 1);
    await queueOf(db, 'r2', 'run', 3);
    await queueOf(db, 'r1', 'run', 2);
    await startSyncPush(db, 'run:r2');
    await failSyncPush(db, 'run:r2', { state: 'queued', error: { kind: 'server', message: '500' }, nextAttemptAt: 5000 });
    expect((await dueSyncItems(db, 1000)).map((i) => i.id)).toEqual(['run:r1', 'modelVersion:v1']);
    expect((await dueSyncItems(db, 5000)).map((i) => i.id)).toEqual(['run:r1', 'run:r2', 'modelVersion:v1']);
    expect(await nextSyncAttemptAt(db)).toBe(0);
    expect((await getSyncItem(db, 'run:r2'))?.attempts).toBe(1);
  });

  it('takes a queued item once: a second start gets nothing', async () => {
    const { db } = await makeWorkspaceDb();
    await queueOf(db);
    expect((await startSyncPush(db, 'run:r1'))?.state).toBe('pushing');
    expect(await startSyncPush(db, 'run:r1')).toBeUndefined();
    expect(await startSyncPush(db, 'run:missing')).toBeUndefined();
  });

  it('saves the push state as a push goes, and puts items a closed tab left pushing back in the queue', async () => {
    const { db } = await makeWorkspaceDb();
    await queueOf(db);
    await startSyncPush(db, 'run:r1');
    await saveSyncPushState(db, 'run:r1', { remoteRunId: 'abc', metricMarks: [], artifacts: [{ name: 'model/model.json', sha256: 'ff' }] });
    expect(await requeueInterruptedSyncItems(db)).toBe(1);
    expect(await getSyncItem(db, 'run:r1')).toMatchObject({ state: 'queued', pushState: { remoteRunId: 'abc', artifacts: [{ name: 'model/model.json' }] } });
  });

  it('defers without counting an attempt; Retry resets the count; Remove deletes', async () => {
    const { db } = await makeWorkspaceDb();
    await queueOf(db);
    await startSyncPush(db, 'run:r1');
    await deferSyncItem(db, 'run:r1', 777);
    expect(await getSyncItem(db, 'run:r1')).toMatchObject({ state: 'queued', attempts: 0, nextAttemptAt: 777 });
    await startSyncPush(db, 'run:r1');
    await failSyncPush(db, 'run:r1', { state: 'failed', error: { kind: 'invalid', message: 'refused' } });
    expect(await getSyncItem(db, 'run:r1')).toMatchObject({ state: 'failed', attempts: 1, lastError: { kind: 'invalid', message: 'refused' } });
    await retrySyncItem(db, 'run:r1');
    expect(await getSyncItem(db, 'run:r1')).toMatchObject({ state: 'queued', attempts: 0, nextAttemptAt: 0 });
    await expect(retrySyncItem(db, 'run:nope')).rejects.toThrow('does not exist');
    expect(await removeSyncItem(db, 'run:r1')).toBe(true);
    expect(await removeSyncItem(db, 'run:r1')).toBe(false);
  });

  it('unblocks blocked items after new settings, and tries network waits at once when back online', async () => {
    const { db } = await makeWorkspaceDb();
    await queueOf(db, 'a');
    await queueOf(db, 'b');
    await queueOf(db, 'c');
    for (const id of ['run:a', 'run:b', 'run:c']) await startSyncPush(db, id);
    await failSyncPush(db, 'run:a', { state: 'blocked', error: { kind: 'auth', message: '401' } });
    await failSyncPush(db, 'run:b', { state: 'queued', error: { kind: 'network', message: 'down' }, nextAttemptAt: 9e12 });
    await failSyncPush(db, 'run:c', { state: 'queued', error: { kind: 'server', message: '500' }, nextAttemptAt: 9e12 });
    expect(await unblockSyncItems(db, 50)).toBe(1);
    expect(await getSyncItem(db, 'run:a')).toMatchObject({ state: 'queued', attempts: 0 });
    expect(await retryNetworkWaits(db, 50)).toBe(1);
    expect((await getSyncItem(db, 'run:b'))?.nextAttemptAt).toBe(0);
    expect((await getSyncItem(db, 'run:c'))?.nextAttemptAt).toBe(9e12);
  });

  it('names items by kind and target', () => {
    expect(syncItemId('modelVersion', 'v-1')).toBe('modelVersion:v-1');
  });
});
