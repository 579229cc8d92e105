/**
 * @file Which tab leads a workspace's job queue: the one holding the Web Lock
 * `benchtop-queue-leader:<workspaceId>`. Every tab asks for it; the browser grants it to one, and when that
 * tab closes (or lets go) to the next one waiting. Only the leader starts workers; other tabs watch storage.
 */

/** The part of `LockManager` the runtime uses: `navigator.locks` in a browser, a fake in tests. */
export type RuntimeLocks = Pick<LockManager, 'request' | 'query'>;

/** Name of the Web Lock held by the tab that leads the queue of `workspaceId`. */
export function queueLeaderLockName(workspaceId: string): string {
  return `benchtop-queue-leader:${workspaceId}`;
}

/** A standing request for the leadership of one workspace's queue. */
export interface QueueLeadership {
  /** True while this tab leads. */
  readonly isLeader: boolean;
  /** Gives up the leadership, or the request for it. Resolves once the lock is released. */
  release(): Promise<void>;
}

/**
 * Asks for the leadership of `workspaceId`'s queue and keeps it until `release()`. `onLead` runs when it is
 * granted: at once when no tab leads, or when the leading tab goes away. Without Web Locks (an old browser,
 * Node) this tab leads at once: there is no other tab to coordinate with that it could know of.
 */
export function requestQueueLeadership(workspaceId: string, locks: RuntimeLocks | null, onLead: () => void): QueueLeadership {
  let isLeader = false;
  let released = false;
  if (!locks) {
    isLeader = true;
    queueMicrotask(() => {
      if (!released) onLead();
    });
    return {
      get isLeader() {
        return isLeader;
      },
      async release() {
        released = true;
        isLeader = false;
      },
    };
  }
  const abort = new AbortController();
  let letGo!: () => void;
  const held = new Promise<void>((resolve) => (letGo = resolve));
  const request = locks
    .request(queueLeaderLockName(workspaceId), { signal: abort.signal }, async () => {
      if (released) return;
      isLeader = true;
      onLead();
      await held;
      isLeader = false;
    })
    .catch((err: unknown) => {
      // An aborted request (released before it was granted) is the normal way to stop waiting.
      if (!(err instanceof Error && err.name === 'AbortError') && !released) console.error('Could not request the queue leadership', err);
    });
  return {
    get isLeader() {
      return isLeader;
    },
    async release() {
      released = true;
      abort.abort(new DOMException('The queue leadership is no longer wanted', 'AbortError'));
      letGo();
      await request;
      isLeader = false;
    },
  };
}
