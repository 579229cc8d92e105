/**
 * @file Workspaces: a list in the meta database, each with its own database, so deleting a
 * workspace deletes one database and queries inside a workspace need no workspace filter.
 */
import { Dexie } from 'dexie';
import { closeWorkspaceDb, getMetaDb } from './connections';
import { MetaSettingKey, readSetting, writeSetting } from './meta-db';
import type { WorkspaceRecord } from './records';
import { workspaceDbName } from './workspace-schema';
import { syncTokenKey } from './sync-settings';

/** Name given to the workspace created on a first visit. */
export const DEFAULT_WORKSPACE_NAME = 'My workspace';

/** Longest workspace name accepted. */
export const MAX_WORKSPACE_NAME_LENGTH = 100;

/** Trims `name` and checks it is 1 to 100 characters; throws a message naming the problem. */
export function normalizeWorkspaceName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0) throw new Error('Workspace name is empty; expected 1 to 100 characters');
  if (trimmed.length > MAX_WORKSPACE_NAME_LENGTH) {
    throw new Error(`Workspace name has ${trimmed.length} characters; expected at most ${MAX_WORKSPACE_NAME_LENGTH}`);
  }
  return trimmed;
}

/** Every workspace, oldest first. */
export async function listWorkspaces(): Promise<WorkspaceRecord[]> {
  return getMetaDb().workspaces.orderBy('createdAt').toArray();
}

/** One workspace, or `undefined`. */
export async function getWorkspace(id: string): Promise<WorkspaceRecord | undefined> {
  return getMetaDb().workspaces.get(id);
}

/** Creates an empty workspace (its database is created on first use). */
export async function createWorkspace(name: string): Promise<WorkspaceRecord> {
  const now = Date.now();
  const record: WorkspaceRecord = { id: crypto.randomUUID(), name: normalizeWorkspaceName(name), createdAt: now, updatedAt: now };
  await getMetaDb().workspaces.add(record);
  return record;
}

/** Renames a workspace; throws when it does not exist. */
export async function renameWorkspace(id: string, name: string): Promise<WorkspaceRecord> {
  const db = getMetaDb();
  const normalized = normalizeWorkspaceName(name);
  return db.transaction('rw', db.workspaces, async () => {
    const record = await db.workspaces.get(id);
    if (!record) throw new Error(`Workspace "${id}" does not exist`);
    const renamed = { ...record, name: normalized, updatedAt: Date.now() };
    await db.workspaces.put(renamed);
    return renamed;
  });
}

/**
 * Deletes a workspace and its database. When it was the current workspace, the oldest remaining
 * one becomes current (none when it was the last; `ensureDefaultWorkspace` then makes a new one).
 */
export async function deleteWorkspace(id: string): Promise<void> {
  const db = getMetaDb();
  closeWorkspaceDb(id);
  // Other tabs holding the database close it on `versionchange` (Dexie's default), so this does not block.
  await Dexie.delete(workspaceDbName(id));
  await db.transaction('rw', db.workspaces, db.settings, async () => {
    await db.workspaces.delete(id);
    // Its MLflow token lives here, outside the deleted database: it goes with the workspace.
    await db.settings.delete(syncTokenKey(id));
    if ((await readSetting<string>(db.settings, MetaSettingKey.currentWorkspaceId)) === id) {
      const next = await db.workspaces.orderBy('createdAt').first();
      if (next) await writeSetting(db.settings, MetaSettingKey.currentWorkspaceId, next.id);
      else await db.settings.delete(MetaSettingKey.currentWorkspaceId);
    }
  });
}

/** The current workspace, or `undefined` when none is set or it no longer exists. */
export async function getCurrentWorkspace(): Promise<WorkspaceRecord | undefined> {
  const db = getMetaDb();
  const id = await readSetting<string>(db.settings, MetaSettingKey.currentWorkspaceId);
  return id === undefined ? undefined : db.workspaces.get(id);
}

/** Makes workspace `id` current; throws when it does not exist. */
export async function setCurrentWorkspace(id: string): Promise<void> {
  const db = getMetaDb();
  await db.transaction('rw', db.workspaces, db.settings, async () => {
    if (!(await db.workspaces.get(id))) throw new Error(`Workspace "${id}" does not exist`);
    await writeSetting(db.settings, MetaSettingKey.currentWorkspaceId, id);
  });
}

/**
 * Returns the current workspace, repairing the state first: a first visit gets a workspace named
 * "My workspace"; a current id pointing nowhere falls back to the oldest workspace. One
 * read-write transaction, so two tabs opening at once create one default workspace, not two.
 */
export async function ensureDefaultWorkspace(): Promise<WorkspaceRecord> {
  const db = getMetaDb();
  return db.transaction('rw', db.workspaces, db.settings, async () => {
    const id = await readSetting<string>(db.settings, MetaSettingKey.currentWorkspaceId);
    let current = id === undefined ? undefined : await db.workspaces.get(id);
    current ??= await db.workspaces.orderBy('createdAt').first();
    if (!current) {
      const now = Date.now();
      current = { id: crypto.randomUUID(), name: DEFAULT_WORKSPACE_NAME, createdAt: now, updatedAt: now };
      await db.workspaces.add(current);
    }
    if (current.id !== id) await writeSetting(db.settings, MetaSettingKey.currentWorkspaceId, current.id);
    return current;
  });
}

/** `name` if no workspace has it, else `name (2)`, `name (3)`, ... */
export async function uniqueWorkspaceName(name: string): Promise<string> {
  const taken = new Set((await listWorkspaces()).map((w) => w.name));
  if (!taken.has(name)) return name;
  for (let n = 2; ; n++) {
    const candidate = `${name} (${n})`;
    if (!taken.has(candidate)) return candidate;
  }
}
