/**
 * @file The meta database `benchtop`: the list of workspaces and global settings (current
 * workspace, persistence requested). Same append-only version pattern as `workspace-schema.ts`.
 */
import { Dexie, type EntityTable } from 'dexie';
import type { SettingRecord, WorkspaceRecord } from './records';

/** Name of the meta database. */
export const META_DB_NAME = 'benchtop';

/** Keys of global settings in the meta database. */
export const MetaSettingKey = Object.freeze({
  currentWorkspaceId: 'currentWorkspaceId',
  persistenceRequested: 'persistenceRequested',
} as const);

/** The meta database with its tables typed. */
export class MetaDb extends Dexie {
  declare workspaces: EntityTable<WorkspaceRecord, 'id'>;
  declare settings: EntityTable<SettingRecord, 'key'>;

  constructor(name: string = META_DB_NAME) {
    super(name);
    // Every meta schema version ever shipped, in order. Append only.
    this.version(1).stores({ workspaces: 'id, name, createdAt', settings: 'key' });
  }
}

/** Reads a setting of `db` (meta or workspace database); `undefined` when unset. */
export async function readSetting<T>(table: EntityTable<SettingRecord, 'key'>, key: string): Promise<T | undefined> {
  const row = await table.get(key);
  return row?.value as T | undefined;
}

/** Writes a setting (any structured-cloneable value). */
export async function writeSetting(table: EntityTable<SettingRecord, 'key'>, key: string, value: unknown): Promise<void> {
  await table.put({ key, value });
}
