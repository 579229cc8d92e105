/**
 * @file Encodes one column's cells into chunks, optimistically as numbers (f64) and falling back to
 * dictionary-encoded strings the first time a value contradicts. Runs once per cell: no allocation on the
 * numeric path, no regex unless a value looks like a date.
 */
import type { ChunkData } from '../../protocol/dataset';
import { formatDatetime, isMissingToken, parseBoolean, parseDatetime, parseNumber } from './column-types';

/** What the non-missing values of a numeric-mode column have been so far. */
export type NumericKind = 'none' | 'number' | 'boolean' | 'datetime';

/** Where a column first contradicted its numeric kind. */
export interface Demotion {
  /** 0-based row of the first contradicting value, over the whole table. */
  row: number;
  value: string;
  from: NumericKind;
}

/** Values cells can hold: CSV gives strings, JSON gives any JSON value, Parquet numbers, bigints and dates. */
export type Cell = unknown;

/** Distinct strings tracked per column for the category/text decision; past this the column is text. */
export const DISTINCT_TRACK_LIMIT = 100_000;

/** Renders a numeric-mode value as the string it becomes when its column turns to strings. */
export function numericToText(value: number, kind: NumericKind): string {
  if (kind === 'boolean') return value === 0 ? 'false' : 'true';
  if (kind === 'datetime') return formatDatetime(value);
  return String(value);
}

