import { Dexie } from 'dexie';
import { beforeEach, describe, expect, it } from 'vitest';
import { addTestVersion, resetStorage } from '../test/storage-fixtures';
import { workspaceDbName } from './workspace-schema';
import { getMetaDb, getWorkspaceDb } from './connections';
import { syncTokenKey, writeSyncToken } from './sync-settings';
import {
  DEFAULT_WORKSPACE_NAME,
  createWorkspace,
  deleteWorkspace,
  ensureDefaultWorkspace,
  getCurrentWorkspace,
  listWorkspaces,
  renameWorkspace,
  setCurrentWorkspace,
} from './workspaces';

beforeEach(resetStorage);

describe('workspaces', () => {
  it('gives a first visit one workspace named "My workspace", and the same one after', async () => {
    const [a, b] = await Promise.all([ensureDefaultWorkspace(), ensureDefaultWorkspace()]);
    expect(a.name).toBe(DEFAULT_WORKSPACE_NAME);
    expect(b.id).toBe(a.id);
    expect(await listWorkspaces()).toHaveLength(1);
    expect((await getCurrentWorkspace())?.id).toBe(a.id);
  });

  it('creates, lists oldest first, renames and switches', async () => {
    const one = await createWorkspace('  One ');
    const two = await createWorkspace('Two');
    expect(one.name).toBe('One');
    expect((await listWorkspaces()).map((w) => w.id)).toEqual([one.id, two.id]);
    const renamed = await renameWorkspace(two.id, 'Second');
    expect(renamed.name).toBe('Second');
    await setCurrentWorkspace(two.id);
    expect((await getCurrentWorkspace())?.name).toBe('Second');
    await expect(setCurrentWorkspace('nope')).rejects.toThrow('Workspace "nope" does not exist');
  });

  it('rejects empty and overlong names', async () => {
    await expect(createWorkspace('   ')).rejects.toThrow('Workspace name is empty');
    await expect(createWorkspace('x'.repeat(101))).rejects.toThrow('101 characters; expected at most 100');
  });

  it('deletes the workspace database and moves "current" to another workspace', async () => {
    const keep = await createWorkspace('Keep');
    const gone = await createWorkspace('Gone');
    await addTestVersion(getWorkspaceDb(gone.id));
    await setCurrentWorkspace(gone.id);
    await writeSyncToken(getMetaDb(), gone.id, 'canary-TOKEN-123');
    await writeSyncToken(getMetaDb(), keep.id, 'kept-token');
    expect(await Dexie.getDatabaseNames()).toContain(workspaceDbName(gone.id));

    await deleteWorkspace(gone.id);

    expect(await getMetaDb().settings.get(syncTokenKey(gone.id))).toBeUndefined();
    expect(await getMetaDb().settings.get(syncTokenKey(keep.id))).toBeDefined();

    expect(await Dexie.getDatabaseNames()).not.toContain(workspaceDbName(gone.id));
    expect((await listWorkspaces()).map((w) => w.id)).toEqual([keep.id]);
    expect((await getCurrentWorkspace())?.id).toBe(keep.id);
  });

  it('makes a new default workspace after the last one is deleted', async () => {
    const only = await ensureDefaultWorkspace();
    await deleteWorkspace(only.id);
    expect(await getCurrentWorkspace()).toBeUndefined();
    const fresh = await ensureDefaultWorkspace();
    expect(fresh.id).not.toBe(only.id);
  });
});
