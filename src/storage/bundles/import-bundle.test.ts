/**
 * Importing bundles: the round trip run → bundle → fresh workspace → the same records (metrics, logs, artifact bytes),
 * the data carried as CSV becoming a version a re-run can read, a second import skipped with no duplicate, a different
 * run under the same id copied under a new id with a note, data matched by content hash, sweeps with their trials, and
 * model versions (model found by name, a taken version number and alias not taken over).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { makeBundleLab, makeFinishedRun, makeFinishedSweep, registerTestModel, type BundleLab } from '../../test/bundle-fixtures';
import { addTestVersion, makeWorkspaceDb, resetStorage } from '../../test/storage-fixtures';
import { FIXTURE_HASH } from '../../test/train-spec-fixture';
import { saveCheckpoint } from '../checkpoints';
import { readColumn } from '../chunks';
import { listModelVersions } from '../model-versions';
import { getModelByName } from '../models';
import type { ArtifactRecord } from '../records';
import { setRunNotes, renameRun } from '../runs';
import { listTrials, updateSweepInfo } from '../sweeps';
import type { WorkspaceDb } from '../workspace-schema';
import { exportModelVersionBundle, exportRunBundle, exportSweepBundle } from './export-bundle';
import { importBundle } from './import-bundle';
import { describeImportResult } from './import-summary';

beforeEach(resetStorage);

/** The rows a run owns, `runId` and ids left out, Blobs read as bytes: what must survive a round trip. */
async function runRows(db: WorkspaceDb, runId: string) {
  const bytes = async (a: ArtifactRecord) => Array.from(new Uint8Array(a.data instanceof Blob ? await a.data.arrayBuffer() : a.data));
  const artifacts = await db.artifacts.where('runId').equals(runId).toArray();
  return {
    metrics: (await db.metrics.where('runId').equals(runId).toArray()).map(({ runId: _r, ...m }) => m),
    logs: (await db.logs.where('runId').equals(runId).toArray()).map(({ runId: _r, ...l }) => l),
    artifacts: await Promise.all(artifacts.map(async (a) => ({ name: a.name, mediaType: a.mediaType, size: a.size, sha256: a.sha256, type: a.data instanceof Blob ? 'Blob' : 'ArrayBuffer', bytes: await bytes(a) }))),
  };
}

async function freshWorkspace(name = 'Lab B'): Promise<WorkspaceDb> {
  return (await makeWorkspaceDb(name)).db;
}

async function counts(db: WorkspaceDb) {
  return { runs: await db.runs.count(), metrics: await db.metrics.count(), artifacts: await db.artifacts.count(), datasets: await db.datasets.count(), versions: await db.datasetVersions.count(), modelVersions: await db.modelVersions.count() };
}

