/**
 * @file A dataset version's stored columns written back as CSV, the same way every time: the form a share link embeds.
 *
 * Only the parsed columns are stored, not the source bytes, so a link cannot carry the original file. It carries this
 * CSV instead, and declares the SHA-256 of these bytes (which the viewer can check) beside the original source hash
 * (lineage only). Numbers are written with `String(n)` (shortest round-trip form), booleans as `true`/`false`, dates as
 * ISO 8601, missing cells empty; a field is quoted when it holds a comma, a quote or a line break. Whether the CSV reads
 * back into exactly the stored columns is checked by `csv-round-trip.ts` before a link embeds it.
 */
import type { ChunkData, ColumnSchema } from '../../protocol/dataset';
import { formatDatetime } from '../table/column-types';

/** Why a table cannot be written as CSV. */
export class TableCsvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TableCsvError';
  }
}

/**
 * Writes `columns` (their chunks in order, `chunks[c]` for column `c`) as CSV text with a header row and `\n` line
 * ends. Throws a {@link TableCsvError} for an image column (bytes have no CSV form) or chunks of unequal length.
 */
export function writeTableCsv(columns: readonly ColumnSchema[], chunks: readonly (readonly ChunkData[])[]): string {
  const image = columns.find((c) => c.storage === 'bytes');
  if (image) throw new TableCsvError(`Column "${image.name}" holds images, which cannot be written as CSV`);
  const cells = columns.map((column, c) => columnCells(column, chunks[c] ?? []));
  const rows = cells[0]?.length ?? 0;
  const ragged = cells.findIndex((column) => column.length !== rows);
  if (ragged >= 0) throw new TableCsvError(`Column "${columns[ragged].name}" has ${cells[ragged].length} rows; expected ${rows}`);
  const lines: string[] = [columns.map((c) => quote(c.name)).join(',')];
  for (let r = 0; r < rows; r++) {
    let line = '';
    for (let c = 0; c < cells.length; c++) line += (c === 0 ? '' : ',') + cells[c][r];
    lines.push(line);
  }
  return `${lines.join('\n')}\n`;
}

/** The CSV fields of one column, already quoted where needed. */
function columnCells(column: ColumnSchema, chunks: readonly ChunkData[]): string[] {
  const out: string[] = [];
  for (const chunk of chunks) {
    if (chunk.kind === 'f64') {
      const format = numberFormat(column);
      for (const value of chunk.values) out.push(Number.isNaN(value) ? '' : format(value));
    } else if (chunk.kind === 'dict') {
      const dictionary = chunk.dictionary.map(quote);
      for (const code of chunk.codes) out.push(code < 0 ? '' : dictionary[code]);
    } else {
      throw new TableCsvError(`Column "${column.name}" holds images, which cannot be written as CSV`);
    }
  }
  return out;
}

/** How a stored number is written: by the type inferred at import, which is what reading the CSV infers again. */
function numberFormat(column: ColumnSchema): (value: number) => string {
  switch (column.inferredType) {
    case 'boolean':
      return (value) => (value === 1 ? 'true' : 'false');
    case 'datetime':
      return formatDatetime;
    default:
      return String;
  }
}

/** A CSV field: quoted (quotes doubled) when it holds a comma, a quote or a line break. */
function quote(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
