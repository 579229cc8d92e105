/**
 * @file Model versions after registration: reading them (by id, number, alias or run), their files, editing their
 * card and tags, and deleting one (asking first when it holds an alias, refused while it is deployed).
 */
import type { ModelCard } from '../protocol/model';
import { requireModelVersion, resolveModelAlias } from './model-aliases';
import { checkModelCard } from './model-registration';
import { ModelRegistryError, checkModelTags, dropRunOutputs } from './models';
import type { ModelFileRecord, ModelRecord, ModelVersionRecord } from './records';
import type { WorkspaceDb } from './workspace-schema';

/** A model's versions, newest (highest number) first. Works inside `liveQuery`. */
export async function listModelVersions(db: WorkspaceDb, modelId: string): Promise<ModelVersionRecord[]> {
  return (await db.modelVersions.where('modelId').equals(modelId).toArray()).sort((a, b) => b.version - a.version);
}

/** One version, or `undefined`. */
export async function getModelVersion(db: WorkspaceDb, versionId: string): Promise<ModelVersionRecord | undefined> {
  return db.modelVersions.get(versionId);
}

/** Version `version` of `modelId`, or `undefined`. */
export async function getModelVersionByNumber(db: WorkspaceDb, modelId: string, version: number): Promise<ModelVersionRecord | undefined> {
  return db.modelVersions.where('[modelId+version]').equals([modelId, version]).first();
}

/** Which version of a model: a number, an alias, or the highest existing number. */
export type ModelVersionSelector = { version: number } | { alias: string } | 'latest';

/**
 * The version of model `modelName` that `selector` names (`iris@champion`, `iris/3`, `iris latest`), with its model;
 * `undefined` when the model or the version does not exist. For endpoints, scoring and sync.
 */
export async function findModelVersion(db: WorkspaceDb, modelName: string, selector: ModelVersionSelector): Promise<{ model: ModelRecord; version: ModelVersionRecord } | undefined> {
  const model = await db.models.where('name').equals(modelName.trim()).first();
  if (!model) return undefined;
  const version =
    selector === 'latest'
      ? (await listModelVersions(db, model.id))[0]
      : 'alias' in selector
        ? await resolveModelAlias(db, model.id, selector.alias)
        : await getModelVersionByNumber(db, model.id, selector.version);
  return version ? { model, version } : undefined;
}

/** The versions registered from run `runId` (its lineage outputs), oldest first. */
export async function modelVersionsOfRun(db: WorkspaceDb, runId: string): Promise<{ model: ModelRecord | undefined; version: ModelVersionRecord }[]> {
  const versions = (await db.modelVersions.where('sourceRunId').equals(runId).toArray()).sort((a, b) => a.createdAt - b.createdAt);
  const models = await db.models.bulkGet(versions.map((v) => v.modelId));
  return versions.map((version, i) => ({ model: models[i], version }));
}

/** One file of a version with its bytes, or `undefined`. */
export async function getModelFile(db: WorkspaceDb, versionId: string, name: string): Promise<ModelFileRecord | undefined> {
  return db.modelFiles.get([versionId, name]);
}

/** Every file of a version with its bytes, in the version's `files` order. */
export async function getModelFiles(db: WorkspaceDb, versionId: string): Promise<ModelFileRecord[]> {
  const version = await requireModelVersion(db, versionId);
  const files = await db.modelFiles.where('modelVersionId').equals(versionId).toArray();
  const order = version.files.map((f) => f.name);
  return files.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
}

/** The bytes of one file; an Error names a missing one. */
export async function readModelFile(db: WorkspaceDb, versionId: string, name: string): Promise<ArrayBuffer> {
  const file = await getModelFile(db, versionId, name);
  if (!file) throw new ModelRegistryError(`Model version "${versionId}" has no file "${name}"`);
  return file.data instanceof Blob ? file.data.arrayBuffer() : file.data;
}

/** Changes fields of a version's card (the others stay); returns the new card. */
export async function updateModelCard(db: WorkspaceDb, versionId: string, changes: Partial<ModelCard>): Promise<ModelCard> {
  return db.transaction('rw', db.modelVersions, db.models, async () => {
    const version = await requireModelVersion(db, versionId);
    const card = checkModelCard({ ...version.card, ...changes });
    const now = Date.now();
    await db.modelVersions.put({ ...version, card, updatedAt: now });
    await db.models.update(version.modelId, { updatedAt: now });
    return card;
  });
}

/** Replaces a version's tags. */
export async function setModelVersionTags(db: WorkspaceDb, versionId: string, tags: readonly string[]): Promise<void> {
  const checked = checkModelTags(tags);
  await db.transaction('rw', db.modelVersions, async () => {
    const version = await requireModelVersion(db, versionId);
    await db.modelVersions.put({ ...version, tags: checked, updatedAt: Date.now() });
  });
}

/** Thrown by {@link deleteModelVersion} without `force` when the version holds aliases: the UI asks, then forces. */
export class ModelVersionAliasedError extends ModelRegistryError {
  override name = 'ModelVersionAliasedError';
  constructor(
    readonly versionId: string,
    readonly aliases: readonly string[],
    version: number,
  ) {
    super(`Version ${version} holds the alias${aliases.length === 1 ? '' : 'es'} ${aliases.join(', ')}; confirm to delete it anyway (the alias${aliases.length === 1 ? '' : 'es'} will point nowhere)`);
  }
}

/**
 * Deletes a version and its files, and drops it from its run's outputs; the model stays (and keeps its numbering).
 * Refused while an endpoint deploys it; without `force`, refused with {@link ModelVersionAliasedError} while it holds
 * an alias. Returns false when the version did not exist.
 */
export async function deleteModelVersion(db: WorkspaceDb, versionId: string, options: { force?: boolean } = {}): Promise<boolean> {
  return db.transaction('rw', [db.models, db.modelVersions, db.modelFiles, db.runs, db.deployments, db.endpoints], async () => {
    const version = await db.modelVersions.get(versionId);
    if (!version) return false;
    const deployment = await db.deployments.where('modelVersionId').equals(versionId).first();
    if (deployment) {
      const endpoint = await db.endpoints.get(deployment.endpointId);
      throw new ModelRegistryError(`Version ${version.version} is deployed to endpoint "${endpoint?.name ?? deployment.endpointId}"; remove that deployment before deleting it`);
    }
    if (version.aliases.length > 0 && !options.force) throw new ModelVersionAliasedError(version.id, version.aliases, version.version);
    await db.modelFiles.where('modelVersionId').equals(versionId).delete();
    await db.modelVersions.delete(versionId);
    await dropRunOutputs(db, [version]);
    await db.models.update(version.modelId, { updatedAt: Date.now() });
    return true;
  });
}
