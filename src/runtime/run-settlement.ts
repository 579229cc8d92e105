/**
 * @file What the runtime writes to a run when its job ends: the worker normally writes the final status
 * itself; this fills in what a worker could not (it died, threw, or ignored a cancel), and never writes
 * `completed` unless the worker's own outcome said so (an `interrupted` outcome, after a lost GPU device, stays
 * interrupted and resumable).
 */
import type { RunError } from '../protocol/run';
import type { TrainJobOutcome } from '../protocol/train-worker';
import type { RunRecord } from '../storage/records';
import { RunTransitionError, transitionRun, type RunTransitionUpdate } from '../storage/run-status';
import type { WorkspaceDb } from '../storage/workspace-schema';
import type { RunStatus } from '../protocol/run';

/**
 * Makes the run's status agree with the worker's outcome when the worker did not write it. A run still
 * `queued` that the worker failed (or interrupted) before starting goes through `running`, so its error is recorded.
 */
export async function recordOutcome(db: WorkspaceDb, runId: string, outcome: TrainJobOutcome): Promise<RunRecord | undefined> {
  const run = await db.runs.get(runId);
  if (!run || run.status === outcome.status) return run;
  const failure: RunError = { message: outcome.error ?? 'The training job failed without saying why', code: 'TrainFailed' };
  const interruption: RunError = { message: outcome.error ?? 'The training job stopped without a result; Resume continues from its last checkpoint', code: 'TrainInterrupted' };
  const update = outcome.status === 'failed' ? { error: failure } : outcome.status === 'interrupted' ? { error: interruption } : {};
  if (run.status === 'running') return moveRun(db, runId, [outcome.status], update);
  if (run.status !== 'queued') return run;
  if (outcome.status === 'canceled') return moveRun(db, runId, ['canceled']);
  if (outcome.status === 'interrupted') return moveRun(db, runId, ['running', 'interrupted'], update);
  // A worker that says "completed" for a run it never started contradicts itself: that is a failure, not a result.
  const error: RunError =
    outcome.status === 'failed'
      ? failure
      : { message: 'The training worker reported the run completed, but never started it', code: 'WorkerContradiction' };
  return moveRun(db, runId, ['running', 'failed'], { error });
}

/** A worker's `runTrain` rejected: the run fails with the error's message (its stack kept as detail). */
export async function recordThrown(db: WorkspaceDb, runId: string, error: Error): Promise<RunRecord | undefined> {
  const failure: RunError = { message: error.message || 'The training worker failed', code: error.name || 'Error', ...(error.stack ? { detail: error.stack } : {}) };
  const run = await db.runs.get(runId);
  if (run?.status === 'running') return moveRun(db, runId, ['failed'], { error: failure });
  if (run?.status === 'queued') return moveRun(db, runId, ['running', 'failed'], { error: failure });
  return run;
}

/**
 * The run's worker died. A running run becomes `interrupted` (resumable; the reason kept in its error). A run
 * the worker had not started yet stays queued, unless the worker died `giveUp` times: then it fails.
 */
export async function recordLoss(db: WorkspaceDb, runId: string, error: Error, losses: number, giveUp: boolean): Promise<RunRecord | undefined> {
  const run = await db.runs.get(runId);
  const reason = `The training worker stopped unexpectedly${losses > 1 ? ` (${losses} times)` : ''}: ${error.message}`;
  if (run?.status === 'running') return moveRun(db, runId, ['interrupted'], { error: { message: reason, code: 'WorkerLost' } });
  if (run?.status === 'queued' && giveUp) return moveRun(db, runId, ['running', 'failed'], { error: { message: `${reason}; the run never started`, code: 'WorkerLost' } });
  return run;
}

/** The run was canceled by terminating its worker: a queued, running or interrupted run becomes `canceled`. */
export async function recordCanceled(db: WorkspaceDb, runId: string): Promise<RunRecord | undefined> {
  const run = await db.runs.get(runId);
  if (run && (run.status === 'queued' || run.status === 'running' || run.status === 'interrupted')) return moveRun(db, runId, ['canceled']);
  return run;
}

/** Walks the run along `path`; stops quietly where another writer got there first (the worker, another tab). */
async function moveRun(db: WorkspaceDb, runId: string, path: RunStatus[], update: RunTransitionUpdate = {}): Promise<RunRecord | undefined> {
  let run: RunRecord | undefined;
  for (const [i, to] of path.entries()) {
    try {
      run = await transitionRun(db, runId, to, i === path.length - 1 ? update : {});
    } catch (err) {
      if (!(err instanceof RunTransitionError) && (await db.runs.get(runId)) !== undefined) throw err;
      return db.runs.get(runId);
    }
  }
  return run;
}
