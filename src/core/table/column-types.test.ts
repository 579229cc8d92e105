import { describe, expect, it } from 'vitest';
import { COLUMN_TYPES, formatDatetime, isBooleanText, isDatetimeText, isIntegerText, isMissingToken, isNumberText, parseDatetime, parseNumber } from './column-types';

describe('column-types', () => {
  it('lists every type', () => {
    expect(COLUMN_TYPES).toEqual(['integer', 'number', 'boolean', 'category', 'text', 'datetime', 'image']);
  });

  it('recognises missing tokens', () => {
    for (const s of ['', 'NA', 'N/A', 'n/a', 'null', 'NULL', 'NaN', 'nan', 'None', '?', '-']) expect(isMissingToken(s)).toBe(true);
    for (const s of ['0', 'none', 'missing', ' ', 'NA ']) expect(isMissingToken(s)).toBe(false);
  });

  it('parses numbers like Number() for decimals and rejects the rest', () => {
    for (const s of ['0', '-12', '+7', '3.25', '.5', '1.', '1e3', '-2.5E-3', '0.1', '123456789012345678', '0.30000000000000004']) {
      expect(parseNumber(s)).toBe(Number(s));
    }
    for (const s of ['', '-', '.', '0x1F', ' 1', '1 ', 'abc', '1e', 'Infinity', '1e999', '1,5', '1.2.3']) expect(parseNumber(s)).toBeNaN();
    expect(isIntegerText('42')).toBe(true);
    expect(isIntegerText('4.2')).toBe(false);
    expect(isNumberText('4.2')).toBe(true);
  });

  it('parses boolean tokens in any case, but not 0/1', () => {
    for (const s of ['true', 'FALSE', 'Yes', 'no', 't', 'F']) expect(isBooleanText(s)).toBe(true);
    for (const s of ['0', '1', 'y', 'n', 'truth', '']) expect(isBooleanText(s)).toBe(false);
  });

  it('parses ISO dates and datetimes as UTC', () => {
    expect(parseDatetime('2012-01-01')).toBe(Date.UTC(2012, 0, 1));
    expect(parseDatetime('2012-01-01T10:00:00Z')).toBe(Date.UTC(2012, 0, 1, 10));
    expect(parseDatetime('2012-01-01 10:00')).toBe(Date.UTC(2012, 0, 1, 10));
    expect(parseDatetime('2012-01-01T10:00:00.250+02:00')).toBe(Date.UTC(2012, 0, 1, 8, 0, 0, 250));
    expect(parseDatetime('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
    for (const s of ['2012-02-30', '2023-02-29', '2012-13-01', '2012-1-1', '2012/01/01', '20120101', '2012-01-01T25:00', '2012-01-01Tfoo']) {
      expect(isDatetimeText(s), s).toBe(false);
    }
    expect(formatDatetime(Date.UTC(2012, 0, 1))).toBe('2012-01-01');
    expect(formatDatetime(Date.UTC(2012, 0, 1, 10))).toBe('2012-01-01T10:00:00.000Z');
  });
});
