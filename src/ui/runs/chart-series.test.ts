import { describe, expect, it } from 'vitest';
import { alignSeries, lastValue } from './chart-series';

describe('alignSeries', () => {
  it('shares the x array when the series have the same steps', () => {
    const a = [
      { step: 1, value: 0.9 },
      { step: 2, value: 0.5 },
    ];
    const b = [
      { step: 1, value: 1 },
      { step: 2, value: Number.NaN },
    ];
    expect(alignSeries([a, b])).toEqual([
      [1, 2],
      [0.9, 0.5],
      [1, null],
    ]);
  });

  it('fills gaps with null on the union of steps', () => {
    expect(alignSeries([[{ step: 1, value: 1 }, { step: 3, value: 3 }], [{ step: 2, value: 2 }]])).toEqual([
      [1, 2, 3],
      [1, null, 3],
      [null, 2, null],
    ]);
    expect(alignSeries([[], []])).toEqual([[], [], []]);
  });

  it('aligns 10k points quickly', () => {
    const big = Array.from({ length: 10_000 }, (_, i) => ({ step: i, value: Math.sin(i) }));
    const started = performance.now();
    const [xs, ys] = alignSeries([big, big.slice(0, 5000)]);
    expect(xs).toHaveLength(10_000);
    expect(ys[9999]).toBeCloseTo(Math.sin(9999));
    expect(performance.now() - started).toBeLessThan(200);
    expect(lastValue([1, 2, null])).toBe(2);
  });
});
