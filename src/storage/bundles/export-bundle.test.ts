/**
 * Exporting bundles: the layout of run, sweep and model version bundles, the manifest's sizes and hashes, the views,
 * the data card with its CSV (and without it past the cap or when not wanted), the optional checkpoint, bytes stored
 * once, finished work only, and no setting (a sync token) ever inside.
 */
import { strFromU8 } from 'fflate';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeBundleLab, makeFinishedRun, makeFinishedSweep, registerTestModel, unzipBlob } from '../../test/bundle-fixtures';
import { resetStorage } from '../../test/storage-fixtures';
import { saveCheckpoint } from '../checkpoints';
import { getMetaDb } from '../connections';
import { writeSyncSettings, writeSyncToken } from '../sync-settings';
import { MANIFEST_ENTRY, MAX_BUNDLED_DATA_BYTES, isSafeEntryPath } from './bundle-format';
import { sha256Hex } from './bundle-writer';
import { BundleExportError, bundleFileName, exportModelVersionBundle, exportRunBundle, exportSweepBundle } from './export-bundle';

beforeEach(resetStorage);

const NOW = new Date('2026-11-20T10:00:00Z');

describe('exporting bundles', () => {
  it('writes a run with its spec, metrics (CSV and JSON lines), logs, artifacts, data card, data and lineage', async () => {
    const lab = await makeBundleLab();
    const run = await makeFinishedRun(lab, { name: 'Iris · mlp' });
    const { blob, manifest, fileName } = await exportRunBundle(lab.db, run.id, { appVersion: '9.9.9', now: NOW });
    expect(fileName).toBe('benchtop-run-Iris-mlp-2026-11-20.zip');
    const entries = await unzipBlob(blob);
    expect(Object.keys(entries).sort()).toEqual(
      [
        'datasets/0/card.json',
        'datasets/0/data.csv',
        'experiments.json',
        'lineage.json',
        'manifest.json',
        'runs/0/artifacts.jsonl',
        'runs/0/artifacts/featurizer.json',
        'runs/0/artifacts/model.json',
        'runs/0/artifacts/model.weights.bin',
        'runs/0/artifacts/signature.json',
        'runs/0/logs.jsonl',
        'runs/0/metrics.csv',
        'runs/0/metrics.jsonl',
        'runs/0/run.json',
        'runs/0/spec.json',
      ].sort(),
    );
    expect(manifest).toMatchObject({ format: 'benchtop-bundle', bundleVersion: 1, kind: 'run', appVersion: '9.9.9', createdAt: NOW.toISOString(), title: 'Iris · mlp', contents: { runs: 1, datasets: 1, model: false } });
    expect(JSON.parse(strFromU8(entries[MANIFEST_ENTRY]))).toEqual(manifest);
    for (const entry of manifest.entries) {
      expect(isSafeEntryPath(entry.path)).toBe(true);
      expect(entries[entry.path].byteLength).toBe(entry.size);
      expect(await sha256Hex(entries[entry.path])).toBe(entry.sha256);
    }
    expect(strFromU8(entries['runs/0/metrics.csv'])).toBe('key,step,value,time,split\nloss,1,0.9,1000,train\nloss,2,NaN,1001,train\nval_loss,1,0.5,1002,validation\n');
    expect(strFromU8(entries['runs/0/metrics.jsonl']).split('\n')[1]).toBe('{"key":"loss","step":2,"value":{"$num":"NaN"},"time":1001,"split":"train"}');
    expect(JSON.parse(strFromU8(entries['runs/0/spec.json']))).toEqual(run.spec);
    expect(strFromU8(entries['runs/0/logs.jsonl'])).toContain('<b>not bold</b>');
    expect(new Float32Array(entries['runs/0/artifacts/model.weights.bin'].slice().buffer)).toEqual(Float32Array.of(1, -2));
    const card = JSON.parse(strFromU8(entries['datasets/0/card.json']));
    expect(card).toMatchObject({ datasetId: lab.datasetId, versionId: lab.versionId, name: 'Test data', rows: 10, contentHash: run.contentHash, data: { path: 'datasets/0/data.csv', format: 'csv', bytes: entries['datasets/0/data.csv'].byteLength } });
    expect(card.columns.map((c: { name: string }) => c.name)).toEqual(['n', 'label', 'flag']);
    expect(strFromU8(entries['datasets/0/data.csv']).split('\n').slice(0, 3)).toEqual(['n,label,flag', '0,r0,true', '1,r1,false']);
    const lineage = JSON.parse(strFromU8(entries['lineage.json']));
    expect(lineage.runs[0]).toMatchObject({ id: run.id, data: { versionId: lab.versionId, contentHash: run.contentHash }, inputs: [{ kind: 'datasetVersion', id: lab.versionId }] });
  });

  it('writes a sweep as its parent then every trial by number', async () => {
    const lab = await makeBundleLab();
    const { sweep, trials } = await makeFinishedSweep(lab, 3);
    const { blob, manifest } = await exportSweepBundle(lab.db, sweep.id, { now: NOW });
    expect(manifest).toMatchObject({ kind: 'sweep', title: 'Test sweep', contents: { runs: 4, datasets: 1, model: false } });
    const entries = await unzipBlob(blob);
    const ids = [0, 1, 2, 3].map((i) => JSON.parse(strFromU8(entries[`runs/${i}/run.json`])).id);
    expect(ids).toEqual([sweep.id, ...trials.map((t) => t.id)]);
    // Exporting the sweep's run from the run page gives the same bundle kind.
    expect((await exportRunBundle(lab.db, sweep.id, { now: NOW })).manifest.kind).toBe('sweep');
  });

  it('writes a model version with its files stored once beside its source run, card and signature', async () => {
    const lab = await makeBundleLab();
    const run = await makeFinishedRun(lab);
    const { model, version } = await registerTestModel(lab, run.id);
    const { blob, manifest, fileName } = await exportModelVersionBundle(lab.db, version.id, { now: NOW });
    expect(fileName).toBe('benchtop-model-iris-classifier-v1-2026-11-20.zip');
    expect(manifest).toMatchObject({ kind: 'modelVersion', title: 'iris-classifier v1', contents: { runs: 1, model: true } });
    const entries = await unzipBlob(blob);
    expect(JSON.parse(strFromU8(entries['model/model.json'])).id).toBe(model.id);
    expect(JSON.parse(strFromU8(entries['model/card.json'])).description).toBe('Test model');
    expect(JSON.parse(strFromU8(entries['model/signature.json']))).toEqual(version.signature);
    // The model's files are copies of the run's artifacts: the bytes are stored once and referenced twice.
    expect(Object.keys(entries).filter((p) => p.startsWith('model/files/'))).toEqual([]);
    const files = strFromU8(entries['model/files.jsonl']).trim().split('\n').map((line) => JSON.parse(line));
    expect(files.find((f) => f.name === 'model.weights.bin').data.$bin).toBe('runs/0/artifacts/model.weights.bin');
  });

  it('carries the latest checkpoint only when asked', async () => {
    const lab = await makeBundleLab();
    const run = await makeFinishedRun(lab, {}, { status: 'interrupted' });
    for (const epoch of [1, 2]) {
      await saveCheckpoint(lab.db, { runId: run.id, epoch, step: epoch * 10, weights: Float32Array.of(epoch, 0.5).buffer, weightSpecs: [{ name: 'w', shape: [2], dtype: 'float32' }], metricsSoFar: [], rngState: [1, 2, 3, 4, 5] });
    }
    const without = await unzipBlob((await exportRunBundle(lab.db, run.id)).blob);
    expect(Object.keys(without).some((p) => p.includes('checkpoint'))).toBe(false);
    const withCheckpoint = await unzipBlob((await exportRunBundle(lab.db, run.id, { includeCheckpoint: true })).blob);
    expect(JSON.parse(strFromU8(withCheckpoint['runs/0/checkpoint.json'])).epoch).toBe(2);
    expect(new Float32Array(withCheckpoint['runs/0/checkpoint/000'].slice().buffer)).toEqual(Float32Array.of(2, 0.5));
  });

  it('describes the data without carrying it when asked not to, or when its CSV passes the cap', async () => {
    const lab = await makeBundleLab();
    const run = await makeFinishedRun(lab);
    const unwanted = await unzipBlob((await exportRunBundle(lab.db, run.id, { includeData: false })).blob);
    expect(unwanted['datasets/0/data.csv']).toBeUndefined();
    expect(JSON.parse(strFromU8(unwanted['datasets/0/card.json']))).toMatchObject({ rows: 10, dataOmitted: 'the exporter chose not to include the data' });

    const big = await makeBundleLab('Lab big', 800_000);
    const bigRun = await makeFinishedRun(big);
    const entries = await unzipBlob((await exportRunBundle(big.db, bigRun.id)).blob);
    expect(entries['datasets/0/data.csv']).toBeUndefined();
    const card = JSON.parse(strFromU8(entries['datasets/0/card.json']));
    expect(card.rows).toBe(800_000);
    expect(card.dataOmitted).toMatch(new RegExp(`bundles carry at most ${MAX_BUNDLED_DATA_BYTES} bytes`));
  }, 60_000);

  it('refuses runs and sweeps still queued or running', async () => {
    const lab = await makeBundleLab();
    const running = await makeFinishedRun(lab, {}, { status: 'running' });
    await expect(exportRunBundle(lab.db, running.id)).rejects.toThrow(BundleExportError);
    await expect(exportRunBundle(lab.db, running.id)).rejects.toThrow(/is running; a bundle holds finished work/);
    await expect(exportRunBundle(lab.db, 'nope')).rejects.toThrow('Run "nope" does not exist in this workspace');
  });

  it('never puts a setting (such as an MLflow token) in a bundle', async () => {
    const lab = await makeBundleLab();
    const secret = 'mlflow-token-5ecret-do-not-leak';
    // Where sync keeps it (the meta database), and, to be sure, in the workspace's own settings too.
    await writeSyncToken(getMetaDb(), lab.workspaceId, secret);
    await writeSyncSettings(lab.db, { trackingUri: 'https://mlflow.example' });
    await lab.db.settings.put({ key: 'stray.token', value: { token: secret } });
    const run = await makeFinishedRun(lab);
    const { version } = await registerTestModel(lab, run.id);
    const { sweep } = await makeFinishedSweep(lab);
    for (const { blob } of [await exportRunBundle(lab.db, run.id), await exportSweepBundle(lab.db, sweep.id), await exportModelVersionBundle(lab.db, version.id)]) {
      const raw = new Uint8Array(await blob.arrayBuffer());
      for (const bytes of [raw, ...Object.values(await unzipBlob(blob))]) expect(Buffer.from(bytes).includes(secret)).toBe(false);
    }
  });

  it('names files safely', () => {
    expect(bundleFileName('sweep', '<script>alert(1)</script> ../../x', NOW)).toBe('benchtop-sweep-script-alert-1-script-x-2026-11-20.zip');
    expect(bundleFileName('run', '…', NOW)).toBe('benchtop-run-bundle-2026-11-20.zip');
    expect(bundleFileName('modelVersion', 'iris v2', NOW)).toBe('benchtop-model-iris-v2-2026-11-20.zip');
  });
});
