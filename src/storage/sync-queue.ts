/**
 * @file The MLflow sync queue (`syncQueue` table): what is to be pushed, where each item is, why its last attempt
 * failed, and the push state that lets a repeated push resume without duplicating anything. One item per run or
 * model version (`<kind>:<targetId>`), so queuing the same thing twice is one item. Only the leading tab's sync
 * runner pushes; any tab may queue, retry or remove items, and the runner sees the change through storage.
 */
import type { SyncErrorInfo, SyncItemKind, SyncItemState, SyncPushState, SyncQueueRecord } from './records';
import type { WorkspaceDb } from './workspace-schema';

/** Longest label kept, in characters. */
export const MAX_SYNC_LABEL_LENGTH = 200;
/** Longest error message kept, in characters. */
export const MAX_SYNC_ERROR_LENGTH = 2_000;

/** Id of the item of `kind` for `targetId`. */
export function syncItemId(kind: SyncItemKind, targetId: string): string {
  return `${kind}:${targetId}`;
}

/** A push state with nothing pushed yet. */
export function emptySyncPushState(): SyncPushState {
  return { metricMarks: [], artifacts: [] };
}

/** What queuing an item needs. */
export interface SyncTarget {
  kind: SyncItemKind;
  targetId: string;
  label: string;
  /** The target's `updatedAt` now. */
  sourceUpdatedAt: number;
}

/**
 * Queues `target`. A new target gets a queued item. A pushed (`done`) item whose target changed since
 * (`sourceUpdatedAt` later than the one pushed) is queued again, keeping its push state, so only the change is
 * sent. An item that is already queued or pushing, or waits for a person (failed, blocked), is left as it is.
 * Returns the item.
 */
export async function enqueueSyncItem(db: WorkspaceDb, target: SyncTarget, now: number = Date.now()): Promise<SyncQueueRecord> {
  const id = syncItemId(target.kind, target.targetId);
  const label = clip(target.label.trim() || target.targetId, MAX_SYNC_LABEL_LENGTH);
  return db.transaction('rw', db.syncQueue, async () => {
    const existing = await db.syncQueue.get(id);
    if (!existing) {
      const item: SyncQueueRecord = {
        id,
        kind: target.kind,
        targetId: target.targetId,
        label,
        state: 'queued',
        attempts: 0,
        nextAttemptAt: 0,
        pushState: emptySyncPushState(),
        sourceUpdatedAt: target.sourceUpdatedAt,
        createdAt: now,
        updatedAt: now,
      };
      await db.syncQueue.add(item);
      return item;
    }
    if (existing.state === 'done' && target.sourceUpdatedAt > existing.sourceUpdatedAt) {
      const { lastError: _error, ...rest } = existing;
      const item: SyncQueueRecord = { ...rest, label, state: 'queued', attempts: 0, nextAttemptAt: 0, sourceUpdatedAt: target.sourceUpdatedAt, updatedAt: now };
      await db.syncQueue.put(item);
      return item;
    }
    return existing;
  });
}

/** One item, or undefined. */
export async function getSyncItem(db: WorkspaceDb, id: string): Promise<SyncQueueRecord | undefined> {
  return db.syncQueue.get(id);
}

/** Every item, oldest first. Works inside `liveQuery`. */
export async function listSyncItems(db: WorkspaceDb): Promise<SyncQueueRecord[]> {
  return db.syncQueue.orderBy('createdAt').toArray();
}

