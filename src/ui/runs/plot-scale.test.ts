import { describe, expect, it } from 'vitest';
import { dataDomain, niceTicks, plotScales, polylinePath, type PlotFrame } from './plot-scale';

const frame: PlotFrame = { width: 140, height: 120, left: 30, right: 10, top: 10, bottom: 10 };

describe('plotScales', () => {
  it('maps the domain onto the inner frame with y growing upwards', () => {
    const s = plotScales(frame, { lo: 0, hi: 1 }, { lo: -1, hi: 1 });
    expect([s.x(0), s.x(0.5), s.x(1)]).toEqual([30, 80, 130]);
    expect([s.y(-1), s.y(0), s.y(1)]).toEqual([110, 60, 10]);
  });

  it('does not divide by zero on an empty domain', () => {
    const s = plotScales(frame, { lo: 2, hi: 2 }, { lo: 0, hi: 0 });
    expect(s.x(2)).toBe(30);
    expect(s.y(0)).toBe(110);
  });
});

describe('dataDomain', () => {
  it('pads the range of the finite values and includes the requested value', () => {
    expect(dataDomain([1, 3, Number.NaN, Infinity], { padding: 0.5 })).toEqual({ lo: 0, hi: 4 });
    expect(dataDomain([2, 4], { include: 0, padding: 0 })).toEqual({ lo: 0, hi: 4 });
    expect(dataDomain([-3, -1], { include: 0, padding: 0 })).toEqual({ lo: -3, hi: 0 });
  });

  it('widens a single value and falls back to [0, 1] without values', () => {
    expect(dataDomain([5, 5])).toEqual({ lo: 4, hi: 6 });
    expect(dataDomain([Number.NaN])).toEqual({ lo: 0, hi: 1 });
    expect(dataDomain([])).toEqual({ lo: 0, hi: 1 });
  });
});

describe('niceTicks', () => {
  it('picks steps of 1, 2 or 5 times a power of ten inside the domain', () => {
    expect(niceTicks({ lo: 0, hi: 1 }, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks({ lo: 0, hi: 1 }, 4)).toEqual([0, 0.5, 1]);
    expect(niceTicks({ lo: -13, hi: 27 }, 4)).toEqual([-10, 0, 10, 20]);
    expect(niceTicks({ lo: 0.1, hi: 0.35 }, 5)).toEqual([0.1, 0.15, 0.2, 0.25, 0.3, 0.35]);
  });

  it('prints decimal steps without float noise', () => {
    for (const t of niceTicks({ lo: 0, hi: 0.9 }, 9)) expect(String(t).length).toBeLessThanOrEqual(3);
  });

  it('returns the single value of an empty domain', () => {
    expect(niceTicks({ lo: 3, hi: 3 })).toEqual([3]);
  });
});

describe('polylinePath', () => {
  it('moves to the first point and draws lines to the rest, rounded to 0.1 px', () => {
    const s = plotScales(frame, { lo: 0, hi: 1 }, { lo: 0, hi: 1 });
    expect(polylinePath([[0, 0], [1 / 3, 0.5], [1, 1]], s)).toBe('M30 110 L63.3 60 L130 10');
    expect(polylinePath([], s)).toBe('');
  });
});
