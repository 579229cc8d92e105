/**
 * @file A request table checked against a model's signature: every input column present, no unknown column, every
 * value of its column's type. Table models get whole columns (`ColumnValues`, as the feature pipeline reads them);
 * raw tensor models (an ONNX file without a featurizer) get float rows. Every error is a 400 naming the column, and
 * the row (1-based) when a value is at fault. Text cells of a CSV body are first read as their column's type.
 */
import type { ColumnType } from '../../protocol/dataset';
import type { ColumnValues } from '../table/column-values';
import { badRequest } from './scoring-error';
import { describeJson, isPlainObject, rawRowCount, type RawScoringTable } from './scoring-request';

/** One input column of a table model. */
export interface ScoringColumnSpec {
  name: string;
  type: ColumnType;
}

/** The request as the feature pipeline reads it: one column per model input. */
export interface TableInputs {
  rows: number;
  columns: Map<string, ColumnValues>;
}

/** The request as a raw model reads it: row-major floats. */
export interface TensorRows {
  rows: number;
  width: number;
  values: Float32Array;
}

/** What {@link tableInputs} accepts besides the inputs. */
export interface TableInputOptions {
  /** Columns a caller may send that are not inputs (the model's target): dropped without an error. */
  ignored?: readonly string[];
}

/** Checks `table` against the model's input columns and converts each to its type. */
export function tableInputs(table: RawScoringTable, inputs: readonly ScoringColumnSpec[], options: TableInputOptions = {}): TableInputs {
  const rows = rawRowCount(table);
  const cells = cellsByInput(table, inputs, options.ignored ?? []);
  const text = table.kind === 'named' && table.text === true;
  const columns = new Map<string, ColumnValues>();
  inputs.forEach((input, i) => columns.set(input.name, convertColumn(input, text ? cells[i].map((v, r) => fromCsvText(input, r, v)) : cells[i])));
  return { rows, columns };
}

/** The raw values of each input, in input order. */
function cellsByInput(table: RawScoringTable, inputs: readonly ScoringColumnSpec[], ignored: readonly string[]): unknown[][] {
  const expected = () => inputs.map((c) => `${JSON.stringify(c.name)} (${c.type})`).join(', ');
  if (table.kind === 'named') {
    const wanted = new Set(inputs.map((c) => c.name));
    const unknown = table.names.filter((n) => !wanted.has(n) && !ignored.includes(n));
    if (unknown.length > 0) {
      const more = unknown.length > 1 ? ` (and ${unknown.length - 1} more: ${unknown.slice(1, 4).map((n) => JSON.stringify(n)).join(', ')}${unknown.length > 4 ? ', …' : ''})` : '';
      throw badRequest(`Unknown column ${JSON.stringify(unknown[0])}${more}; the model's columns are ${expected()}`);
    }
    const missing = inputs.filter((c) => !table.names.includes(c.name));
    if (missing.length > 0) {
      const more = missing.length > 1 ? ` (and ${missing.length - 1} more: ${missing.slice(1, 4).map((c) => JSON.stringify(c.name)).join(', ')}${missing.length > 4 ? ', …' : ''})` : '';
      throw badRequest(`Missing column ${JSON.stringify(missing[0].name)} (${missing[0].type})${more}; the model needs ${expected()}`);
    }
    return inputs.map((c) => table.columns[table.names.indexOf(c.name)]);
  }
  if (table.kind === 'scalars') {
    if (inputs.length !== 1) throw badRequest(`"${table.format}" lists single values, but the model has ${inputs.length} columns; send one record or list per row: ${expected()}`);
    return [table.values];
  }
  table.rows.forEach((row, r) => {
    if (row.length !== inputs.length) throw badRequest(`Row ${r + 1} of "${table.format}" has ${row.length} values; expected ${inputs.length}, in this order: ${expected()}`);
  });
  return inputs.map((_, c) => table.rows.map((row) => row[c]));
}

function convertColumn(input: ScoringColumnSpec, cells: unknown[]): ColumnValues {
  switch (input.type) {
    case 'category':
      return categorical(input, cells);
    case 'text':
      return text(input, cells);
    case 'image':
      return images(input, cells);
    default:
      return numeric(input, cells);
  }
}

function wrongType(input: ScoringColumnSpec, row: number, value: unknown, expected: string): Error {
  return badRequest(`Column ${JSON.stringify(input.name)} expects ${expected}; row ${row + 1} has ${describeJson(value)}`);
}

const CSV_TRUE = new Set(['true', '1']);
const CSV_FALSE = new Set(['false', '0']);

/**
 * A CSV cell (text, or null when empty) as the JSON value its column's type takes: numbers for integer and number
 * columns, true/false for boolean, the text itself for category, text, datetime (ISO 8601, or epoch milliseconds as
 * digits) and image (base64) columns. A cell that does not read as its type is a 400 naming column and row.
 */
function fromCsvText(input: ScoringColumnSpec, row: number, cell: unknown): unknown {
  if (typeof cell !== 'string') return cell;
  const trimmed = cell.trim();
  switch (input.type) {
    case 'integer':
    case 'number': {
      const value = trimmed === '' ? NaN : Number(trimmed);
      if (!Number.isFinite(value)) throw wrongType(input, row, cell, input.type === 'integer' ? 'whole numbers' : 'numbers');
      return value;
    }
    case 'boolean': {
      const lower = trimmed.toLowerCase();
      if (CSV_TRUE.has(lower)) return true;
      if (CSV_FALSE.has(lower)) return false;
      throw wrongType(input, row, cell, 'true or false');
    }
    case 'datetime':
      return /^-?\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
    default:
      return cell;
  }
}

