/**
 * @file MLflow's scoring request body, in its four shapes, read into one neutral table (named columns, unnamed rows,
 * or a list of scalars) before the model's signature is applied (`scoring-columns.ts`):
 *
 * - `{"dataframe_split": {"columns": [...], "data": [[...], ...]}}` (pandas "split" orient; `index` is ignored)
 * - `{"dataframe_records": [{"col": value, ...}, ...]}` (pandas "records" orient)
 * - `{"instances": [...]}` (TF Serving's row format: objects, arrays or scalars, one per row)
 * - `{"inputs": ...}` (TF Serving's columnar format: `{"col": [values]}`, or a list as for `instances`)
 *
 * Names are kept in arrays and Maps, never as keys of plain objects, so `__proto__` is an ordinary column name.
 */
import type { ScoringBodyType } from '../../protocol/scoring';
import { badRequest, ScoringError } from './scoring-error';

/** Most rows one request may carry. */
export const MAX_SCORING_ROWS = 10_000;
/** Most columns one request may carry. */
export const MAX_SCORING_COLUMNS = 10_000;
/** Largest request body, in bytes of text (checked by the service worker before anything is parsed). */
export const MAX_SCORING_BODY_BYTES = 16 * 1024 * 1024;

/** The four request shapes. */
export const SCORING_REQUEST_FORMATS = Object.freeze(['dataframe_split', 'dataframe_records', 'instances', 'inputs'] as const);
export type ScoringRequestFormat = (typeof SCORING_REQUEST_FORMATS)[number];

/**
 * Request bodies by media type: JSON in one of {@link SCORING_REQUEST_FORMATS} (also sent as `text/plain`), or CSV
 * with a header row (`scoring-csv.ts`). An absent `Content-Type` is read as JSON.
 */
export const SCORING_CONTENT_TYPES = Object.freeze({ 'application/json': 'json', 'text/plain': 'json', 'text/csv': 'csv' } as const);
export type ScoringContentType = keyof typeof SCORING_CONTENT_TYPES;

/** How a `Content-Type` header's body is read, or `undefined` for a media type that is not accepted. */
export function scoringBodyType(contentType: string | null | undefined): ScoringBodyType | undefined {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === '') return 'json';
  return Object.hasOwn(SCORING_CONTENT_TYPES, type) ? SCORING_CONTENT_TYPES[type as ScoringContentType] : undefined;
}

/** A request body read into a table, not yet checked against a signature. */
export type RawScoringTable =
  /**
   * Columns by name, each with one value per row. `text`: the cells are text from a CSV body (`null` when empty),
   * read as each column's type when the signature is applied.
   */
  | { format: ScoringRequestFormat | 'csv'; kind: 'named'; names: string[]; columns: unknown[][]; rows: number; text?: true }
  /** Rows without names: each row lists its values in the model's input order. */
  | { format: ScoringRequestFormat; kind: 'positional'; rows: unknown[][] }
  /** One value per row, for a model with one input. */
  | { format: ScoringRequestFormat; kind: 'scalars'; values: unknown[] };

/** The number of rows of a raw table. */
export function rawRowCount(table: RawScoringTable): number {
  return table.kind === 'named' ? table.rows : table.kind === 'positional' ? table.rows.length : table.values.length;
}

