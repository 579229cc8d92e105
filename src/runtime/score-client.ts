/**
 * @file The page's way to scoring: `workers/score.worker.ts` behind comlink. Invocations share one long-lived worker
 * (its loaded models stay warm) with a deadline on every call: a call that outlives it terminates the worker (a
 * model stuck in a synchronous loop cannot be interrupted any other way) and answers 504, and the next call starts a
 * fresh worker. Each batch scoring job gets a worker of its own; cancel terminates it (instant, even mid-chunk), and
 * the staged version it leaves is swept by storage as an interrupted import's is.
 */
import { proxy, releaseProxy, wrap, type Remote } from 'comlink';
import type { BatchScoreProgress, BatchScoreRequest, BatchScoreResult, InvocationResult, ScoringBodyType, ScoreWorkerApi } from '../protocol/scoring';

/** Longest an invocation may take, loading the model included (the first call also starts TF.js). */
export const DEFAULT_INVOKE_DEADLINE_MS = 25_000;

/** Scores invocation bodies: what the endpoint relay needs (tests pass their own). */
export interface InvocationScorer {
  invoke(workspaceId: string, modelVersionId: string, body: string, bodyType?: ScoringBodyType): Promise<InvocationResult>;
}

interface LiveWorker {
  worker: Worker;
  remote: Remote<ScoreWorkerApi>;
  /** Rejects when the worker dies or is stopped; every call races it. */
  lost: Promise<never>;
  stop(error: Error): void;
}

const scoreWorker = () => new Worker(new URL('../../workers/score.worker.ts', import.meta.url), { type: 'module', name: 'benchtop-score' });

/** Invocations in a worker, with deadlines. */
export class ScoreClient implements InvocationScorer {
  readonly #deadlineMs: number;
  readonly #createWorker: () => Worker;
  #live: LiveWorker | undefined;

  constructor(options: { deadlineMs?: number; createWorker?: () => Worker } = {}) {
    this.#deadlineMs = options.deadlineMs ?? DEFAULT_INVOKE_DEADLINE_MS;
    this.#createWorker = options.createWorker ?? scoreWorker;
  }

  #start(): LiveWorker {
    if (this.#live) return this.#live;
    const worker = this.#createWorker();
    const remote = wrap<ScoreWorkerApi>(worker);
    let reject!: (error: Error) => void;
    const lost = new Promise<never>((_, r) => (reject = r));
    lost.catch(() => undefined); // nobody may be racing it when it rejects
    const live: LiveWorker = {
      worker,
      remote,
      lost,
      stop: (error) => {
        if (this.#live === live) this.#live = undefined;
        remote[releaseProxy]();
        worker.terminate();
        reject(error);
      },
    };
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      live.stop(new Error(`The scoring worker stopped unexpectedly${event.message ? `: ${event.message}` : ''}`));
    });
    this.#live = live;
    return live;
  }

  /** Scores one request body; never rejects: a deadline answers 504, a dead worker 500. */
  async invoke(workspaceId: string, modelVersionId: string, body: string, bodyType: ScoringBodyType = 'json', deadlineMs = this.#deadlineMs): Promise<InvocationResult> {
    const live = this.#start();
    const started = performance.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<InvocationResult>((resolve) => {
      timer = setTimeout(() => {
        live.stop(new Error('deadline'));
        resolve({ status: 504, body: { error_code: 'DEADLINE_EXCEEDED', message: `Scoring took longer than ${Math.round(deadlineMs / 1000)} s and was stopped` }, rows: 0, ms: performance.now() - started });
      }, deadlineMs);
    });
    try {
      return await Promise.race([live.remote.invoke(workspaceId, modelVersionId, body, bodyType), deadline, live.lost]);
    } catch (err) {
      return { status: 500, body: { error_code: 'INTERNAL_ERROR', message: err instanceof Error ? err.message : String(err) }, rows: 0, ms: performance.now() - started };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops the worker; the next call starts a new one. */
  dispose(): void {
    this.#live?.stop(new Error('The scoring client was closed'));
  }
}

let shared: ScoreClient | undefined;

/** The page's shared invocation client (one scoring worker, started on first use). */
export function getScoreClient(): ScoreClient {
  shared ??= new ScoreClient();
  return shared;
}

/** A running batch scoring job. */
export interface BatchScoreHandle {
  readonly result: Promise<BatchScoreResult>;
  /** Stops the job; `result` rejects with an AbortError and nothing of it is kept. */
  cancel(): void;
}

/** Starts a batch scoring job in a worker of its own. Progress arrives through `onProgress` (a comlink proxy). */
export function runBatchScore(request: BatchScoreRequest, onProgress: (progress: BatchScoreProgress) => void, createWorker: () => Worker = scoreWorker): BatchScoreHandle {
  const worker = createWorker();
  const remote = wrap<ScoreWorkerApi>(worker);
  let rejectStopped: ((err: unknown) => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    rejectStopped = reject;
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      reject(new Error(`The scoring worker stopped unexpectedly${event.message ? `: ${event.message}` : ''}`));
    });
  });
  const result = Promise.race([remote.scoreDataset(request, proxy(onProgress)), stopped]).finally(() => {
    remote[releaseProxy]();
    worker.terminate();
  });
  return {
    result,
    cancel() {
      worker.terminate();
      rejectStopped?.(new DOMException('The scoring was canceled', 'AbortError'));
    },
  };
}
