/**
 * @file Run artifacts: files a run produced (a trained model, its featurizer, a report), stored as a
 * Blob or an ArrayBuffer with their media type, size and SHA-256.
 */
import { createContentHasher, hashBlob } from '../core/ingest/content-hash';
import type { ArtifactRecord } from './records';
import type { WorkspaceDb } from './workspace-schema';

/** Longest artifact name, in characters. */
export const MAX_ARTIFACT_NAME = 200;

/** An artifact to store. */
export interface NewArtifact {
  runId: string;
  /** Unique per run; a path-like name (`model/model.json`). */
  name: string;
  mediaType: string;
  data: Blob | ArrayBuffer;
}

/** An artifact without its bytes, for lists. */
export type ArtifactInfo = Omit<ArtifactRecord, 'data'>;

/**
 * Stores an artifact of an existing run, hashing it first. An artifact of the same run and name is
 * replaced (keeping its id). Returns the stored record.
 */
export async function putArtifact(db: WorkspaceDb, artifact: NewArtifact): Promise<ArtifactRecord> {
  const name = artifact.name.trim();
  if (name.length === 0 || name.length > MAX_ARTIFACT_NAME || /\p{Cc}/u.test(name)) {
    throw new Error(`Artifact name "${name.slice(0, 80)}" is not valid; expected 1 to ${MAX_ARTIFACT_NAME} characters without control characters`);
  }
  const { data } = artifact;
  if (!(data instanceof Blob) && !(data instanceof ArrayBuffer)) throw new Error(`Artifact "${name}" data is not a Blob or an ArrayBuffer`);
  // Hash before the transaction: an IndexedDB transaction commits as soon as it waits on anything else.
  const sha256 = data instanceof Blob ? await hashBlob(data) : await hashBuffer(data);
  const size = data instanceof Blob ? data.size : data.byteLength;
  return db.transaction('rw', db.runs, db.artifacts, async () => {
    if (!(await db.runs.get(artifact.runId))) throw new Error(`Run "${artifact.runId}" does not exist; artifact "${name}" was not stored`);
    const existing = await db.artifacts.where('[runId+name]').equals([artifact.runId, name]).first();
    const record: ArtifactRecord = {
      id: existing?.id ?? crypto.randomUUID(),
      runId: artifact.runId,
      name,
      mediaType: artifact.mediaType,
      size,
      sha256,
      data,
      createdAt: Date.now(),
    };
    await db.artifacts.put(record);
    return record;
  });
}

/** One artifact with its bytes, or `undefined`. */
export async function getArtifact(db: WorkspaceDb, artifactId: string): Promise<ArtifactRecord | undefined> {
  return db.artifacts.get(artifactId);
}

/** The artifact of a run with this name, or `undefined`. */
export async function getArtifactByName(db: WorkspaceDb, runId: string, name: string): Promise<ArtifactRecord | undefined> {
  return db.artifacts.where('[runId+name]').equals([runId, name]).first();
}

/** A run's artifacts without their bytes, by name. */
export async function listArtifacts(db: WorkspaceDb, runId: string): Promise<ArtifactInfo[]> {
  const artifacts = await db.artifacts.where('runId').equals(runId).toArray();
  return artifacts.map(({ data: _data, ...info }) => info).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Deletes one artifact; true when it existed. */
export async function deleteArtifact(db: WorkspaceDb, artifactId: string): Promise<boolean> {
  return db.transaction('rw', db.artifacts, async () => {
    const existed = (await db.artifacts.get(artifactId)) !== undefined;
    await db.artifacts.delete(artifactId);
    return existed;
  });
}

async function hashBuffer(buffer: ArrayBuffer): Promise<string> {
  const hasher = await createContentHasher();
  hasher.update(new Uint8Array(buffer));
  return hasher.digest();
}
