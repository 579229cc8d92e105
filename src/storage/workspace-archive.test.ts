import { Dexie } from 'dexie';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { beforeEach, describe, expect, it } from 'vitest';
import { addTestVersion, makeWorkspaceDb, resetStorage } from '../test/storage-fixtures';
import { getWorkspaceDb } from './connections';
import { listDatasets } from './datasets';
import { beginStagedVersion } from './staged-version';
import { WORKSPACE_DB_PREFIX, WORKSPACE_SCHEMA_VERSION } from './workspace-schema';
import { exportWorkspace, exportWorkspaceStream, importWorkspace } from './workspace-archive';
import { listWorkspaces } from './workspaces';

beforeEach(resetStorage);

/** A workspace with one dataset, a staging version, typed arrays, bytes and nested settings. */
async function sampleWorkspace() {
  const { workspaceId, db } = await makeWorkspaceDb('Lab');
  const { datasetId, versionId } = await addTestVersion(db, { rows: 10, chunkRows: 4 });
  await db.columnChunks.put({
    versionId,
    column: 9,
    index: 0,
    data: { kind: 'bytes', items: [Uint8Array.of(137, 80, 78, 71), null], mediaTypes: ['image/png', ''] },
  });
  await db.settings.bulkPut([
    { key: 'nested', value: { a: [1, { b: 'c', $weird: true }], n: NaN, inf: -Infinity, d: new Date(5), i32: Int32Array.of(-1, 2) } },
    { key: 'buffer', value: new Float64Array([1.5, -2.25]).buffer },
  ]);
  await beginStagedVersion(db, { datasetName: 'x', format: 'csv', sourceName: 'x.csv', sizeBytes: 1 }); // not exported
  return { workspaceId, db, datasetId, versionId };
}

async function exportedEntries(): Promise<Record<string, Uint8Array>> {
  const { workspaceId } = await sampleWorkspace();
  return unzipSync(new Uint8Array(await (await exportWorkspace(workspaceId)).arrayBuffer()));
}

async function expectRejected(entries: Record<string, Uint8Array> | Uint8Array, message: string | RegExp) {
  const before = (await Dexie.getDatabaseNames()).filter((n) => n.startsWith(WORKSPACE_DB_PREFIX)).length;
  const workspaces = (await listWorkspaces()).length;
  const bytes = entries instanceof Uint8Array ? entries : zipSync(entries);
  await expect(importWorkspace(new Blob([bytes as BlobPart]))).rejects.toThrow(message);
  expect((await Dexie.getDatabaseNames()).filter((n) => n.startsWith(WORKSPACE_DB_PREFIX))).toHaveLength(before);
  expect(await listWorkspaces()).toHaveLength(workspaces);
}

const editLine = (text: Uint8Array, edit: (line: string) => string) =>
  strToU8(strFromU8(text).split('\n').map((line, i) => (i === 0 ? edit(line) : line)).join('\n'));

