/**
 * @file Model aliases: a name (`champion`, `challenger`, `staging`...) pointing at one version of a model. Setting
 * an alias held by another version of the same model moves it, in one transaction, so an alias never points at two.
 */
import { ModelRegistryError } from './models';
import type { ModelVersionRecord } from './records';
import type { WorkspaceDb } from './workspace-schema';

/** Longest alias, in characters. */
export const MAX_ALIAS_LENGTH = 64;
/** Most aliases on one version. */
export const MAX_ALIASES = 20;

const ALIAS = /^[a-z][a-z0-9_-]*$/;

/**
 * An alias trimmed and lower-cased, then checked: 1 to `MAX_ALIAS_LENGTH` of `a-z 0-9 _ -`, starting with a letter;
 * `latest` and `v<number>` are reserved (they name versions already).
 */
export function checkAlias(alias: string): string {
  const normalized = alias.trim().toLowerCase();
  if (normalized.length === 0 || normalized.length > MAX_ALIAS_LENGTH || !ALIAS.test(normalized)) {
    throw new ModelRegistryError(`Alias "${alias.slice(0, 80)}" is not valid; expected 1 to ${MAX_ALIAS_LENGTH} characters of a-z, 0-9, _ and -, starting with a letter`);
  }
  if (normalized === 'latest' || /^v\d+$/.test(normalized)) throw new ModelRegistryError(`Alias "${normalized}" is reserved (it names a version already); choose another`);
  return normalized;
}

/** The version or an Error naming it. */
export async function requireModelVersion(db: WorkspaceDb, versionId: string): Promise<ModelVersionRecord> {
  const version = await db.modelVersions.get(versionId);
  if (!version) throw new ModelRegistryError(`Model version "${versionId}" does not exist in this workspace`);
  return version;
}

/** Where an alias was before {@link setModelAlias} moved it. */
export interface AliasMove {
  alias: string;
  /** The version that held it, when another one did. */
  from?: { versionId: string; version: number };
  to: { versionId: string; version: number };
}

/**
 * Points `alias` of `modelId` at `version` inside a running transaction over `modelVersions` (and `models`):
 * removes it from the version of the same model that held it. `version` is written by the caller.
 */
export async function moveAliasInTransaction(db: WorkspaceDb, version: ModelVersionRecord, alias: string): Promise<AliasMove> {
  const holders = (await db.modelVersions.where('aliases').equals(alias).toArray()).filter((v) => v.modelId === version.modelId && v.id !== version.id);
  const now = Date.now();
  for (const holder of holders) await db.modelVersions.put({ ...holder, aliases: holder.aliases.filter((a) => a !== alias), updatedAt: now });
  if (!version.aliases.includes(alias)) {
    if (version.aliases.length >= MAX_ALIASES) throw new ModelRegistryError(`Version ${version.version} has ${version.aliases.length} aliases; at most ${MAX_ALIASES} are allowed`);
    version.aliases = [...version.aliases, alias].sort();
  }
  return {
    alias,
    ...(holders.length ? { from: { versionId: holders[0].id, version: holders[0].version } } : {}),
    to: { versionId: version.id, version: version.version },
  };
}

/** Points `alias` at version `versionId`, moving it from the model's version that held it. */
export async function setModelAlias(db: WorkspaceDb, versionId: string, alias: string): Promise<AliasMove> {
  const checked = checkAlias(alias);
  return db.transaction('rw', db.modelVersions, db.models, async () => {
    const version = { ...(await requireModelVersion(db, versionId)) };
    const move = await moveAliasInTransaction(db, version, checked);
    const now = Date.now();
    await db.modelVersions.put({ ...version, updatedAt: now });
    await db.models.update(version.modelId, { updatedAt: now });
    return move;
  });
}

/** Removes `alias` from version `versionId`; true when it held it. */
export async function removeModelAlias(db: WorkspaceDb, versionId: string, alias: string): Promise<boolean> {
  const normalized = alias.trim().toLowerCase();
  return db.transaction('rw', db.modelVersions, db.models, async () => {
    const version = await requireModelVersion(db, versionId);
    if (!version.aliases.includes(normalized)) return false;
    const now = Date.now();
    await db.modelVersions.put({ ...version, aliases: version.aliases.filter((a) => a !== normalized), updatedAt: now });
    await db.models.update(version.modelId, { updatedAt: now });
    return true;
  });
}

/** The version of `modelId` that `alias` points at, or `undefined`. */
export async function resolveModelAlias(db: WorkspaceDb, modelId: string, alias: string): Promise<ModelVersionRecord | undefined> {
  const normalized = alias.trim().toLowerCase();
  return (await db.modelVersions.where('aliases').equals(normalized).toArray()).find((v) => v.modelId === modelId);
}
