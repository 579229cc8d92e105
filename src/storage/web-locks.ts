/**
 * @file Web Locks, the way storage uses them: a job (an import, a run) holds a lock named for its record while it
 * works, so any tab can tell a live job from one left behind by a closed tab or a killed worker.
 * Where Web Locks are unavailable (Node: tests and the CLI) nothing is locked and work runs unguarded.
 */

/** A predicate telling whether a lock named `name` is held or waited for, from one snapshot of `navigator.locks.query()`. */
export async function lockSnapshot(): Promise<(name: string) => boolean> {
  const locks = globalThis.navigator?.locks;
  if (!locks) return () => false;
  const snapshot = await locks.query();
  const names = new Set([...(snapshot.held ?? []), ...(snapshot.pending ?? [])].map((lock) => lock.name));
  return (name) => names.has(name);
}

/** Runs `fn` holding the exclusive lock `name`; runs it without a lock where Web Locks are unavailable. */
export async function withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const locks = globalThis.navigator?.locks;
  if (!locks) return fn();
  return locks.request(name, fn);
}
