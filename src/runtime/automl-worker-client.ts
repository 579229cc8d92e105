/**
 * @file The browser's AutoML worker: `workers/automl.worker.ts` behind comlink, as an `AutoMLWorkerHandle`. One worker
 * per AutoML job, terminated when the job ends.
 */
import { proxy } from 'comlink';
import { watchWorker } from './watched-worker';
import type { AutoMLJobProgress, AutoMLWorkerApi } from '../protocol/automl-worker';

/** One AutoML worker as the runtime sees it: its API, its death, and a way to stop it. */
export interface AutoMLWorkerHandle {
  /** The worker's API. In the browser a comlink remote; in tests the job in process. */
  readonly api: AutoMLWorkerApi;
  /** Calls `listener` once if the worker dies; a dead worker never answers, so the runtime races its call with this. */
  onLost(listener: (error: Error) => void): void;
  /** Stops the worker at once; its Web Locks are released. Idempotent. */
  terminate(): void;
}

/** Starts a new AutoML worker. */
export type AutoMLWorkerFactory = () => AutoMLWorkerHandle;

/** Starts an AutoML worker (a module worker) and wraps its API. The default `AutoMLWorkerFactory`. */
export function createAutoMLWorker(): AutoMLWorkerHandle {
  const worker = new Worker(new URL('../../workers/automl.worker.ts', import.meta.url), { type: 'module', name: 'benchtop-automl' });
  const watched = watchWorker<AutoMLWorkerApi>(worker, 'AutoML worker');
  const remote = watched.remote;
  const api: AutoMLWorkerApi = {
    // The callback is proxied, not cloned: functions cannot be structured-cloned, and progress must reach this thread.
    runAutoML: (workspaceId: string, runId: string, onProgress: (progress: AutoMLJobProgress) => void) => remote.runAutoML(workspaceId, runId, proxy(onProgress)),
    cancel: (runId: string) => remote.cancel(runId),
  };
  return { api, onLost: watched.onLost, terminate: watched.terminate };
}
