import { describe, expect, it } from 'vitest';
import { tableInputs, type ScoringColumnSpec } from './scoring-columns';
import { parseScoringCsv } from './scoring-csv';
import { ScoringError } from './scoring-error';
import { MAX_SCORING_ROWS, readScoringRequest, scoringBodyType } from './scoring-request';

const COLUMNS: ScoringColumnSpec[] = [
  { name: 'sepal length (cm)', type: 'number' },
  { name: 'petals', type: 'integer' },
  { name: 'colour', type: 'category' },
  { name: 'wild', type: 'boolean' },
  { name: 'seen', type: 'datetime' },
  { name: 'note', type: 'text' },
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

describe('scoringBodyType', () => {
  it('reads JSON, text and CSV media types (parameters and case ignored), JSON when absent, nothing else', () => {
    expect(['application/json', 'text/plain;charset=UTF-8', null, '', 'Text/CSV; charset=utf-8'].map(scoringBodyType)).toEqual(['json', 'json', 'json', 'json', 'csv']);
    expect(scoringBodyType('application/xml')).toBeUndefined();
    expect(scoringBodyType('__proto__')).toBeUndefined();
  });
});

describe('parseScoringCsv', () => {
  it('reads a header and rows into text cells, empty cells missing, the same table as dataframe_split once typed', () => {
    const csv = '\ufeffsepal length (cm),petals,colour,wild,seen,note\r\n5.1,3,red,true,2024-05-01T12:00:00Z,"a, quoted ""note"""\r\n6,,3,FALSE,1714564800000,\r\n\r\n';
    const table = parseScoringCsv(csv);
    expect(table).toMatchObject({ format: 'csv', kind: 'named', rows: 2, text: true, names: COLUMNS.map((c) => c.name) });
    const { rows, columns } = tableInputs(table, COLUMNS);
    expect(rows).toBe(2);
    const json = readScoringRequest({
      dataframe_split: {
        columns: COLUMNS.map((c) => c.name),
        data: [
          [5.1, 3, 'red', true, '2024-05-01T12:00:00Z', 'a, quoted "note"'],
          [6, null, '3', false, 1714564800000, null],
        ],
      },
    });
    expect(columns).toEqual(tableInputs(json, COLUMNS).columns);
    expect(columns.get('petals')).toEqual({ kind: 'numeric', values: Float64Array.of(3, NaN) });
  });

  it('names the column and row of a cell that does not read as its type', () => {
    const header = 'sepal length (cm),petals,colour,wild,seen,note\n';
    expect(failure(() => tableInputs(parseScoringCsv(`${header}5.1,3,red,true,2024-05-01,x\nabc,3,red,true,2024-05-01,x\n`), COLUMNS)).message).toBe('Column "sepal length (cm)" expects numbers; row 2 has "abc" (text)');
    expect(failure(() => tableInputs(parseScoringCsv(`${header}5.1,3.5,red,true,2024-05-01,x\n`), COLUMNS)).message).toBe('Column "petals" expects whole numbers; row 1 has 3.5 (a number)');
    expect(failure(() => tableInputs(parseScoringCsv(`${header}5.1,3,red,maybe,2024-05-01,x\n`), COLUMNS)).message).toBe('Column "wild" expects true or false; row 1 has "maybe" (text)');
    expect(failure(() => tableInputs(parseScoringCsv(`${header}5.1,3,red,true,soon,x\n`), COLUMNS)).message).toMatch(/^Column "seen" expects dates .*; row 1 has "soon" \(text\)$/);
  });

  it('names a missing column, an unknown one, and a row with the wrong number of cells', () => {
    const missing = failure(() => tableInputs(parseScoringCsv('sepal length (cm),petals,colour,wild,seen\n5.1,3,red,true,2024-05-01\n'), COLUMNS));
    expect([missing.status, missing.message]).toEqual([400, expect.stringMatching(/^Missing column "note" \(text\); the model needs/)]);
    expect(failure(() => tableInputs(parseScoringCsv('sepal length (cm),petals,colour,wild,seen,note,extra\n1,2,3,true,4,5,6\n'), COLUMNS)).message).toMatch(/^Unknown column "extra"/);
    expect(failure(() => parseScoringCsv('a,b\n1,2\n3\n')).message).toBe('Row 2 of the CSV body (line 3) has 1 values; expected 2, one per header column');
  });

  it('refuses an empty body, a header without rows, unnamed or repeated columns, broken quotes, and too many rows', () => {
    expect(failure(() => parseScoringCsv('  \n')).message).toMatch(/CSV body is empty/);
    expect(failure(() => parseScoringCsv('a,b\n')).message).toMatch(/header row but no rows/);
    expect(failure(() => parseScoringCsv('a,,b\n1,2,3\n')).message).toBe('Column 2 of the CSV header has no name; name every column');
    expect(failure(() => parseScoringCsv('a,a\n1,2\n')).message).toBe('The CSV header names column "a" twice');
    expect(failure(() => parseScoringCsv('a,b\n"1,2\n')).message).toMatch(/^The CSV body is not valid: /);
    const big = failure(() => parseScoringCsv(`a\n${'1\n'.repeat(MAX_SCORING_ROWS + 1)}`));
    expect([big.status, big.errorCode]).toEqual([413, 'REQUEST_LIMIT_EXCEEDED']);
  });
});
