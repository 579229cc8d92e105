/**
 * @file Training checkpoints: weights, optimizer state, RNG state and metrics after an epoch, so an
 * interrupted run resumes where it stopped. Only the newest few per run are kept.
 */
import { Dexie } from 'dexie';
import type { CheckpointRecord } from './records';
import type { WorkspaceDb } from './workspace-schema';

/** Checkpoints kept per run: the newest one, and the one before in case the newest is unusable. */
export const CHECKPOINTS_KEPT = 2;

/** A checkpoint to save; `createdAt` is now by default. */
export type NewCheckpoint = Omit<CheckpointRecord, 'createdAt'> & { createdAt?: number };

/**
 * Saves a checkpoint of an existing run (replacing one of the same epoch) and deletes all but the
 * newest `keep` by epoch, in one transaction: a crash mid-save leaves the previous ones intact.
 */
export async function saveCheckpoint(db: WorkspaceDb, checkpoint: NewCheckpoint, keep: number = CHECKPOINTS_KEPT): Promise<void> {
  if (!Number.isInteger(keep) || keep < 1) throw new RangeError(`Checkpoints to keep is ${keep}; expected an integer ≥ 1`);
  const { runId, epoch } = checkpoint;
  if (!Number.isSafeInteger(epoch) || epoch < 0) throw new Error(`Checkpoint of run "${runId}" has epoch ${epoch}; expected an integer ≥ 0`);
  if (!(checkpoint.weights instanceof ArrayBuffer)) throw new Error(`Checkpoint of run "${runId}" at epoch ${epoch} has no weights ArrayBuffer`);
  const record: CheckpointRecord = { ...checkpoint, createdAt: checkpoint.createdAt ?? Date.now() };
  await db.transaction('rw', db.runs, db.checkpoints, async () => {
    if (!(await db.runs.get(runId))) throw new Error(`Run "${runId}" does not exist; its checkpoint was not saved`);
    await db.checkpoints.put(record);
    const epochs = await checkpointEpochs(db, runId);
    const stale = epochs.slice(0, Math.max(0, epochs.length - keep));
    await db.checkpoints.bulkDelete(stale.map((e): [string, number] => [runId, e]));
  });
}

/** The checkpoint with the highest epoch, or `undefined` (resume from scratch). */
export async function latestCheckpoint(db: WorkspaceDb, runId: string): Promise<CheckpointRecord | undefined> {
  return runCheckpoints(db, runId).last();
}

/** The epochs a run has checkpoints for, ascending. Reads keys only. */
export async function checkpointEpochs(db: WorkspaceDb, runId: string): Promise<number[]> {
  return (await runCheckpoints(db, runId).primaryKeys()).map(([, epoch]) => epoch);
}

function runCheckpoints(db: WorkspaceDb, runId: string) {
  return db.checkpoints.where('[runId+epoch]').between([runId, Dexie.minKey], [runId, Dexie.maxKey]);
}
