import { describe, expect, it } from 'vitest';
import { ClassLabels, encodeRegressionTarget } from './target';
import type { ColumnValues } from '../table/column-values';

const cat = (categories: string[], ...codes: number[]): ColumnValues => ({ kind: 'categorical', codes: Int32Array.from(codes), categories });
const num = (...v: number[]): ColumnValues => ({ kind: 'numeric', values: Float64Array.from(v) });

describe('ClassLabels', () => {
  it('sorts classes from the training rows and encodes labels as indices', () => {
    const y = cat(['yes', 'no', 'maybe'], 0, 1, 0, -1, 2);
    const labels = ClassLabels.fit('y', y, [0, 1, 2]);
    expect(labels.classes).toEqual(['no', 'yes']);
    expect(Array.from(labels.encode(y, [0, 1, 2]))).toEqual([1, 0, 1]);
    expect(() => labels.encode(y, [4, 0])).toThrow('Target column "y" has labels not seen in training: "maybe" (row 5); known classes: "no", "yes"');
    expect(() => labels.encode(y, [3])).toThrow('Target column "y" is missing at row 4');
    const restored = ClassLabels.fromJSON(JSON.parse(JSON.stringify(labels.toJSON())));
    expect(Array.from(restored.encode(y, [2, 1]))).toEqual([1, 0]);
  });

  it('sorts numeric classes numerically', () => {
    expect(ClassLabels.fit('k', num(10, 2, 1, 2), [0, 1, 2, 3]).classes).toEqual(['1', '2', '10']);
  });

  it('rejects one class, all missing and image targets, naming the column and values', () => {
    expect(() => ClassLabels.fit('y', cat(['a', 'b'], 0, 0, 1), [0, 1])).toThrow(
      'Target column "y" has only one class in the training rows ("a", 2 rows); classification needs at least two',
    );
    expect(() => ClassLabels.fit('y', cat([], -1, -1), [0, 1])).toThrow('Target column "y" has no values in the 2 training rows (all missing)');
    expect(() => ClassLabels.fit('img', { kind: 'image', items: [], mediaTypes: [] }, [])).toThrow('Target column "img" holds images');
  });
});

describe('encodeRegressionTarget', () => {
  it('returns float32 targets', () => {
    expect(encodeRegressionTarget('price', num(1.5, 2, 3), [2, 0])).toEqual(Float32Array.of(3, 1.5));
  });

  it('rejects non-numeric, missing and infinite targets', () => {
    expect(() => encodeRegressionTarget('city', cat(['Oslo', 'Rome'], 0, 1, 0), [0, 1, 2])).toThrow(
      'Target column "city" holds categories (e.g. "Oslo", "Rome"); regression needs numbers. Change the column type to number, or train a classifier',
    );
    expect(() => encodeRegressionTarget('p', num(NaN, NaN), [0, 1])).toThrow('Target column "p" has no values in the 2 rows given (all missing)');
    expect(() => encodeRegressionTarget('p', num(1, NaN), [0, 1])).toThrow('Target column "p" is missing in 1 rows (first at row 2)');
    expect(() => encodeRegressionTarget('p', num(1, Infinity), [0, 1])).toThrow('Target column "p" has a non-finite or too large value at row 2 (Infinity)');
  });
});
