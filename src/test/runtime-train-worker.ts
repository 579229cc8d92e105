/**
 * @file An in-process fake of the training worker for runtime tests. It behaves as the contract of
 * `TrainWorkerApi` asks: holds the run's Web Lock while it works, moves the run queued → running, "trains" by
 * sleeping one step per epoch (writing progress, resuming from the epoch stored on the run as a real worker
 * resumes from its checkpoint), honours cancel, and writes the final status. Scripts make it crash, hang, throw
 * or ignore cancel; `terminate()` stops it dead (its lock released, its call never answered), like a real one.
 */
import type { TrainJobOutcome, TrainJobProgress, TrainWorkerApi } from '../protocol/train-worker';
import { appendMetrics } from '../storage/metrics';
import type { RunRecord } from '../storage/records';
import { runLockName } from '../storage/run-recovery';
import { transitionRun, updateRunningRun } from '../storage/run-status';
import type { WorkspaceDb } from '../storage/workspace-schema';
import type { RuntimeLocks } from '../runtime/queue-leader';
import type { TrainWorkerFactory, TrainWorkerHandle } from '../runtime/worker-pool';

/** How the fake behaves for one call. */
export interface FakeTrainScript {
  /** Epochs to train (the run's planned epochs by default). */
  epochs?: number;
  /** The worker dies (an `error` event) right after finishing this epoch. */
  crashAfterEpoch?: number;
  /** The worker dies after training, before it writes `completed` or answers. */
  crashBeforeCompleting?: boolean;
  /** After training, never answer (until terminated). */
  hang?: boolean;
  /** Keep training when canceled. */
  ignoreCancel?: boolean;
  /** `runTrain` rejects with this message before touching the run. */
  throwMessage?: string;
  /** Answer this outcome without writing any status (a worker that forgets its part). */
  answerWithoutWriting?: TrainJobOutcome;
  /** Epoch metrics to write after each epoch (step = epoch), before the run's progress, as the training job does. */
  metrics?: (epoch: number, run: RunRecord) => Record<string, number>;
}

/** One call of `runTrain`, as recorded by the fakes. */
export interface FakeTrainCall {
  runId: string;
  worker: number;
  /** Epoch the run was resumed from (0 for a fresh run). */
  startEpoch: number;
  /** Set just before the worker writes its final status. */
  outcome?: TrainJobOutcome['status'];
}

const DEAD: unique symbol = Symbol('dead');

/** A factory of fake training workers sharing one database, one lock manager and one call log. */
export class FakeTrainWorkers {
  readonly db: WorkspaceDb;
  readonly locks: RuntimeLocks;
  readonly stepMs: number;
  readonly calls: FakeTrainCall[] = [];
  /** Workers created, and terminated. */
  created = 0;
  terminated = 0;
  /** Runs being trained right now, for concurrency assertions, and the most seen at once. */
  readonly training = new Set<string>();
  maxTraining = 0;
  #script: (runId: string, attempt: number) => FakeTrainScript;

  constructor(options: { db: WorkspaceDb; locks: RuntimeLocks; stepMs?: number; script?: (runId: string, attempt: number) => FakeTrainScript }) {
    this.db = options.db;
    this.locks = options.locks;
    this.stepMs = options.stepMs ?? 5;
    this.#script = options.script ?? (() => ({ epochs: 3 }));
  }

  /** Changes the script for later calls. `attempt` counts earlier calls for the same run. */
  setScript(script: (runId: string, attempt: number) => FakeTrainScript): void {
    this.#script = script;
  }

  /** Use as the runtime's `createWorker`. */
  readonly factory: TrainWorkerFactory = () => new FakeTrainWorker(this, ++this.created);

  scriptFor(runId: string): FakeTrainScript {
    return this.#script(runId, this.calls.filter((c) => c.runId === runId).length);
  }
}

