import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadAutoMLModel } from '../core/automl/final-model';
import { AUTOML_MODEL_FILE, type AutoMLJobSpec } from '../protocol/automl';
import type { AutoMLJobProgress } from '../protocol/automl-worker';
import { getArtifact, getArtifactByName } from '../storage/artifacts';
import { createAutoMLRun, getAutoMLRun, listAutoMLTrials } from '../storage/automl-runs';
import type { DatasetVersionRecord } from '../storage/records';
import { transitionRun } from '../storage/run-status';
import type { WorkspaceDb } from '../storage/workspace-schema';
import { checkAutoMLStart } from '../runtime/automl-start';
import { importCsv } from '../test/jobs-fixtures';
import { makeWorkspaceDb, resetStorage } from '../test/storage-fixtures';
import { TEST_ENVIRONMENT } from '../test/storage-run-fixtures';
import { AutoMLJobAbandoned, createAutoMLJob } from './automl-job';
import { loadAutoMLTable, rawValues } from './automl-data';

let db: WorkspaceDb;
let workspaceId: string;

beforeEach(async () => {
  await resetStorage();
  ({ db, workspaceId } = await makeWorkspaceDb());
});

const IRIS = readFileSync('public/datasets/iris.csv', 'utf8');

async function queuedAutoML(version: DatasetVersionRecord, spec: AutoMLJobSpec) {
  const { automl, base } = checkAutoMLStart(version, spec);
  return createAutoMLRun(db, { spec: base, automl, environment: TEST_ENVIRONMENT, name: 'iris automl' });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForTrials(runId: string, count: number): Promise<void> {
  const end = Date.now() + 20_000;
  while (((await getAutoMLRun(db, runId))?.automl.trialsFinished ?? 0) < count) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${count} trials`);
    await sleep(2);
  }
}

describe('AutoML job', () => {
  it('runs a trial budget on iris: trials as children, the best so far, a refit model artifact and its explanation', async () => {
    const version = await importCsv(workspaceId, db, IRIS, 'iris.csv');
    const run = await queuedAutoML(version, { target: 'species', budget: { trials: 6 }, seed: 0 });
    const progress: AutoMLJobProgress[] = [];
    const outcome = await createAutoMLJob({ appVersion: '9.9.9' }).runAutoML(workspaceId, run.id, (p) => progress.push(p));
    expect(outcome).toEqual({ status: 'completed', stoppedBy: 'trials' });

    const parent = await getAutoMLRun(db, run.id);
    expect(parent).toMatchObject({ status: 'completed', environment: { appVersion: '9.9.9' }, progress: { epoch: 6, epochs: 6 } });
    const info = parent?.automl;
    expect(info).toMatchObject({ task: 'multiclass', metric: 'accuracy', classes: ['setosa', 'versicolor', 'virginica'], trialsFinished: 6, stoppedBy: 'trials' });
    expect(info?.phase).toBeUndefined();
    expect(info?.best?.mean).toBeGreaterThan(0.9);
    expect(parent?.summary[0]).toEqual({ key: 'accuracy', value: info?.best?.mean });

    const trials = await listAutoMLTrials(db, run.id);
    expect(trials.map((t) => [t.kind, t.status, t.automlTrial.number, t.trial.number])).toEqual([1, 2, 3, 4, 5, 6].map((n) => ['trial', 'completed', n, n]));
    for (const t of trials) {
      expect(t.spec).toEqual(parent?.spec);
      expect(t.summary).toEqual([
        { key: 'accuracy', value: t.automlTrial.mean },
        { key: 'accuracy_std', value: t.automlTrial.std },
      ]);
      expect(t.automlTrial.foldScores).toHaveLength(5);
    }
    const best = trials.reduce((a, b) => (b.automlTrial.mean > a.automlTrial.mean ? b : a));
    expect(info?.bestTrial).toMatchObject({ trial: best.automlTrial.number, runId: best.id, mean: best.automlTrial.mean });

    // The stored model scores raw rows; the explanation ranks the petal measurements first.
    const artifact = await getArtifactByName(db, run.id, AUTOML_MODEL_FILE);
    expect(artifact?.id).toBe(info?.modelArtifactId);
    expect(parent?.outputs).toContainEqual({ kind: 'artifact', id: artifact?.id });
    const stored = await getArtifact(db, artifact?.id as string);
    const file = JSON.parse(new TextDecoder().decode(stored?.data as ArrayBuffer)) as unknown;
    const model = loadAutoMLModel(file);
    expect(model.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    const table = await loadAutoMLTable(db, version);
    const species = table.columns.find((c) => c.name === 'species')?.values as string[];
    const p = model.predict(table.columns, species.length);
    const correct = species.filter((label, row) => {
      const probs = Array.from(p.subarray(row * 3, row * 3 + 3));
      return model.classes[probs.indexOf(Math.max(...probs))] === label;
    }).length;
    expect(correct / species.length).toBeGreaterThan(0.9);
    const explanation = info?.explanation;
    expect(explanation?.importance.map((i) => i.column).sort()).toEqual(['petal length (cm)', 'petal width (cm)', 'sepal length (cm)', 'sepal width (cm)']);
    expect(['petal length (cm)', 'petal width (cm)']).toContain(explanation?.importance[0].column);
    expect(explanation?.basis).toMatch(/fold 1 \(30 rows/);
    expect(explanation?.partialDependence.length).toBeGreaterThan(0);

    expect(progress.filter((p) => p.status === 'searching')).toHaveLength(6);
    expect(progress.map((p) => p.status)).toEqual(expect.arrayContaining(['reading', 'explaining', 'refitting']));
    expect(progress[progress.length - 1]).toEqual({ status: 'done', outcome: 'completed' });
  });

  it('fails a run whose target has one class, with the message the user reads', async () => {
    const csv = ['x,y', ...Array.from({ length: 20 }, (_, i) => `${i % 4},same`)].join('\n');
    const version = await importCsv(workspaceId, db, csv, 'one-class.csv');
    const run = await queuedAutoML(version, { target: 'y', budget: { trials: 3 } });
    const outcome = await createAutoMLJob({ appVersion: '1' }).runAutoML(workspaceId, run.id, () => undefined);
    expect(outcome.status).toBe('failed');
    const parent = await getAutoMLRun(db, run.id);
    expect(parent?.status).toBe('failed');
    expect(parent?.error?.message).toMatch(/has one class \("same"\) in all 20 rows: there is nothing to learn/);
    expect(parent?.error?.code).toBe('AutoMLInputError:target-one-class');
    expect(await listAutoMLTrials(db, run.id)).toEqual([]);
  });

  it('completes with a message and no model when the time budget is too short for one trial', async () => {
    const version = await importCsv(workspaceId, db, IRIS, 'iris.csv');
    let clock = 0;
    const run = await queuedAutoML(version, { target: 'species', budget: { timeMs: 5 } });
    // A clock that jumps 10 ms per reading: the budget is spent before the first trial starts.
    const outcome = await createAutoMLJob({ appVersion: '1', now: () => (clock += 10) }).runAutoML(workspaceId, run.id, () => undefined);
    expect(outcome.status).toBe('completed');
    const parent = await getAutoMLRun(db, run.id);
    expect(parent?.status).toBe('completed');
    expect(parent?.automl.stoppedBy).toBe('time');
    expect(parent?.automl.message).toMatch(/too short for one trial/);
    expect(parent?.automl.modelArtifactId).toBeUndefined();
    expect(await getArtifactByName(db, run.id, AUTOML_MODEL_FILE)).toBeUndefined();
  });

  it('ends canceled on cancel, keeping the trials that finished', async () => {
    const version = await importCsv(workspaceId, db, IRIS, 'iris.csv');
    const run = await queuedAutoML(version, { target: 'species', budget: { trials: 500 } });
    const job = createAutoMLJob({ appVersion: '1' });
    const done = job.runAutoML(workspaceId, run.id, () => undefined);
    await waitForTrials(run.id, 2);
    await job.cancel(run.id);
    expect(await done).toMatchObject({ status: 'canceled' });
    const parent = await getAutoMLRun(db, run.id);
    expect(parent?.status).toBe('canceled');
    expect(parent?.automl.stoppedBy).toBe('canceled');
    const trials = await listAutoMLTrials(db, run.id);
    expect(trials.length).toBeGreaterThanOrEqual(2);
    expect(trials.length).toBeLessThan(500);
    expect(parent?.automl.trialsFinished).toBe(trials.length);
  });

  it('starts over when an interrupted run is run again, finding the same trials', async () => {
    const version = await importCsv(workspaceId, db, IRIS, 'iris.csv');
    const spec = { target: 'species', budget: { trials: 5 }, seed: 2 };
    const clean = await queuedAutoML(version, spec);
    await createAutoMLJob({ appVersion: '1' }).runAutoML(workspaceId, clean.id, () => undefined);

    const run = await queuedAutoML(version, { ...spec, budget: { trials: 5 } });
    const job = createAutoMLJob({ appVersion: '1' });
    const abandoned = job.runAutoML(workspaceId, run.id, () => undefined);
    await waitForTrials(run.id, 2);
    job.abandon(run.id);
    await expect(abandoned).rejects.toBeInstanceOf(AutoMLJobAbandoned);
    expect((await getAutoMLRun(db, run.id))?.status).toBe('running');
    await transitionRun(db, run.id, 'interrupted');

    expect(await createAutoMLJob({ appVersion: '1' }).runAutoML(workspaceId, run.id, () => undefined)).toMatchObject({ status: 'completed' });
    const strip = (t: Awaited<ReturnType<typeof listAutoMLTrials>>) => t.map(({ automlTrial: { trainMs: _ms, ...rest } }) => rest);
    expect(strip(await listAutoMLTrials(db, run.id))).toEqual(strip(await listAutoMLTrials(db, clean.id)));
  });
});

describe('AutoML table values', () => {
  it('reads numbers, categories and text as cells, missing as null, datetimes as ISO strings', () => {
    expect(rawValues({ kind: 'numeric', values: Float64Array.from([1.5, NaN]) }, false)).toEqual([1.5, null]);
    expect(rawValues({ kind: 'numeric', values: Float64Array.from([Date.UTC(2024, 0, 2), NaN]) }, true)).toEqual(['2024-01-02T00:00:00.000Z', null]);
    expect(rawValues({ kind: 'categorical', codes: Int32Array.from([1, -1, 0]), categories: ['a', 'b'] }, false)).toEqual(['b', null, 'a']);
    expect(rawValues({ kind: 'text', values: ['x y', null] }, false)).toEqual(['x y', null]);
  });
});
