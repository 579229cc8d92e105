import { describe, expect, it } from 'vitest';
import { Backoff, parseRetryAfter, sleep, withRetry } from './backoff';
import { SyncError } from './sync-error';

const server = (retryAfterMs?: number) => new SyncError({ kind: 'server', message: 'boom', retryAfterMs });

describe('Backoff', () => {
  it('gives the same delays for the same seed, within [step/2, step], capped', () => {
    const a = new Backoff({ baseMs: 100, maxMs: 1000 }, 42);
    const b = new Backoff({ baseMs: 100, maxMs: 1000 }, 42);
    const delays = Array.from({ length: 8 }, (_, i) => a.delay(i));
    expect(Array.from({ length: 8 }, (_, i) => b.delay(i))).toEqual(delays);
    delays.forEach((d, i) => {
      const step = Math.min(1000, 100 * 2 ** i);
      expect(d).toBeGreaterThanOrEqual(step / 2);
      expect(d).toBeLessThanOrEqual(step);
    });
    const other = new Backoff({ baseMs: 100, maxMs: 1000 }, 43);
    expect(Array.from({ length: 8 }, (_, i) => other.delay(i))).not.toEqual(delays);
  });

  it('refuses a policy that makes no sense', () => {
    expect(() => new Backoff({ baseMs: 10, maxMs: 5 })).toThrow('baseMs');
    expect(() => new Backoff({ maxAttempts: 0 })).toThrow('maxAttempts');
  });
});

describe('withRetry', () => {
  it('retries retryable errors up to maxAttempts, then throws the last one', async () => {
    const delays: number[] = [];
    let calls = 0;
    const error = await withRetry(
      async () => {
        calls++;
        throw server();
      },
      { backoff: new Backoff({ baseMs: 10, maxMs: 100, maxAttempts: 4 }, 1), sleep: async (ms) => void delays.push(ms) },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyncError);
    expect(calls).toBe(4);
    expect(delays).toHaveLength(3);
  });

  it('does not retry what is not retryable, nor programming errors', async () => {
    let calls = 0;
    const backoff = new Backoff({ maxAttempts: 5 }, 1);
    await expect(withRetry(async () => { calls++; throw new SyncError({ kind: 'auth', message: 'no' }); }, { backoff, sleep: async () => {} })).rejects.toThrow('no');
    await expect(withRetry(async () => { calls++; throw new TypeError('bug'); }, { backoff, sleep: async () => {} })).rejects.toThrow('bug');
    expect(calls).toBe(2);
  });

  it('waits at least Retry-After, and gives up when it is longer than allowed', async () => {
    const delays: number[] = [];
    let calls = 0;
    const value = await withRetry(async () => (++calls === 1 ? Promise.reject(server(5000)) : 'ok'), { backoff: new Backoff({ baseMs: 10, maxMs: 20 }, 1), sleep: async (ms) => void delays.push(ms) });
    expect(value).toBe('ok');
    expect(delays).toEqual([5000]);
    const long = await withRetry(() => Promise.reject(server(120_000)), { backoff: new Backoff({ maxRetryAfterMs: 60_000 }, 1), sleep: async () => {} }).catch((e: SyncError) => e);
    expect(long.retryAfterMs).toBe(120_000);
  });

  it('sleep rejects with a canceled error when aborted', async () => {
    const controller = new AbortController();
    const pending = sleep(10_000, controller.signal);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ kind: 'canceled' });
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('7')).toBe(7000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', Date.UTC(2015, 9, 21, 7, 28, 0))).toBe(30_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.UTC(2015, 9, 21, 7, 29, 0))).toBe(0);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
