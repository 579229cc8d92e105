/**
 * @file A pool of tabular fit workers for the AutoML search's fold executor: one worker per trial that runs at once,
 * started from inside the AutoML worker (nested workers, as the import worker starts its hash worker). Each worker
 * gets each fold's matrices once (cached there by fold index) and then only small fit requests. A fit that is
 * aborted (time up, canceled) terminates its worker, the only way to stop a fit in progress; a fresh worker replaces
 * it when needed. `close` terminates them all. Where `Worker` does not exist (Node: tests, CLI) there is no pool and
 * the search fits in process.
 */
import { releaseProxy, wrap, type Remote } from 'comlink';
import type { FoldExecutor } from '../core/automl/fit-trial';
import type { TabularFitWorkerApi } from './tabular-fit';

/** A started fit worker, its comlink proxy and the folds already sent to it. */
interface FitWorker {
  worker: Worker;
  api: Remote<TabularFitWorkerApi>;
  sent: Set<number>;
}

/** A pool of fit workers. */
export interface TabularFitPool {
  /** The search's fold executor; at most `size` fits run at once, the rest wait for a free worker. */
  fitFold: FoldExecutor;
  /** How many workers it may run. */
  size: number;
  /** The most fits that ran at once so far (a measure of the overlap the pool achieved). */
  readonly maxBusy: number;
  /** How many workers it started so far (an aborted fit's worker is replaced). */
  readonly started: number;
  /** Terminates every worker; later fits reject. */
  close(): void;
}

function startWorker(): Worker {
  return new Worker(new URL('../../workers/tabular-fit.worker.ts', import.meta.url), { type: 'module', name: 'benchtop-tabular-fit' });
}

/** A pool of up to `size` fit workers; undefined where `Worker` does not exist. `start` is for tests. */
export function createTabularFitPool(size: number, start: () => Worker = startWorker): TabularFitPool | undefined {
  if (typeof Worker === 'undefined') return undefined;
  const idle: FitWorker[] = [];
  const waiting: ((w: FitWorker) => void)[] = [];
  const all = new Set<FitWorker>();
  let closed = false;
  let busy = 0;
  let maxBusy = 0;
  let started = 0;

  const kill = (w: FitWorker) => {
    all.delete(w);
    w.api[releaseProxy]();
    w.worker.terminate();
  };
  const acquire = (): Promise<FitWorker> => {
    const free = idle.pop();
    if (free) return Promise.resolve(free);
    if (all.size < size) {
      const worker = start();
      started++;
      const w: FitWorker = { worker, api: wrap<TabularFitWorkerApi>(worker), sent: new Set() };
      all.add(w);
      return Promise.resolve(w);
    }
    return new Promise((resolve) => waiting.push(resolve));
  };
  const release = (w: FitWorker) => {
    const next = waiting.shift();
    if (next) next(w);
    else idle.push(w);
  };

  const fitFold: FoldExecutor = async (request, signal) => {
    signal.throwIfAborted();
    if (closed) throw new Error('The fit worker pool is closed');
    const w = await acquire();
    busy++;
    maxBusy = Math.max(maxBusy, busy);
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(signal.reason);
      if (signal.aborted) return onAbort(); // aborted while it waited for a worker
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const { fold, ...remote } = request;
      if (!w.sent.has(request.foldIndex)) {
        // Copied (structured clone), not transferred: the search keeps these matrices for every other trial and
        // worker, and a transfer would detach them here. Each worker gets each fold once.
        await Promise.race([w.api.setFold(request.foldIndex, fold), aborted]);
        w.sent.add(request.foldIndex);
      }
      const pred = await Promise.race([w.api.fitFold(remote), aborted]);
      release(w);
      return pred;
    } catch (err) {
      // An aborted fit keeps computing in its worker: terminate it. A failed fit may have left it in any state.
      kill(w);
      // A waiter gets a fresh worker in its place.
      const next = waiting.shift();
      if (next && !closed) void acquire().then(next);
      throw err;
    } finally {
      busy--;
      if (onAbort) signal.removeEventListener('abort', onAbort);
    }
  };

  return {
    fitFold,
    size,
    get maxBusy() {
      return maxBusy;
    },
    get started() {
      return started;
    },
    close() {
      closed = true;
      for (const w of [...all]) kill(w);
      idle.length = 0;
    },
  };
}
