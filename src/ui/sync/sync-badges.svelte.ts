/**
 * @file The sync state of each run, for the badges of the runs list and run page: one storage query shared by every
 * badge on the page (not one per row), started by the first badge and stopped with the last.
 */
import { liveQuery, type Subscription } from 'dexie';
import type { SyncQueueRecord } from '../../storage/records';
import { handleError } from '../shared/notices.svelte';
import { workspaceState } from '../settings/workspace-state.svelte';
import { syncService } from './sync-service';

class SyncBadges {
  #items = $state.raw<ReadonlyMap<string, SyncQueueRecord>>(new Map());
  #users = 0;
  #workspaceId: string | undefined;
  #subscription: Subscription | undefined;

  /** The queue item of run `runId`, if it has one. */
  forRun(runId: string): SyncQueueRecord | undefined {
    return this.#items.get(runId);
  }

  /** Registers a badge (call from an `$effect`); returns its cleanup. */
  watch(): () => void {
    const workspaceId = workspaceState.current?.id;
    if (workspaceId !== this.#workspaceId) this.#restart(workspaceId);
    this.#users++;
    return () => {
      this.#users--;
      if (this.#users === 0) this.#restart(undefined);
    };
  }

  #restart(workspaceId: string | undefined): void {
    this.#subscription?.unsubscribe();
    this.#subscription = undefined;
    this.#items = new Map();
    this.#workspaceId = workspaceId;
    if (workspaceId === undefined) return;
    this.#subscription = liveQuery(() => syncService.runItems()).subscribe({
      next: (items) => (this.#items = new Map(items.map((item) => [item.targetId, item]))),
      error: (err: unknown) => handleError(err, 'Could not read the sync states'),
    });
  }
}

/** The shared sync states of runs. */
export const syncBadges = new SyncBadges();
