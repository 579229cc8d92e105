/**
 * @file Registered models: names (unique per workspace), descriptions, tags, the list with search, and deletion with
 * every version. Versions are registered in `model-registration.ts`, read and edited in `model-versions.ts`, and
 * named by aliases in `model-aliases.ts`. Every name, tag and text here is untrusted: the UI renders it as text.
 */
import { MAX_TAGS, MAX_TAG_LENGTH } from './runs';
import type { ModelRecord, ModelVersionRecord } from './records';
import type { WorkspaceDb } from './workspace-schema';

/** Longest model name, in characters. */
export const MAX_MODEL_NAME = 200;
/** Longest model description, in characters. */
export const MAX_MODEL_DESCRIPTION = 2_000;

/** An error the user can act on (a name taken, an alias held): the message says what to do. */
export class ModelRegistryError extends Error {
  override name = 'ModelRegistryError';
}

/** A model name trimmed and checked: 1 to `MAX_MODEL_NAME` characters, no control characters. */
export function checkModelName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_MODEL_NAME || /\p{Cc}/u.test(trimmed)) {
    throw new ModelRegistryError(`Model name "${trimmed.slice(0, 80)}" is not valid; expected 1 to ${MAX_MODEL_NAME} characters without control characters`);
  }
  return trimmed;
}

/** Tags trimmed and de-duplicated; each 1 to `MAX_TAG_LENGTH` characters, at most `MAX_TAGS` (as on runs). */
export function checkModelTags(tags: readonly string[]): string[] {
  const unique = [...new Set(tags.map((t) => t.trim()))];
  const bad = unique.find((t) => t.length === 0 || t.length > MAX_TAG_LENGTH || /\p{Cc}/u.test(t));
  if (bad !== undefined) throw new ModelRegistryError(`Tag "${bad.slice(0, 80)}" is not valid; expected 1 to ${MAX_TAG_LENGTH} characters without control characters`);
  if (unique.length > MAX_TAGS) throw new ModelRegistryError(`${unique.length} tags given; at most ${MAX_TAGS} are allowed`);
  return unique;
}

/** A description trimmed; blank gives `undefined`. */
export function checkModelDescription(description: string | undefined): string | undefined {
  const trimmed = description?.trim() ?? '';
  if (trimmed.length > MAX_MODEL_DESCRIPTION) throw new ModelRegistryError(`The description has ${trimmed.length} characters; at most ${MAX_MODEL_DESCRIPTION} are allowed`);
  return trimmed.length === 0 ? undefined : trimmed;
}

/** One model, or `undefined`. */
export async function getModel(db: WorkspaceDb, modelId: string): Promise<ModelRecord | undefined> {
  return db.models.get(modelId);
}

/** The model with this name (trimmed, exact), or `undefined`. */
export async function getModelByName(db: WorkspaceDb, name: string): Promise<ModelRecord | undefined> {
  return db.models.where('name').equals(name.trim()).first();
}

/** The model or an Error naming it. */
export async function requireModel(db: WorkspaceDb, modelId: string): Promise<ModelRecord> {
  const model = await db.models.get(modelId);
  if (!model) throw new ModelRegistryError(`Model "${modelId}" does not exist in this workspace`);
  return model;
}

/** True when the model's name, description or a tag contains `search` (case-insensitive), or `search` is blank. */
export function modelMatches(model: ModelRecord, search: string): boolean {
  const needle = search.trim().toLowerCase();
  if (needle === '') return true;
  return model.name.toLowerCase().includes(needle) || (model.description ?? '').toLowerCase().includes(needle) || model.tags.some((t) => t.toLowerCase().includes(needle));
}

/** One row of the models list. */
export interface ModelListItem {
  model: ModelRecord;
  /** Versions that exist now. */
  versionCount: number;
  /** The highest existing version number; absent when every version was deleted. */
  latestVersion?: number;
  /** Each alias and the version number it points at, by alias. */
  aliases: { alias: string; version: number; versionId: string }[];
}

/**
 * Models whose name, description or a tag contains `search` (case-insensitive; every model when blank), most
 * recently changed first. Works inside `liveQuery`.
 */