/** Queued items whose time has come: runs before model versions (a version needs its run), oldest first. */
export async function dueSyncItems(db: WorkspaceDb, now: number = Date.now()): Promise<SyncQueueRecord[]> {
  const due = await db.syncQueue.where('state').equals('queued').filter((item) => item.nextAttemptAt <= now).toArray();
  const rank = (item: SyncQueueRecord) => (item.kind === 'run' ? 0 : 1);
  return due.sort((a, b) => rank(a) - rank(b) || a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
}

/** The earliest `nextAttemptAt` of a queued item, or undefined when nothing is queued. */
export async function nextSyncAttemptAt(db: WorkspaceDb): Promise<number | undefined> {
  const queued = await db.syncQueue.where('state').equals('queued').toArray();
  return queued.length === 0 ? undefined : Math.min(...queued.map((item) => item.nextAttemptAt));
}

/** Marks a queued item as pushing; undefined when it is gone or no longer queued (removed, or taken meanwhile). */
export async function startSyncPush(db: WorkspaceDb, id: string, now: number = Date.now()): Promise<SyncQueueRecord | undefined> {
  return db.transaction('rw', db.syncQueue, async () => {
    const item = await db.syncQueue.get(id);
    if (!item || item.state !== 'queued') return undefined;
    const pushing: SyncQueueRecord = { ...item, state: 'pushing', updatedAt: now };
    await db.syncQueue.put(pushing);
    return pushing;
  });
}

/** Stores what a push in progress has achieved (called after every step the server confirmed). */
export async function saveSyncPushState(db: WorkspaceDb, id: string, pushState: SyncPushState, now: number = Date.now()): Promise<void> {
  await db.syncQueue.update(id, { pushState: structuredClone(pushState), updatedAt: now });
}

/** A push that worked: `done`, with the state it reached, the target's `updatedAt` it read, and its warnings. */
export async function finishSyncPush(
  db: WorkspaceDb,
  id: string,
  outcome: { pushState: SyncPushState; sourceUpdatedAt: number; warnings?: readonly string[] },
  now: number = Date.now(),
): Promise<void> {
  await db.transaction('rw', db.syncQueue, async () => {
    const item = await db.syncQueue.get(id);
    if (!item) return;
    const { lastError: _error, warnings: _warnings, ...rest } = item;
    const warnings = [...new Set(outcome.warnings ?? [])].map((w) => clip(w, MAX_SYNC_ERROR_LENGTH));
    await db.syncQueue.put({
      ...rest,
      state: 'done',
      attempts: 0,
      nextAttemptAt: 0,
      pushState: structuredClone(outcome.pushState),
      // The time the push read: a change made while it ran is newer, so the runner queues the item again.
      sourceUpdatedAt: outcome.sourceUpdatedAt,
      ...(warnings.length > 0 ? { warnings } : {}),
      pushedAt: now,
      updatedAt: now,
    });
  });
}

/** How a failed attempt leaves its item. */
export interface SyncFailure {
  /** `queued` to try again at `nextAttemptAt`; `failed` or `blocked` to wait for a person. */
  state: Extract<SyncItemState, 'queued' | 'failed' | 'blocked'>;
  error: SyncErrorInfo;
  /** For `queued`: when to try again. */
  nextAttemptAt?: number;
}

/** Records a failed attempt (counted in `attempts`). */
export async function failSyncPush(db: WorkspaceDb, id: string, failure: SyncFailure, now: number = Date.now()): Promise<void> {
  await db.transaction('rw', db.syncQueue, async () => {
    const item = await db.syncQueue.get(id);
    if (!item) return;
    await db.syncQueue.put({
      ...item,
      state: failure.state,
      attempts: item.attempts + 1,
      nextAttemptAt: failure.state === 'queued' ? (failure.nextAttemptAt ?? now) : 0,
      lastError: { ...failure.error, message: clip(failure.error.message, MAX_SYNC_ERROR_LENGTH) },
      updatedAt: now,
    });
  });
}

/** Puts a pushing item back in the queue without counting an attempt (it waits for another item, or was stopped). */
export async function deferSyncItem(db: WorkspaceDb, id: string, nextAttemptAt: number, now: number = Date.now()): Promise<void> {
  await db.transaction('rw', db.syncQueue, async () => {
    const item = await db.syncQueue.get(id);
    if (!item || (item.state !== 'pushing' && item.state !== 'queued')) return;
    await db.syncQueue.put({ ...item, state: 'queued', nextAttemptAt, updatedAt: now });
  });
}

/** A person's Retry: the item is queued for now, its retry count reset (its push state kept). */
export async function retrySyncItem(db: WorkspaceDb, id: string, now: number = Date.now()): Promise<void> {
  await db.transaction('rw', db.syncQueue, async () => {
    const item = await db.syncQueue.get(id);
    if (!item) throw new Error(`Sync item "${id}" does not exist`);
    if (item.state === 'pushing') return;
    await db.syncQueue.put({ ...item, state: 'queued', attempts: 0, nextAttemptAt: 0, updatedAt: now });
  });
}

/** Removes an item (the target stays; it is queued again only when it changes). Returns whether there was one. */
export async function removeSyncItem(db: WorkspaceDb, id: string): Promise<boolean> {
  return db.transaction('rw', db.syncQueue, async () => {
    const had = (await db.syncQueue.get(id)) !== undefined;
    await db.syncQueue.delete(id);
    return had;
  });
}

/** Items a closed tab left `pushing` go back to the queue (their push state says how far they got). Returns how many. */
export async function requeueInterruptedSyncItems(db: WorkspaceDb, now: number = Date.now()): Promise<number> {
  return db.transaction('rw', db.syncQueue, async () => {
    const stuck = await db.syncQueue.where('state').equals('pushing').toArray();
    await db.syncQueue.bulkPut(stuck.map((item) => ({ ...item, state: 'queued' as const, nextAttemptAt: 0, updatedAt: now })));
    return stuck.length;
  });
}

/** After the settings changed (a new token, another URI): blocked items are queued again. Returns how many. */
export async function unblockSyncItems(db: WorkspaceDb, now: number = Date.now()): Promise<number> {
  return db.transaction('rw', db.syncQueue, async () => {
    const blocked = await db.syncQueue.where('state').equals('blocked').toArray();
    await db.syncQueue.bulkPut(blocked.map((item) => ({ ...item, state: 'queued' as const, attempts: 0, nextAttemptAt: 0, updatedAt: now })));
    return blocked.length;
  });
}

/** When the network comes back: queued items waiting out a network failure are tried now. Returns how many. */
export async function retryNetworkWaits(db: WorkspaceDb, now: number = Date.now()): Promise<number> {
  return db.transaction('rw', db.syncQueue, async () => {
    const waiting = await db.syncQueue
      .where('state')
      .equals('queued')
      .filter((item) => item.nextAttemptAt > now && (item.lastError?.kind === 'network' || item.lastError?.kind === 'timeout'))
      .toArray();
    await db.syncQueue.bulkPut(waiting.map((item) => ({ ...item, nextAttemptAt: 0, updatedAt: now })));
    return waiting.length;
  });
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
