/**
 * @file Recovery of a workspace's runs when a tab becomes the queue's leader, or a worker dies: runs left
 * `running` that nobody runs become `interrupted` (storage's `markInterruptedRuns`, by their Web Lock), and
 * interrupted runs are queued again when auto-resume is on (the worker resumes them from their last checkpoint).
 * Only runs a worker executes (train, trial) are recovered: a parent run (a sweep) holds no lock, and is driven from
 * storage by the leader's runner, whichever tab leads; it is never interrupted.
 */
import { Dexie } from 'dexie';
import { markInterruptedRuns, runLockName } from '../storage/run-recovery';
import { RunTransitionError, transitionRun } from '../storage/run-status';
import type { WorkspaceDb } from '../storage/workspace-schema';
import { TRAIN_WORKER_KINDS } from './job-queue';
import type { RuntimeLocks } from './queue-leader';

/** What a recovery pass needs. */
export interface RecoveryOptions {
  db: WorkspaceDb;
  /** Web Locks, to tell a live run (its worker holds `runLockName(runId)`) from an orphan; `null`: no lock is held anywhere. */
  locks: RuntimeLocks | null;
  /** Runs this tab is running (their worker may not hold the lock yet). */
  isActive: (runId: string) => boolean;
  /** Read at each attempt: queue interrupted runs again? */
  autoResume: () => Promise<boolean>;
  /** Runs not to resume by themselves (their worker died too often). */
  mayResume: (runId: string) => boolean;
  /** A tab that just closed may hold its locks a moment longer: look again this many times while orphans may remain. */
  attempts: number;
  /** Pause between attempts. */
  delayMs: number;
  /** Called after each attempt that queued runs again (to schedule them). */
  onRequeued: (runIds: string[]) => void;
  /** Stops the attempts (the tab stopped leading). */
  stopped: () => boolean;
}

/** What a recovery did. */
export interface RecoveryReport {
  interrupted: string[];
  requeued: string[];
}

/** Runs whose lock is held or waited for, from one `locks.query()` snapshot, plus this tab's active runs. */
export async function runLockSnapshot(locks: RuntimeLocks | null, isActive: (runId: string) => boolean): Promise<(runId: string) => boolean> {
  const snapshot = locks ? await locks.query() : {};
  const names = new Set([...(snapshot.held ?? []), ...(snapshot.pending ?? [])].map((lock) => lock.name));
  return (runId) => isActive(runId) || names.has(runLockName(runId));
}

/**
 * Marks orphaned running runs interrupted and (with auto-resume) queues interrupted runs again; repeats while
 * running runs this tab does not run remain, up to `attempts` times.
 */
export async function recoverRuns(options: RecoveryOptions): Promise<RecoveryReport> {
  const report: RecoveryReport = { interrupted: [], requeued: [] };
  for (let attempt = 0; attempt < options.attempts && !options.stopped(); attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
    if (options.stopped()) break;
    const locked = await runLockSnapshot(options.locks, options.isActive);
    const workerRuns = await runningWorkerRunIds(options.db);
    // A run that is not a worker's (a sweep), or that started since the read above, counts as held.
    report.interrupted.push(...(await markInterruptedRuns(options.db, (runId) => !workerRuns.has(runId) || locked(runId))));
    if (await options.autoResume()) {
      const requeued = await requeueInterruptedRuns(options.db, options.mayResume);
      report.requeued.push(...requeued);
      if (requeued.length > 0) options.onRequeued(requeued);
    }
    const running = await runningWorkerRunIds(options.db);
    if ([...running].every(options.isActive)) break;
  }
  return report;
}

/** Queues again every interrupted run the training worker executes (oldest first) that `mayResume` allows. */
export async function requeueInterruptedRuns(db: WorkspaceDb, mayResume: (runId: string) => boolean = () => true): Promise<string[]> {
  const interrupted = await db.runs.where('[status+createdAt]').between(['interrupted', Dexie.minKey], ['interrupted', Dexie.maxKey]).toArray();
  const requeued: string[] = [];
  for (const run of interrupted) {
    if (!TRAIN_WORKER_KINDS.includes(run.kind) || !mayResume(run.id)) continue;
    try {
      await transitionRun(db, run.id, 'queued');
      requeued.push(run.id);
    } catch (err) {
      // Canceled or deleted meanwhile: nothing to resume.
      if (!(err instanceof RunTransitionError) && (await db.runs.get(run.id)) !== undefined) throw err;
    }
  }
  return requeued;
}

/** Running runs of the kinds a worker executes. */
async function runningWorkerRunIds(db: WorkspaceDb): Promise<Set<string>> {
  const running = await db.runs.where('[status+createdAt]').between(['running', Dexie.minKey], ['running', Dexie.maxKey]).toArray();
  return new Set(running.filter((run) => TRAIN_WORKER_KINDS.includes(run.kind)).map((run) => run.id));
}