describe('workspace archive', () => {
  it('round-trips a workspace: typed arrays, bytes, nested objects, odd numbers; not staging versions', async () => {
    const { workspaceId, db, datasetId, versionId } = await sampleWorkspace();
    const blob = await exportWorkspace(workspaceId, { appVersion: '0.1.0' });
    const entries = unzipSync(new Uint8Array(await blob.arrayBuffer()));
    const manifest = JSON.parse(strFromU8(entries['manifest.json']));
    expect(manifest).toMatchObject({ format: 'benchtop-workspace', formatVersion: 1, schemaVersion: WORKSPACE_SCHEMA_VERSION, appVersion: '0.1.0', workspaceName: 'Lab' });
    expect(manifest.tables).toMatchObject({ datasets: { rows: 1 }, datasetVersions: { rows: 1 }, columnChunks: { rows: 10 }, settings: { rows: 2 }, runs: { rows: 0 } });

    const imported = await importWorkspace(blob);
    expect(imported.name).toBe('Lab (imported)');
    expect((await importWorkspace(blob)).name).toBe('Lab (imported 2)');
    const copy = getWorkspaceDb(imported.id);
    expect((await listDatasets(copy))[0]).toMatchObject({ dataset: { id: datasetId }, latestVersion: { id: versionId, rows: 10 } });
    expect(await copy.datasetVersions.count()).toBe(1);
    for (const chunk of await db.columnChunks.where('versionId').equals(versionId).toArray()) {
      expect(await copy.columnChunks.get([chunk.versionId, chunk.column, chunk.index])).toEqual(chunk);
    }
    const f64 = await copy.columnChunks.get([versionId, 0, 2]);
    expect(f64?.data.kind === 'f64' && f64.data.values).toBeInstanceOf(Float64Array);
    const dict = await copy.columnChunks.get([versionId, 1, 0]);
    expect(dict?.data.kind === 'dict' && dict.data.codes).toEqual(Int32Array.of(0, 1, 2, 0));
    const bytes = await copy.columnChunks.get([versionId, 9, 0]);
    expect(bytes?.data).toEqual({ kind: 'bytes', items: [Uint8Array.of(137, 80, 78, 71), null], mediaTypes: ['image/png', ''] });
    expect((await copy.settings.get('nested'))?.value).toEqual({ a: [1, { b: 'c', $weird: true }], n: NaN, inf: -Infinity, d: new Date(5), i32: Int32Array.of(-1, 2) });
    expect(new Float64Array((await copy.settings.get('buffer'))?.value as ArrayBuffer)).toEqual(Float64Array.of(1.5, -2.25));
  });

  it('streams the same archive', async () => {
    const { workspaceId } = await sampleWorkspace();
    const streamed = new Uint8Array(await new Response(exportWorkspaceStream(workspaceId)).arrayBuffer());
    expect(Object.keys(unzipSync(streamed)).sort()).toEqual(Object.keys(unzipSync(new Uint8Array(await (await exportWorkspace(workspaceId)).arrayBuffer()))).sort());
  });

  it('keeps the name when no workspace has it', async () => {
    const entries = await exportedEntries();
    const manifest = JSON.parse(strFromU8(entries['manifest.json']));
    entries['manifest.json'] = strToU8(JSON.stringify({ ...manifest, workspaceName: 'Fresh' }));
    expect((await importWorkspace(new Blob([zipSync(entries) as BlobPart]))).name).toBe('Fresh');
  });

  describe('rejects hostile or broken archives, leaving no workspace behind', () => {
    it('missing manifest', async () => {
      const entries = await exportedEntries();
      delete entries['manifest.json'];
      await expectRejected(entries, 'manifest.json is missing');
    });

    it('wrong format, newer versions, bad fields', async () => {
      const entries = await exportedEntries();
      const manifest = JSON.parse(strFromU8(entries['manifest.json']));
      const withManifest = (m: unknown) => ({ ...entries, 'manifest.json': strToU8(JSON.stringify(m)) });
      await expectRejected(withManifest({ ...manifest, format: 'zip-of-cats' }), 'manifest.json has format "zip-of-cats"; expected "benchtop-workspace"');
      await expectRejected(withManifest({ ...manifest, formatVersion: 7 }), 'formatVersion 7 is newer than this app supports (1)');
      await expectRejected(withManifest({ ...manifest, schemaVersion: 99 }), `schemaVersion 99 is newer than this app supports (${WORKSPACE_SCHEMA_VERSION})`);
      await expectRejected(withManifest({ ...manifest, workspaceName: 42 }), /manifest.json is invalid: workspaceName/);
      await expectRejected({ ...entries, 'manifest.json': strToU8('{not json') }, 'manifest.json is not valid JSON');
    });

    it('unknown table', async () => {
      const entries = await exportedEntries();
      const manifest = JSON.parse(strFromU8(entries['manifest.json']));
      await expectRejected({ ...entries, 'manifest.json': strToU8(JSON.stringify({ ...manifest, tables: { ...manifest.tables, x: { rows: 0 } } })) }, "table 'x' is not a Benchtop table");
      await expectRejected({ ...entries, 'tables/evil.jsonl': strToU8('') }, "table 'evil' is not a Benchtop table");
    });

    it('missing $bin reference, and a reference used twice', async () => {
      const entries = await exportedEntries();
      const missing = Object.keys(entries).find((n) => n.startsWith('bin/'));
      if (!missing) throw new Error('no binary entries');
      delete entries[missing];
      await expectRejected(entries, `references ${missing}, which is not in the archive`);
      const again = await exportedEntries();
      const lines = strFromU8(again['tables/columnChunks.jsonl']).trimEnd().split('\n');
      const manifest = JSON.parse(strFromU8(again['manifest.json']));
      manifest.tables.columnChunks.rows++;
      const copy = JSON.parse(lines[0]);
      copy.index = 99;
      again['tables/columnChunks.jsonl'] = strToU8([...lines, JSON.stringify(copy)].join('\n'));
      again['manifest.json'] = strToU8(JSON.stringify(manifest));
      await expectRejected(again, 'a second time');
    });

    it('__proto__ keys, without polluting any prototype', async () => {
      const entries = await exportedEntries();
      await expectRejected(
        { ...entries, 'tables/datasets.jsonl': editLine(entries['tables/datasets.jsonl'], (l) => l.replace(/^\{/, '{"__proto__":{"polluted":true},')) },
        'tables/datasets.jsonl line 1 $ has the forbidden key "__proto__"',
      );
      await expectRejected(
        { ...entries, 'tables/settings.jsonl': editLine(entries['tables/settings.jsonl'], (l) => l.replace('"value":{', '"value":{"constructor":{"prototype":{"polluted":true}},')) },
        'has the forbidden key "constructor"',
      );
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('records of the wrong shape, row counts that disagree, bad markers', async () => {
      const entries = await exportedEntries();
      await expectRejected(
        { ...entries, 'tables/datasets.jsonl': editLine(entries['tables/datasets.jsonl'], (l) => l.replace(/"id":"[^"]*"/, '"id":null')) },
        'tables/datasets.jsonl line 1 has no valid primary key field "id"',
      );
      await expectRejected(
        { ...entries, 'tables/datasetVersions.jsonl': editLine(entries['tables/datasetVersions.jsonl'], (l) => l.replace('"complete":1', '"complete":"yes"')) },
        /does not match the "datasetVersions" record shape: complete/,
      );
      await expectRejected({ ...entries, 'tables/datasets.jsonl': strToU8('') }, 'tables/datasets.jsonl has 0 records; manifest.json says 1');
      await expectRejected(
        { ...entries, 'tables/settings.jsonl': editLine(entries['tables/settings.jsonl'], (l) => l.replace('"value":', '"value":{"$eval":"x"},"v":')) },
        'has the unknown marker "$eval"',
      );
      await expectRejected(
        { ...entries, 'tables/columnChunks.jsonl': editLine(entries['tables/columnChunks.jsonl'], (l) => l.replace('"Float64Array"', '"Function"')) },
        'has binary type "Function"',
      );
    });

    it('truncated or non-zip files', async () => {
      const { workspaceId } = await sampleWorkspace();
      const bytes = new Uint8Array(await (await exportWorkspace(workspaceId)).arrayBuffer());
      await expectRejected(bytes.slice(0, Math.floor(bytes.length / 2)), 'not a readable zip archive (truncated or corrupt)');
      await expectRejected(strToU8('hello, I am a CSV'), 'not a readable zip archive');
    });
  });
});