class FakeTrainWorker implements TrainWorkerHandle {
  readonly api: TrainWorkerApi;
  readonly #owner: FakeTrainWorkers;
  readonly #index: number;
  readonly #dead = new AbortController();
  readonly #lostListeners: ((error: Error) => void)[] = [];
  readonly #canceled = new Set<string>();

  constructor(owner: FakeTrainWorkers, index: number) {
    this.#owner = owner;
    this.#index = index;
    this.api = {
      runTrain: (workspaceId, runId, onProgress) => this.#runTrain(workspaceId, runId, onProgress),
      cancel: async (runId) => void this.#canceled.add(runId),
    };
  }

  onLost(listener: (error: Error) => void): void {
    this.#lostListeners.push(listener);
  }

  terminate(): void {
    if (this.#dead.signal.aborted) return;
    this.#owner.terminated++;
    this.#dead.abort();
  }

  #crash(): typeof DEAD {
    this.terminate();
    const error = new Error('fake worker crashed');
    for (const listener of this.#lostListeners) listener(error);
    return DEAD;
  }

  async #runTrain(_workspaceId: string, runId: string, onProgress: (progress: TrainJobProgress) => void): Promise<TrainJobOutcome> {
    const owner = this.#owner;
    const script = owner.scriptFor(runId);
    const call: FakeTrainCall = { runId, worker: this.#index, startEpoch: -1 };
    owner.calls.push(call);
    if (script.throwMessage) throw new Error(script.throwMessage);
    if (script.answerWithoutWriting) return script.answerWithoutWriting;
    const signal = this.#dead.signal;
    const result = await owner.locks
      .request(runLockName(runId), { signal }, async () => {
        try {
          return await this.#train(runId, script, call, onProgress);
        } catch (err) {
          if (signal.aborted) return DEAD as typeof DEAD;
          throw err;
        } finally {
          owner.training.delete(runId);
        }
      })
      .catch((err: unknown): typeof DEAD => {
        if (signal.aborted) return DEAD;
        throw err;
      });
    // A terminated worker never answers.
    if (result === DEAD) return new Promise<never>(() => {});
    call.outcome = result.status;
    return result;
  }

  async #train(runId: string, script: FakeTrainScript, call: FakeTrainCall, onProgress: (progress: TrainJobProgress) => void): Promise<TrainJobOutcome | typeof DEAD> {
    const { db } = this.#owner;
    const signal = this.#dead.signal;
    const run = await transitionRun(db, runId, 'running');
    const epochs = script.epochs ?? run.progress.epochs;
    let epoch = run.progress.epoch;
    call.startEpoch = epoch;
    this.#owner.training.add(runId);
    this.#owner.maxTraining = Math.max(this.#owner.maxTraining, this.#owner.training.size);
    onProgress({ status: 'preparing', message: epoch > 0 ? `Resuming from epoch ${epoch}` : 'Reading the data' });
    while (epoch < epochs) {
      await sleep(this.#owner.stepMs, signal);
      if (this.#canceled.has(runId) && !script.ignoreCancel) {
        await transitionRun(db, runId, 'canceled');
        onProgress({ status: 'done', outcome: 'canceled' });
        return { status: 'canceled' };
      }
      epoch++;
      const metrics = Object.entries(script.metrics?.(epoch, run) ?? {});
      const split = (key: string) => (key.startsWith('val_') ? 'validation' : 'train');
      await appendMetrics(db, metrics.map(([key, value]) => ({ runId, key, step: epoch, value, time: Date.now(), split: split(key) })));
      await updateRunningRun(db, runId, { progress: { epoch, epochs } });
      onProgress({ status: 'training', epoch, epochs, batch: 1, batches: 1, etaMs: null, loss: 1 / epoch });
      if (script.crashAfterEpoch === epoch) return this.#crash();
    }
    if (script.crashBeforeCompleting) return this.#crash();
    if (script.hang) await sleep(2 ** 31 - 1, signal);
    call.outcome = 'completed';
    await transitionRun(db, runId, 'completed');
    onProgress({ status: 'done', outcome: 'completed' });
    return { status: 'completed' };
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
