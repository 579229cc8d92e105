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

/** Exact powers of ten 10^0..10^22 (every one is a double without rounding). */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * Parses a decimal number (`12`, `-3.5`, `.5`, `1e-3`, `+7`); returns `NaN` for anything else,
 * including hexadecimal, surrounding spaces, `Infinity`, overflowing values (`1e999`) and the empty string.
 * Plain decimals of up to 15 digits are read from char codes (an exact integer divided by an exact power of ten
 * is correctly rounded, so the result equals `Number(s)`); the rest go through `Number(s)`.
 */
export function parseNumber(s: string): number {
  const n = s.length;
  if (n === 0) return NaN;
  let i = 0;
  let c = s.charCodeAt(0);
  let negative = false;
  if (c === 45 || c === 43) {
    negative = c === 45;
    if (n === 1) return NaN;
    i = 1;
  }
  let mantissa = 0;
  let digits = 0;
  let fraction = -1; // digits after the dot; -1 while no dot was seen
  for (; i < n; i++) {
    c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      if (fraction >= 0) fraction++;
    } else if (c === 46 && fraction < 0) {
      fraction = 0;
    } else {
      return parseNumberSlow(s);
    }
  }
  if (digits === 0) return NaN; // ".", "-", "+."
  if (digits > 15) return parseNumberSlow(s);
  const v = fraction > 0 ? mantissa / POW10[fraction] : mantissa;
  return negative ? -v : v;
}

/** The general case of {@link parseNumber}: exponents and long digit strings. */
function parseNumberSlow(s: string): number {
  const n = s.length;
  const c0 = s.charCodeAt(0);
  if (!((c0 >= 48 && c0 <= 57) || c0 === 45 || c0 === 43 || c0 === 46)) return NaN;
  const last = s.charCodeAt(n - 1);
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

/** Days from 1970-01-01 to the given proleptic Gregorian date (Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Two ASCII digits at `i` as a number, or -1. */
function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * Parses an ISO 8601 date or date-time to epoch milliseconds; `NaN` when `s` is not one.
 * Accepts `2012-01-01`, `2012-01-01T10:00:00Z`, `2012-01-01 10:00`, fractions of a second and `+02:00` offsets.
 * Times without an offset are read as UTC, so the result does not depend on the machine's time zone.
 * Read from char codes (no regex, no Date object): it runs once per cell of a date column.
 */
export function parseDatetime(s: string): number {
  const n = s.length;
  if (n < 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return NaN;
  const hi = twoDigits(s, 0);
  const lo = twoDigits(s, 2);
  const month = twoDigits(s, 5);
  const day = twoDigits(s, 8);
  if (hi < 0 || lo < 0 || month < 1 || month > 12 || day < 1) return NaN;
  const year = hi * 100 + lo;
  if (day > daysInMonth(year, month)) return NaN;
  let t = daysFromCivil(year, month, day) * 86_400_000;
  if (n === 10) return t;
  const sep = s.charCodeAt(10);
  if ((sep !== 84 && sep !== 32) || n < 16 || s.charCodeAt(13) !== 58) return NaN; // 'T' or ' ', then hh:mm
  const hour = twoDigits(s, 11);
  const minute = twoDigits(s, 14);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return NaN;
  t += hour * 3_600_000 + minute * 60_000;
  let i = 16;
  if (i < n && s.charCodeAt(i) === 58) {
    const second = twoDigits(s, i + 1);
    if (second < 0 || second > 60) return NaN;
    t += second * 1000;
    i += 3;
    if (i < n && (s.charCodeAt(i) === 46 || s.charCodeAt(i) === 44)) {
      i++;
      let scale = 100;
      const start = i;
      for (; i < n; i++) {
        const d = s.charCodeAt(i) - 48;
        if (d < 0 || d > 9) break;
        t += d * scale;
        scale /= 10;
      }
      if (i === start || i - start > 9) return NaN;
      t = Math.floor(t);
    }
  }
  if (i === n) return t;
  const z = s.charCodeAt(i);
  if (z === 90) return i + 1 === n ? t : NaN; // 'Z'
  if (z !== 43 && z !== 45) return NaN;
  const oh = twoDigits(s, i + 1);
  if (oh < 0 || oh > 23) return NaN;
  let om = 0;
  let end = i + 3;
  if (end < n) {
    if (s.charCodeAt(end) === 58) end++;
    om = twoDigits(s, end);
    if (om < 0 || om > 59) return NaN;
    end += 2;
  }
  if (end !== n) return NaN;
  return t - (z === 45 ? -1 : 1) * (oh * 60 + om) * 60_000;
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
