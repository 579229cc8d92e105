import { beforeEach, describe, expect, it } from 'vitest';
import { makeWorkspaceDb, resetStorage } from '../test/storage-fixtures';
import { makeTestRun } from '../test/storage-run-fixtures';
import { deleteArtifact, getArtifact, getArtifactByName, listArtifacts, putArtifact } from './artifacts';
import type { WorkspaceDb } from './workspace-schema';

let db: WorkspaceDb;
let runId: string;
beforeEach(async () => {
  await resetStorage();
  db = (await makeWorkspaceDb()).db;
  runId = (await makeTestRun(db, {}, 'running')).id;
});

/** SHA-256 of "abc". */
const ABC_SHA256 = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';

describe('artifacts', () => {
  it('stores a Blob and an ArrayBuffer with size and SHA-256, and lists them without bytes', async () => {
    const json = await putArtifact(db, { runId, name: 'model/model.json', mediaType: 'application/json', data: new Blob(['abc'], { type: 'application/json' }) });
    expect(json).toMatchObject({ runId, name: 'model/model.json', size: 3, sha256: ABC_SHA256 });
    const weights = await putArtifact(db, { runId, name: 'model/weights.bin', mediaType: 'application/octet-stream', data: new TextEncoder().encode('abc').buffer });
    expect(weights.sha256).toBe(ABC_SHA256);
    const stored = await getArtifact(db, json.id);
    expect(stored?.data).toBeInstanceOf(Blob);
    expect(await (stored?.data as Blob).text()).toBe('abc');
    const buffer = (await getArtifactByName(db, runId, 'model/weights.bin'))?.data;
    expect(buffer).toBeInstanceOf(ArrayBuffer);
    expect(new Uint8Array(buffer as ArrayBuffer)).toEqual(Uint8Array.of(97, 98, 99));
    const list = await listArtifacts(db, runId);
    expect(list.map((a) => a.name)).toEqual(['model/model.json', 'model/weights.bin']);
    expect(list[0]).not.toHaveProperty('data');
    expect(await listArtifacts(db, 'other')).toEqual([]);
  });

  it('replaces an artifact of the same name, keeping its id; deletes one', async () => {
    const first = await putArtifact(db, { runId, name: 'report.txt', mediaType: 'text/plain', data: new Blob(['one']) });
    const second = await putArtifact(db, { runId, name: 'report.txt', mediaType: 'text/plain', data: new Blob(['two!']) });
    expect(second.id).toBe(first.id);
    expect(second.size).toBe(4);
    expect(await db.artifacts.count()).toBe(1);
    expect(await deleteArtifact(db, first.id)).toBe(true);
    expect(await deleteArtifact(db, first.id)).toBe(false);
  });

  it('refuses bad names, bad data and missing runs', async () => {
    const data = new Blob(['x']);
    await expect(putArtifact(db, { runId, name: ' ', mediaType: 'text/plain', data })).rejects.toThrow('Artifact name "" is not valid');
    await expect(putArtifact(db, { runId, name: 'a\nb', mediaType: 'text/plain', data })).rejects.toThrow('without control characters');
    await expect(putArtifact(db, { runId, name: 'a', mediaType: 'text/plain', data: 'text' as never })).rejects.toThrow('Artifact "a" data is not a Blob or an ArrayBuffer');
    await expect(putArtifact(db, { runId: 'gone', name: 'a', mediaType: 'text/plain', data })).rejects.toThrow('Run "gone" does not exist; artifact "a" was not stored');
  });
});
