import { describe, expect, it } from 'vitest';
import { tableInputs, tensorRows, type ScoringColumnSpec } from './scoring-columns';
import { ScoringError } from './scoring-error';
import { readScoringRequest } from './scoring-request';

const IRIS: ScoringColumnSpec[] = [
  { name: 'sepal length (cm)', type: 'number' },
  { name: 'petal count', type: 'integer' },
  { name: 'colour', type: 'category' },
];

function failure(fn: () => unknown): ScoringError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ScoringError) return err;
    throw err;
  }
  throw new Error('expected a ScoringError');
}

describe('tableInputs', () => {
  it('converts named columns to the types of the signature, null as missing', () => {
    const raw = readScoringRequest({ dataframe_split: { columns: ['colour', 'petal count', 'sepal length (cm)'], data: [['red', 3, 5.1], [null, null, null], [7, 4, 6]] } });
    const { rows, columns } = tableInputs(raw, IRIS);
    expect(rows).toBe(3);
    const sepal = columns.get('sepal length (cm)');
    expect(sepal?.kind === 'numeric' && Array.from(sepal.values)).toEqual([5.1, NaN, 6]);
    expect(columns.get('colour')).toEqual({ kind: 'categorical', codes: Int32Array.from([0, -1, 1]), categories: ['red', '7'] });
  });

  it('maps unnamed rows in signature order', () => {
    const { columns } = tableInputs(readScoringRequest({ inputs: [[5.1, 2, 'blue']] }), IRIS);
    expect(columns.get('petal count')).toEqual({ kind: 'numeric', values: Float64Array.from([2]) });
  });

  it('reads booleans, datetimes, text and base64 images', () => {
    const png = btoa(String.fromCharCode(0x89, 0x50, 0x4e, 0x47, 0, 0));
    const spec: ScoringColumnSpec[] = [
      { name: 'flag', type: 'boolean' },
      { name: 'when', type: 'datetime' },
      { name: 'note', type: 'text' },
      { name: 'photo', type: 'image' },
    ];
    const { columns } = tableInputs(readScoringRequest({ instances: [{ flag: true, when: '2024-01-01T00:00:00Z', note: 'hi', photo: png }, { flag: 0, when: 5, note: null, photo: { b64: png } }] }), spec);
    expect(columns.get('flag')).toEqual({ kind: 'numeric', values: Float64Array.from([1, 0]) });
    expect(columns.get('when')).toEqual({ kind: 'numeric', values: Float64Array.from([Date.UTC(2024, 0, 1), 5]) });
    expect(columns.get('note')).toEqual({ kind: 'text', values: ['hi', null] });
    const photo = columns.get('photo');
    expect(photo?.kind === 'image' && photo.mediaTypes).toEqual(['image/png', 'image/png']);
  });

  it('names the missing, unknown or mistyped column in a 400', () => {
    const missing = failure(() => tableInputs(readScoringRequest({ dataframe_records: [{ 'sepal length (cm)': 1, colour: 'red' }] }), IRIS));
    expect(missing.status).toBe(400);
    expect(missing.message).toMatch(/^Missing column "petal count" \(integer\); the model needs "sepal length \(cm\)" \(number\)/);
    const unknown = failure(() => tableInputs(readScoringRequest({ dataframe_records: [{ 'sepal length (cm)': 1, 'petal count': 2, colour: 'red', sepal_width: 3 }] }), IRIS));
    expect(unknown.message).toMatch(/^Unknown column "sepal_width"; the model's columns are/);
    const wrong = failure(() => tableInputs(readScoringRequest({ dataframe_records: [{ 'sepal length (cm)': 1, 'petal count': 2, colour: 'red' }, { 'sepal length (cm)': 'abc', 'petal count': 2, colour: 'red' }] }), IRIS));
    expect(wrong.message).toBe('Column "sepal length (cm)" expects numbers; row 2 has "abc" (text)');
    expect(failure(() => tableInputs(readScoringRequest({ inputs: [[1, 2.5, 'red']] }), IRIS)).message).toBe('Column "petal count" expects whole numbers; row 1 has 2.5 (a number)');
    expect(failure(() => tableInputs(readScoringRequest({ inputs: [[1, 2, true]] }), IRIS)).message).toMatch(/Column "colour" expects category labels/);
    expect(failure(() => tableInputs(readScoringRequest({ inputs: [[1, 2]] }), IRIS)).message).toMatch(/Row 1 of "inputs" has 2 values; expected 3/);
    expect(failure(() => tableInputs(readScoringRequest({ instances: [1, 2] }), IRIS)).message).toMatch(/single values, but the model has 3 columns/);
    expect(failure(() => tableInputs(readScoringRequest({ instances: [{ photo: 'bm90IGFuIGltYWdl' }] }), [{ name: 'photo', type: 'image' }])).message).toMatch(/row 1 is not a base64-encoded PNG/);
  });

  it('drops the ignored columns (the target) without an error', () => {
    const { columns } = tableInputs(readScoringRequest({ dataframe_records: [{ 'sepal length (cm)': 1, 'petal count': 2, colour: 'red', species: 'setosa' }] }), IRIS, { ignored: ['species'] });
    expect([...columns.keys()]).toEqual(IRIS.map((c) => c.name));
  });
});

describe('tensorRows', () => {
  it('reads rows of numbers for a raw input, in every shape', () => {
    const expected = { rows: 2, width: 3, values: Float32Array.from([1, 2, 3, 4, 5, 6]) };
    expect(tensorRows(readScoringRequest({ inputs: [[1, 2, 3], [4, 5, 6]] }), { name: 'x', width: 3 })).toEqual(expected);
    expect(tensorRows(readScoringRequest({ inputs: { x: [[1, 2, 3], [4, 5, 6]] } }), { name: 'x', width: -1 })).toEqual(expected);
    expect(tensorRows(readScoringRequest({ dataframe_split: { columns: ['a', 'b', 'c'], data: [[1, 2, 3], [4, 5, 6]] } }), { name: 'x', width: 3 })).toEqual(expected);
    expect(tensorRows(readScoringRequest({ instances: [7, 8] }), { name: 'x', width: 1 })).toEqual({ rows: 2, width: 1, values: Float32Array.from([7, 8]) });
  });

  it('refuses rows of the wrong width or with non-numbers', () => {
    expect(() => tensorRows(readScoringRequest({ inputs: [[1, 2]] }), { name: 'x', width: 3 })).toThrow('Row 1 of input "x" has 2 values; the model takes 3');
    expect(() => tensorRows(readScoringRequest({ inputs: [[1, null, 3]] }), { name: 'x', width: 3 })).toThrow('Input "x" takes numbers; row 1, position 2 has null');
  });
});
