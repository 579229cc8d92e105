/**
 * @file Runtime list of column types and the cheap per-value classifiers used while encoding.
 * Classifiers look at char codes first and only then parse, because they run once per cell.
 */
import type { ColumnType } from '../../protocol/dataset';

/** Every logical column type, in the order the UI offers them. */
export const COLUMN_TYPES: readonly ColumnType[] = Object.freeze([
  'integer',
  'number',
  'boolean',
  'category',
  'text',
  'datetime',
  'image',
] as const);

/** Rows in one stored column chunk (the last chunk of a column may be shorter). */
export const CHUNK_ROWS = 65536;

/** Cell texts read as a missing value (compared exactly, case-sensitive as listed). */
export const MISSING_TOKENS: readonly string[] = Object.freeze(['', 'NA', 'N/A', 'n/a', 'null', 'NULL', 'NaN', 'nan', 'None', '?', '-']);

const missingSet = new Set(MISSING_TOKENS);

/** True when `s` is one of {@link MISSING_TOKENS}. Strings longer than 4 characters are never missing. */
export function isMissingToken(s: string): boolean {
  return s.length === 0 || (s.length <= 4 && missingSet.has(s));
}

/**
 * Parses a decimal number (`12`, `-3.5`, `.5`, `1e-3`, `+7`); returns `NaN` for anything else,
 * including hexadecimal, surrounding spaces, `Infinity`, overflowing values (`1e999`) and the empty string.
 */
export function parseNumber(s: string): number {
  const n = s.length;
  if (n === 0) return NaN;
  const c0 = s.charCodeAt(0);
  // first char must be a digit, sign or dot
  if (!((c0 >= 48 && c0 <= 57) || c0 === 45 || c0 === 43 || c0 === 46)) return NaN;
  const last = s.charCodeAt(n - 1);
  // last char must be a digit or a dot ("1." is a number; "1 " and "1e" are not)
  if (!((last >= 48 && last <= 57) || last === 46)) return NaN;
  if (n > 1) {
    const c1 = s.charCodeAt(1);
    if (c1 === 120 || c1 === 88 || c1 === 111 || c1 === 98 || c1 === 66 || c1 === 79) return NaN; // 0x 0o 0b
  }
  const v = +s;
  return v - v === 0 ? v : NaN; // rejects "1e999" (Infinity) as well as NaN
}

/** True when `s` is a decimal number (see {@link parseNumber}). */
export function isNumberText(s: string): boolean {
  return !Number.isNaN(parseNumber(s));
}

/** True when `s` is a decimal number whose value is a safe integer (`3`, `-12`, `1e3`). */
export function isIntegerText(s: string): boolean {
  return Number.isSafeInteger(parseNumber(s));
}

/**
 * Reads a boolean token: `true/false/yes/no/t/f` in any case. Returns 1, 0, or -1 when `s` is not a boolean token.
 * `0` and `1` alone are numbers, not booleans.
 */
export function parseBoolean(s: string): 1 | 0 | -1 {
  const n = s.length;
  if (n === 0 || n > 5) return -1;
  const c = s.charCodeAt(0) | 32; // lower-case ASCII letter
  if (c !== 116 && c !== 102 && c !== 121 && c !== 110) return -1; // t f y n
  switch (s.toLowerCase()) {
    case 'true':
    case 't':
    case 'yes':
      return 1;
    case 'false':
    case 'f':
    case 'no':
      return 0;
    default:
      return -1;
  }
}

/** True when `s` is a boolean token (see {@link parseBoolean}). */
export function isBooleanText(s: string): boolean {
  return parseBoolean(s) !== -1;
}

const ISO_DATETIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Parses an ISO 8601 date or date-time to epoch milliseconds; `NaN` when `s` is not one.
 * Accepts `2012-01-01`, `2012-01-01T10:00:00Z`, `2012-01-01 10:00`, fractions and `+02:00` offsets.
 * Times without an offset are read as UTC, so the result does not depend on the machine's time zone.
 */
export function parseDatetime(s: string): number {
  // cheap guard before the regex: "dddd-dd-dd..."
  if (s.length < 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return NaN;
  const m = ISO_DATETIME.exec(s);
  if (m === null) return NaN;
  const year = +m[1];
  const month = +m[2];
  const day = +m[3];
  const hour = m[4] === undefined ? 0 : +m[4];
  const minute = m[5] === undefined ? 0 : +m[5];
  const second = m[6] === undefined ? 0 : +m[6];
  const ms = m[7] === undefined ? 0 : Math.floor(+`0.${m[7]}` * 1000);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return NaN;
  let t = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // reject 2012-02-30 and friends (Date.UTC rolls them over)
  if (new Date(t).getUTCDate() !== day) return NaN;
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.charCodeAt(0) === 45 ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offsetMinutes = +digits.slice(0, 2) * 60 + (digits.length > 2 ? +digits.slice(2) : 0);
    t -= sign * offsetMinutes * 60_000;
  }
  return t;
}

/** True when `s` is an ISO 8601 date or date-time (see {@link parseDatetime}). */
export function isDatetimeText(s: string): boolean {
  return !Number.isNaN(parseDatetime(s));
}

/** Formats epoch milliseconds as ISO 8601 (UTC); dates at midnight print as `YYYY-MM-DD`. */
export function formatDatetime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
}
