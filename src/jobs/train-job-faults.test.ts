import * as tf from '@tensorflow/tfjs';
import { beforeEach, describe, expect, it } from 'vitest';
import { listArtifacts } from '../storage/artifacts';
import { checkpointEpochs } from '../storage/checkpoints';
import { logsTail } from '../storage/logs';
import { metricKeys, metricSeries } from '../storage/metrics';
import { markInterruptedRuns } from '../storage/run-recovery';
import { requireRun } from '../storage/run-status';
import type { WorkspaceDb } from '../storage/workspace-schema';
import { binaryCsv, importCsv, jobSpec, numericVersion, queueRun } from '../test/jobs-fixtures';
import { makeWorkspaceDb, resetStorage } from '../test/storage-fixtures';
import { createTrainJob, TrainJobAbandoned } from './train-job';

// No progress throttle: the tests act on the first message of an epoch.
const job = createTrainJob({ appVersion: '0.0.0-test', probe: async () => [{ name: 'cpu', ok: true }], progressIntervalMs: 0 });

let workspaceId: string;
let db: WorkspaceDb;

beforeEach(async () => {
  await resetStorage();
  ({ workspaceId, db } = await makeWorkspaceDb());
});

async function allMetrics(runId: string) {
  const keys = await metricKeys(db, runId);
  return Object.fromEntries(await Promise.all(keys.map(async (k) => [k, (await metricSeries(db, runId, k)).map((p) => [p.step, p.value])])));
}

/** Rows of a numeric table: x1, x2 uniform-ish, y = x1 > x2 (two classes), or as `change` edits them. */
function numbers(rows: number, change: (row: { x1: number; x2: number; y: number }, i: number) => void = () => undefined) {
  const table = { x1: [] as number[], x2: [] as number[], y: [] as number[] };
  for (let i = 0; i < rows; i++) {
    const row = { x1: ((i * 37) % 23) / 23, x2: ((i * 53) % 29) / 29, y: 0 };
    row.y = row.x1 > row.x2 ? 1 : 0;
    change(row, i);
    table.x1.push(row.x1);
    table.x2.push(row.x2);
    table.y.push(row.y);
  }
  return table;
}

/** Queues a run over hand-made numbers and runs it; returns the outcome and the stored run. */
async function trainOn(table: Record<string, number[]>, task: 'binary' | 'regression' = 'binary') {
  const version = await numericVersion(db, table);
  const run = await queueRun(db, jobSpec(version, { task, target: 'y', epochs: 2, loss: task === 'regression' ? 'mse' : 'crossentropy' }));
  const outcome = await job.runTrain(workspaceId, run.id, () => undefined);
  return { outcome, run: await requireRun(db, run.id) };
}

