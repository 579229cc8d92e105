import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeWorkspaceDb, resetStorage } from '../test/storage-fixtures';
import { TEST_ENVIRONMENT, makeTestRun, testTrainSpec } from '../test/storage-run-fixtures';
import { DEFAULT_EXPERIMENT_ID, createExperiment, getExperiment, listExperiments } from './experiments';
import { appendLogs } from './logs';
import { appendMetrics } from './metrics';
import { putArtifact } from './artifacts';
import { saveCheckpoint } from './checkpoints';
import { transitionRun } from './run-status';
import { createRun, deleteRun, getRun, listRuns, renameRun, setRunNotes, setRunTags } from './runs';
import type { WorkspaceDb } from './workspace-schema';

let db: WorkspaceDb;
let clock = 1_000;
beforeEach(async () => {
  await resetStorage();
  db = (await makeWorkspaceDb()).db;
  clock = 1_000;
  vi.spyOn(Date, 'now').mockImplementation(() => ++clock);
});
afterEach(() => vi.restoreAllMocks());

describe('runs', () => {
  it('creates a queued run copying seed and dataset from the spec, in the default experiment', async () => {
    const spec = testTrainSpec({ seed: 42 });
    const run = await createRun(db, { spec, environment: TEST_ENVIRONMENT, tags: [' a ', 'b', 'a'], notes: 'first' });
    expect(run).toMatchObject({
      kind: 'train', status: 'queued', experimentId: DEFAULT_EXPERIMENT_ID, seed: 42, datasetId: 'titanic', datasetVersionId: 'v1',
      contentHash: spec.data.contentHash, inputs: [{ kind: 'datasetVersion', id: 'v1' }], outputs: [], summary: [],
      progress: { epoch: 0, epochs: spec.epochs }, tags: ['a', 'b'], notes: 'first',
    });
    expect(run.name).toMatch(/^mlp [0-9a-f]{8}$/);
    expect(await getRun(db, run.id)).toEqual(run);
    expect((await getExperiment(db, DEFAULT_EXPERIMENT_ID))?.name).toBe('Default');
  });

  it('inherits the experiment of its parent, and refuses a missing parent or experiment', async () => {
    const experiment = await createExperiment(db, ' Tuning ');
    expect(experiment.name).toBe('Tuning');
    expect((await listExperiments(db)).map((e) => e.name)).toEqual(['Tuning']);
    const sweep = await makeTestRun(db, { kind: 'sweep', experimentId: experiment.id });
    const trial = await makeTestRun(db, { kind: 'trial', parentId: sweep.id });
    expect(trial).toMatchObject({ parentId: sweep.id, experimentId: experiment.id });
    await expect(makeTestRun(db, { parentId: 'nope' })).rejects.toThrow('Parent run "nope" does not exist');
    await expect(makeTestRun(db, { experimentId: 'nope' })).rejects.toThrow('Experiment "nope" does not exist');
    await expect(createExperiment(db, '  ')).rejects.toThrow('Experiment name has 0 characters; expected 1 to 200');
    await expect(makeTestRun(db, { kind: 'bogus' as never })).rejects.toThrow('Run kind "bogus" is not one of: train, sweep');
  });

  it('lists runs filtered by status, kind, tag, dataset and parent, newest first', async () => {
    const a = await makeTestRun(db, { tags: ['baseline'] }, 'completed');
    const b = await makeTestRun(db, { spec: testTrainSpec({ datasetId: 'iris', versionId: 'v9' }) }, 'running');
    const sweep = await makeTestRun(db, { kind: 'sweep', tags: ['baseline'] });
    const trial = await makeTestRun(db, { kind: 'trial', parentId: sweep.id }, 'failed');
    const ids = (runs: { id: string }[]) => runs.map((r) => r.id);
    expect(ids(await listRuns(db))).toEqual([trial.id, sweep.id, b.id, a.id]);
    expect(ids(await listRuns(db, {}, { by: 'createdAt', direction: 'asc' }))).toEqual([a.id, b.id, sweep.id, trial.id]);
    expect(ids(await listRuns(db, { status: 'running' }))).toEqual([b.id]);
    expect(ids(await listRuns(db, { status: ['completed', 'failed'] }))).toEqual([trial.id, a.id]);
    expect(ids(await listRuns(db, { kind: 'sweep' }))).toEqual([sweep.id]);
    expect(ids(await listRuns(db, { tag: 'baseline' }))).toEqual([sweep.id, a.id]);
    expect(ids(await listRuns(db, { tag: 'baseline', kind: 'train' }))).toEqual([a.id]);
    expect(ids(await listRuns(db, { datasetId: 'iris' }))).toEqual([b.id]);
    expect(ids(await listRuns(db, { datasetVersionId: 'v1' }))).toEqual([trial.id, sweep.id, a.id]);
    expect(ids(await listRuns(db, { parentId: sweep.id }))).toEqual([trial.id]);
    expect(ids(await listRuns(db, { parentId: null }))).toEqual([sweep.id, b.id, a.id]);
    expect(ids(await listRuns(db, { experimentId: 'other' }))).toEqual([]);
  });

  it('sorts by a summary metric, runs without it (or NaN) last', async () => {
    const runs = [];
    for (const value of [0.3, undefined, 0.1, NaN, 0.2]) {
      const run = await makeTestRun(db, {}, 'running');
      await transitionRun(db, run.id, 'completed', value === undefined ? {} : { summary: [{ key: 'val_loss', value }] });
      runs.push(run.id);
    }
    const asc = await listRuns(db, {}, { by: 'metric', key: 'val_loss', direction: 'asc' });
    expect(asc.map((r) => r.id)).toEqual([runs[2], runs[4], runs[0], runs[3], runs[1]]);
    const desc = await listRuns(db, {}, { by: 'metric', key: 'val_loss' });
    expect(desc.map((r) => r.id)).toEqual([runs[0], runs[4], runs[2], runs[3], runs[1]]);
  });

  it('updates tags, notes and name, validating them', async () => {
    const run = await makeTestRun(db);
    await setRunTags(db, run.id, ['x', ' y ', 'x']);
    expect((await getRun(db, run.id))?.tags).toEqual(['x', 'y']);
    expect((await listRuns(db, { tag: 'y' })).map((r) => r.id)).toEqual([run.id]);
    await expect(setRunTags(db, run.id, ['ok', ''])).rejects.toThrow('Tag "" has 0 characters; expected 1 to 64');
    await expect(setRunTags(db, run.id, Array.from({ length: 51 }, (_, i) => `t${i}`))).rejects.toThrow('A run has 51 tags; at most 50');
    await setRunNotes(db, run.id, 'learning rate too high?');
    expect((await getRun(db, run.id))?.notes).toBe('learning rate too high?');
    await setRunNotes(db, run.id, '   ');
    expect(await getRun(db, run.id)).not.toHaveProperty('notes');
    await expect(setRunNotes(db, run.id, 'x'.repeat(20_001))).rejects.toThrow('Notes have 20001 characters; at most 20000');
    await renameRun(db, run.id, ' Baseline ');
    const renamed = await getRun(db, run.id);
    expect(renamed?.name).toBe('Baseline');
    expect(renamed?.updatedAt).toBeGreaterThan(run.updatedAt);
    await expect(setRunTags(db, 'nope', ['a'])).rejects.toThrow('Run "nope" does not exist');
  });

  it('deletes a run with its children and everything they wrote', async () => {
    const sweep = await makeTestRun(db, { kind: 'sweep' });
    const trial = await makeTestRun(db, { kind: 'trial', parentId: sweep.id }, 'completed');
    const grandchild = await makeTestRun(db, { kind: 'score', parentId: trial.id });
    const other = await makeTestRun(db);
    for (const run of [sweep, trial, grandchild, other]) {
      await appendMetrics(db, [{ runId: run.id, key: 'loss', step: 0, value: 1, time: 1 }]);
      await appendLogs(db, run.id, [{ level: 'info', message: 'hi' }]);
      await putArtifact(db, { runId: run.id, name: 'model.json', mediaType: 'application/json', data: new Blob(['{}']) });
      await saveCheckpoint(db, { runId: run.id, epoch: 1, step: 10, weights: new ArrayBuffer(8), weightSpecs: [], rngState: [1, 2, 3, 4, 5], metricsSoFar: [] });
    }
    expect((await deleteRun(db, sweep.id)).sort()).toEqual([sweep.id, trial.id, grandchild.id].sort());
    expect((await db.runs.toArray()).map((r) => r.id)).toEqual([other.id]);
    for (const table of [db.metrics, db.logs, db.artifacts, db.checkpoints]) {
      expect((await table.toArray()).map((r) => r.runId)).toEqual([other.id]);
    }
    expect(await deleteRun(db, 'nope')).toEqual([]);
  });

  it('refuses to delete a running run, or a parent of one', async () => {
    const sweep = await makeTestRun(db, { kind: 'sweep' });
    const trial = await makeTestRun(db, { kind: 'trial', parentId: sweep.id }, 'running');
    await expect(deleteRun(db, trial.id)).rejects.toThrow(`Run "${trial.id}" is running; cancel it before deleting`);
    await expect(deleteRun(db, sweep.id)).rejects.toThrow(`Run "${sweep.id}" has a child run "${trial.id}" that is running`);
    expect(await db.runs.count()).toBe(2);
  });
});