/** Parses the JSON body text (a CSV body: `parseScoringCsv`); invalid JSON is a 400 naming where it broke. */
export function parseScoringBody(text: string): RawScoringTable {
  if (text.trim() === '') throw badRequest(`The request body is empty; send JSON with one of ${formatList()}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw badRequest(`The request body is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  return readScoringRequest(json);
}

/** Reads a parsed body in any of the four shapes. Throws a 400 {@link ScoringError} naming what is wrong. */
export function readScoringRequest(json: unknown): RawScoringTable {
  if (!isPlainObject(json)) throw badRequest(`The request body must be a JSON object with one of ${formatList()}; got ${describeJson(json)}`);
  const keys = Object.keys(json);
  const formats = keys.filter((k): k is ScoringRequestFormat => (SCORING_REQUEST_FORMATS as readonly string[]).includes(k));
  const unknown = keys.filter((k) => !(SCORING_REQUEST_FORMATS as readonly string[]).includes(k) && k !== 'params');
  if (unknown.length > 0) throw badRequest(`Unknown field ${JSON.stringify(unknown[0])} in the request; expected one of ${formatList()}`);
  if (formats.length !== 1) {
    throw badRequest(formats.length === 0 ? `The request has none of ${formatList()}` : `The request has ${formats.map((f) => `"${f}"`).join(' and ')}; send exactly one`);
  }
  const params = (json as Record<string, unknown>).params;
  if (params !== undefined && params !== null && !(isPlainObject(params) && Object.keys(params).length === 0)) {
    throw badRequest('"params" are not supported: Benchtop models take no inference parameters');
  }
  const format = formats[0];
  const value = (json as Record<string, unknown>)[format];
  const table = format === 'dataframe_split' ? readSplit(value) : format === 'dataframe_records' ? readRecords(value, format) : format === 'instances' ? readList(value, format) : readInputs(value);
  const rows = rawRowCount(table);
  if (rows === 0) throw badRequest(`"${format}" has no rows; send at least one`);
  if (rows > MAX_SCORING_ROWS) throw new ScoringError('REQUEST_LIMIT_EXCEEDED', `The request has ${rows} rows; at most ${MAX_SCORING_ROWS} are scored per request (use batch scoring for more)`);
  return table;
}

function readSplit(value: unknown): RawScoringTable {
  if (!isPlainObject(value)) throw badRequest(`"dataframe_split" must be an object with "columns" and "data"; got ${describeJson(value)}`);
  const split = value as Record<string, unknown>;
  const extra = Object.keys(split).find((k) => k !== 'columns' && k !== 'data' && k !== 'index');
  if (extra !== undefined) throw badRequest(`Unknown field ${JSON.stringify(extra)} in "dataframe_split"; expected "columns", "data" and optionally "index"`);
  const { columns, data } = split;
  if (!Array.isArray(data)) throw badRequest(`"dataframe_split.data" must be a list of rows; got ${describeJson(data)}`);
  data.forEach((row, i) => {
    if (!Array.isArray(row)) throw badRequest(`Row ${i + 1} of "dataframe_split.data" must be a list of values; got ${describeJson(row)}`);
  });
  const rows = data as unknown[][];
  if (columns === undefined || columns === null) return { format: 'dataframe_split', kind: 'positional', rows };
  if (!Array.isArray(columns)) throw badRequest(`"dataframe_split.columns" must be a list of column names; got ${describeJson(columns)}`);
  const names = checkNames(columns, '"dataframe_split.columns"');
  const out = names.map(() => new Array<unknown>(rows.length));
  rows.forEach((row, r) => {
    if (row.length !== names.length) throw badRequest(`Row ${r + 1} of "dataframe_split.data" has ${row.length} values; expected ${names.length}, one per column`);
    for (let c = 0; c < names.length; c++) out[c][r] = row[c];
  });
  return { format: 'dataframe_split', kind: 'named', names, columns: out, rows: rows.length };
}

/** Records (objects) into named columns: the union of their keys, first seen first; a key a record lacks is missing there. */
function readRecords(value: unknown, format: ScoringRequestFormat): RawScoringTable {
  if (!Array.isArray(value)) throw badRequest(`"${format}" must be a list of records (objects); got ${describeJson(value)}`);
  const index = new Map<string, number>();
  const names: string[] = [];
  const columns: unknown[][] = [];
  value.forEach((record, r) => {
    if (!isPlainObject(record)) throw badRequest(`Record ${r + 1} of "${format}" must be an object of column values; got ${describeJson(record)}`);
    for (const key of Object.keys(record)) {
      let c = index.get(key);
      if (c === undefined) {
        if (names.length >= MAX_SCORING_COLUMNS) throw new ScoringError('REQUEST_LIMIT_EXCEEDED', `The request has more than ${MAX_SCORING_COLUMNS} columns`);
        c = names.length;
        index.set(key, c);
        names.push(key);
        columns.push(new Array<unknown>(value.length).fill(null));
      }
      columns[c][r] = (record as Record<string, unknown>)[key];
    }
  });
  return { format, kind: 'named', names, columns, rows: value.length };
}

/** A list of rows: all records, all lists (positional rows), or all scalars. */
function readList(value: unknown, format: ScoringRequestFormat): RawScoringTable {
  if (!Array.isArray(value)) throw badRequest(`"${format}" must be a list with one entry per row; got ${describeJson(value)}`);
  if (value.length === 0) return { format, kind: 'positional', rows: [] };
  if (value.every(isPlainObject)) return readRecords(value, format);
  if (value.every(Array.isArray)) return { format, kind: 'positional', rows: value as unknown[][] };
  const shape = (v: unknown) => (isPlainObject(v) ? 'object' : Array.isArray(v) ? 'list' : 'scalar');
  const odd = value.findIndex((v) => shape(v) !== shape(value[0]));
  if (odd >= 0) throw badRequest(`Entry ${odd + 1} of "${format}" is ${describeJson(value[odd])} while entry 1 is ${describeJson(value[0])}; every entry must have the same shape`);
  return { format, kind: 'scalars', values: value };
}

/** TF Serving's columnar `inputs`: `{"col": [values], ...}` (or `{"col": value}` for one row), or a list as `instances`. */
function readInputs(value: unknown): RawScoringTable {
  if (Array.isArray(value)) return readList(value, 'inputs');
  if (!isPlainObject(value)) throw badRequest(`"inputs" must be an object of columns or a list of rows; got ${describeJson(value)}`);
  const names = checkNames(Object.keys(value), '"inputs"');
  const values = names.map((name) => (value as Record<string, unknown>)[name]);
  if (names.length === 0) return { format: 'inputs', kind: 'positional', rows: [] };
  const lists = values.filter(Array.isArray).length;
  if (lists === 0) return { format: 'inputs', kind: 'named', names, columns: values.map((v) => [v]), rows: 1 };
  if (lists !== values.length) {
    const scalar = names[values.findIndex((v) => !Array.isArray(v))];
    throw badRequest(`"inputs" column ${JSON.stringify(scalar)} is a single value while others are lists; give every column as a list of values, one per row`);
  }
  const columns = values as unknown[][];
  const rows = columns[0].length;
  const uneven = columns.findIndex((c) => c.length !== rows);
  if (uneven >= 0) throw badRequest(`"inputs" column ${JSON.stringify(names[uneven])} has ${columns[uneven].length} values while ${JSON.stringify(names[0])} has ${rows}; every column needs one value per row`);
  return { format: 'inputs', kind: 'named', names, columns, rows };
}

function checkNames(names: unknown[], where: string): string[] {
  if (names.length > MAX_SCORING_COLUMNS) throw new ScoringError('REQUEST_LIMIT_EXCEEDED', `${where} has ${names.length} columns; at most ${MAX_SCORING_COLUMNS} are allowed`);
  const seen = new Set<string>();
  for (const name of names) {
    if (typeof name !== 'string') throw badRequest(`${where} must name columns with strings; got ${describeJson(name)}`);
    if (seen.has(name)) throw badRequest(`${where} names column ${JSON.stringify(name)} twice`);
    seen.add(name);
  }
  return names as string[];
}

/** True for a JSON object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON value described for a message: `"abc" (text)`, `12 (a number)`, `a list`, `an object`, `null`. */
export function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return `${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)} (text)`;
    case 'number':
      return `${value} (a number)`;
    case 'boolean':
      return `${value} (a boolean)`;
    default:
      return 'an object';
  }
}

function formatList(): string {
  return SCORING_REQUEST_FORMATS.map((f) => `"${f}"`).join(', ');
}
