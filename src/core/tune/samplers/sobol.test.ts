import { describe, expect, it } from 'vitest';
import type { SearchSpace } from '../../../protocol/sweep';
import { createSampler } from './sampler';
import { SOBOL_MAX_DIMENSIONS, SobolSequence } from './sobol';

describe('SobolSequence', () => {
  it('gives the published Joe–Kuo sequence (as SciPy qmc.Sobol(scramble=False)) in 21 dimensions', () => {
    // The first 16 points times 16, from scipy.stats.qmc.Sobol(d=21, scramble=False).random(16).
    const expected = [
      [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      [8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8],
      [12, 4, 4, 4, 12, 12, 4, 12, 12, 12, 12, 12, 4, 4, 12, 4, 12, 4, 12, 4, 4],
      [4, 12, 12, 12, 4, 4, 12, 4, 4, 4, 4, 4, 12, 12, 4, 12, 4, 12, 4, 12, 12],
      [6, 6, 10, 14, 6, 2, 6, 14, 14, 10, 14, 6, 6, 10, 6, 14, 6, 14, 14, 2, 2],
      [14, 14, 2, 6, 14, 10, 14, 6, 6, 2, 6, 14, 14, 2, 14, 6, 14, 6, 6, 10, 10],
      [10, 2, 14, 10, 10, 14, 2, 2, 2, 6, 2, 10, 2, 14, 10, 10, 10, 10, 2, 6, 6],
      [2, 10, 6, 2, 2, 6, 10, 10, 10, 14, 10, 2, 10, 6, 2, 2, 2, 2, 10, 14, 14],
      [3, 5, 15, 7, 9, 5, 7, 15, 15, 5, 11, 1, 15, 15, 13, 15, 13, 13, 15, 5, 3],
      [11, 13, 7, 15, 1, 13, 15, 7, 7, 13, 3, 9, 7, 7, 5, 7, 5, 5, 7, 13, 11],
      [15, 1, 11, 3, 5, 9, 3, 3, 3, 9, 7, 13, 11, 11, 1, 11, 1, 9, 3, 1, 7],
      [7, 9, 3, 11, 13, 1, 11, 11, 11, 1, 15, 5, 3, 3, 9, 3, 9, 1, 11, 9, 15],
      [5, 3, 5, 9, 15, 7, 1, 1, 1, 15, 5, 7, 9, 5, 11, 1, 11, 3, 1, 7, 1],
      [13, 11, 13, 1, 7, 15, 9, 9, 9, 7, 13, 15, 1, 13, 3, 9, 3, 11, 9, 15, 9],
      [9, 7, 1, 13, 3, 11, 5, 13, 13, 3, 9, 11, 13, 1, 7, 5, 7, 7, 13, 3, 5],
      [1, 15, 9, 5, 11, 3, 13, 5, 5, 11, 1, 3, 5, 9, 15, 13, 15, 15, 5, 11, 13],
    ];
    const sequence = new SobolSequence(21);
    expected.forEach((row, n) => expect(Array.from(sequence.point(n), (x) => x * 16)).toEqual(row));
  });

  it('matches later points in high dimensions (SciPy, 256 dimensions)', () => {
    const sequence = new SobolSequence(256);
    const pick = (n: number) => [0, 1, 2, 20, 100, 255].map((d) => sequence.point(n)[d]);
    expect(pick(13)).toEqual([0.8125, 0.6875, 0.8125, 0.5625, 0.1875, 0.5625]);
    expect(pick(100)).toEqual([0.4140625, 0.2578125, 0.7734375, 0.7578125, 0.0390625, 0.5703125]);
    expect(pick(1023)).toEqual([0.0009765625, 0.7529296875, 0.6123046875, 0.8662109375, 0.2373046875, 0.8427734375]);
  });

  it('scrambles reproducibly: same seed same points, another seed other points, still one point per cell', () => {
    const a = new SobolSequence(5, 42);
    const b = new SobolSequence(5, 42);
    const c = new SobolSequence(5, 43);
    expect(a.point(7)).toEqual(b.point(7));
    expect(a.point(7)).not.toEqual(c.point(7));
    expect(a.point(0)).not.toEqual(new Float64Array(5));
    // A (0, m, 1)-net property survives scrambling: 64 points put one in each of 64 cells of every coordinate.
    for (let d = 0; d < 5; d++) {
      const cells = new Set(Array.from({ length: 64 }, (_, n) => Math.floor(a.point(n)[d] * 64)));
      expect(cells.size).toBe(64);
    }
  });

  it('refuses dimensions and indices out of range', () => {
    expect(SOBOL_MAX_DIMENSIONS).toBeGreaterThanOrEqual(21);
    expect(() => new SobolSequence(SOBOL_MAX_DIMENSIONS + 1)).toThrow(`1 to ${SOBOL_MAX_DIMENSIONS} dimensions`);
    expect(() => new SobolSequence(2).point(-1)).toThrow(/out of range/);
  });
});

describe('Sobol sampler', () => {
  const space: SearchSpace = [
    { type: 'uniform', path: 'x', min: 0, max: 16 },
    { type: 'choice', path: 'c', values: ['a', 'b'] },
  ];
  it('maps trial n to point n, one dimension per parameter', () => {
    const sampler = createSampler({ base: { x: 0, c: 'a' }, space, sampler: { type: 'sobol', options: { scramble: false } }, goal: 'minimize' }, 1);
    const trials: { params: Record<string, unknown>; state: 'complete'; value: number }[] = [];
    const xs: unknown[] = [];
    for (let n = 0; n < 4; n++) {
      const params = sampler.suggest(trials as never)!;
      xs.push([params.x, params.c]);
      trials.push({ params, state: 'complete', value: 0 });
    }
    expect(xs).toEqual([
      [0, 'a'],
      [8, 'b'],
      [12, 'a'],
      [4, 'b'],
    ]);
  });
});
