/**
 * @file The leader's AutoML runner: starts queued AutoML runs (kind `automl`) one at a time, each on its own AutoML
 * worker (`workers/automl.worker.ts`), terminated when the job ends. It exists only in the tab that leads the job
 * queue (`JobRuntime` starts it with the leadership and stops it when the leadership ends).
 *
 * - Cancel: the job is asked to stop (it ends `canceled`, keeping its finished trials); a job that has not stopped
 *   `cancelGraceMs` later has its worker terminated and the run is written `canceled` here.
 * - A worker that dies mid-job leaves its run `interrupted` (not queued again by this leader: a job that crashed its
 *   worker, out of memory say, would crash the next one the same way). A tab that closes mid-job leaves it `running`
 *   with its Web Lock released; the next leader's recovery marks it `interrupted`.
 * - Recovery, when this tab starts leading: orphaned `running` AutoML runs become `interrupted`, and (with the
 *   auto-resume setting on) interrupted AutoML runs are queued again. A re-queued run does not resume: the job clears
 *   its old trials and starts over. With a trial budget the search is deterministic, so it finds the same trials
 *   again; a time budget starts its clock again.
 */
import { Dexie, liveQuery, type Subscription } from 'dexie';
import type { AutoMLJobOutcome } from '../protocol/automl-worker';
import type { RunError, RunStatus } from '../protocol/run';
import { updateAutoMLInfo } from '../storage/automl-runs';
import type { RunRecord } from '../storage/records';
import { markInterruptedRuns } from '../storage/run-recovery';
import { RunTransitionError, transitionRun, type RunTransitionUpdate } from '../storage/run-status';
import type { WorkspaceDb } from '../storage/workspace-schema';
import type { AutoMLWorkerFactory, AutoMLWorkerHandle } from './automl-worker-client';
import type { RuntimeLocks } from './queue-leader';
import { runLockSnapshot } from './run-recovery-service';

/** Something the runner did, for logs and tests. */
export type AutoMLRunnerEvent =
  | { type: 'automl-started'; runId: string }
  | { type: 'automl-settled'; runId: string; result: AutoMLExecutionResult['kind']; status: RunStatus | undefined }
  | { type: 'automl-recovered'; interrupted: string[]; requeued: string[] };

/** How a job on a worker ended, as far as the runner can tell. */
export type AutoMLExecutionResult =
  | { kind: 'outcome'; outcome: AutoMLJobOutcome }
  | { kind: 'threw'; error: Error }
  | { kind: 'lost'; error: Error }
  | { kind: 'cancel-timeout' }
  | { kind: 'terminated' };

/** What the runner needs from the runtime around it. */
export interface AutoMLRunnerOptions {
  db: WorkspaceDb;
  workspaceId: string;
  createWorker: AutoMLWorkerFactory;
  /** To tell a live run (its worker holds `runLockName(runId)`) from an orphan; `null`: no lock is held anywhere. */
  locks: RuntimeLocks | null;
  /** How long a canceled job may take to stop before its worker is terminated. */
  cancelGraceMs: number;
  /** Read at recovery: queue interrupted AutoML runs again? */
  autoResume: () => Promise<boolean>;
  /** A tab that just closed may hold its locks a moment longer: recovery looks again this many times, pausing `recoveryDelayMs`. */
  recoveryAttempts: number;
  recoveryDelayMs: number;
  onEvent?: (event: AutoMLRunnerEvent) => void;
}

interface ActiveJob {
  runId: string;
  worker: AutoMLWorkerHandle;
  settle: (result: AutoMLExecutionResult) => void;
  canceling: boolean;
  timer?: ReturnType<typeof setTimeout>;
}

/** Runs the workspace's queued AutoML runs while this tab leads. `start()` once; `stop()` when leadership ends. */
export class AutoMLRunner {
  readonly #options: AutoMLRunnerOptions;
  readonly #db: WorkspaceDb;
  #active: ActiveJob | undefined;
  #settling: Promise<void> | undefined;
  #watch: Subscription | undefined;
  #recovering: Promise<void> | undefined;
  #exclusive: Promise<unknown> = Promise.resolve();
  #stopped = false;

  constructor(options: AutoMLRunnerOptions) {
    this.#options = options;
    this.#db = options.db;
  }

