/**
 * @file Recovery of runs whose tab closed or whose worker died. A run holds the Web Lock
 * `runLockName(runId)` for as long as it executes; a run left `running` with nobody holding its lock
 * is marked `interrupted`, resumable from its last checkpoint. Same design as the import sweeper
 * (`staged-version.ts`): the caller passes a lock predicate, so tests (and Node) pass a fake one.
 */
import { lockSnapshot, withLock } from './web-locks';
import { Dexie } from 'dexie';
import { RunTransitionError, transitionRun } from './run-status';
import type { WorkspaceDb } from './workspace-schema';

/** Name of the Web Lock a run holds while it executes (in the tab or worker running it). */
export function runLockName(runId: string): string {
  return `benchtop-run:${runId}`;
}

/** Options of `markInterruptedRuns`. */
export interface MarkInterruptedOptions {
  /** Consider only runs last updated before this time (epoch ms): a grace period where Web Locks are unavailable. */
  updatedBefore?: number;
}

/**
 * Marks `interrupted` every `running` run for which `isLocked(runId)` is false. Returns the ids marked.
 * A run that changed status meanwhile (it completed between the query and the check) is left alone.
 * In a browser pass `await runLockPredicate()`.
 */
export async function markInterruptedRuns(
  db: WorkspaceDb,
  isLocked: (runId: string) => boolean | Promise<boolean>,
  options: MarkInterruptedOptions = {},
): Promise<string[]> {
  const running = await db.runs.where('[status+createdAt]').between(['running', Dexie.minKey], ['running', Dexie.maxKey]).toArray();
  const marked: string[] = [];
  for (const run of running) {
    if (options.updatedBefore !== undefined && run.updatedAt >= options.updatedBefore) continue;
    if (await isLocked(run.id)) continue;
    try {
      await transitionRun(db, run.id, 'interrupted');
      marked.push(run.id);
    } catch (err) {
      // Finished or deleted since the query: nothing to recover.
      if (!(err instanceof RunTransitionError) && (await db.runs.get(run.id)) !== undefined) throw err;
    }
  }
  return marked;
}

/**
 * A predicate telling whether a run's lock is held (or waited for), from one snapshot of
 * `navigator.locks.query()`. Where Web Locks are unavailable (Node) it says "not locked".
 */
export async function runLockPredicate(): Promise<(runId: string) => boolean> {
  const isLocked = await lockSnapshot();
  return (runId) => isLocked(runLockName(runId));
}

/** Runs `fn` holding the lock of `runId` (exclusive); without a lock where Web Locks are unavailable. */
export function withRunLock<T>(runId: string, fn: () => Promise<T>): Promise<T> {
  return withLock(runLockName(runId), fn);
}