/** integer, number, boolean (true/false or 0/1) and datetime (ISO text or epoch milliseconds); null is missing. */
function numeric(input: ScoringColumnSpec, cells: unknown[]): ColumnValues {
  const values = new Float64Array(cells.length);
  cells.forEach((v, r) => {
    if (v === null || v === undefined) {
      values[r] = NaN;
      return;
    }
    switch (input.type) {
      case 'integer':
        if (typeof v !== 'number' || !Number.isInteger(v)) throw wrongType(input, r, v, 'whole numbers');
        values[r] = v;
        return;
      case 'boolean':
        if (typeof v === 'boolean') values[r] = v ? 1 : 0;
        else if (v === 0 || v === 1) values[r] = v;
        else throw wrongType(input, r, v, 'true or false');
        return;
      case 'datetime': {
        const time = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : NaN;
        if (!Number.isFinite(time)) throw wrongType(input, r, v, 'dates (ISO 8601 text such as "2024-05-01T12:00:00Z", or epoch milliseconds)');
        values[r] = time;
        return;
      }
      default:
        if (typeof v !== 'number' || !Number.isFinite(v)) throw wrongType(input, r, v, 'numbers');
        values[r] = v;
    }
  });
  return { kind: 'numeric', values };
}

/** Text labels; a number is taken as its text (`3` is the category "3"); null is missing. */
function categorical(input: ScoringColumnSpec, cells: unknown[]): ColumnValues {
  const codes = new Int32Array(cells.length);
  const categories: string[] = [];
  const index = new Map<string, number>();
  cells.forEach((v, r) => {
    if (v === null || v === undefined) {
      codes[r] = -1;
      return;
    }
    if (typeof v !== 'string' && !(typeof v === 'number' && Number.isFinite(v))) throw wrongType(input, r, v, 'category labels (text)');
    const label = String(v);
    let code = index.get(label);
    if (code === undefined) {
      code = categories.length;
      index.set(label, code);
      categories.push(label);
    }
    codes[r] = code;
  });
  return { kind: 'categorical', codes, categories };
}

function text(input: ScoringColumnSpec, cells: unknown[]): ColumnValues {
  const values = cells.map((v, r) => {
    if (v === null || v === undefined) return null;
    if (typeof v !== 'string') throw wrongType(input, r, v, 'text');
    return v;
  });
  return { kind: 'text', values };
}

/** Images as base64 text, or `{"b64": "..."}` (TF Serving's binary convention); PNG, JPEG, GIF or WebP. */
function images(input: ScoringColumnSpec, cells: unknown[]): ColumnValues {
  const items: (Uint8Array | null)[] = [];
  const mediaTypes: string[] = [];
  cells.forEach((v, r) => {
    if (v === null || v === undefined) {
      items.push(null);
      mediaTypes.push('');
      return;
    }
    const encoded = typeof v === 'string' ? v : isPlainObject(v) && typeof v.b64 === 'string' ? v.b64 : undefined;
    if (encoded === undefined) throw wrongType(input, r, v, 'images as base64 text or {"b64": "..."}');
    const bytes = decodeBase64(encoded);
    const mediaType = bytes ? sniffImageType(bytes) : undefined;
    if (!bytes || !mediaType) throw badRequest(`Column ${JSON.stringify(input.name)}: row ${r + 1} is not a base64-encoded PNG, JPEG, GIF or WebP image`);
    items.push(bytes);
    mediaTypes.push(mediaType);
  });
  return { kind: 'image', items, mediaTypes };
}

function decodeBase64(text: string): Uint8Array | undefined {
  const clean = text.replace(/^data:[^,]*;base64,/, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(clean)) return undefined;
  try {
    const binary = atob(clean.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return undefined;
  }
}

/** The image media type from a file's first bytes, or `undefined`. */
export function sniffImageType(bytes: Uint8Array): string | undefined {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47)) return 'image/png';
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'image/gif';
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57 && bytes[9] === 0x45 && bytes[10] === 0x42 && bytes[11] === 0x50) return 'image/webp';
  return undefined;
}

/**
 * Rows for a raw model's single 2-D input `[rows, width]` (`width` -1 when the model does not fix it): unnamed rows
 * of numbers, one value per row (width 1), columns taken in the order sent, or `{"<input name>": [[...], ...]}`.
 */
export function tensorRows(table: RawScoringTable, input: { name: string; width: number }): TensorRows {
  let rows: unknown[][];
  if (table.kind === 'scalars') rows = table.values.map((v) => [v]);
  else if (table.kind === 'positional') rows = table.rows;
  else if (table.names.length === 1 && table.names[0] === input.name && table.columns[0].every(Array.isArray)) rows = table.columns[0] as unknown[][];
  else rows = Array.from({ length: table.rows }, (_, r) => table.columns.map((c) => c[r]));
  const width = input.width > 0 ? input.width : (rows[0]?.length ?? 0);
  if (width === 0) throw badRequest(`Input ${JSON.stringify(input.name)} needs rows of numbers; the first row is empty`);
  const values = new Float32Array(rows.length * width);
  rows.forEach((row, r) => {
    if (!Array.isArray(row)) throw badRequest(`Row ${r + 1} of input ${JSON.stringify(input.name)} must be a list of ${width} numbers; got ${describeJson(row)}`);
    if (row.length !== width) throw badRequest(`Row ${r + 1} of input ${JSON.stringify(input.name)} has ${row.length} values; the model takes ${width}`);
    row.forEach((v, c) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw badRequest(`Input ${JSON.stringify(input.name)} takes numbers; row ${r + 1}, position ${c + 1} has ${describeJson(v)}`);
      values[r * width + c] = v;
    });
  });
  return { rows: rows.length, width, values };
}
