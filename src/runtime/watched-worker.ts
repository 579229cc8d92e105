/**
 * @file A comlink-wrapped worker whose death is watched: the part every job worker client shares (training, AutoML).
 * The `new Worker(new URL(...))` call stays in each client, where Vite can see and bundle the worker file.
 */
import { releaseProxy, wrap, type Remote } from 'comlink';

/** A worker's comlink remote, its death, and a way to stop it. */
export interface WatchedWorker<T> {
  readonly remote: Remote<T>;
  /** Calls `listener` once if the worker dies (also when it already has); a dead worker never answers. */
  onLost(listener: (error: Error) => void): void;
  /** Stops the worker at once; its Web Locks are released. Idempotent. */
  terminate(): void;
}

/** Wraps `worker` with comlink and watches for its death; `label` names it in messages ("The training worker..."). */
export function watchWorker<T>(worker: Worker, label: string): WatchedWorker<T> {
  const remote = wrap<T>(worker);
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
    die(new Error(`The ${label} stopped unexpectedly${event.message ? `: ${event.message}` : ''}`));
  });
  worker.addEventListener('messageerror', () => die(new Error(`The ${label} sent a message that could not be read`)));
  return {
    remote,
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
