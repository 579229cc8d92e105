import { describe, expect, it } from 'vitest';
import { NumericFeaturizer } from './numeric';
import type { ColumnValues } from '../table/column-values';

const num = (...v: number[]): ColumnValues => ({ kind: 'numeric', values: Float64Array.from(v) });
const run = (f: NumericFeaturizer, input: ColumnValues, rows: number[]): Float32Array => {
  const out = new Float32Array(rows.length * f.width);
  f.transform(input, rows, out, f.width, 0);
  return out;
};

describe('NumericFeaturizer', () => {
  const price = num(1, 2, NaN, 3, 100);

  it('standardizes with train statistics and imputes the mean, with a missing indicator', () => {
    const f = NumericFeaturizer.fit({ column: 'price', type: 'numeric' }, price, [0, 1, 2, 3]);
    const s = Math.sqrt(2 / 3);
    expect(f.toJSON()).toEqual({ type: 'numeric', column: 'price', scaling: 'standardize', impute: 'mean', fill: 2, center: 2, scale: s, missingIndicator: true });
    expect(f.featureNames()).toEqual(['price', 'price (missing)']);
    // row 4 (100) is not a training row: it is scaled, not used for the statistics
    expect(run(f, price, [0, 2, 4])).toEqual(Float32Array.from([-1 / s, 0, 0, 1, 98 / s, 0]));
  });

  it('min-max scales, imputes a median or a constant, and can drop the indicator', () => {
    const x = num(0, 10, 5, NaN, 1);
    const minMax = NumericFeaturizer.fit({ column: 'x', type: 'numeric', scaling: 'min-max', impute: 'constant', fillValue: 20, missingIndicator: false }, x, [0, 1, 2, 3]);
    expect(minMax.width).toBe(1);
    expect(run(minMax, x, [2, 3])).toEqual(Float32Array.from([0.5, 2]));
    const med = NumericFeaturizer.fit({ column: 'x', type: 'numeric', scaling: 'none', impute: 'median' }, x, [0, 1, 3, 4]);
    expect(run(med, x, [3])).toEqual(Float32Array.from([1, 1]));
  });

  it('gives a constant column scale 1 and an all-missing column the fill value', () => {
    const c = NumericFeaturizer.fit({ column: 'c', type: 'numeric' }, num(4, 4, 4), [0, 1, 2]);
    expect(c.toJSON()).toMatchObject({ center: 4, scale: 1 });
    const m = NumericFeaturizer.fit({ column: 'm', type: 'numeric' }, num(NaN, NaN), [0, 1]);
    expect(run(m, num(NaN, 3), [0, 1])).toEqual(Float32Array.from([0, 1, 3, 0]));
  });

  it('rejects infinite and float32-overflowing values, naming the column and 1-based row', () => {
    const bad = num(1, Infinity, 2);
    expect(() => NumericFeaturizer.fit({ column: 'price', type: 'numeric' }, bad, [0, 1, 2])).toThrow(
      'Column "price" has an infinite value at row 2 (Infinity); expected finite numbers or missing values',
    );
    const f = NumericFeaturizer.fit({ column: 'price', type: 'numeric' }, bad, [0, 2]);
    expect(() => run(f, num(-Infinity), [0])).toThrow('infinite value at row 1 (-Infinity)');
    const none = NumericFeaturizer.fit({ column: 'big', type: 'numeric', scaling: 'none' }, num(1, 2), [0, 1]);
    expect(() => run(none, num(1e300), [0])).toThrow('Column "big" has a value too large for 32-bit features at row 1 (1e+300)');
    expect(() => NumericFeaturizer.fit({ column: 'city', type: 'numeric' }, { kind: 'text', values: ['a'] }, [0])).toThrow(
      'Column "city" holds text; the "numeric" featurizer needs numbers',
    );
  });
});
