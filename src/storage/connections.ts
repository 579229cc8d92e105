/**
 * @file One open connection per database and per JavaScript realm (page or worker): the meta
 * database and each workspace database opened so far. Repositories take a `WorkspaceDb`
 * argument; services get it from here.
 */
import { MetaDb } from './meta-db';
import { openWorkspaceDb, type WorkspaceDb } from './workspace-schema';

let meta: MetaDb | undefined;
const workspaces = new Map<string, WorkspaceDb>();

/** The meta database, opened on first use. */
export function getMetaDb(): MetaDb {
  meta ??= new MetaDb();
  return meta;
}

/** The database of workspace `workspaceId`, opened on first use. Does not check that the workspace exists. */
export function getWorkspaceDb(workspaceId: string): WorkspaceDb {
  let db = workspaces.get(workspaceId);
  if (!db) {
    db = openWorkspaceDb(workspaceId);
    workspaces.set(workspaceId, db);
  }
  return db;
}

/** Closes and forgets the cached connection to one workspace database (before deleting it). */
export function closeWorkspaceDb(workspaceId: string): void {
  workspaces.get(workspaceId)?.close();
  workspaces.delete(workspaceId);
}

/** Closes every cached connection (tests, and a workspace reset). */
export function closeAllConnections(): void {
  for (const db of workspaces.values()) db.close();
  workspaces.clear();
  meta?.close();
  meta = undefined;
}
