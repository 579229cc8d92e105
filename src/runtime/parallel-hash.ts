/**
 * @file Hashes a blob in its own worker, so the SHA-256 of an import runs beside its parse on another core.
 * Used from inside the import worker (a nested worker); falls back to nothing where workers are absent (Node).
 */
import { releaseProxy, wrap } from 'comlink';
import type { HashWorkerApi } from '../protocol/import';

/** SHA-256 (hex) of `blob`, computed in a fresh hash worker. Undefined where `Worker` does not exist. */
export function parallelHasher(): ((blob: Blob) => Promise<string>) | undefined {
  if (typeof Worker === 'undefined') return undefined;
  return async (blob) => {
    const worker = new Worker(new URL('../../workers/hash.worker.ts', import.meta.url), { type: 'module', name: 'benchtop-hash' });
    const api = wrap<HashWorkerApi>(worker);
    try {
      return await api.hashBlob(blob);
    } finally {
      api[releaseProxy]();
      worker.terminate();
    }
  };
}