describe('importing a run bundle', () => {
  it('round-trips a run into a fresh workspace: the same run, metrics, logs and artifact bytes; its data as a new version', async () => {
    const lab = await makeBundleLab();
    const run = await makeFinishedRun(lab, { name: '<img src=x onerror=alert(1)>', tags: ['baseline'], notes: 'first try' });
    const { blob } = await exportRunBundle(lab.db, run.id);
    const b = await freshWorkspace();
    const progress: string[] = [];
    const result = await importBundle(b, blob, { onProgress: (p) => progress.push(p.status) });
    expect(progress).toEqual(['opening', 'checking', 'reading-data', 'writing', 'done']);
    expect(result).toMatchObject({ kind: 'run', root: { kind: 'run', id: run.id }, runs: { imported: 1, copied: 0, skipped: 0 }, datasets: { imported: 1, matched: 0, missing: 0 }, notes: [] });
    expect(describeImportResult(result)).toBe('Imported 1 run and its data.');

    expect(await runRows(b, run.id)).toEqual(await runRows(lab.db, run.id));
    const copy = await b.runs.get(run.id);
    const version = await b.datasetVersions.get(copy?.datasetVersionId ?? '');
    // Bound to the version made from the carried CSV (its own hash); everything else is the run as it was.
    expect(version).toMatchObject({ id: lab.versionId, datasetId: lab.datasetId, format: 'csv', sourceName: 'test.csv', rows: 10, complete: 1 });
    expect(version?.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(version?.contentHash).not.toBe(FIXTURE_HASH);
    const expected = { ...run, contentHash: version?.contentHash, spec: { ...run.spec, data: { ...run.spec.data, contentHash: version?.contentHash } } };
    expect(copy).toEqual(expected);
    expect(copy?.name).toBe('<img src=x onerror=alert(1)>');
    // The imported data reads back cell for cell, and the run's spec names it as Re-run needs (same id and hash).
    const labels: string[] = [];
    for await (const chunk of readColumn(b, lab.versionId, 1)) if (chunk.kind === 'dict') for (const code of chunk.codes) labels.push(code < 0 ? '' : chunk.dictionary[code]);
    expect(labels).toEqual(['r0', 'r1', 'r2', 'r0', 'r1', '', 'r0', 'r1', 'r2', 'r0']);
    expect(copy?.spec.data).toMatchObject({ datasetId: version?.datasetId, versionId: version?.id, contentHash: version?.contentHash });
    expect(version?.columns).toEqual((await lab.db.datasetVersions.get(lab.versionId))?.columns);
    expect(version?.profiles).toEqual((await lab.db.datasetVersions.get(lab.versionId))?.profiles.map((p) => expect.objectContaining({ name: p.name })));
    expect((await b.datasets.get(lab.datasetId))?.name).toBe('Test data');
  });

  it('skips a second import of the same bundle (no duplicate), even after the run was renamed here', async () => {
    const lab = await makeBundleLab();
    const run = await makeFinishedRun(lab);
    const { blob } = await exportRunBundle(lab.db, run.id);
    const b = await freshWorkspace();
    await importBundle(b, blob);
    await renameRun(b, run.id, 'renamed here');
    const before = await counts(b);
    const again = await importBundle(b, blob);
    expect(again).toMatchObject({ runs: { imported: 0, copied: 0, skipped: 1 }, datasets: { imported: 0, matched: 1 } });
    expect(describeImportResult(again)).toBe('Skipped, already here: 1 run. Nothing was duplicated.');
    expect(await counts(b)).toEqual(before);
  });

  it('imports a different run holding the same id as a copy under a new id, with a note', async () => {
    const lab = await makeBundleLab();
    const run = await makeFinishedRun(lab);
    const b = await freshWorkspace();
    await importBundle(b, (await exportRunBundle(lab.db, run.id)).blob);
    // The run moves on in the first workspace (one more metric point), and comes again.
    await lab.db.metrics.add({ runId: run.id, key: 'loss', step: 3, value: 0.1, time: 5000 });
    await setRunNotes(lab.db, run.id, 'went on training');
    const result = await importBundle(b, (await exportRunBundle(lab.db, run.id)).blob);
    expect(result.runs).toEqual({ imported: 1, copied: 1, skipped: 0 });
    expect(result.root.kind === 'run' && result.root.id).not.toBe(run.id);
    expect(describeImportResult(result)).toBe('Imported 1 run (1 as a copy under a new id).');
    expect(result.notes[0]).toMatch(/differs from the run with the same id already here: imported as a copy/);
    const copyId = result.root.kind === 'run' ? result.root.id : '';
    const copy = await b.runs.get(copyId);
    expect(copy?.notes).toMatch(/^went on training\n\nImported from a bundle on \d{4}-\d\d-\d\d as a copy: this workspace already had a different run with id /);
    expect((await runRows(b, copyId)).metrics).toHaveLength(4);
    expect((await runRows(b, run.id)).metrics).toHaveLength(3);
    // Artifact ids are fresh too: nothing of the first import was replaced.
    const ids = (await b.artifacts.toArray()).map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('binds the run to a dataset version already here with the same content, whatever its id', async () => {
    const lab = await makeBundleLab();
    const run = await makeFinishedRun(lab);
    const b = await freshWorkspace();
    const local = await addTestVersion(b, { contentHash: FIXTURE_HASH, datasetName: 'My copy of the data' });
    const result = await importBundle(b, (await exportRunBundle(lab.db, run.id, { includeData: false })).blob);
    expect(result.datasets).toEqual({ imported: 0, matched: 1, missing: 0 });
    expect(await b.runs.get(run.id)).toMatchObject({ datasetId: local.datasetId, datasetVersionId: local.versionId, contentHash: FIXTURE_HASH, spec: { data: { datasetId: local.datasetId, versionId: local.versionId } }, inputs: [{ kind: 'datasetVersion', id: local.versionId }] });
    expect(await b.datasetVersions.count()).toBe(1);
  });

  it('imports runs whose data is neither here nor carried, and says so', async () => {
    const lab = await makeBundleLab();
    const run = await makeFinishedRun(lab);
    const b = await freshWorkspace();
    const result = await importBundle(b, (await exportRunBundle(lab.db, run.id, { includeData: false })).blob);
    expect(result.datasets).toEqual({ imported: 0, matched: 0, missing: 1 });
    expect(result.notes[0]).toMatch(/The data “Test data” \(content ababababab.*\) is not in this workspace or the bundle \(the exporter chose not to include the data\)/);
    expect((await b.runs.get(run.id))?.datasetVersionId).toBe(lab.versionId);
  });

  it('stores nothing when a write fails midway (one transaction)', async () => {
    const lab = await makeBundleLab();
    const run = await makeFinishedRun(lab);
    const b = await freshWorkspace();
    // A stray chunk under the version id the bundle's data will take: the dataset is written, then the chunks fail.
    await b.columnChunks.add({ versionId: lab.versionId, column: 0, index: 0, data: { kind: 'f64', values: Float64Array.of(1) } });
    await expect(importBundle(b, (await exportRunBundle(lab.db, run.id)).blob)).rejects.toThrow(/^Could not import the bundle; nothing was stored: /);
    expect(await counts(b)).toEqual({ runs: 0, metrics: 0, artifacts: 0, datasets: 0, versions: 0, modelVersions: 0 });
    expect(await b.experiments.count()).toBe(0);
  });

  it('restores a carried checkpoint so an interrupted run can resume', async () => {
    const lab = await makeBundleLab();
    const run = await makeFinishedRun(lab, {}, { status: 'interrupted' });
    await saveCheckpoint(lab.db, { runId: run.id, epoch: 3, step: 30, weights: Float32Array.of(1.5, 2).buffer, weightSpecs: [{ name: 'w', shape: [2], dtype: 'float32' }], metricsSoFar: [{ key: 'loss', value: NaN }], trainerState: { history: [Float64Array.of(1, 2)] } });
    const b = await freshWorkspace();
    await importBundle(b, (await exportRunBundle(lab.db, run.id, { includeCheckpoint: true })).blob);
    expect(await b.checkpoints.get([run.id, 3])).toEqual(await lab.db.checkpoints.get([run.id, 3]));
    expect((await b.runs.get(run.id))?.status).toBe('interrupted');
  });
});

describe('importing a sweep bundle', () => {
  it('imports the sweep with its trials, and skips all of them the second time', async () => {
    const lab = await makeBundleLab();
    const { sweep, trials } = await makeFinishedSweep(lab, 2);
    const { blob } = await exportSweepBundle(lab.db, sweep.id);
    const b = await freshWorkspace();
    const result = await importBundle(b, blob);
    expect(result).toMatchObject({ root: { kind: 'sweep', id: sweep.id }, parent: { kind: 'sweep', counts: { imported: 1, copied: 0, skipped: 0 } }, children: { imported: 2, copied: 0, skipped: 0 } });
    expect(describeImportResult(result)).toBe('Imported 1 sweep, 2 trials and its data.');
    expect((await listTrials(b, sweep.id)).map((t) => t.id)).toEqual(trials.map((t) => t.id));
    for (const trial of trials) expect(await runRows(b, trial.id)).toEqual(await runRows(lab.db, trial.id));

    const again = await importBundle(b, blob);
    expect(describeImportResult(again)).toBe('Skipped, already here: 1 sweep, 2 trials. Nothing was duplicated.');
    expect(await b.runs.count()).toBe(3);
  });

  it('copies a changed sweep with all its trials under new ids', async () => {
    const lab = await makeBundleLab();
    const { sweep, trials } = await makeFinishedSweep(lab, 2);
    const b = await freshWorkspace();
    await importBundle(b, (await exportSweepBundle(lab.db, sweep.id)).blob);
    await updateSweepInfo(lab.db, sweep.id, { stopReason: 'max trials reached', best: { runId: trials[0].id, trialNumber: 0, value: 0.4 } });
    const result = await importBundle(b, (await exportSweepBundle(lab.db, sweep.id)).blob);
    expect(result).toMatchObject({ parent: { counts: { imported: 1, copied: 1 } }, children: { imported: 2, copied: 2 } });
    const copyId = result.root.kind === 'sweep' ? result.root.id : '';
    expect(copyId).not.toBe(sweep.id);
    expect(await listTrials(b, copyId)).toHaveLength(2);
    expect(await listTrials(b, sweep.id)).toHaveLength(2);
    // The copy's best trial is the copy of trial 0, not the trial of the first import.
    const best = (await b.runs.get(copyId))?.sweep?.best;
    expect(best?.runId).not.toBe(trials[0].id);
    expect(await b.runs.get(best?.runId ?? '')).toMatchObject({ parentId: copyId, trial: { number: 0 } });
  });

  it('carries an AutoML search (any parent of runs) with its child runs the same way', async () => {
    const lab = await makeBundleLab();
    const search = await makeFinishedRun(lab, { kind: 'automl', name: 'Find a model' });
    const children = [await makeFinishedRun(lab, { parentId: search.id, name: 'candidate 1' }), await makeFinishedRun(lab, { parentId: search.id, name: 'candidate 2', kind: 'trial' }, { weights: 2 })];
    const { blob, manifest } = await exportRunBundle(lab.db, search.id);
    expect(manifest).toMatchObject({ kind: 'sweep', contents: { runs: 3 } });
    const b = await freshWorkspace();
    const result = await importBundle(b, blob);
    expect(describeImportResult(result)).toBe('Imported 1 AutoML search, 2 runs and its data.');
    expect((await b.runs.where('parentId').equals(search.id).toArray()).map((r) => r.id).sort()).toEqual(children.map((c) => c.id).sort());
  });

  it('imports a lone trial of a sweep that is not here as a run of its own', async () => {
    const lab = await makeBundleLab();
    const { trials } = await makeFinishedSweep(lab, 1);
    const b = await freshWorkspace();
    const result = await importBundle(b, (await exportRunBundle(lab.db, trials[0].id)).blob);
    expect(result.notes[0]).toMatch(/belonged to a sweep that is not in this workspace/);
    expect((await b.runs.get(trials[0].id))?.parentId).toBeUndefined();
    expect(describeImportResult(await importBundle(b, (await exportRunBundle(lab.db, trials[0].id)).blob))).toMatch(/^Skipped, already here: 1 run/);
  });
});

describe('importing a model version bundle', () => {
  async function registered(lab: BundleLab) {
    const run = await makeFinishedRun(lab);
    const { model, version } = await registerTestModel(lab, run.id);
    return { run, model, version };
  }

  it('imports the model, its version (files, card, signature, alias) and its source run', async () => {
    const lab = await makeBundleLab();
    const { run, model, version } = await registered(lab);
    const b = await freshWorkspace();
    const result = await importBundle(b, (await exportModelVersionBundle(lab.db, version.id)).blob);
    expect(result).toMatchObject({ root: { kind: 'modelVersion', modelId: model.id, versionId: version.id }, modelVersion: { outcome: 'imported', modelName: 'iris-classifier', version: 1 }, runs: { imported: 1 } });
    expect(describeImportResult(result)).toBe('Imported model version iris-classifier v1, 1 run and its data.');
    const copy = await b.modelVersions.get(version.id);
    expect(copy).toMatchObject({ modelId: model.id, version: 1, aliases: ['champion'], sourceRunId: run.id, card: version.card, signature: version.signature, files: version.files });
    const files = await b.modelFiles.where('modelVersionId').equals(version.id).toArray();
    const weights = files.find((f) => f.name === 'model.weights.bin');
    expect(new Float32Array(weights?.data instanceof Blob ? await weights.data.arrayBuffer() : (weights?.data as ArrayBuffer))).toEqual(Float32Array.of(1, -2));
    expect((await b.runs.get(run.id))?.outputs).toEqual([{ kind: 'modelVersion', id: version.id }]);
    expect((await getModelByName(b, 'iris-classifier'))?.latestVersion).toBe(1);

    const again = await importBundle(b, (await exportModelVersionBundle(lab.db, version.id)).blob);
    expect(describeImportResult(again)).toBe('Skipped, already here: model version iris-classifier v1, 1 run. Nothing was duplicated.');
    expect(await b.modelVersions.count()).toBe(1);
  });

  it('adds the version to a model of the same name here, without taking its version number or alias', async () => {
    const a = await makeBundleLab('Lab A');
    const { version } = await registered(a);
    const b = await makeBundleLab('Lab B');
    const local = await registered(b);
    const result = await importBundle(b.db, (await exportModelVersionBundle(a.db, version.id)).blob);
    expect(result.modelVersion).toEqual({ outcome: 'imported', modelName: 'iris-classifier', version: 2 });
    expect(result.notes).toEqual([
      'Version 1 of “iris-classifier” is taken here by another version: imported as version 2',
      'The alias “champion” already points at version 1 of “iris-classifier” here: left there, not moved',
    ]);
    const versions = await listModelVersions(b.db, local.model.id);
    expect(versions.map((v) => [v.version, v.aliases])).toEqual([
      [2, []],
      [1, ['champion']],
    ]);
    expect(result.datasets).toEqual({ imported: 0, matched: 1, missing: 0 });
  });
});
