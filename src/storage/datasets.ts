/**
 * @file Datasets and their versions. Every query here lists complete versions only: a version
 * being imported (`complete: 0`) is invisible until its commit.
 */
import type { ColumnProfile, ColumnSchema } from '../protocol/dataset';
import { deleteVersionChunks } from './chunks';
import type { DatasetRecord, DatasetVersionRecord } from './records';
import type { WorkspaceDb } from './workspace-schema';

/** A dataset with its newest complete version, for the dataset list. */
export interface DatasetSummary {
  dataset: DatasetRecord;
  /** Absent when every version was deleted. */
  latestVersion?: DatasetVersionRecord;
}

/** Every dataset, most recently changed first, with its latest complete version. Works inside `liveQuery`. */
export async function listDatasets(db: WorkspaceDb): Promise<DatasetSummary[]> {
  const datasets = await db.datasets.orderBy('updatedAt').reverse().toArray();
  const ids = datasets.map((d) => d.latestVersionId).filter((id): id is string => id !== undefined);
  const versions = new Map((await db.datasetVersions.bulkGet(ids)).filter(isComplete).map((v) => [v.id, v]));
  return datasets.map((dataset) => {
    const latestVersion = dataset.latestVersionId === undefined ? undefined : versions.get(dataset.latestVersionId);
    return latestVersion ? { dataset, latestVersion } : { dataset };
  });
}

/** One dataset, or `undefined`. */
export async function getDataset(db: WorkspaceDb, datasetId: string): Promise<DatasetRecord | undefined> {
  return db.datasets.get(datasetId);
}

/** Renames a dataset (trimmed, 1 to 200 characters). */
export async function renameDataset(db: WorkspaceDb, datasetId: string, name: string): Promise<void> {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 200) {
    throw new Error(`Dataset name has ${trimmed.length} characters; expected 1 to 200`);
  }
  await updateDataset(db, datasetId, { name: trimmed });
}

/** Sets (or clears, with `undefined`) the target column; it must be a column of the latest version. */
export async function setDatasetTarget(db: WorkspaceDb, datasetId: string, target: string | undefined): Promise<void> {
  await db.transaction('rw', db.datasets, db.datasetVersions, async () => {
    const dataset = await requireDataset(db, datasetId);
    if (target !== undefined && dataset.latestVersionId !== undefined) {
      const latest = await db.datasetVersions.get(dataset.latestVersionId);
      const names = latest?.columns.map((c) => c.name) ?? [];
      if (latest && !names.includes(target)) {
        throw new Error(`Column "${target}" is not in dataset "${dataset.name}"; expected one of: ${names.join(', ')}`);
      }
    }
    const { target: _old, ...rest } = dataset;
    await db.datasets.put(target === undefined ? { ...rest, updatedAt: Date.now() } : { ...rest, target, updatedAt: Date.now() });
  });
}

/**
 * Deletes a dataset with every version (complete or staging) and every chunk, in one transaction.
 * An import still staging into this dataset then fails at its next write or at commit.
 */
export async function deleteDataset(db: WorkspaceDb, datasetId: string): Promise<void> {
  await db.transaction('rw', db.datasets, db.datasetVersions, db.columnChunks, async () => {
    const versionIds = await db.datasetVersions.where('datasetId').equals(datasetId).primaryKeys();
    for (const versionId of versionIds) await deleteVersionChunks(db, versionId);
    await db.datasetVersions.bulkDelete(versionIds);
    await db.datasets.delete(datasetId);
  });
}

/** The complete versions of a dataset, newest first. */
export async function listVersions(db: WorkspaceDb, datasetId: string): Promise<DatasetVersionRecord[]> {
  const versions = await db.datasetVersions.where('datasetId').equals(datasetId).filter(isComplete).toArray();
  return versions.sort((a, b) => b.createdAt - a.createdAt);
}

/** One complete version, or `undefined` (also for a version still staging). */
export async function getVersion(db: WorkspaceDb, versionId: string): Promise<DatasetVersionRecord | undefined> {
  const version = await db.datasetVersions.get(versionId);
  return version && isComplete(version) ? version : undefined;
}

/** The complete version of a dataset with this content hash (an import of identical bytes), or `undefined`. */
export async function findVersionByHash(db: WorkspaceDb, datasetId: string, contentHash: string): Promise<DatasetVersionRecord | undefined> {
  return db.datasetVersions.where('[datasetId+contentHash]').equals([datasetId, contentHash]).filter(isComplete).first();
}

/**
 * Deletes one version and its chunks; the dataset's `latestVersionId` moves to the newest remaining
 * complete version (or is cleared: the dataset stays, empty, until the user deletes it).
 */
export async function deleteVersion(db: WorkspaceDb, versionId: string): Promise<void> {
  await db.transaction('rw', db.datasets, db.datasetVersions, db.columnChunks, async () => {
    const version = await db.datasetVersions.get(versionId);
    if (!version) return;
    await deleteVersionChunks(db, versionId);
    await db.datasetVersions.delete(versionId);
    const dataset = await db.datasets.get(version.datasetId);
    if (dataset?.latestVersionId === versionId) {
      const next = (await listVersions(db, version.datasetId))[0];
      const { latestVersionId: _old, ...rest } = dataset;
      await db.datasets.put(next ? { ...rest, latestVersionId: next.id, updatedAt: Date.now() } : { ...rest, updatedAt: Date.now() });
    }
  });
}

/**
 * Stores new column types for a version, with the profiles recomputed for them (by the import
 * worker's `retypeColumns`). Columns must keep their names and order.
 */
export async function updateColumnTypes(db: WorkspaceDb, versionId: string, columns: ColumnSchema[], profiles: ColumnProfile[]): Promise<void> {
  await db.transaction('rw', db.datasets, db.datasetVersions, async () => {
    const version = await getVersion(db, versionId);
    if (!version) throw new Error(`Dataset version "${versionId}" does not exist or is not complete`);
    const expected = version.columns.map((c) => c.name);
    const mismatch = (names: string[]) => names.length !== expected.length || names.some((n, i) => n !== expected[i]);
    if (mismatch(columns.map((c) => c.name)) || mismatch(profiles.map((p) => p.name))) {
      throw new Error(`Column types must keep the version's columns in order; expected: ${expected.join(', ')}`);
    }
    await db.datasetVersions.update(versionId, { columns, profiles });
    await db.datasets.update(version.datasetId, { updatedAt: Date.now() });
  });
}

function isComplete(version: DatasetVersionRecord | undefined): version is DatasetVersionRecord {
  return version?.complete === 1;
}

async function requireDataset(db: WorkspaceDb, datasetId: string): Promise<DatasetRecord> {
  const dataset = await db.datasets.get(datasetId);
  if (!dataset) throw new Error(`Dataset "${datasetId}" does not exist`);
  return dataset;
}

async function updateDataset(db: WorkspaceDb, datasetId: string, changes: Partial<Omit<DatasetRecord, 'id'>>): Promise<void> {
  await db.transaction('rw', db.datasets, async () => {
    const dataset = await requireDataset(db, datasetId);
    await db.datasets.put({ ...dataset, ...changes, updatedAt: Date.now() });
  });
}