  /** Recovers orphaned runs, then watches the queued AutoML runs and starts them one at a time. */
  start(): void {
    if (this.#watch || this.#stopped) return;
    this.#recovering = this.#recover()
      .catch((err: unknown) => console.error('Could not recover interrupted AutoML runs', err))
      .finally(() => {
        this.#recovering = undefined;
        this.wake();
      });
    this.#watch = liveQuery(() => this.#queuedIds()).subscribe({
      next: () => this.wake(),
      error: (err: unknown) => console.error('Could not watch the AutoML queue', err),
    });
  }

  /** True while `runId` runs on this runner's worker. */
  isActive(runId: string): boolean {
    return this.#active?.runId === runId;
  }

  /** Starts the oldest queued AutoML run when none runs. Safe to call often. */
  wake(): void {
    void this.#serially(async () => {
      if (this.#stopped || this.#active || this.#recovering) return;
      const [next] = await this.#queuedIds();
      if (next !== undefined && !this.#stopped && !this.#active) this.#start(next);
    }).catch((err: unknown) => console.error('Could not start a queued AutoML run', err));
  }

  /**
   * Cancels an AutoML run: a running one through its worker (terminated if it does not stop within the grace period),
   * a queued or interrupted one directly in storage. A finished run is left alone.
   */
  cancel(runId: string): Promise<void> {
    return this.#serially(async () => {
      const active = this.#active;
      if (active?.runId === runId) {
        this.#cancelActive(active);
        return;
      }
      const run = await this.#db.runs.get(runId);
      if (run?.status === 'queued' || run?.status === 'interrupted') await moveRun(this.#db, runId, ['canceled']);
    });
  }

  /** Resolves when recovery, scheduling and the storage writes of an ended job are done (tests, orderly shutdown). */
  async idle(): Promise<void> {
    while (this.#recovering || this.#settling) {
      await this.#recovering;
      await this.#settling;
    }
    await this.#exclusive;
  }

  /** Stops leading: terminates the worker as a closing tab would, writing nothing (the next leader recovers the run). */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#watch?.unsubscribe();
    this.#watch = undefined;
    const active = this.#active;
    if (active) {
      active.worker.terminate();
      active.settle({ kind: 'terminated' });
    }
    await this.idle();
  }

  async #queuedIds(): Promise<string[]> {
    const queued = await this.#db.runs.where('[status+createdAt]').between(['queued', Dexie.minKey], ['queued', Dexie.maxKey]).toArray();
    return queued.filter((r) => r.kind === 'automl').map((r) => r.id);
  }

  #start(runId: string): void {
    const { createWorker, workspaceId } = this.#options;
    const worker = createWorker();
    let settle!: (result: AutoMLExecutionResult) => void;
    const result = new Promise<AutoMLExecutionResult>((resolve) => {
      let settled = false;
      settle = (r) => {
        if (settled) return;
        settled = true;
        clearTimeout(active.timer);
        resolve(r);
      };
    });
    const active: ActiveJob = { runId, worker, settle, canceling: false };
    this.#active = active;
    this.#options.onEvent?.({ type: 'automl-started', runId });
    worker.onLost((error) => settle({ kind: 'lost', error }));
    let call: Promise<AutoMLJobOutcome>;
    try {
      // Progress is in storage (trials, phase); the callback only keeps the worker's messages flowing.
      call = worker.api.runAutoML(workspaceId, runId, () => undefined);
    } catch (err) {
      call = Promise.reject(err);
    }
    call.then(
      (outcome) => settle({ kind: 'outcome', outcome }),
      (err: unknown) => settle({ kind: 'threw', error: err instanceof Error ? err : new Error(String(err)) }),
    );
    this.#settling = result
      .then((r) => this.#settle(active, r))
      .catch((err: unknown) => console.error(`Could not record how AutoML run ${runId} ended`, err))
      .finally(() => {
        if (this.#active === active) this.#active = undefined;
        this.#settling = undefined;
        this.wake();
      });
  }

  #cancelActive(active: ActiveJob): void {
    if (active.canceling) return;
    active.canceling = true;
    active.worker.api.cancel(active.runId).catch(() => {
      // A worker that cannot even take the request is stopped by the timer below.
    });
    active.timer = setTimeout(() => {
      active.worker.terminate();
      active.settle({ kind: 'cancel-timeout' });
    }, this.#options.cancelGraceMs);
  }

  async #settle(active: ActiveJob, result: AutoMLExecutionResult): Promise<void> {
    const { runId, worker } = active;
    worker.terminate();
    if (this.#stopped || result.kind === 'terminated') return;
    const db = this.#db;
    let run: RunRecord | undefined;
    switch (result.kind) {
      case 'outcome':
        run = await this.#agreeWith(runId, result.outcome);
        break;
      case 'threw':
        run = await this.#fail(runId, { message: result.error.message || 'The AutoML worker failed', code: result.error.name || 'Error', ...(result.error.stack ? { detail: result.error.stack } : {}) });
        break;
      case 'lost': {
        const current = await db.runs.get(runId);
        const reason = `The AutoML worker stopped unexpectedly: ${result.error.message}; Resume starts the search over`;
        if (current?.status === 'running') run = await moveRun(db, runId, ['interrupted'], { error: { message: reason, code: 'WorkerLost' } });
        else run = current;
        break;
      }
      case 'cancel-timeout':
        run = await this.#canceled(runId);
        break;
    }
    this.#options.onEvent?.({ type: 'automl-settled', runId, result: result.kind, status: run?.status });
  }

  /** The worker answered: its status is normally written already; a run it left behind is made to agree. */
  async #agreeWith(runId: string, outcome: AutoMLJobOutcome): Promise<RunRecord | undefined> {
    const run = await this.#db.runs.get(runId);
    if (!run || run.status === outcome.status) return run;
    if (outcome.status === 'canceled') return this.#canceled(runId);
    if (outcome.status === 'failed') return this.#fail(runId, { message: outcome.message ?? 'The AutoML job failed without saying why', code: 'AutoMLFailed' });
    // "completed" for a run the job did not complete contradicts itself: that is a failure, not a result.
    return this.#fail(runId, { message: `The AutoML worker reported the run completed, but it is ${run.status}`, code: 'WorkerContradiction' });
  }

  async #fail(runId: string, error: RunError): Promise<RunRecord | undefined> {
    const run = await this.#db.runs.get(runId);
    if (run?.status === 'running') return moveRun(this.#db, runId, ['failed'], { error });
    if (run?.status === 'queued') return moveRun(this.#db, runId, ['running', 'failed'], { error });
    return run;
  }

  async #canceled(runId: string): Promise<RunRecord | undefined> {
    const run = await this.#db.runs.get(runId);
    if (!run || !['queued', 'running', 'interrupted'].includes(run.status)) return run;
    if (run.kind === 'automl' && run.automl) await updateAutoMLInfo(this.#db, runId, { phase: null, stoppedBy: 'canceled' });
    return moveRun(this.#db, runId, ['canceled']);
  }

  /** Marks orphaned running AutoML runs interrupted, then (with auto-resume) queues interrupted ones again. */
  async #recover(): Promise<void> {
    const { db, locks, recoveryAttempts, recoveryDelayMs } = this.#options;
    const report = { interrupted: [] as string[], requeued: [] as string[] };
    const runningAutoML = async () => new Set((await runsIn(db, 'running')).filter((r) => r.kind === 'automl').map((r) => r.id));
    for (let attempt = 0; attempt < Math.max(1, recoveryAttempts) && !this.#stopped; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, recoveryDelayMs));
      const locked = await runLockSnapshot(locks, (runId) => this.isActive(runId));
      const orphans = await runningAutoML();
      // Other kinds are the job queue's to recover; a run that started since the read counts as held.
      report.interrupted.push(...(await markInterruptedRuns(db, (runId) => !orphans.has(runId) || locked(runId))));
      if ([...(await runningAutoML())].every((id) => this.isActive(id))) break;
    }
    if (!this.#stopped && (await this.#options.autoResume())) {
      for (const run of await runsIn(db, 'interrupted')) {
        if (run.kind !== 'automl' || this.#stopped) continue;
        if (await moveRun(db, run.id, ['queued'])) report.requeued.push(run.id);
      }
    }
    this.#options.onEvent?.({ type: 'automl-recovered', ...report });
  }

  #serially<T>(task: () => Promise<T>): Promise<T> {
    const next = this.#exclusive.then(task, task);
    this.#exclusive = next.catch(() => undefined);
    return next;
  }
}

function runsIn(db: WorkspaceDb, status: RunStatus): Promise<RunRecord[]> {
  return db.runs.where('[status+createdAt]').between([status, Dexie.minKey], [status, Dexie.maxKey]).toArray();
}

/** Walks the run along `path`; stops quietly where another writer got there first (the worker, another tab). */
async function moveRun(db: WorkspaceDb, runId: string, path: RunStatus[], update: RunTransitionUpdate = {}): Promise<RunRecord | undefined> {
  let run: RunRecord | undefined;
  for (const [i, to] of path.entries()) {
    try {
      run = await transitionRun(db, runId, to, i === path.length - 1 ? update : {});
    } catch (err) {
      if (!(err instanceof RunTransitionError) && (await db.runs.get(runId)) !== undefined) throw err;
      return undefined;
    }
  }
  return run;
}
