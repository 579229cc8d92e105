/**
 * @file Exponential backoff with jitter for MLflow requests, seeded so tests see the same delays every time, and the
 * retry loop that uses it: only errors marked retryable are repeated, and a server's `Retry-After` always wins over a
 * shorter computed delay.
 */
import { Rng, type Seed } from '../core/random/rng';
import { SyncError } from './sync-error';

/** How retries are spaced and bounded. */
export interface BackoffPolicy {
  /** Delay before the first retry, before jitter (ms). */
  baseMs: number;
  /** Longest delay between two tries (ms). */
  maxMs: number;
  /** Tries in all, the first one included (1: no retry). */
  maxAttempts: number;
  /**
   * Longest `Retry-After` honoured inside one operation (ms); a longer one ends the operation with the error, whose
   * `retryAfterMs` tells the queue when to try again.
   */
  maxRetryAfterMs: number;
}

/** Defaults for interactive use: 0.5 s, 1 s, 2 s, 4 s (each with jitter), then give up and leave it to the queue. */
export const DEFAULT_BACKOFF: Readonly<BackoffPolicy> = Object.freeze({
  baseMs: 500,
  maxMs: 30_000,
  maxAttempts: 5,
  maxRetryAfterMs: 60_000,
});

/**
 * Delays of successive retries: "equal jitter", half of the exponential step plus a uniform random half, so delays
 * grow (unlike full jitter) while clients that failed together spread out.
 */
export class Backoff {
  readonly #policy: BackoffPolicy;
  readonly #rng: Rng;

  constructor(policy: Partial<BackoffPolicy> = {}, seed: Seed = Date.now() >>> 0) {
    this.#policy = { ...DEFAULT_BACKOFF, ...policy };
    if (!(this.#policy.baseMs >= 0) || !(this.#policy.maxMs >= this.#policy.baseMs)) {
      throw new Error(`Backoff delays ${this.#policy.baseMs} ms to ${this.#policy.maxMs} ms are not valid; expected 0 ≤ baseMs ≤ maxMs`);
    }
    if (!Number.isInteger(this.#policy.maxAttempts) || this.#policy.maxAttempts < 1) {
      throw new Error(`Backoff maxAttempts ${this.#policy.maxAttempts} is not valid; expected an integer ≥ 1`);
    }
    this.#rng = new Rng(seed);
  }

  get policy(): Readonly<BackoffPolicy> {
    return this.#policy;
  }

  /** Delay (ms) before retry number `retry` (0 for the first retry). */
  delay(retry: number): number {
    const step = Math.min(this.#policy.maxMs, this.#policy.baseMs * 2 ** Math.min(retry, 30));
    return Math.round(step / 2 + (this.#rng.next() * step) / 2);
  }
}

/** Waits `ms` milliseconds, or rejects when `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** A {@link Sleep} on `setTimeout`. */
export const sleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(canceled());
    const timer = setTimeout(done, ms);
    function done(): void {
      signal?.removeEventListener('abort', abort);
      resolve();
    }
    function abort(): void {
      clearTimeout(timer);
      reject(canceled());
    }
    signal?.addEventListener('abort', abort, { once: true });
  });

function canceled(): SyncError {
  return new SyncError({ kind: 'canceled', message: 'Sync was canceled' });
}

/** What {@link withRetry} reports before each retry, for logs and progress. */
export interface RetryNotice {
  /** Retry number, from 1. */
  retry: number;
  delayMs: number;
  error: SyncError;
}

/** Options of {@link withRetry}. */
export interface RetryOptions {
  backoff: Backoff;
  sleep?: Sleep;
  signal?: AbortSignal;
  onRetry?: (notice: RetryNotice) => void;
  /** Whether to retry this error; default: `error.retryable`. */
  shouldRetry?: (error: SyncError) => boolean;
}

/**
 * Runs `operation` until it succeeds, throws a non-retryable error, or the policy's tries are spent (the last error is
 * thrown). Errors that are not {@link SyncError}s are programming errors and are thrown at once.
 */
export async function withRetry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const { backoff, signal } = options;
  const wait = options.sleep ?? sleep;
  const shouldRetry = options.shouldRetry ?? ((e: SyncError) => e.retryable);
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (!(error instanceof SyncError) || !shouldRetry(error) || attempt + 1 >= backoff.policy.maxAttempts) throw error;
      if (error.retryAfterMs !== undefined && error.retryAfterMs > backoff.policy.maxRetryAfterMs) throw error;
      const delayMs = Math.max(backoff.delay(attempt), error.retryAfterMs ?? 0);
      options.onRetry?.({ retry: attempt + 1, delayMs, error });
      await wait(delayMs, signal);
    }
  }
}

/**
 * Milliseconds a `Retry-After` header asks for: delay-seconds or an HTTP date (relative to `now`). `undefined` when
 * absent or unreadable; never negative.
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
