/**
 * @file What a failed push attempt does to its queue item, decided from the error alone (pure):
 * - retryable (`network`, `timeout`, `server`, `rate-limited`): queued again after an exponential backoff with
 *   jitter, never sooner than the server's `Retry-After`; after `maxAttempts` attempts, `failed` (Retry restarts it);
 * - a problem a person must fix first (`auth`: the token; `forbidden`; `cors`: the server's allowed origins; a changed
 *   parameter, a deleted remote experiment or run): `blocked`, unblocked by new settings or Retry;
 * - anything else (a refused value, a missing endpoint, a deleted local run): `failed`;
 * - `canceled` (this tab stopped leading): back to the queue, not counted.
 * The message kept is the error's own, token-free (`redactSecret` runs on it once more here).
 */
import { Backoff, type BackoffPolicy } from '../sync/backoff';
import { isSyncError, redactSecret } from '../sync/sync-error';
import type { SyncFailure } from '../storage/sync-queue';

/** Spacing of the attempts of one item (each attempt already retries quick failures inside it). */
export interface SyncRetryPolicy {
  /** Delay before the second attempt, before jitter (ms). */
  baseMs: number;
  /** Longest delay between two attempts (ms). */
  maxMs: number;
  /** Attempts before the item is left `failed`. */
  maxAttempts: number;
}

/** 5 s, 10 s, 20 s... up to 10 minutes; 10 attempts (about half an hour of trying). */
export const DEFAULT_SYNC_RETRY: Readonly<SyncRetryPolicy> = Object.freeze({ baseMs: 5_000, maxMs: 600_000, maxAttempts: 10 });

/** Error codes that need a person before a retry can help. */
const BLOCKING_CODES: ReadonlySet<string> = new Set(['PARAM_CHANGED', 'EXPERIMENT_DELETED', 'REMOTE_RUN_DELETED', 'CORS_BLOCKED', 'MIXED_CONTENT']);
const BLOCKING_KINDS: ReadonlySet<string> = new Set(['auth', 'forbidden', 'cors']);

/** What to do with an item after its attempt number `attempt` (0 for the first) failed with `error`. */
export type SyncAttemptOutcome = { action: 'defer' } | ({ action: 'record' } & SyncFailure);

/** Decides the fate of an item whose attempt failed. `token` is scrubbed from the kept message. */
export function syncAttemptOutcome(
  error: unknown,
  attempt: number,
  options: { now: number; token?: string; policy?: Partial<SyncRetryPolicy>; backoff?: Backoff },
): SyncAttemptOutcome {
  const policy = { ...DEFAULT_SYNC_RETRY, ...options.policy };
  if (!isSyncError(error)) {
    const message = error instanceof Error ? error.message : String(error);
    return { action: 'record', state: 'failed', error: { kind: 'error', message: redactSecret(message, options.token) } };
  }
  if (error.kind === 'canceled') return { action: 'defer' };
  const info = {
    kind: error.kind,
    ...(error.code === undefined ? {} : { code: redactSecret(error.code, options.token) }),
    ...(error.status === undefined ? {} : { status: error.status }),
    message: redactSecret(error.message, options.token),
  };
  if (BLOCKING_KINDS.has(error.kind) || (error.code !== undefined && BLOCKING_CODES.has(error.code))) return { action: 'record', state: 'blocked', error: info };
  if (!error.retryable) return { action: 'record', state: 'failed', error: info };
  if (attempt + 1 >= policy.maxAttempts) {
    return { action: 'record', state: 'failed', error: { ...info, message: `${info.message} (gave up after ${attempt + 1} attempts; press Retry to try again)` } };
  }
  const backoff = options.backoff ?? new Backoff(toBackoffPolicy(policy));
  const delay = Math.max(backoff.delay(attempt), error.retryAfterMs ?? 0);
  return { action: 'record', state: 'queued', error: info, nextAttemptAt: options.now + delay };
}

/** The item-level policy as a `Backoff` policy (its jitter and caps). */
export function toBackoffPolicy(policy: SyncRetryPolicy): Partial<BackoffPolicy> {
  return { baseMs: policy.baseMs, maxMs: policy.maxMs, maxAttempts: policy.maxAttempts, maxRetryAfterMs: Number.POSITIVE_INFINITY };
}
