/**
 * @file Runs one data import in its own worker. Cancel terminates the worker (instant, even mid-chunk);
 * the staged, incomplete version it leaves is then swept by the storage layer, so nothing partial is kept.
 */
import { proxy, wrap, releaseProxy } from 'comlink';
import type { ImportProgress, ImportRequest, ImportResult, ImportWorkerApi } from '../protocol/import';

/** A running import. */
export interface ImportHandle {
  readonly result: Promise<ImportResult>;
  /** Stop the import; `result` rejects with an AbortError. */
  cancel(): void;
}

/** Start the import worker. Progress arrives through `onProgress` (a comlink proxy back to this thread). */
export function runImport(request: ImportRequest, onProgress: (progress: ImportProgress) => void): ImportHandle {
  const worker = new Worker(new URL('../../workers/import.worker.ts', import.meta.url), { type: 'module', name: 'benchtop-import' });
  const api = wrap<ImportWorkerApi>(worker);
  let settle: { reject: (err: unknown) => void } | undefined;
  const stopped = new Promise<never>((_, reject) => {
    settle = { reject };
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      reject(new Error(`The import worker stopped unexpectedly${event.message ? `: ${event.message}` : ''}`));
    });
  });
  // Files are structured-cloned: a File is a handle to the bytes, not a copy of them.
  const work = api.importDataset(request, proxy(onProgress));
  const result = Promise.race([work, stopped]).finally(() => {
    api[releaseProxy]();
    worker.terminate();
  });
  return {
    result,
    cancel() {
      worker.terminate();
      settle?.reject(new DOMException('The import was canceled', 'AbortError'));
    },
  };
}

/** Run a one-off call on a fresh import worker (e.g. re-profiling after a type change), then stop it. */
export async function withImportWorker<T>(call: (api: ImportWorkerApi) => Promise<T>): Promise<T> {
  const worker = new Worker(new URL('../../workers/import.worker.ts', import.meta.url), { type: 'module', name: 'benchtop-import' });
  const api = wrap<ImportWorkerApi>(worker);
  try {
    return await call(api);
  } finally {
    api[releaseProxy]();
    worker.terminate();
  }
}
