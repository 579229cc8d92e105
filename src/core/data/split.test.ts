import { describe, expect, it } from 'vitest';
import { splitRows, splitSizes, validateFractions } from './split';
import { kFolds } from './k-fold';
import type { ColumnValues } from '../table/column-values';

const categorical = (labels: (string | null)[]): ColumnValues => {
  const categories = [...new Set(labels.filter((l): l is string => l !== null))];
  return { kind: 'categorical', codes: Int32Array.from(labels.map((l) => (l === null ? -1 : categories.indexOf(l)))), categories };
};
const labelsOf = (target: ColumnValues & { kind: 'categorical' }, rows: Uint32Array): string[] => Array.from(rows, (r) => target.categories[target.codes[r]]);
const count = (xs: string[], x: string): number => xs.filter((y) => y === x).length;

describe('splitRows', () => {
  const labels = [...Array(60).fill('a'), ...Array(30).fill('b'), ...Array(10).fill('c')];
  const target = categorical(labels) as ColumnValues & { kind: 'categorical' };

  it('stratifies: every class spread in proportion, sizes exact, seeded', () => {
    const s = splitRows(target, { task: 'classification', seed: 1, column: 'y' });
    expect([s.train.length, s.validation.length, s.test.length]).toEqual([70, 15, 15]);
    const train = labelsOf(target, s.train);
    const validation = labelsOf(target, s.validation);
    expect([count(train, 'a'), count(train, 'b'), count(train, 'c')]).toEqual([42, 21, 7]);
    expect(Math.abs(count(validation, 'a') - 9)).toBeLessThanOrEqual(1);
    expect(Math.abs(count(validation, 'c') - 1.5)).toBeLessThanOrEqual(1);
    const all = [...s.train, ...s.validation, ...s.test].sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(splitRows(target, { task: 'classification', seed: 1, column: 'y' })).toEqual(s);
    expect(splitRows(target, { task: 'classification', seed: 2, column: 'y' }).train).not.toEqual(s.train);
    // golden rows for seed 1 (reviewed: ascending, distinct, within 0..99)
    expect(Array.from(s.test.slice(0, 5))).toEqual([4, 35, 41, 42, 46]);
  });

  it('drops and counts rows with a missing target', () => {
    const y: ColumnValues = { kind: 'numeric', values: Float64Array.from({ length: 24 }, (_, i) => (i % 6 === 0 ? NaN : i)) };
    const s = splitRows(y, { task: 'regression', seed: 'r', column: 'price', fractions: { train: 0.6, validation: 0.2, test: 0.2 } });
    expect(s.missingTarget).toBe(4);
    expect([s.train.length, s.validation.length, s.test.length]).toEqual([12, 4, 4]);
    for (const r of [...s.train, ...s.validation, ...s.test]) expect(r % 6).not.toBe(0);
  });

  it('keeps at least one row of a rare class in train', () => {
    const t = categorical([...Array(20).fill('a'), 'rare', ...Array(9).fill('b')]) as ColumnValues & { kind: 'categorical' };
    for (let seed = 0; seed < 20; seed++) {
      const s = splitRows(t, { task: 'classification', seed, column: 'y' });
      expect(labelsOf(t, s.train)).toContain('rare');
      expect([s.train.length, s.validation.length, s.test.length]).toEqual([21, 5, 4]);
    }
  });

  it('names the numbers when there are too few rows or bad fractions', () => {
    const few = categorical(['a', 'b', 'a', null, null]);
    expect(() => splitRows(few, { task: 'classification', seed: 1, column: 'y' })).toThrow(
      'Only 3 rows have a target in column "y" (2 missing); need at least 10 to split into train, validation and test',
    );
    expect(() => validateFractions({ train: 0.8, validation: 0.3, test: 0.1 })).toThrow(
      'Split fractions must each be between 0 and 1 and sum to 1; got train 0.8, validation 0.3, test 0.1 (sum 1.2)',
    );
    expect(() => validateFractions({ train: 1, validation: 0, test: 0 })).toThrow(/between 0 and 1/);
    const tiny = categorical(Array.from({ length: 30 }, (_, i) => String(i % 2)));
    expect(() => splitRows(tiny, { task: 'classification', seed: 1, column: 'y', fractions: { train: 0.96, validation: 0.02, test: 0.02 } })).toThrow(
      'need at least 50',
    );
    expect(() => splitRows({ kind: 'image', items: [], mediaTypes: [] }, { task: 'classification', seed: 1, column: 'img' })).toThrow(
      'Target column "img" holds images',
    );
  });

  it('gives every split exactly its planned size, for many row counts, class mixes and fractions', () => {
    for (const fractions of [{ train: 0.7, validation: 0.15, test: 0.15 }, { train: 0.5, validation: 0.3, test: 0.2 }, { train: 0.8, validation: 0.1, test: 0.1 }]) {
      for (let n = 10; n <= 120; n += 7) {
        const t = categorical(Array.from({ length: n }, (_, i) => String(i % 3 === 0 ? 'x' : i % 7)));
        const s = splitRows(t, { task: 'classification', seed: n, column: 'y', fractions });
        expect([s.train.length, s.validation.length, s.test.length]).toEqual(splitSizes(n, [fractions.train, fractions.validation, fractions.test]));
        expect(new Set([...s.train, ...s.validation, ...s.test]).size).toBe(n);
      }
    }
  });

  it('sizes splits by largest remainder, none empty', () => {
    expect(splitSizes(10, [0.7, 0.15, 0.15])).toEqual([7, 2, 1]);
    expect(splitSizes(10, [0.9, 0.05, 0.05])).toEqual([8, 1, 1]);
  });
});

describe('kFolds', () => {
  it('makes k disjoint, balanced, stratified folds covering every kept row', () => {
    const labels = [...Array(20).fill('a'), ...Array(10).fill('b'), null];
    const t = categorical(labels) as ColumnValues & { kind: 'categorical' };
    const folds = kFolds(t, { k: 5, task: 'classification', seed: 3, column: 'y' });
    expect(folds).toHaveLength(5);
    const seen = folds.flatMap((f) => Array.from(f.validation)).sort((a, b) => a - b);
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => i));
    for (const f of folds) {
      expect(f.validation.length).toBe(6);
      expect(f.train.length).toBe(24);
      expect(count(labelsOf(t, f.validation), 'b')).toBe(2);
      expect(Array.from(f.train).some((r) => f.validation.includes(r))).toBe(false);
    }
    expect(kFolds(t, { k: 5, task: 'classification', seed: 3, column: 'y' })).toEqual(folds);
  });

  it('restricts to given rows and validates k', () => {
    const y: ColumnValues = { kind: 'numeric', values: Float64Array.from({ length: 10 }, (_, i) => i) };
    const folds = kFolds(y, { k: 2, task: 'regression', seed: 1, column: 'y', rows: [0, 2, 4, 6] });
    expect(folds.flatMap((f) => Array.from(f.validation)).sort()).toEqual([0, 2, 4, 6]);
    expect(() => kFolds(y, { k: 1, task: 'regression', seed: 1, column: 'y' })).toThrow('at least 2; got 1');
    expect(() => kFolds(y, { k: 5, task: 'regression', seed: 1, column: 'y', rows: [1, 2] })).toThrow(
      'Only 2 rows have a target in column "y"; need at least 5 for 5-fold cross-validation',
    );
  });
});
