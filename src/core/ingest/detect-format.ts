/**
 * @file Which importer a file needs, from its name (and first bytes). Kept apart from the readers so the page
 * can check a file before starting a worker without loading papaparse, hyparquet or fflate.
 */
import type { ImportFormat } from '../../protocol/dataset';
import { IngestError } from './ingest-error';

/** Spreadsheet formats people often try: the message suggests saving as CSV. */
const SPREADSHEETS = new Set(['.xlsx', '.xls', '.ods', '.numbers']);

/** File extensions the importer accepts, with the format each one means. */
export const ACCEPTED_EXTENSIONS: ReadonlyMap<string, ImportFormat> = new Map([
  ['.csv', 'csv'],
  ['.tsv', 'tsv'],
  ['.txt', 'csv'],
  ['.json', 'json'],
  ['.jsonl', 'jsonl'],
  ['.ndjson', 'jsonl'],
  ['.parquet', 'parquet'],
  ['.zip', 'images'],
]);

/**
 * Detects the import format from a file name (and, for `.txt`/unknown JSON, its first bytes).
 * Throws an {@link IngestError} naming the accepted extensions when the name has none of them.
 */
export function detectFormat(fileName: string, firstBytes?: Uint8Array): ImportFormat {
  const dot = fileName.lastIndexOf('.');
  const extension = dot === -1 ? '' : fileName.slice(dot).toLowerCase();
  const format = ACCEPTED_EXTENSIONS.get(extension);
  if (format === undefined) {
    if (firstBytes && startsWith(firstBytes, [0x50, 0x41, 0x52, 0x31])) return 'parquet';
    if (firstBytes && startsWith(firstBytes, [0x50, 0x4b, 0x03, 0x04])) return 'images';
    throw new IngestError(
      'unknown-format',
      `"${fileName}" is a ${extension ? `${extension} file` : 'file without an extension'}, which Benchtop cannot read; expected one of ${[...ACCEPTED_EXTENSIONS.keys()].join(' ')}${SPREADSHEETS.has(extension) ? ' (save the sheet as CSV from your spreadsheet program first)' : ''}`,
    );
  }
  return format;
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}
