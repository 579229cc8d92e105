/**
 * @file Converts stored chunks between logical types (user type overrides) and reads single cells for display.
 */
import type { ChunkData, ColumnType } from '../../protocol/dataset';
import { formatDatetime, parseBoolean, parseDatetime, parseNumber } from './column-types';
import { type NumericKind, numericToText } from './column-encoder';
import { f64ToDict } from './table-builder';

/** A converted chunk, with the values that could not be read as the new type (they become missing). */
export interface ConvertedChunk {
  data: ChunkData;
  unparseable: number;
  /** The first unparseable value and its row in the chunk. */
  firstUnparseable?: { row: number; value: string };
}

/** Chunk storage each logical type uses. */
export function storageOf(type: ColumnType): ChunkData['kind'] {
  if (type === 'category' || type === 'text') return 'dict';
  if (type === 'image') return 'bytes';
  return 'f64';
}

/**
 * Converts one chunk stored as type `from` to type `to`. Numbers become their canonical text; text becomes numbers,
 * booleans or datetimes where it parses, missing elsewhere (counted in `unparseable`).
 * Throws when either side is 'image' and the other is not (images only convert to themselves).
 */
export function convertChunk(data: ChunkData, from: ColumnType, to: ColumnType): ConvertedChunk {
  if ((from === 'image') !== (to === 'image') || data.kind === 'bytes') {
    if (from === to && data.kind === 'bytes') return { data, unparseable: 0 };
    throw new Error(`Cannot convert a column of type "${from}" to "${to}"; images convert only to images`);
  }
  const target = storageOf(to);
  if (target === 'dict') {
    if (data.kind === 'dict') return { data, unparseable: 0 };
    const kind = kindOf(from);
    return { data: f64ToDict(data.values, (v) => numericToText(v, kind)), unparseable: 0 };
  }
  const read = readerFor(to);
  const length = data.kind === 'f64' ? data.values.length : data.codes.length;
  const values = new Float64Array(length);
  let unparseable = 0;
  let firstUnparseable: ConvertedChunk['firstUnparseable'];
  const bad = (row: number, value: string): void => {
    unparseable++;
    firstUnparseable ??= { row, value };
  };
  if (data.kind === 'dict') {
    const parsed = data.dictionary.map(read);
    for (let i = 0; i < length; i++) {
      const code = data.codes[i];
      const v = code < 0 ? NaN : parsed[code];
      if (code >= 0 && v !== v) bad(i, data.dictionary[code]);
      values[i] = v;
    }
  } else {
    const kind = kindOf(from);
    for (let i = 0; i < length; i++) {
      const v = data.values[i];
      if (v !== v) {
        values[i] = NaN;
        continue;
      }
      const w = numericAs(to, v);
      if (w !== w) bad(i, numericToText(v, kind));
      values[i] = w;
    }
  }
  const result: ConvertedChunk = { data: { kind: 'f64', values }, unparseable };
  if (firstUnparseable) result.firstUnparseable = firstUnparseable;
  return result;
}

/** A cell as shown to people: datetimes as ISO text, booleans as `true`/`false`, numbers as numbers, images as bytes, missing as `null`. */
export function readCell(data: ChunkData, row: number, type: ColumnType): string | number | boolean | Uint8Array | null {
  if (data.kind === 'bytes') return data.items[row] ?? null;
  if (data.kind === 'dict') {
    const code = data.codes[row];
    return code === undefined || code < 0 ? null : data.dictionary[code];
  }
  const v = data.values[row];
  if (v === undefined || v !== v) return null;
  if (type === 'datetime') return formatDatetime(v);
  if (type === 'boolean') return v !== 0;
  return v;
}

function kindOf(type: ColumnType): NumericKind {
  if (type === 'boolean') return 'boolean';
  if (type === 'datetime') return 'datetime';
  return 'number';
}

/** Reads text as a value of numeric-storage type `to`; NaN when it does not parse. */
function readerFor(to: ColumnType): (s: string) => number {
  switch (to) {
    case 'integer':
      return (s) => {
        const v = parseNumber(s);
        return Number.isSafeInteger(v) ? v : NaN;
      };
    case 'boolean':
      return (s) => {
        const b = parseBoolean(s);
        if (b !== -1) return b;
        return s === '1' ? 1 : s === '0' ? 0 : NaN;
      };
    case 'datetime':
      return parseDatetime;
    default:
      return parseNumber;
  }
}

/** A number read as numeric type `to`: integers must be whole, booleans 0 or 1; datetimes take numbers as epoch ms. */
function numericAs(to: ColumnType, v: number): number {
  if (to === 'integer') return Number.isSafeInteger(v) ? v : NaN;
  if (to === 'boolean') return v === 0 || v === 1 ? v : NaN;
  return v;
}
