import { describe, expect, it } from 'vitest';
import { OneHotFeaturizer } from './one-hot';
import type { ColumnValues } from '../table/column-values';

const cat = (categories: string[], ...codes: number[]): ColumnValues => ({ kind: 'categorical', codes: Int32Array.from(codes), categories });
const run = (f: OneHotFeaturizer, input: ColumnValues, rows: number[]): number[][] => {
  const out = new Float32Array(rows.length * f.width);
  f.transform(input, rows, out, f.width, 0);
  return rows.map((_, i) => Array.from(out.subarray(i * f.width, (i + 1) * f.width)));
};

describe('OneHotFeaturizer', () => {
  const city = cat(['Oslo', 'Rome', 'Paris'], 0, 1, 0, -1, 2);

  it('keeps train categories by frequency and sends unseen and missing values to <other>', () => {
    const f = OneHotFeaturizer.fit({ column: 'city', type: 'one-hot' }, city, [0, 1, 2, 3]);
    expect(f.featureNames()).toEqual(['city=Oslo', 'city=Rome', 'city=<other>']);
    expect(run(f, city, [0, 1, 3, 4])).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
      [0, 0, 1],
    ]);
    // another materialization with a different dictionary order maps by name, not by code
    const later = cat(['Berlin', 'Rome', 'Oslo'], 2, 1, 0);
    expect(run(f, later, [0, 1, 2])).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
  });

  it('caps categories, sending the rarest to <other>', () => {
    const c = cat(['a', 'b', 'c'], 2, 0, 2, 1, 2, 0);
    const f = OneHotFeaturizer.fit({ column: 'k', type: 'one-hot', maxCategories: 2 }, c, [0, 1, 2, 3, 4, 5]);
    expect(f.featureNames()).toEqual(['k=c', 'k=a', 'k=<other>']);
    expect(run(f, c, [3])).toEqual([[0, 0, 1]]);
    expect(() => OneHotFeaturizer.fit({ column: 'k', type: 'one-hot', maxCategories: 0 }, c, [0])).toThrow('maxCategories for column "k" is 0');
  });

  it('reads numbers and text as their text, and round-trips its state', () => {
    const n: ColumnValues = { kind: 'numeric', values: Float64Array.from([1, 2, 1, NaN]) };
    const f = OneHotFeaturizer.fit({ column: 'n', type: 'one-hot' }, n, [0, 1, 2, 3]);
    expect(f.featureNames()).toEqual(['n=1', 'n=2', 'n=<other>']);
    const restored = OneHotFeaturizer.fromJSON(JSON.parse(JSON.stringify(f.toJSON())));
    expect(run(restored, { kind: 'text', values: ['2', null] }, [0, 1])).toEqual([
      [0, 1, 0],
      [0, 0, 1],
    ]);
  });
});
