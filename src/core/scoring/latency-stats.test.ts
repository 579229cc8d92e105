import { describe, expect, it } from 'vitest';
import { addInvocation, LATENCY_WINDOW, percentile, summarizeStats } from './latency-stats';

describe('latency stats', () => {
  it('counts answers, errors and shadow copies, keeping a window of recent latencies', () => {
    let stats = addInvocation(undefined, { ms: 4, ok: true, mirror: false, at: 1 });
    stats = addInvocation(stats, { ms: 6, ok: false, mirror: false, at: 2 });
    stats = addInvocation(stats, { ms: 50, ok: false, mirror: true, at: 3 });
    expect(stats).toEqual({ requests: 2, errors: 1, mirrored: 1, mirrorErrors: 1, totalMs: 10, recentMs: [4, 6], lastAt: 3 });
    for (let i = 0; i < LATENCY_WINDOW + 10; i++) stats = addInvocation(stats, { ms: i, ok: true, mirror: false, at: 4 });
    expect(stats.recentMs).toHaveLength(LATENCY_WINDOW);
    expect(stats.recentMs[0]).toBe(10);
  });

  it('gives nearest-rank percentiles and a summary', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile([], 50)).toBeUndefined();
    let stats = addInvocation(undefined, { ms: 2, ok: true, mirror: false, at: 1 });
    stats = addInvocation(stats, { ms: 4, ok: true, mirror: false, at: 1 });
    expect(summarizeStats(stats)).toEqual({ requests: 2, errors: 0, mirrored: 0, meanMs: 3, p50Ms: 2, p95Ms: 4, windowSize: 2 });
    expect(summarizeStats(undefined)).toEqual({ requests: 0, errors: 0, mirrored: 0, windowSize: 0 });
  });
});
