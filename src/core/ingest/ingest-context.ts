/**
 * @file What every format reader receives and returns.
 */
import type { ImportProgress } from '../../protocol/import';
import type { ChunkStore } from '../table/chunk-store';
import type { IssueList } from '../table/issue-list';
import type { BuiltTable } from '../table/table-builder';

/** Shared inputs of the format readers. */
export interface IngestContext {
  store: ChunkStore;
  issues: IssueList;
  signal?: AbortSignal;
  onProgress?: (progress: ImportProgress) => void;
  /** Rows per chunk; tests shrink it. */
  chunkRows?: number;
  /**
   * False when the caller hashes the source itself (e.g. in a parallel worker): readers then skip their
   * inline SHA-256 and return an empty `contentHash`, which {@link ingestTable} fills in.
   */
  hashInline?: boolean;
}

/** A table written to the store, with the SHA-256 (hex) of its source content. */
export interface IngestedTable extends BuiltTable {
  contentHash: string;
}

/** Minimum time between two 'parsing' progress reports. */
export const PROGRESS_INTERVAL_MS = 100;

/** Calls `onProgress` at most every {@link PROGRESS_INTERVAL_MS} (the last call with `force` always goes through). */
export function progressThrottle(onProgress: IngestContext['onProgress']): (progress: ImportProgress, force?: boolean) => void {
  let last = -Infinity;
  return (progress, force = false) => {
    if (!onProgress) return;
    const now = Date.now();
    if (!force && now - last < PROGRESS_INTERVAL_MS) return;
    last = now;
    onProgress(progress);
  };
}
