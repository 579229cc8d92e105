import { beforeEach, describe, expect, it } from 'vitest';
import { makeWorkspaceDb, resetStorage } from '../test/storage-fixtures';
import { makeTestRun } from '../test/storage-run-fixtures';
import { checkpointEpochs, latestCheckpoint, saveCheckpoint, type NewCheckpoint } from './checkpoints';
import type { WorkspaceDb } from './workspace-schema';

let db: WorkspaceDb;
let runId: string;
beforeEach(async () => {
  await resetStorage();
  db = (await makeWorkspaceDb()).db;
  runId = (await makeTestRun(db, {}, 'running')).id;
});

const checkpoint = (epoch: number, id = runId): NewCheckpoint => ({
  runId: id,
  epoch,
  step: epoch * 10,
  weights: Float32Array.of(epoch, epoch + 0.5).buffer,
  weightSpecs: [{ name: 'dense/kernel', shape: [2], dtype: 'float32' }],
  optimizerState: Float32Array.of(0.1).buffer,
  optimizerSpecs: [{ name: 'dense/kernel/m', shape: [1], dtype: 'float32' }],
  rngState: [1, 2, 3, epoch, 5],
  metricsSoFar: [{ key: 'loss', value: 1 / (epoch + 1) }],
  earlyStopping: { best: 0.5, bestEpoch: epoch, wait: 0 },
});

describe('checkpoints', () => {
  it('keeps the last two per run and returns the latest', async () => {
    expect(await latestCheckpoint(db, runId)).toBeUndefined();
    const other = (await makeTestRun(db, {}, 'running')).id;
    await saveCheckpoint(db, checkpoint(1, other));
    for (const epoch of [1, 2, 3, 4]) await saveCheckpoint(db, checkpoint(epoch));
    expect(await checkpointEpochs(db, runId)).toEqual([3, 4]);
    expect(await checkpointEpochs(db, other)).toEqual([1]);
    const latest = await latestCheckpoint(db, runId);
    expect(latest).toMatchObject({ epoch: 4, step: 40, rngState: [1, 2, 3, 4, 5], metricsSoFar: [{ key: 'loss', value: 0.2 }] });
    expect(new Float32Array(latest?.weights as ArrayBuffer)).toEqual(Float32Array.of(4, 4.5));
    expect(latest?.optimizerState).toBeInstanceOf(ArrayBuffer);
    expect(latest?.createdAt).toBeGreaterThan(0);
  });

  it('replaces a checkpoint of the same epoch and honours another keep count', async () => {
    await saveCheckpoint(db, checkpoint(2));
    await saveCheckpoint(db, { ...checkpoint(2), step: 21 });
    expect((await latestCheckpoint(db, runId))?.step).toBe(21);
    for (const epoch of [3, 4, 5]) await saveCheckpoint(db, checkpoint(epoch), 3);
    expect(await checkpointEpochs(db, runId)).toEqual([3, 4, 5]);
    await saveCheckpoint(db, checkpoint(6), 1);
    expect(await checkpointEpochs(db, runId)).toEqual([6]);
  });

  it('refuses bad checkpoints and missing runs', async () => {
    await expect(saveCheckpoint(db, checkpoint(-1))).rejects.toThrow(`Checkpoint of run "${runId}" has epoch -1`);
    await expect(saveCheckpoint(db, { ...checkpoint(1), weights: new Float32Array(2) as never })).rejects.toThrow('has no weights ArrayBuffer');
    await expect(saveCheckpoint(db, checkpoint(1, 'gone'))).rejects.toThrow('Run "gone" does not exist; its checkpoint was not saved');
    await expect(saveCheckpoint(db, checkpoint(1), 0)).rejects.toThrow('Checkpoints to keep is 0');
  });
});