export async function listModels(db: WorkspaceDb, search = ''): Promise<ModelListItem[]> {
  const models = (await db.models.orderBy('updatedAt').reverse().toArray()).filter((m) => modelMatches(m, search));
  const versions = await db.modelVersions.where('modelId').anyOf(models.map((m) => m.id)).toArray();
  const byModel = new Map<string, ModelVersionRecord[]>();
  for (const version of versions) byModel.set(version.modelId, [...(byModel.get(version.modelId) ?? []), version]);
  return models.map((model) => {
    const own = byModel.get(model.id) ?? [];
    const aliases = own.flatMap((v) => v.aliases.map((alias) => ({ alias, version: v.version, versionId: v.id })));
    return {
      model,
      versionCount: own.length,
      ...(own.length ? { latestVersion: Math.max(...own.map((v) => v.version)) } : {}),
      aliases: aliases.sort((a, b) => (a.alias < b.alias ? -1 : a.alias > b.alias ? 1 : 0)),
    };
  });
}

/** Renames a model; the new name must be free. */
export async function renameModel(db: WorkspaceDb, modelId: string, name: string): Promise<ModelRecord> {
  const checked = checkModelName(name);
  return db.transaction('rw', db.models, async () => {
    const model = await requireModel(db, modelId);
    const holder = await db.models.where('name').equals(checked).first();
    if (holder && holder.id !== modelId) throw new ModelRegistryError(`A model named "${checked}" already exists; choose another name`);
    const next = { ...model, name: checked, updatedAt: Date.now() };
    await db.models.put(next);
    return next;
  });
}

/** Sets (or, blank, removes) a model's one-line description. */
export async function setModelDescription(db: WorkspaceDb, modelId: string, description: string | undefined): Promise<void> {
  const checked = checkModelDescription(description);
  await db.transaction('rw', db.models, async () => {
    const { description: _old, ...model } = await requireModel(db, modelId);
    await db.models.put({ ...model, ...(checked === undefined ? {} : { description: checked }), updatedAt: Date.now() });
  });
}

/** Replaces a model's tags. */
export async function setModelTags(db: WorkspaceDb, modelId: string, tags: readonly string[]): Promise<void> {
  const checked = checkModelTags(tags);
  await db.transaction('rw', db.models, async () => {
    const model = await requireModel(db, modelId);
    await db.models.put({ ...model, tags: checked, updatedAt: Date.now() });
  });
}

/**
 * Deletes a model with all its versions and their files, and drops the versions from their runs' outputs. Refuses
 * while a version is deployed, and (unless `force`) while a version holds an alias. Returns the deleted version ids.
 */
export async function deleteModel(db: WorkspaceDb, modelId: string, options: { force?: boolean } = {}): Promise<string[]> {
  return db.transaction('rw', [db.models, db.modelVersions, db.modelFiles, db.runs, db.deployments, db.endpoints], async () => {
    const model = await db.models.get(modelId);
    if (!model) return [];
    const versions = await db.modelVersions.where('modelId').equals(modelId).toArray();
    const ids = versions.map((v) => v.id);
    const deployed = await db.deployments.where('modelVersionId').anyOf(ids).toArray();
    if (deployed.length) {
      const version = versions.find((v) => v.id === deployed[0].modelVersionId);
      const endpoint = await db.endpoints.get(deployed[0].endpointId);
      throw new ModelRegistryError(`Version ${version?.version} of "${model.name}" is deployed to endpoint "${endpoint?.name ?? deployed[0].endpointId}"; remove that deployment before deleting the model`);
    }
    const aliased = versions.filter((v) => v.aliases.length > 0);
    if (aliased.length && !options.force) {
      const held = aliased.map((v) => `${v.aliases.join(', ')} → version ${v.version}`).join('; ');
      throw new ModelRegistryError(`Model "${model.name}" has aliases (${held}); confirm to delete it anyway`);
    }
    await db.modelFiles.where('modelVersionId').anyOf(ids).delete();
    await db.modelVersions.bulkDelete(ids);
    await dropRunOutputs(db, versions);
    await db.models.delete(modelId);
    return ids;
  });
}

/** Removes the `modelVersion` lineage refs of `versions` from their source runs' outputs (inside a transaction on runs). */
export async function dropRunOutputs(db: WorkspaceDb, versions: readonly ModelVersionRecord[]): Promise<void> {
  const gone = new Set(versions.map((v) => v.id));
  const runIds = [...new Set(versions.flatMap((v) => (v.sourceRunId === undefined ? [] : [v.sourceRunId])))];
  for (const run of await db.runs.bulkGet(runIds)) {
    if (!run) continue;
    const outputs = run.outputs.filter((ref) => !(ref.kind === 'modelVersion' && gone.has(ref.id)));
    if (outputs.length !== run.outputs.length) await db.runs.put({ ...run, outputs, updatedAt: Date.now() });
  }
}
