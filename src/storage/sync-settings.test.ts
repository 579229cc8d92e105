import { unzipSync } from 'fflate';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeWorkspaceDb, resetStorage } from '../test/storage-fixtures';
import { getMetaDb } from './connections';
import { enqueueSyncItem } from './sync-queue';
import { DEFAULT_SYNC_EXPERIMENT, hasSyncToken, readSyncSettings, readSyncToken, SyncSettingKey, syncTokenKey, writeSyncSettings, writeSyncToken } from './sync-settings';
import { exportWorkspace } from './workspace-archive';

const CANARY = 'canary-TOKEN-123';

beforeEach(resetStorage);

describe('sync settings', () => {
  it('has defaults: no URI, the benchtop experiment, auto-sync off', async () => {
    const { db } = await makeWorkspaceDb();
    expect(await readSyncSettings(db)).toEqual({ experimentName: DEFAULT_SYNC_EXPERIMENT, autoSync: false });
  });

  it('stores the URI, experiment and auto-sync, recording when auto-sync was turned on', async () => {
    const { db } = await makeWorkspaceDb();
    const saved = await writeSyncSettings(db, { trackingUri: ' http://localhost:5000 ', experimentName: ' iris ', autoSync: true }, 1000);
    expect(saved).toEqual({ trackingUri: 'http://localhost:5000', experimentName: 'iris', autoSync: true, enabledAt: 1000 });
    // Saving again while on keeps the first time; off then on again records the new time.
    expect((await writeSyncSettings(db, { autoSync: true }, 2000)).enabledAt).toBe(1000);
    await writeSyncSettings(db, { autoSync: false }, 3000);
    expect((await writeSyncSettings(db, { autoSync: true }, 4000)).enabledAt).toBe(4000);
    expect((await writeSyncSettings(db, { trackingUri: '' })).trackingUri).toBeUndefined();
  });

  it('refuses a bad experiment name, naming the length', async () => {
    const { db } = await makeWorkspaceDb();
    await expect(writeSyncSettings(db, { experimentName: '   ' })).rejects.toThrow('Experiment name has 0 characters; expected 1 to 500');
    await expect(writeSyncSettings(db, { experimentName: 'x'.repeat(501) })).rejects.toThrow('501 characters');
  });

  it('keeps the token in the meta database, per workspace, and never in the workspace database', async () => {
    const { db, workspaceId } = await makeWorkspaceDb();
    const other = await makeWorkspaceDb('Other');
    const meta = getMetaDb();
    expect(await hasSyncToken(meta, workspaceId)).toBe(false);
    await writeSyncToken(meta, workspaceId, `  ${CANARY}  `);
    expect(await readSyncToken(meta, workspaceId)).toBe(CANARY);
    expect(await hasSyncToken(meta, workspaceId)).toBe(true);
    expect(await readSyncToken(meta, other.workspaceId)).toBeUndefined();
    expect((await meta.settings.get(syncTokenKey(workspaceId)))?.value).toBe(CANARY);
    const workspaceRows = JSON.stringify(await db.settings.toArray());
    expect(workspaceRows).not.toContain(CANARY);
    await writeSyncToken(meta, workspaceId, '');
    expect(await readSyncToken(meta, workspaceId)).toBeUndefined();
  });

  it('refuses a token with a line break', async () => {
    const { workspaceId } = await makeWorkspaceDb();
    await expect(writeSyncToken(getMetaDb(), workspaceId, 'abc\ndef')).rejects.toThrow('line break');
  });

  it('never exports the token in a workspace archive (canary)', async () => {
    const { db, workspaceId } = await makeWorkspaceDb();
    await writeSyncSettings(db, { trackingUri: 'http://127.0.0.1:5000', autoSync: true });
    await writeSyncToken(getMetaDb(), workspaceId, CANARY);
    await enqueueSyncItem(db, { kind: 'run', targetId: 'r1', label: 'run', sourceUpdatedAt: 1 });
    const zip = new Uint8Array(await (await exportWorkspace(workspaceId)).arrayBuffer());
    const entries = unzipSync(zip);
    const text = Object.values(entries).map((bytes) => new TextDecoder().decode(bytes)).join('\n');
    expect(Object.keys(entries)).toContain('tables/syncQueue.jsonl');
    expect(text).toContain(SyncSettingKey.trackingUri);
    expect(text).not.toContain(CANARY);
    expect(text).not.toContain(btoa(CANARY));
  });
});
