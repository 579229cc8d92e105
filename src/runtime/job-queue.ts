/**
 * @file The leader's job queue. Queued runs live in storage (status `queued`, oldest first), so the queue
 * survives a reload; this class only decides which of them run now, each on its own worker from the pool, up
 * to the concurrency setting. It exists only in the tab that leads the queue.
 */
import { Dexie } from 'dexie';
import type { RunKind, RunStatus } from '../protocol/run';
import type { TrainJobProgress } from '../protocol/train-worker';
import { RunTransitionError, transitionRun } from '../storage/run-status';
import type { WorkspaceDb } from '../storage/workspace-schema';
import { RunExecution, type RunExecutionResult } from './run-execution';
import { recordCanceled, recordLoss, recordOutcome, recordThrown } from './run-settlement';
import type { RuntimeSettings } from './runtime-settings';
import type { WorkerPool } from './worker-pool';

/** Run kinds the training worker executes. Parents (sweep, AutoML, pipeline) wait for their own runners. */
export const TRAIN_WORKER_KINDS: readonly RunKind[] = Object.freeze(['train', 'trial'] as const);

/** Something the queue did, for logs, the UI and tests. */
export type JobQueueEvent =
  | { type: 'started'; runId: string }
  | { type: 'settled'; runId: string; result: RunExecutionResult['kind']; status: RunStatus | undefined };

/** What the queue needs from the runtime around it. */
export interface JobQueueOptions {
  db: WorkspaceDb;
  workspaceId: string;
  pool: WorkerPool;
  /** Read before each scheduling pass, so a change made in any tab applies. */
  settings: () => Promise<RuntimeSettings>;
  /** How long a canceled job may take to stop before its worker is terminated. */
  cancelGraceMs: number;
  /** Worker deaths on one run after which it is no longer resumed by itself. */
  maxWorkerLosses: number;
  onProgress: (runId: string, progress: TrainJobProgress) => void;
  /** A worker died: the runtime sweeps for interrupted runs. */
  onWorkerLost: (runId: string) => void;
  onEvent?: (event: JobQueueEvent) => void;
}

/** Runs queued runs on pooled workers; cancels them. */
export class JobQueue {
  readonly #options: JobQueueOptions;
  readonly #active = new Map<string, RunExecution>();
  readonly #losses = new Map<string, number>();
  readonly #settling = new Set<Promise<void>>();
  /** Scheduling and cancel-before-start run one at a time, so a run cannot be started and canceled at once. */
  #exclusive: Promise<unknown> = Promise.resolve();
  #stopped = false;

  constructor(options: JobQueueOptions) {
    this.#options = options;
  }

  /** Runs started here and not yet ended (including those whose worker has not marked them running yet). */
  get activeRunIds(): string[] {
    return [...this.#active.keys()];
  }

  /** True while `runId` runs on one of this queue's workers. */
  isActive(runId: string): boolean {
    return this.#active.has(runId);
  }

  /** True unless `runId`'s worker died `maxWorkerLosses` times in this tab: then it waits for a person. */
  mayResume(runId: string): boolean {
    return (this.#losses.get(runId) ?? 0) < this.#options.maxWorkerLosses;
  }

  /** Starts queued runs, oldest first, while fewer than `concurrency` run. Safe to call often. */
  pump(): Promise<void> {
    return this.#serially(async () => {
      if (this.#stopped) return;
      const { concurrency } = await this.#options.settings();
      const { db, pool } = this.#options;
      pool.trimIdle(concurrency - this.#active.size);
      if (this.#active.size >= concurrency) return;
      const queued = await db.runs.where('[status+createdAt]').between(['queued', Dexie.minKey], ['queued', Dexie.maxKey]).toArray();
      for (const run of queued) {
        if (this.#stopped || this.#active.size >= concurrency) break;
        if (TRAIN_WORKER_KINDS.includes(run.kind) && !this.#active.has(run.id)) this.#start(run.id);
      }
    });
  }

  /**
   * Cancels a run: a running one through its worker (terminated if it does not stop within the grace
   * period); a queued or interrupted one directly in storage. A finished run is left alone.
   */
  cancel(runId: string): Promise<void> {
    const active = this.#active.get(runId);
    if (active) return Promise.resolve(active.cancel());
    return this.#serially(async () => {
      const started = this.#active.get(runId);
      if (started) return started.cancel();
      const run = await this.#options.db.runs.get(runId);
      if (run?.status !== 'queued' && run?.status !== 'interrupted') return;
      try {
        await transitionRun(this.#options.db, runId, 'canceled');
      } catch (err) {
        if (!(err instanceof RunTransitionError)) throw err;
      }
    });
  }

  /**
   * Stops leading: terminates every worker, as a closing tab would, and writes nothing (the next leader's
   * recovery marks the runs interrupted once their locks are free). Resolves when the queue's own storage
   * reads and writes in flight are done.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const execution of this.#active.values()) execution.terminate();
    this.#options.pool.terminateAll();
    await this.#exclusive;
    await this.settled();
  }

  /** Resolves when the storage writes of jobs that already ended are done (tests, orderly shutdown). */
  async settled(): Promise<void> {
    while (this.#settling.size > 0) await Promise.all([...this.#settling]);
  }

  #start(runId: string): void {
    const { pool, workspaceId, cancelGraceMs, onProgress } = this.#options;
    const worker = pool.acquire();
    const execution = new RunExecution(worker, { workspaceId, runId, cancelGraceMs, onProgress: (progress) => onProgress(runId, progress) });
    this.#active.set(runId, execution);
    this.#options.onEvent?.({ type: 'started', runId });
    const settling = execution.result
      .then((result) => this.#settle(execution, result))
      .catch((err: unknown) => console.error(`Could not record how run ${runId} ended`, err))
      .finally(() => {
        this.#settling.delete(settling);
        if (this.#active.get(runId) === execution) this.#active.delete(runId);
        void this.pump().catch((err: unknown) => console.error('Could not start the next queued run', err));
      });
    this.#settling.add(settling);
  }

  async #settle(execution: RunExecution, result: RunExecutionResult): Promise<void> {
    const { db, pool } = this.#options;
    const { runId, worker } = execution;
    if (this.#stopped || result.kind === 'terminated') return;
    let run;
    switch (result.kind) {
      case 'outcome':
        pool.release(worker);
        run = await recordOutcome(db, runId, result.outcome);
        break;
      case 'threw':
        pool.discard(worker);
        run = await recordThrown(db, runId, result.error);
        break;
      case 'lost': {
        pool.discard(worker);
        const losses = (this.#losses.get(runId) ?? 0) + 1;
        this.#losses.set(runId, losses);
        run = await recordLoss(db, runId, result.error, losses, losses >= this.#options.maxWorkerLosses);
        this.#options.onWorkerLost(runId);
        break;
      }
      case 'cancel-timeout':
        pool.discard(worker);
        run = await recordCanceled(db, runId);
        break;
    }
    this.#active.delete(runId);
    this.#options.onEvent?.({ type: 'settled', runId, result: result.kind, status: run?.status });
  }

  #serially<T>(task: () => Promise<T>): Promise<T> {
    const next = this.#exclusive.then(task, task);
    this.#exclusive = next.catch(() => undefined);
    return next;
  }
}
