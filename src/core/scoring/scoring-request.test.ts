import { describe, expect, it } from 'vitest';
import { ScoringError } from './scoring-error';
import { MAX_SCORING_ROWS, parseScoringBody, readScoringRequest } from './scoring-request';

function failure(fn: () => unknown): ScoringError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ScoringError) return err;
    throw err;
  }
  throw new Error('expected a ScoringError');
}

describe('readScoringRequest', () => {
  it('reads the four MLflow shapes into the same named table', () => {
    const expected = { kind: 'named', names: ['a', 'b'], columns: [[1, 2], ['x', null]], rows: 2 };
    expect(readScoringRequest({ dataframe_split: { columns: ['a', 'b'], data: [[1, 'x'], [2, null]], index: [0, 1] } })).toEqual({ format: 'dataframe_split', ...expected });
    expect(readScoringRequest({ dataframe_records: [{ a: 1, b: 'x' }, { a: 2, b: null }] })).toEqual({ format: 'dataframe_records', ...expected });
    expect(readScoringRequest({ instances: [{ a: 1, b: 'x' }, { a: 2 }] })).toEqual({ format: 'instances', ...expected });
    expect(readScoringRequest({ inputs: { a: [1, 2], b: ['x', null] } })).toEqual({ format: 'inputs', ...expected });
  });

  it('reads unnamed rows, scalars, and a one-row columnar input', () => {
    expect(readScoringRequest({ instances: [[1, 2], [3, 4]] })).toEqual({ format: 'instances', kind: 'positional', rows: [[1, 2], [3, 4]] });
    expect(readScoringRequest({ inputs: [[1, 2]] })).toEqual({ format: 'inputs', kind: 'positional', rows: [[1, 2]] });
    expect(readScoringRequest({ dataframe_split: { data: [[1, 2]] } })).toEqual({ format: 'dataframe_split', kind: 'positional', rows: [[1, 2]] });
    expect(readScoringRequest({ instances: [1, 2, 3] })).toEqual({ format: 'instances', kind: 'scalars', values: [1, 2, 3] });
    expect(readScoringRequest({ inputs: { a: 1, b: 'x' } })).toEqual({ format: 'inputs', kind: 'named', names: ['a', 'b'], columns: [[1], ['x']], rows: 1 });
  });

  it('keeps hostile column names as ordinary names', () => {
    const table = parseScoringBody('{"dataframe_records": [{"__proto__": 1, "constructor": 2}]}');
    expect(table).toMatchObject({ kind: 'named', names: ['__proto__', 'constructor'], columns: [[1], [2]] });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses bad bodies with a 400 that says what is wrong', () => {
    expect(failure(() => parseScoringBody('{nope')).message).toMatch(/not valid JSON/);
    expect(failure(() => parseScoringBody('')).message).toMatch(/empty/);
    expect(failure(() => readScoringRequest([1])).message).toMatch(/JSON object/);
    expect(failure(() => readScoringRequest({ rows: [] })).message).toMatch(/Unknown field "rows"/);
    expect(failure(() => readScoringRequest({})).message).toMatch(/none of "dataframe_split"/);
    expect(failure(() => readScoringRequest({ instances: [1], inputs: [1] })).message).toMatch(/exactly one/);
    expect(failure(() => readScoringRequest({ instances: [], params: { temperature: 1 } })).message).toMatch(/params/);
    expect(failure(() => readScoringRequest({ dataframe_split: { columns: ['a', 'b'], data: [[1, 2], [3]] } })).message).toBe('Row 2 of "dataframe_split.data" has 1 values; expected 2, one per column');
    expect(failure(() => readScoringRequest({ dataframe_split: { columns: ['a', 'a'], data: [[1, 2]] } })).message).toMatch(/names column "a" twice/);
    expect(failure(() => readScoringRequest({ dataframe_records: [{ a: 1 }, [1]] })).message).toMatch(/Record 2/);
    expect(failure(() => readScoringRequest({ instances: [{ a: 1 }, 2] })).message).toMatch(/Entry 2 .* same shape/);
    expect(failure(() => readScoringRequest({ inputs: { a: [1, 2], b: [1] } })).message).toMatch(/"b" has 1 values while "a" has 2/);
    expect(failure(() => readScoringRequest({ inputs: { a: [1, 2], b: 1 } })).message).toMatch(/"b" is a single value/);
    expect(failure(() => readScoringRequest({ instances: [] })).message).toMatch(/no rows/);
    const empty = failure(() => readScoringRequest({ dataframe_records: [] }));
    expect([empty.status, empty.errorCode]).toEqual([400, 'BAD_REQUEST']);
  });

  it('refuses more than the row limit with a 413', () => {
    const error = failure(() => readScoringRequest({ instances: new Array(MAX_SCORING_ROWS + 1).fill(1) }));
    expect([error.status, error.errorCode]).toEqual([413, 'REQUEST_LIMIT_EXCEEDED']);
    expect(readScoringRequest({ instances: new Array(MAX_SCORING_ROWS).fill(1) }).kind).toBe('scalars');
  });
});
