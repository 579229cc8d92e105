import { describe, expect, it } from 'vitest';
import { checkTrafficSplit, trafficSplitProblem } from './traffic-split';
import { mirrorSlot, routeRequest, trafficSlot } from './traffic-routing';

describe('traffic split', () => {
  it('accepts whole percentages summing to 100, and no deployments', () => {
    expect(trafficSplitProblem([{ label: 'v1', trafficPercent: 70 }, { label: 'v2', trafficPercent: 30, mirrorPercent: 10 }])).toBeUndefined();
    expect(trafficSplitProblem([])).toBeUndefined();
  });

  it('refuses a split not summing to 100, fractions and out-of-range shares', () => {
    expect(trafficSplitProblem([{ label: 'v1', trafficPercent: 70 }, { label: 'v2', trafficPercent: 20 }])).toBe('The traffic split sums to 90% (v1 70% + v2 20%); it must sum to 100%');
    expect(trafficSplitProblem([{ label: 'v1', trafficPercent: 50.5 }, { label: 'v2', trafficPercent: 49.5 }])).toMatch(/traffic of v1 is 50.5; expected a whole percentage/);
    expect(trafficSplitProblem([{ label: 'v1', trafficPercent: 101 }])).toMatch(/101/);
    expect(trafficSplitProblem([{ label: 'v1', trafficPercent: 100, mirrorPercent: -1 }])).toMatch(/mirrored share of v1 is -1/);
    expect(() => checkTrafficSplit([{ label: 'v1', trafficPercent: 0 }])).toThrow(/sums to 0%/);
  });
});

describe('routeRequest', () => {
  const split = [
    { id: 'a', trafficPercent: 70 },
    { id: 'b', trafficPercent: 30 },
  ];

  it('answers exactly the split over any 100 consecutive requests', () => {
    for (const offset of [0, 13, 999]) {
      const counts = { a: 0, b: 0 };
      for (let n = offset; n < offset + 100; n++) counts[routeRequest(split, n).primary as 'a' | 'b']++;
      expect(counts).toEqual({ a: 70, b: 30 });
    }
    const ten = Array.from({ length: 10 }, (_, n) => routeRequest(split, n).primary);
    expect(ten.filter((id) => id === 'a')).toHaveLength(7);
    // Interleaved, not in runs: in the first 100, at most 4 in a row for the 70% deployment, never 2 for the 30% one.
    const first = Array.from({ length: 100 }, (_, n) => routeRequest(split, n).primary).join('');
    expect(first).not.toMatch(/aaaaa|bb/);
  });

  it('visits every slot once per 100 requests', () => {
    expect(new Set(Array.from({ length: 100 }, (_, n) => trafficSlot(n))).size).toBe(100);
    expect(new Set(Array.from({ length: 100 }, (_, n) => mirrorSlot(n, 1))).size).toBe(100);
  });

  it('mirrors the share asked for to a deployment that did not answer', () => {
    const withShadow = [
      { id: 'a', trafficPercent: 100 },
      { id: 'b', trafficPercent: 0, mirrorPercent: 25 },
    ];
    const decisions = Array.from({ length: 100 }, (_, n) => routeRequest(withShadow, n));
    expect(decisions.every((d) => d.primary === 'a')).toBe(true);
    expect(decisions.filter((d) => d.mirrors.includes('b'))).toHaveLength(25);
  });

  it('routes nowhere without traffic, and refuses a bad request number', () => {
    expect(routeRequest([], 0)).toEqual({ mirrors: [] });
    expect(() => routeRequest(split, -1)).toThrow(RangeError);
  });
});
