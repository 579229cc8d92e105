/**
 * @file Types of the columnar dataset model shared by core, storage, workers and UI.
 * Types only: no runtime code lives in `src/protocol`.
 */

/** Logical type of a column, as inferred at import or overridden by the user. */
export type ColumnType = 'integer' | 'number' | 'boolean' | 'category' | 'text' | 'datetime' | 'image';

/** Every logical type, in the order the UI offers them. Kept here as a type-level list; core exports the runtime array. */
export type ColumnTypeList = readonly ColumnType[];

/** Number of rows in one stored column chunk (the last chunk of a column may be shorter). */
export type ChunkRows = 65536;

/**
 * One chunk of one column, as stored in IndexedDB and sent between workers.
 * - `f64`: numbers (integer, number, boolean as 0/1, datetime as epoch milliseconds); `NaN` marks a missing value.
 * - `dict`: strings, dictionary-encoded per chunk; code `-1` marks a missing value.
 * - `bytes`: binary cells (encoded images); `null` marks a missing value.
 */
export type ChunkData =
  | { kind: 'f64'; values: Float64Array }
  | { kind: 'dict'; codes: Int32Array; dictionary: string[] }
  | { kind: 'bytes'; items: (Uint8Array | null)[]; mediaTypes: string[] };

/** A numeric summary of a column. */
export interface NumericProfile {
  min: number;
  max: number;
  mean: number;
  std: number;
  /** `edges.length === counts.length + 1`. */
  histogram: { edges: number[]; counts: number[] };
}

/** Per-column profile computed in a worker at import (and again when a type is overridden). */
export interface ColumnProfile {
  name: string;
  type: ColumnType;
  /** Non-missing values. */
  count: number;
  missing: number;
  /** Distinct non-missing values (exact). */
  distinct: number;
  numeric?: NumericProfile;
  /** Most frequent values for category, text, boolean; at most 20. */
  top?: { value: string; count: number }[];
  /** Length statistics for text columns. */
  text?: { minLength: number; maxLength: number; meanLength: number };
  /** For datetime columns: min and max as ISO strings. */
  datetime?: { min: string; max: string };
  /** For image columns: size ranges. */
  image?: { minWidth: number; maxWidth: number; minHeight: number; maxHeight: number; mediaTypes: string[] };
}

/** The schema of one column of a dataset version. */
export interface ColumnSchema {
  name: string;
  /** Type in force (the user's override, else the inferred one). */
  type: ColumnType;
  /** Type inferred at import. */
  inferredType: ColumnType;
  /** Physical storage of this column's chunks. */
  storage: ChunkData['kind'];
  /** Set when the name was changed at import (empty, duplicate): the original header. */
  originalName?: string;
}

/** A problem found while importing, shown to the user; `row` is 1-based in the source file, data rows only. */
export interface ImportIssue {
  code:
    | 'ragged-row'
    | 'unclosed-quote'
    | 'bad-delimiter'
    | 'renamed-header'
    | 'bad-json-line'
    | 'bad-image'
    | 'skipped-file'
    | 'mixed-type'
    | 'other';
  message: string;
  row?: number;
}

/** Source formats the importer understands. */
export type ImportFormat = 'csv' | 'tsv' | 'json' | 'jsonl' | 'parquet' | 'images';
