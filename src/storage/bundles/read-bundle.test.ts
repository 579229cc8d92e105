/**
 * Hostile and damaged bundles: each is refused with a message naming the problem, and nothing of it is stored. Paths
 * that escape (`..`, absolute, backslashes) or carry markup, zip bombs (declared huge, packed too tightly, or lying
 * about their size), invalid or foreign manifests, `__proto__` keys, deep nesting, entries the manifest does not list,
 * altered bytes, altered views, records that lie about their bytes, and data that does not match its card.
 */
import { strFromU8, strToU8, zipSync } from 'fflate';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeBundleLab, makeFinishedRun, unzipBlob, zipBlob } from '../../test/bundle-fixtures';
import { makeWorkspaceDb, resetStorage } from '../../test/storage-fixtures';
import { exportWorkspace } from '../workspace-archive';
import type { WorkspaceDb } from '../workspace-schema';
import { sha256Hex } from './bundle-writer';
import { exportRunBundle } from './export-bundle';
import { BundleImportError, importBundle } from './import-bundle';

beforeEach(resetStorage);

type Entries = Record<string, Uint8Array>;

/** A real run bundle and its entries. */
async function goodBundle(): Promise<{ blob: Blob; entries: Entries; workspaceId: string }> {
  const lab = await makeBundleLab();
  const run = await makeFinishedRun(lab);
  const { blob } = await exportRunBundle(lab.db, run.id);
  return { blob, entries: await unzipBlob(blob), workspaceId: lab.workspaceId };
}

/** The entries changed by `change`, zipped again with a manifest listing their true sizes and hashes. */
async function rehashed(entries: Entries, change: (entries: Entries) => void): Promise<Blob> {
  const copy: Entries = { ...entries };
  change(copy);
  const manifest = JSON.parse(strFromU8(copy['manifest.json']));
  const paths = Object.keys(copy).filter((p) => p !== 'manifest.json');
  manifest.entries = await Promise.all(paths.map(async (path) => ({ path, size: copy[path].byteLength, sha256: await sha256Hex(copy[path]) })));
  copy['manifest.json'] = strToU8(JSON.stringify(manifest));
  return zipBlob(copy);
}

/** A zip whose central directory says entry `name` unpacks to `size` bytes. */
function withDeclaredSize(entries: Entries, name: string, size: number): Blob {
  const zip = zipSync(entries);
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const encoded = strToU8(name);
  for (let at = 0; at + 46 < zip.length; at++) {
    if (view.getUint32(at, true) !== 0x02014b50) continue;
    const nameLength = view.getUint16(at + 28, true);
    if (nameLength === encoded.length && encoded.every((b, i) => zip[at + 46 + i] === b)) {
      view.setUint32(at + 24, size, true);
      return new Blob([zip as Uint8Array<ArrayBuffer>]);
    }
  }
  throw new Error(`no entry ${name}`);
}

/** Imports `file` into a fresh workspace: expects a refusal matching `message`, and nothing stored. */
async function expectRefused(file: Blob, message: RegExp | string): Promise<string> {
  const { db } = await makeWorkspaceDb('Target');
  const before = await snapshot(db);
  const error = await importBundle(db, file).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(BundleImportError);
  expect((error as Error).message).toMatch(message);
  expect(await snapshot(db)).toEqual(before);
  return (error as Error).message;
}

async function snapshot(db: WorkspaceDb): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of db.tables) out[table.name] = await table.count();
  return out;
}

const json = (entries: Entries, path: string) => JSON.parse(strFromU8(entries[path]));
const text = (value: unknown) => strToU8(JSON.stringify(value));

