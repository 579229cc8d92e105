/**
 * @file The one-time reload that makes a page cross-origin isolated on a host without COOP/COEP headers.
 *
 * On such a host the first visit loads without the headers; once the service worker controls the page, a
 * reload is served through it, with the headers. A sessionStorage mark keeps this to one reload per tab
 * session, so a browser that ignores the worker's headers is never sent into a reload loop.
 */

/** The sessionStorage key that records an isolation reload in this tab session. */
export const ISOLATION_RELOAD_KEY = 'benchtop.isolationReload';

/** The part of `Storage` the guard uses. */
export type ReloadGuardStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** What the page should do about isolation, and why. */
export type IsolationDecision =
  /** Already isolated: nothing to do (the guard mark is cleared, so a later loss may be retried once). */
  | 'isolated'
  /** Not controlled by the service worker (none, or a hard reload): a reload would not help. */
  | 'not-controlled'
  /** sessionStorage is unavailable, so a loop could not be prevented: never reload. */
  | 'no-guard'
  /** This tab session already reloaded once and is still not isolated: the browser refuses; stop. */
  | 'already-reloaded'
  /** Controlled but not isolated, first try: the mark is recorded and the caller should reload now. */
  | 'reload';

/**
 * Decide whether to reload for isolation, recording the attempt before answering `'reload'`.
 * `storage` is a getter because touching `sessionStorage` can throw (storage disabled, sandboxed frames).
 */
export function decideIsolationReload(input: {
  isolated: boolean;
  controlled: boolean;
  storage: () => ReloadGuardStorage | undefined;
  now?: () => number;
}): IsolationDecision {
  let storage: ReloadGuardStorage | undefined;
  try {
    storage = input.storage();
  } catch {
    storage = undefined;
  }
  if (input.isolated) {
    try {
      storage?.removeItem(ISOLATION_RELOAD_KEY);
    } catch {
      // Nothing to clear when storage refuses.
    }
    return 'isolated';
  }
  if (!input.controlled) return 'not-controlled';
  if (!storage) return 'no-guard';
  try {
    if (storage.getItem(ISOLATION_RELOAD_KEY) !== null) return 'already-reloaded';
    storage.setItem(ISOLATION_RELOAD_KEY, String((input.now ?? Date.now)()));
    // Read back: a storage that accepts writes but keeps nothing would otherwise reload forever.
    if (storage.getItem(ISOLATION_RELOAD_KEY) === null) return 'no-guard';
  } catch {
    return 'no-guard';
  }
  return 'reload';
}