describe('canceling and resuming a training run', () => {
  it('cancels mid-run: the run ends canceled, the metrics so far are kept, no model is stored', async () => {
    const version = await importCsv(workspaceId, db, binaryCsv());
    const run = await queueRun(db, jobSpec(version));
    const tensorsBefore = tf.memory().numTensors;
    const outcome = await job.runTrain(workspaceId, run.id, (p) => {
      if (p.status === 'training' && p.epoch === 3) void job.cancel(run.id);
    });
    expect(outcome).toEqual({ status: 'canceled' });
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    const canceled = await requireRun(db, run.id);
    expect(canceled.status).toBe('canceled');
    expect(canceled.endedAt).toBeTypeOf('number');
    expect((await metricSeries(db, run.id, 'val_loss')).map((p) => p.step)).toEqual([1, 2]);
    expect(await listArtifacts(db, run.id)).toEqual([]);
    expect((await logsTail(db, run.id, 1))[0].message).toBe('Canceled');
  });

  it('resumes a run killed mid-training from its checkpoint and ends with the same metrics as an uninterrupted run', async () => {
    const version = await importCsv(workspaceId, db, binaryCsv());
    const reference = await queueRun(db, jobSpec(version));
    await job.runTrain(workspaceId, reference.id, () => undefined);

    const run = await queueRun(db, jobSpec(version));
    // Kill it in epoch 4 (checkpoints after epochs 2, 4, 6): no status change, as a closed tab or dead worker leaves it.
    const killed = job.runTrain(workspaceId, run.id, (p) => {
      if (p.status === 'training' && p.epoch === 4 && p.batch > 0) job.abandon(run.id);
    });
    await expect(killed).rejects.toBeInstanceOf(TrainJobAbandoned);
    expect((await requireRun(db, run.id)).status).toBe('running');
    expect(await checkpointEpochs(db, run.id)).toEqual([2]);
    expect((await metricSeries(db, run.id, 'val_loss')).map((p) => p.step)).toEqual([1, 2, 3]);

    expect(await markInterruptedRuns(db, () => false)).toEqual([run.id]);
    expect((await requireRun(db, run.id)).status).toBe('interrupted');
    expect(await job.runTrain(workspaceId, run.id, () => undefined)).toEqual({ status: 'completed' });
    expect((await logsTail(db, run.id, 100)).map((l) => l.message)).toContain('Resuming from the checkpoint after epoch 2');

    const resumed = await requireRun(db, run.id);
    expect(resumed.summary).toEqual((await requireRun(db, reference.id)).summary);
    expect(await allMetrics(run.id)).toEqual(await allMetrics(reference.id));
  });
});

describe('bad input ends the run failed, with a message naming the problem', () => {
  it('a target with one class', async () => {
    const { outcome, run } = await trainOn(numbers(30, (row) => (row.y = 1)));
    expect(outcome).toEqual({ status: 'failed', error: 'Target column "y" has one class ("1"); need at least two' });
    expect(run).toMatchObject({ status: 'failed', error: { message: outcome.error } });
    expect((await logsTail(db, run.id, 1))[0]).toMatchObject({ level: 'error', message: outcome.error });
  });

  it('a target that is all missing', async () => {
    const { outcome } = await trainOn(numbers(30, (row) => (row.y = Number.NaN)), 'regression');
    expect(outcome.error).toBe('Target column "y" has no values (all 30 rows are missing); choose another target');
  });

  it('an infinite feature value', async () => {
    const { outcome } = await trainOn(numbers(30, (row, i) => i === 7 && (row.x2 = Number.POSITIVE_INFINITY)));
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toMatch(/"x2".*row 8/);
  });

  it('missing (NaN) feature values are imputed, not an error', async () => {
    const { outcome, run } = await trainOn(numbers(40, (row, i) => i % 5 === 0 && (row.x1 = Number.NaN)));
    expect(outcome).toEqual({ status: 'completed' });
    expect(run.summary.find((m) => m.key === 'test_accuracy')).toBeDefined();
  });

  it('no rows left once rows without a target are dropped', async () => {
    const { outcome } = await trainOn(numbers(30, (row, i) => i >= 6 && (row.y = Number.NaN)));
    expect(outcome.error).toBe('Only 6 rows have a target in column "y" (24 missing); need at least 10 to split into train, validation and test');
  });

  it('a spec that does not fit the dataset version', async () => {
    const version = await numericVersion(db, numbers(30));
    const spec = { ...jobSpec(version, { target: 'y' }), data: { ...jobSpec(version, { target: 'y' }).data, features: ['x1', 'price'] } };
    const run = await queueRun(db, spec);
    const outcome = await job.runTrain(workspaceId, run.id, () => undefined);
    expect(outcome.error).toMatch(/data\.features\[1\]: no column "price" in this dataset version/);
  });

  it('refuses to start a run that is not queued or interrupted', async () => {
    const { run } = await trainOn(numbers(30));
    await expect(job.runTrain(workspaceId, run.id, () => undefined)).rejects.toThrow(`Run "${run.id}" is completed; only a queued or interrupted run can start`);
  });
});
