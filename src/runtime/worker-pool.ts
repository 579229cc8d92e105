/**
 * @file The pool of training workers. A worker runs one job at a time; a finished job's worker waits idle for
 * the next job (TF.js and its backend stay loaded). A worker that died, or was stopped to cancel a job, is
 * discarded, never reused.
 */
import type { TrainWorkerApi } from '../protocol/train-worker';

/** One training worker as the runtime sees it: its API, its death, and a way to stop it. */
export interface TrainWorkerHandle {
  /** The worker's API. In the browser a comlink remote; in tests an in-process fake. */
  readonly api: TrainWorkerApi;
  /**
   * Calls `listener` once if the worker dies (an `error` event: an uncaught error, a failed module load). A
   * dead worker never answers again, so a call in flight never settles: the runtime races it with this.
   */
  onLost(listener: (error: Error) => void): void;
  /** Stops the worker at once, mid-batch if need be; its Web Locks are released. Idempotent. */
  terminate(): void;
}

/** Starts a new training worker. */
export type TrainWorkerFactory = () => TrainWorkerHandle;

/** Training workers for one workspace's queue: reused while idle, created on demand, terminated when discarded. */
export class WorkerPool {
  readonly #create: TrainWorkerFactory;
  readonly #idle: TrainWorkerHandle[] = [];
  readonly #busy = new Set<TrainWorkerHandle>();
  /** Idle workers that died while waiting are dropped instead of reused. */
  readonly #dead = new WeakSet<TrainWorkerHandle>();

  constructor(create: TrainWorkerFactory) {
    this.#create = create;
  }

  /** Workers running a job. */
  get busyCount(): number {
    return this.#busy.size;
  }

  /** Workers waiting for a job. */
  get idleCount(): number {
    return this.#idle.length;
  }

  /** An idle worker, or a new one. It stays busy until `release` or `discard`. */
  acquire(): TrainWorkerHandle {
    let worker = this.#idle.pop();
    while (worker && this.#dead.has(worker)) {
      worker.terminate();
      worker = this.#idle.pop();
    }
    if (!worker) {
      const created = this.#create();
      created.onLost(() => this.#dead.add(created));
      worker = created;
    }
    this.#busy.add(worker);
    return worker;
  }

  /** Gives back a worker whose job ended normally; it waits idle for the next job. */
  release(worker: TrainWorkerHandle): void {
    if (!this.#busy.delete(worker)) return;
    if (this.#dead.has(worker)) worker.terminate();
    else this.#idle.push(worker);
  }

  /** Stops a worker (dead, canceled, or in an unknown state) and forgets it. */
  discard(worker: TrainWorkerHandle): void {
    this.#busy.delete(worker);
    const index = this.#idle.indexOf(worker);
    if (index >= 0) this.#idle.splice(index, 1);
    worker.terminate();
  }

  /** Terminates idle workers beyond `keep` (after the concurrency was lowered, or when the queue is empty). */
  trimIdle(keep: number): void {
    while (this.#idle.length > Math.max(0, keep)) this.#idle.shift()?.terminate();
  }

  /** Terminates every worker, busy or idle (the tab stops leading the queue). */
  terminateAll(): void {
    for (const worker of [...this.#busy, ...this.#idle]) worker.terminate();
    this.#busy.clear();
    this.#idle.length = 0;
  }
}