describe('hostile bundles', () => {
  it('imports the untouched bundle (the control)', async () => {
    const { blob } = await goodBundle();
    const { db } = await makeWorkspaceDb('Target');
    await expect(importBundle(db, blob)).resolves.toMatchObject({ runs: { imported: 1 } });
  });

  it('refuses entries whose paths escape or carry markup', async () => {
    const { entries } = await goodBundle();
    for (const path of ['../escape.txt', 'runs/../../escape.txt', '/etc/passwd', 'runs\\0\\evil.json', '<img src=x onerror=alert(1)>.json', 'runs/0/.hidden']) {
      await expectRefused(zipBlob({ ...entries, [path]: strToU8('x') }), `The bundle has an entry with an unsafe path, ${JSON.stringify(path)}`);
    }
  });

  it('refuses zip bombs before inflating them', async () => {
    const { entries } = await goodBundle();
    await expectRefused(withDeclaredSize(entries, 'runs/0/metrics.csv', 3_000_000_000), /runs\/0\/metrics\.csv unpacks to 3000000000 bytes; at most \d+ are accepted/);
    const zeros = new Uint8Array(40 * 1024 * 1024);
    await expectRefused(zipBlob({ ...entries, 'runs/0/artifacts/zeros.bin': zeros }), /runs\/0\/artifacts\/zeros\.bin unpacks to 41943040 bytes from \d+: a zip bomb, not a bundle; refused unread/);
  });

  it('refuses an entry whose header lies about its size', async () => {
    const { entries } = await goodBundle();
    const path = 'runs/0/metrics.jsonl';
    await expectRefused(withDeclaredSize(entries, path, entries[path].byteLength - 5), `${path} unpacks to ${entries[path].byteLength - 5} bytes; manifest.json says ${entries[path].byteLength}`);
    // The manifest agreeing with the lie does not help: the bytes come out truncated and fail their hash.
    const manifest = json(entries, 'manifest.json');
    manifest.entries.find((e: { path: string }) => e.path === path).size -= 5;
    await expectRefused(withDeclaredSize({ ...entries, 'manifest.json': text(manifest) }, path, entries[path].byteLength - 5), `${path} does not match its SHA-256 in manifest.json`);
  });

  it('refuses what is not a bundle: not a zip, no manifest, invalid manifest, a workspace archive, a newer format', async () => {
    const { entries } = await goodBundle();
    await expectRefused(new Blob(['just some text, not a zip']), /not a readable zip archive/);
    const { 'manifest.json': _m, ...rest } = entries;
    await expectRefused(zipBlob(rest), 'manifest.json is missing: this is not a Benchtop bundle');
    await expectRefused(zipBlob({ ...entries, 'manifest.json': strToU8('{"format": "benchtop-bundle",') }), /^manifest\.json is not valid JSON/);
    await expectRefused(zipBlob({ ...entries, 'manifest.json': text({ format: 'benchtop-bundle', bundleVersion: 1 }) }), /^manifest\.json is invalid: kind: Invalid key: Expected "kind"/);
    await expectRefused(zipBlob({ ...entries, 'manifest.json': text({ ...json(entries, 'manifest.json'), bundleVersion: 7 }) }), 'bundleVersion 7 is newer than this app reads (1); update Benchtop to import it');
    await expectRefused(zipBlob({ ...entries, 'manifest.json': text({ ...json(entries, 'manifest.json'), kind: 'sweep', contents: { runs: 1, datasets: 1, model: true } }) }), /A sweep bundle holds its sweep, trials and no model/);
    const lab = await makeBundleLab('Whole');
    await expectRefused(await exportWorkspace(lab.workspaceId), 'This file is a whole-workspace archive, not a bundle; import it from Settings → Import workspace');
  });

  it('refuses __proto__ keys and deep nesting, even with a manifest that lists them', async () => {
    const { entries } = await goodBundle();
    await expectRefused(
      await rehashed(entries, (e) => {
        e['runs/0/run.json'] = strToU8(strFromU8(e['runs/0/run.json']).replace('"tags": [', '"__proto__": {"isAdmin": true}, "tags": ['));
      }),
      'runs/0/run.json: $ has the forbidden key "__proto__"',
    );
    await expectRefused(
      await rehashed(entries, (e) => {
        e['runs/0/logs.jsonl'] = strToU8(`${'['.repeat(100_000)}${']'.repeat(100_000)}\n`);
      }),
      'runs/0/logs.jsonl line 1 is nested more than 64 levels deep; a bundle never is',
    );
    await expectRefused(zipBlob({ ...entries, 'manifest.json': strToU8(JSON.stringify(json(entries, 'manifest.json')).replace('{', '{"constructor": {"prototype": 1},')) }), /manifest\.json: \$ has the forbidden key "constructor"/);
  });

  it('refuses entries the manifest does not list, and entries nothing refers to', async () => {
    const { entries } = await goodBundle();
    await expectRefused(zipBlob({ ...entries, 'runs/0/artifacts/extra.bin': strToU8('extra') }), 'runs/0/artifacts/extra.bin is in the bundle but not in manifest.json');
    await expectRefused(
      await rehashed(entries, (e) => {
        e['runs/0/artifacts/extra.bin'] = strToU8('extra');
      }),
      'runs/0/artifacts/extra.bin is in the bundle, but nothing in it refers to that entry',
    );
    await expectRefused(
      await rehashed(entries, (e) => {
        delete e['runs/0/logs.jsonl'];
      }),
      "runs/0/logs.jsonl is missing, though manifest.json's contents need it",
    );
  });

  it('refuses altered bytes, altered views, and records that lie about their bytes', async () => {
    const { entries } = await goodBundle();
    const metrics = strFromU8(entries['runs/0/metrics.jsonl']).replace('"value":0.9', '"value":0.1');
    await expectRefused(zipBlob({ ...entries, 'runs/0/metrics.jsonl': strToU8(metrics) }), 'runs/0/metrics.jsonl does not match its SHA-256 in manifest.json: the bundle is damaged or was altered');
    await expectRefused(
      await rehashed(entries, (e) => {
        e['runs/0/metrics.jsonl'] = strToU8(metrics);
      }),
      'runs/0/metrics.csv does not match runs/0/metrics.jsonl: the bundle was altered',
    );
    await expectRefused(
      await rehashed(entries, (e) => {
        e['runs/0/artifacts/model.weights.bin'] = new Uint8Array(Float32Array.of(666, -2).buffer);
      }),
      /runs\/0\/artifacts\.jsonl line \d says SHA-256 [0-9a-f]{12}…; its data has [0-9a-f]{12}…/,
    );
  });

  it('refuses records of the wrong shape or state', async () => {
    const { entries } = await goodBundle();
    const run = json(entries, 'runs/0/run.json');
    await expectRefused(await rehashed(entries, (e) => (e['runs/0/run.json'] = text({ ...run, kind: 'bogus' }))), /runs\/0\/run\.json does not match the "runs" record shape: kind: Invalid type/);
    await expectRefused(await rehashed(entries, (e) => (e['runs/0/run.json'] = text({ ...run, status: 'running' }))), 'runs/0/run.json is running; a bundle holds finished or interrupted runs only');
    await expectRefused(await rehashed(entries, (e) => (e['runs/0/run.json'] = text({ ...run, datasetVersionId: 'elsewhere' }))), 'runs/0/run.json reads dataset version "elsewhere", which no data card in the bundle describes');
  });

  it('refuses carried data that does not read as its card declares', async () => {
    const { entries } = await goodBundle();
    const csv = strToU8(strFromU8(entries['datasets/0/data.csv']).replace(/^n,/, 'm,'));
    const sha256 = await sha256Hex(csv);
    const blob = await rehashed(entries, (e) => {
      e['datasets/0/data.csv'] = csv;
      const card = json(e, 'datasets/0/card.json');
      card.data = { ...card.data, sha256, bytes: csv.byteLength };
      e['datasets/0/card.json'] = strToU8(`${JSON.stringify(card, null, 2)}\n`);
      const lineage = json(e, 'lineage.json');
      lineage.datasets[0].csvSha256 = sha256;
      e['lineage.json'] = strToU8(`${JSON.stringify(lineage, null, 2)}\n`);
    });
    await expectRefused(blob, 'datasets/0/data.csv column 1 reads as "m" (integer); its card declares "n" (integer)');
  });
});