/** Text of a non-string cell (JSON objects and arrays become their JSON text); `null` when missing. */
export function cellText(cell: Cell): string | null {
  if (cell === null || cell === undefined) return null;
  if (typeof cell === 'string') return isMissingToken(cell) ? null : cell;
  if (typeof cell === 'number') return Number.isNaN(cell) ? null : String(cell);
  if (typeof cell === 'boolean') return cell ? 'true' : 'false';
  if (typeof cell === 'bigint') return cell.toString();
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? null : formatDatetime(cell.getTime());
  return JSON.stringify(cell, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/** Builds the chunks of one column. The table builder drives it; see `TableBuilder`. */
export class ColumnEncoder {
  /** 'f64' while every value was numeric, 'dict' after the first contradiction. */
  mode: 'f64' | 'dict' = 'f64';
  kind: NumericKind = 'none';
  allInteger = true;
  /** Chunks written while in f64 mode (always the first ones). */
  f64Chunks = 0;
  demotion: Demotion | undefined;
  /** Distinct strings seen in dict mode (bounded by {@link DISTINCT_TRACK_LIMIT}); `overflow` once exceeded. */
  readonly distinct = new Set<string>();
  distinctOverflow = false;
  maxLength = 0;

  #contradicted = false;
  #values: Float64Array | null;
  #codes: Int32Array | null = null;
  #dictionary: string[] = [];
  #dictMap = new Map<string, number>();
  readonly #chunkRows: number;

  /** @param chunkRows rows per chunk. @param missingRows rows already in the current chunk before this column existed. */
  constructor(chunkRows: number, missingRows = 0) {
    this.#chunkRows = chunkRows;
    this.#values = new Float64Array(chunkRows);
    if (missingRows > 0) this.#values.fill(NaN, 0, missingRows);
  }

  /**
   * Encodes `rows[from..to)[col]` into chunk positions `offset...`. `firstRow` is the table row of `rows[from]`
   * (for the demotion report).
   */
  encode(rows: readonly Cell[][], col: number, from: number, to: number, offset: number, firstRow: number): void {
    if (this.mode === 'dict') {
      this.#encodeDict(rows, col, from, to, offset);
      return;
    }
    const values = this.#values as Float64Array;
    const kind = this.kind;
    let allInteger = this.allInteger;
    let i = offset;
    for (let r = from; r < to; r++, i++) {
      const cell = rows[r][col];
      if (kind === 'number') {
        // hot path: a decimal string or a JSON number
        if (typeof cell === 'string') {
          const v = parseNumber(cell);
          if (v === v) {
            values[i] = v;
            if (allInteger && !Number.isSafeInteger(v)) allInteger = false;
            continue;
          }
        } else if (typeof cell === 'number') {
          values[i] = cell;
          if (allInteger && cell === cell && !Number.isSafeInteger(cell)) allInteger = false;
          continue;
        }
      }
      const v = this.#slowNumeric(cell);
      if (this.#contradicted) {
        this.allInteger = allInteger;
        this.#demote(i, firstRow + (r - from), cell);
        this.#encodeDict(rows, col, r, to, i);
        return;
      }
      values[i] = v;
      if (allInteger && this.kind === 'number' && v === v && !Number.isSafeInteger(v)) allInteger = false;
    }
    this.allInteger = allInteger;
  }

  /** Hands over the current chunk's first `length` rows and starts a new chunk. */
  takeChunk(length: number): ChunkData {
    if (this.mode === 'f64') {
      const values = this.#values as Float64Array;
      this.#values = new Float64Array(this.#chunkRows);
      this.f64Chunks++;
      return { kind: 'f64', values: length === values.length ? values : values.slice(0, length) };
    }
    const codes = this.#codes as Int32Array;
    const dictionary = this.#dictionary;
    this.#codes = new Int32Array(this.#chunkRows);
    this.#dictionary = [];
    this.#dictMap = new Map();
    return { kind: 'dict', codes: length === codes.length ? codes : codes.slice(0, length), dictionary };
  }

  /** Records strings of an earlier chunk rewritten from numbers (they count towards distinct and length). */
  noteStrings(dictionary: readonly string[]): void {
    for (const s of dictionary) this.#track(s);
  }

  /** Reads a cell that is not a decimal string under kind 'number'; returns the value or NaN for missing; sets `#contradicted`. */
  #slowNumeric(cell: Cell): number {
    const v = this.#readNumeric(cell);
    if (v === DEMOTE) {
      this.#contradicted = true;
      return NaN;
    }
    return v;
  }

  #readNumeric(cell: Cell): number {
    if (cell === null || cell === undefined) return NaN;
    const kind = this.kind;
    if (typeof cell === 'string') {
      if (isMissingToken(cell)) return NaN;
      if (kind === 'none' || kind === 'number') {
        const v = parseNumber(cell);
        if (v === v && v !== DEMOTE) {
          this.kind = 'number';
          return v;
        }
      }
      if (kind === 'none' || kind === 'boolean') {
        const b = parseBoolean(cell);
        if (b !== -1) {
          this.kind = 'boolean';
          return b;
        }
      }
      if (kind === 'none' || kind === 'datetime') {
        const t = parseDatetime(cell);
        if (t === t) {
          this.kind = 'datetime';
          return t;
        }
      }
      return DEMOTE;
    }
    if (typeof cell === 'number') {
      if (cell !== cell) return NaN;
      if (kind === 'none' || kind === 'number') {
        this.kind = 'number';
        return Number.isFinite(cell) ? cell : DEMOTE;
      }
      return DEMOTE;
    }
    if (typeof cell === 'boolean') {
      if (kind === 'none' || kind === 'boolean') {
        this.kind = 'boolean';
        return cell ? 1 : 0;
      }
      return DEMOTE;
    }
    if (typeof cell === 'bigint') {
      if ((kind === 'none' || kind === 'number') && cell <= BigInt(Number.MAX_SAFE_INTEGER) && cell >= BigInt(Number.MIN_SAFE_INTEGER)) {
        this.kind = 'number';
        return Number(cell);
      }
      return DEMOTE;
    }
    if (cell instanceof Date) {
      const t = cell.getTime();
      if (t !== t) return NaN;
      if (kind === 'none' || kind === 'datetime') {
        this.kind = 'datetime';
        return t;
      }
      return DEMOTE;
    }
    return DEMOTE;
  }

  /** Switches to dict mode at chunk position `at`, converting the chunk's earlier numbers to strings. */
  #demote(at: number, row: number, cell: Cell): void {
    const values = this.#values as Float64Array;
    // Only a column that held values of another kind was really mixed; a first value that is text is no demotion.
    if (this.kind !== 'none') this.demotion = { row, value: cellText(cell) ?? '', from: this.kind };
    this.mode = 'dict';
    this.#contradicted = false;
    this.#codes = new Int32Array(this.#chunkRows);
    for (let i = 0; i < at; i++) {
      const v = values[i];
      this.#codes[i] = v === v ? this.#code(numericToText(v, this.kind)) : -1;
    }
    this.#values = null;
  }

  #encodeDict(rows: readonly Cell[][], col: number, from: number, to: number, offset: number): void {
    const codes = this.#codes as Int32Array;
    const map = this.#dictMap;
    let i = offset;
    for (let r = from; r < to; r++, i++) {
      const cell = rows[r][col];
      let text: string | null;
      if (typeof cell === 'string') {
        const known = map.get(cell);
        if (known !== undefined) {
          codes[i] = known;
          continue;
        }
        text = isMissingToken(cell) ? null : cell;
      } else {
        text = cellText(cell);
      }
      codes[i] = text === null ? -1 : this.#code(text);
    }
  }

  #code(text: string): number {
    let code = this.#dictMap.get(text);
    if (code === undefined) {
      code = this.#dictionary.length;
      this.#dictionary.push(text);
      this.#dictMap.set(text, code);
      this.#track(text);
    }
    return code;
  }

  #track(text: string): void {
    if (text.length > this.maxLength) this.maxLength = text.length;
    if (this.distinctOverflow) return;
    this.distinct.add(text);
    if (this.distinct.size > DISTINCT_TRACK_LIMIT) {
      this.distinctOverflow = true;
      this.distinct.clear();
    }
  }
}

/** Internal sentinel of `#readNumeric`: the value contradicts the column's numeric kind ("-1e999" is read as text). */
const DEMOTE = Number.NEGATIVE_INFINITY;
