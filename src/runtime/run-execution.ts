/**
 * @file One job on one worker: the call to `runTrain`, raced with the worker's death, a cancel that the
 * worker does not honour in time, and the runtime stopping. Says how the job ended; writes nothing.
 */
import type { TrainJobOutcome, TrainJobProgress } from '../protocol/train-worker';
import type { TrainWorkerHandle } from './worker-pool';

/** How a job on a worker ended, as far as the runtime can tell. */
export type RunExecutionResult =
  /** The worker said how the job ended (it also wrote that status to storage). */
  | { kind: 'outcome'; outcome: TrainJobOutcome }
  /** `runTrain` rejected: an error the worker did not turn into a `failed` outcome (comlink rethrows it here). */
  | { kind: 'threw'; error: Error }
  /** The worker died mid-job; it never answers again. */
  | { kind: 'lost'; error: Error }
  /** Cancel was asked and the worker had not stopped `cancelGraceMs` later, so it was terminated. */
  | { kind: 'cancel-timeout' }
  /** The runtime stopped (tab closing, workspace switched) and terminated the worker. */
  | { kind: 'terminated' };

/** Options of a `RunExecution`. */
export interface RunExecutionOptions {
  workspaceId: string;
  runId: string;
  onProgress: (progress: TrainJobProgress) => void;
  /** How long a canceled job may take to stop before its worker is terminated. */
  cancelGraceMs: number;
}

/** A job running on a worker. Starts on construction; `result` settles exactly once and never rejects. */
export class RunExecution {
  readonly runId: string;
  readonly worker: TrainWorkerHandle;
  /** How the job ended. */
  readonly result: Promise<RunExecutionResult>;
  #settle!: (result: RunExecutionResult) => void;
  #settled = false;
  #cancelTimer: ReturnType<typeof setTimeout> | undefined;
  #canceling = false;
  readonly #cancelGraceMs: number;

  constructor(worker: TrainWorkerHandle, options: RunExecutionOptions) {
    this.runId = options.runId;
    this.worker = worker;
    this.result = new Promise<RunExecutionResult>((resolve) => {
      this.#settle = (result) => {
        if (this.#settled) return;
        this.#settled = true;
        clearTimeout(this.#cancelTimer);
        resolve(result);
      };
    });
    this.#cancelGraceMs = options.cancelGraceMs;
    worker.onLost((error) => this.#settle({ kind: 'lost', error }));
    const onProgress = (progress: TrainJobProgress) => {
      if (!this.#settled) options.onProgress(progress);
    };
    let call: Promise<TrainJobOutcome>;
    try {
      call = worker.api.runTrain(options.workspaceId, options.runId, onProgress);
    } catch (err) {
      call = Promise.reject(err);
    }
    call.then(
      (outcome) => this.#settle({ kind: 'outcome', outcome }),
      (err: unknown) => this.#settle({ kind: 'threw', error: err instanceof Error ? err : new Error(String(err)) }),
    );
  }

  /** True once the job ended (or was stopped). */
  get settled(): boolean {
    return this.#settled;
  }

  /**
   * Asks the worker to stop after the current batch; if it has not ended `cancelGraceMs` later, terminates it
   * and settles `cancel-timeout`. Asking twice changes nothing.
   */
  cancel(): void {
    if (this.#settled || this.#canceling) return;
    this.#canceling = true;
    this.worker.api.cancel(this.runId).catch(() => {
      // A worker that cannot even take the request is stopped by the timer below.
    });
    this.#cancelTimer = setTimeout(() => {
      if (this.#settled) return;
      this.worker.terminate();
      this.#settle({ kind: 'cancel-timeout' });
    }, this.#cancelGraceMs);
  }

  /** Terminates the worker now and settles `terminated` (unless the job had already ended). */
  terminate(): void {
    if (this.#settled) return;
    this.worker.terminate();
    this.#settle({ kind: 'terminated' });
  }
}
