/**
 * @file The browser's training worker: `workers/train.worker.ts` behind comlink, as a `TrainWorkerHandle`.
 */
import { proxy } from 'comlink';
import { watchWorker } from './watched-worker';
import type { TrainJobProgress, TrainWorkerApi } from '../protocol/train-worker';
import type { TrainWorkerHandle } from './worker-pool';

/** Starts a training worker (a module worker) and wraps its API. The default `TrainWorkerFactory`. */
export function createTrainWorker(): TrainWorkerHandle {
  const worker = new Worker(new URL('../../workers/train.worker.ts', import.meta.url), { type: 'module', name: 'benchtop-train' });
  const watched = watchWorker<TrainWorkerApi>(worker, 'training worker');
  const remote = watched.remote;
  const api: TrainWorkerApi = {
    // The callback is proxied, not cloned: functions cannot be structured-cloned, and progress must reach this thread.
    runTrain: (workspaceId: string, runId: string, onProgress: (progress: TrainJobProgress) => void) =>
      remote.runTrain(workspaceId, runId, proxy(onProgress)),
    cancel: (runId: string) => remote.cancel(runId),
  };
  return { api, onLost: watched.onLost, terminate: watched.terminate };
}
