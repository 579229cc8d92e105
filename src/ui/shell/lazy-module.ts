/**
 * @file Pages loaded on first use, outside the initial bundle (the 250 KB gzip budget of the first load).
 */

/**
 * A loader that imports a module once and hands every caller the same promise; a failed import (offline, a chunk
 * gone after a deploy) is forgotten, so the next call tries again.
 */
export function lazyModule<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null;
  return () => {
    pending ??= load().catch((err: unknown) => {
      pending = null;
      throw err;
    });
    return pending;
  };
}
