/**
 * @file Bridges Dexie's `liveQuery` observables to Svelte 5 runes.
 */
import { liveQuery } from 'dexie';
import { handleError } from './notices.svelte';

/** A value kept up to date from storage. Read `.value`; `.loaded` is false until the first result. */
export interface Live<T> {
  readonly value: T;
  readonly loaded: boolean;
}

/**
 * Subscribe to a storage query for the lifetime of the calling component (call it during component init).
 * `query` is re-run by Dexie whenever the tables it read change. Dexie runs it asynchronously, so reactive
 * state read inside it is NOT tracked: re-create the component (`{#key}`) when its inputs change.
 */
export function live<T>(query: () => Promise<T> | T, initial: T, failureMessage = 'Could not read from storage'): Live<T> {
  let value = $state.raw(initial);
  let loaded = $state(false);
  $effect(() => {
    const subscription = liveQuery(query).subscribe({
      next: (next) => {
        value = next;
        loaded = true;
      },
      error: (err) => handleError(err, failureMessage),
    });
    return () => subscription.unsubscribe();
  });
  return {
    get value() {
      return value;
    },
    get loaded() {
      return loaded;
    },
  };
}
