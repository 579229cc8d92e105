import { describe, expect, test } from 'vitest';
import type { ColumnProfile, ColumnType } from '../../protocol/dataset';
import { detectTask, TaskDetectionError } from './task-detection';
import { column } from '../../test/train-spec-fixture';

function profile(type: ColumnType, fields: Partial<ColumnProfile>): ColumnProfile {
  return { name: 'y', type, count: 100, missing: 0, distinct: 2, ...fields };
}

function numeric(min: number, max: number) {
  return { min, max, mean: (min + max) / 2, std: 1, histogram: { edges: [min, max], counts: [1] } };
}

function detect(type: ColumnType, fields: Partial<ColumnProfile>, rows = 100) {
  return detectTask(column('y', type), profile(type, fields), rows);
}

describe('detectTask', () => {
  test('two values of any type: binary', () => {
    expect(detect('boolean', { distinct: 2 })).toBe('binary');
    expect(detect('category', { distinct: 2 })).toBe('binary');
    expect(detect('integer', { distinct: 2, numeric: numeric(0, 1) })).toBe('binary');
    expect(detect('number', { distinct: 2, numeric: numeric(0.5, 1.5) })).toBe('binary');
  });

  test('categories: multiclass', () => {
    expect(detect('category', { distinct: 7 })).toBe('multiclass');
  });

  test('integer labels 0..k-1 or 1..k in a small table: multiclass', () => {
    expect(detect('integer', { count: 150, distinct: 10, numeric: numeric(0, 9) })).toBe('multiclass');
    expect(detect('integer', { count: 60, distinct: 3, numeric: numeric(1, 3) })).toBe('multiclass');
  });

  test('integers with few distinct values for their row count: multiclass', () => {
    expect(detect('integer', { count: 1599, distinct: 6, numeric: numeric(3, 8) }, 1599)).toBe('multiclass');
  });

  test('other integers and all non-integer numbers: regression', () => {
    // 5 values (10..50) in 30 rows: neither a small share nor label codes
    expect(detect('integer', { count: 30, distinct: 5, numeric: numeric(10, 50) })).toBe('regression');
    // more than 20 distinct values, even when few for the row count
    expect(detect('integer', { count: 100_000, distinct: 21, numeric: numeric(0, 20) })).toBe('regression');
    expect(detect('number', { distinct: 3, numeric: numeric(0.1, 0.3) })).toBe('regression');
  });

  test.each([
    ['text', { distinct: 1234 }, 'target-type', 'Column "y" is text (1,234 distinct values); a target must be a category, boolean or numeric column; if its values are class labels, change its type to category'],
    ['image', { distinct: 100 }, 'target-type', 'Column "y" holds images; a target must be a category, boolean or numeric column'],
    ['datetime', { distinct: 100 }, 'target-type', 'Column "y" holds dates and times; a target must be a category, boolean or numeric column'],
    ['category', { count: 0, missing: 100, distinct: 0 }, 'target-all-missing', 'Column "y" has no values (all 100 rows are missing); it cannot be a target'],
    ['category', { count: 98, missing: 2, distinct: 1, top: [{ value: 'yes', count: 98 }] }, 'target-one-class', 'Column "y" has one value ("yes") in all 98 rows with a value; a target needs at least two classes or values'],
    ['number', { distinct: 1, numeric: numeric(3, 3) }, 'target-one-class', 'Column "y" has one value ("3") in all 100 rows with a value; a target needs at least two classes or values'],
  ] satisfies [ColumnType, Partial<ColumnProfile>, string, string][])('a %s target %j is refused', (type, fields, code, message) => {
    let caught: unknown;
    try {
      detect(type, fields);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(TaskDetectionError);
    expect((caught as TaskDetectionError).code).toBe(code);
    expect((caught as Error).message).toBe(message);
  });
});
