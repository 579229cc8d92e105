/**
 * @file The browser's training worker: `workers/train.worker.ts` behind comlink, as a `TrainWorkerHandle`.
 */
import { proxy, releaseProxy, wrap } from 'comlink';
import type { TrainJobProgress, TrainWorkerApi } from '../protocol/train-worker';
import type { TrainWorkerHandle } from './worker-pool';

/** Starts a training worker (a module worker) and wraps its API. The default `TrainWorkerFactory`. */
export function createTrainWorker(): TrainWorkerHandle {
  const worker = new Worker(new URL('../../workers/train.worker.ts', import.meta.url), { type: 'module', name: 'benchtop-train' });
  const remote = wrap<TrainWorkerApi>(worker);
  const listeners: ((error: Error) => void)[] = [];
  let lost: Error | undefined;
  let terminated = false;
  const die = (error: Error) => {
    if (lost) return;
    lost = error;
    for (const listener of listeners.splice(0)) listener(error);
  };
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    die(new Error(`The training worker stopped unexpectedly${event.message ? `: ${event.message}` : ''}`));
  });
  worker.addEventListener('messageerror', () => die(new Error('The training worker sent a message that could not be read')));
  const api: TrainWorkerApi = {
    // The callback is proxied, not cloned: functions cannot be structured-cloned, and progress must reach this thread.
    runTrain: (workspaceId: string, runId: string, onProgress: (progress: TrainJobProgress) => void) =>
      remote.runTrain(workspaceId, runId, proxy(onProgress)),
    cancel: (runId: string) => remote.cancel(runId),
  };
  return {
    api,
    onLost(listener) {
      if (lost) listener(lost);
      else listeners.push(listener);
    },
    terminate() {
      if (terminated) return;
      terminated = true;
      remote[releaseProxy]();
      worker.terminate();
    },
  };
}
