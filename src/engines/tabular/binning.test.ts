import { describe, expect, it } from 'vitest';
import { binOf, binRows, fitBinMapper } from './binning';

const all = (n: number) => Uint32Array.from({ length: n }, (_, i) => i);

describe('binning', () => {
  it('gives each distinct value its own bin, split at midpoints, and missing values the last bin', () => {
    // Two features, row-major: feature 0 takes 1, 2, 4; feature 1 is constant with a missing value.
    const X = Float64Array.of(1, 5, 2, 5, 4, NaN, 2, 5);
    const mapper = fitBinMapper(X, 2, all(4), 255, 0);
    expect(Array.from(mapper.thresholds[0])).toEqual([1.5, 3]);
    expect(Array.from(mapper.nBins)).toEqual([3, 1]);
    expect(Array.from(mapper.offsets)).toEqual([0, 4]);
    expect(mapper.totalBins).toBe(6);
    // Column-major: feature 0's bins, then feature 1's (its missing bin is 1).
    expect(Array.from(binRows(X, 2, all(4), mapper))).toEqual([0, 1, 2, 1, 0, 0, 1, 0]);
  });

  it('bins at quantiles (numpy midpoint percentiles) when there are more distinct values than bins', () => {
    const X = Float64Array.from({ length: 1000 }, (_, i) => i);
    const mapper = fitBinMapper(X, 1, all(1000), 4, 0);
    // percentiles 25, 50, 75 of 0..999 at positions 249.75, 499.5, 749.25: midpoints of the neighbours.
    expect(Array.from(mapper.thresholds[0])).toEqual([249.5, 499.5, 749.5]);
    const bins = binRows(X, 1, all(1000), mapper);
    const counts = [0, 0, 0, 0];
    for (const b of bins) counts[b]++;
    expect(counts).toEqual([250, 250, 250, 250]);
  });

  it('finds the first edge at or above a value', () => {
    const edges = Float64Array.of(-1, 0, 2.5);
    expect([-5, -1, -0.5, 0, 1, 2.5, 3].map((x) => binOf(edges, x))).toEqual([0, 0, 1, 1, 2, 2, 3]);
  });

  it('keeps thresholds finite and refuses more than 255 bins', () => {
    const X = Float64Array.of(-Infinity, 0, Infinity);
    const mapper = fitBinMapper(X, 1, all(3), 255, 0);
    expect(Array.from(mapper.thresholds[0]).every(Number.isFinite)).toBe(true);
    expect(() => fitBinMapper(X, 1, all(3), 256, 0)).toThrow('maxBins must be an integer from 2 to 255; got 256');
  });
});
