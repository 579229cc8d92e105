/**
 * @file Streaming CSV/TSV reader: Blob slices -> SHA-256 + UTF-8 decoding -> papaparse's low-level
 * `Parser` chunk by chunk (we carry the partial last row ourselves, as papaparse's own streamers do)
 * -> {@link TableBuilder}. Never holds more than one slice of text and one batch of rows.
 */
import Papa from 'papaparse';
import { TableBuilder } from '../table/table-builder';
import { hasherFor, readBlobSlices } from './content-hash';
import { type IngestContext, type IngestedTable, progressThrottle } from './ingest-context';
import { IngestError, throwIfAborted } from './ingest-error';
import { findBinaryByte } from './text-sniff';

/** Delimiters tried by {@link detectDelimiter}, in order of preference on a tie. */
export const CSV_DELIMITERS = [',', '\t', ';', '|'] as const;

/** A quoted field still open after this many characters is taken to swallow the rest of the file. */
export const MAX_OPEN_QUOTE_CHARS = 16 * 1024 * 1024;

/** Characters handed to papaparse per call. */
const PARSE_CHARS = 128 * 1024;

/** Options of {@link ingestCsv}. */
export interface CsvOptions {
  /** File name, for messages and for TSV-by-extension. */
  name: string;
  /** Forced delimiter; detected from the first rows when absent ('\t' for .tsv). */
  delimiter?: string;
}

/**
 * Picks the delimiter whose rows have the most consistent field count (> 1) in `sample`; ',' when none does.
 */
export function detectDelimiter(sample: string): string {
  let best: string = ',';
  let bestDelta = Infinity;
  let bestAvg = 0;
  for (const delimiter of CSV_DELIMITERS) {
    const parser = new Papa.Parser({ delimiter, newline: '\n', preview: 20 });
    const rows = (parser.parse(sample, 0, true).data as string[][]).filter((r) => !(r.length === 1 && r[0] === ''));
    if (rows.length === 0) continue;
    let delta = 0;
    let total = 0;
    for (let i = 0; i < rows.length; i++) {
      total += rows[i].length;
      if (i > 0) delta += Math.abs(rows[i].length - rows[i - 1].length);
    }
    const avg = total / rows.length;
    if (avg < 1.99) continue;
    if (delta < bestDelta || (delta === bestDelta && avg > bestAvg)) {
      best = delimiter;
      bestDelta = delta;
      bestAvg = avg;
    }
  }
  return best;
}

/** Reads a CSV or TSV blob into `ctx.store`; returns the table and the SHA-256 of the file's bytes. */
export async function ingestCsv(blob: Blob, ctx: IngestContext, options: CsvOptions): Promise<IngestedTable> {
  const { name } = options;
  if (blob.size === 0) throw new IngestError('empty-file', `The file is empty: "${name}" has 0 bytes; expected a header row and data rows`);
  const builder = new TableBuilder(ctx.store, { chunkRows: ctx.chunkRows, issues: ctx.issues });
  const hasher = await hasherFor(ctx.hashInline);
  const decoder = new TextDecoder('utf-8');
  const report = progressThrottle(ctx.onProgress);
  let delimiter = options.delimiter ?? (/\.tsv$/i.test(name) ? '\t' : undefined);
  let parser: InstanceType<typeof Papa.Parser> | undefined;
  let pending = ''; // partial last row carried to the next slice
  let heldCR = false; // a '\r' ending a slice, which may pair with a '\n' starting the next
  let headerLength = -1;
  let dataRows = 0;
  let bytes = 0;
  let first = true;
  // Semicolon-separated files usually come from locales that write decimals with a comma ("3,14").
  let decimalComma = false;
  let decimalCommas = 0;

  const consume = async (text: string, last: boolean): Promise<void> => {
    if (delimiter === undefined) delimiter = detectDelimiter(text.slice(0, 64 * 1024));
    decimalComma = delimiter === ';';
    parser ??= new Papa.Parser({ delimiter, newline: '\n' });
    const input = pending + text;
    const result = parser.parse(input, 0, !last) as { data: string[][]; errors: Papa.ParseError[]; meta: { cursor: number } };
    pending = last ? '' : input.slice(result.meta.cursor);
    if (pending.length > MAX_OPEN_QUOTE_CHARS) throw unclosedQuote(name, dataRows + 1, pending);
    const rows = result.data;
    let kept = 0;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      if (row.length === 1 && row[0] === '') continue; // blank line
      if (headerLength === -1) {
        headerLength = row.length;
        builder.setHeader(row);
        continue;
      }
      dataRows++;
      if (row.length !== headerLength) {
        ctx.issues.add({
          code: 'ragged-row',
          row: dataRows,
          message: `Row ${dataRows} has ${row.length} cells; expected ${headerLength} (${row.length < headerLength ? 'missing cells read as missing' : 'extra cells dropped'})`,
        });
      }
      if (decimalComma) decimalCommas += rewriteDecimalCommas(row);
      rows[kept++] = row;
    }
    rows.length = kept;
    for (const error of result.errors) {
      if (error.code !== 'MissingQuotes') continue;
      const swallowed = input.slice(error.index ?? 0);
      if (/[\n]/.test(swallowed.replace(/\n+$/, ''))) throw unclosedQuote(name, dataRows, swallowed);
      ctx.issues.add({ code: 'unclosed-quote', row: dataRows, message: `Row ${dataRows} ends inside a quoted field (no closing "); read up to the end of the file` });
    }
    if (rows.length > 0) await builder.addRows(rows);
  };

  for await (const slice of readBlobSlices(blob, ctx.signal)) {
    if (first) {
      const at = findBinaryByte(slice);
      if (at !== -1) throw new IngestError('binary-file', `"${name}" does not look like text (found binary bytes at offset ${at}); expected a CSV or TSV text file`);
    }
    hasher.update(slice);
    bytes += slice.length;
    let text = decoder.decode(slice, { stream: true });
    if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1); // byte-order mark (TextDecoder strips it already)
    first = false;
    if (heldCR) text = `\r${text}`;
    heldCR = text.endsWith('\r'); // may pair with a '\n' starting the next slice
    if (heldCR) text = text.slice(0, -1);
    text = normalizeNewlines(text);
    // parse in small pieces: short-lived row arrays die young, which keeps the garbage collector cheap
    for (let at = 0; at < text.length; at += PARSE_CHARS) {
      await consume(text.slice(at, at + PARSE_CHARS), false);
      throwIfAborted(ctx.signal);
    }
    throwIfAborted(ctx.signal);
    report({ status: 'parsing', bytes, total: blob.size, rows: dataRows });
  }
  await consume(normalizeNewlines(`${heldCR ? '\r' : ''}${decoder.decode()}`), true);
  if (headerLength === -1) throw new IngestError('no-rows', `"${name}" has no rows; expected a header row and data rows`);
  if (dataRows === 0) throw new IngestError('no-rows', `"${name}" has a header but no data rows; expected at least one row after the header`);
  report({ status: 'parsing', bytes, total: blob.size, rows: dataRows }, true);
  if (decimalCommas > 0) {
    ctx.issues.add({ code: 'other', message: `${decimalCommas.toLocaleString('en')} numbers written with a decimal comma (like "3,14") were read as decimals (3.14), as is usual in semicolon-separated files` });
  }
  const table = await builder.finish();
  return { ...table, contentHash: hasher.digest() };
}

/** A number written with a decimal comma, optionally with '.' or ' ' thousands separators: "3,14", "-1.234,5". */
const DECIMAL_COMMA = /^[+-]?(\d{1,3}([. ]\d{3})+|\d+),\d+$/;

/** Rewrites cells like "1.234,5" to "1234.5" in place; returns how many it rewrote. */
export function rewriteDecimalCommas(row: string[]): number {
  let count = 0;
  for (let i = 0; i < row.length; i++) {
    const cell = row[i];
    if (cell.indexOf(',') === -1 || !DECIMAL_COMMA.test(cell)) continue;
    row[i] = cell.replace(/[. ]/g, '').replace(',', '.');
    count++;
  }
  return count;
}

/** Turns '\r\n' and lone '\r' into '\n' (also inside quoted fields). */
function normalizeNewlines(text: string): string {
  return text.indexOf('\r') === -1 ? text : text.replace(/\r\n?/g, '\n');
}

function unclosedQuote(name: string, row: number, swallowed: string): IngestError {
  const lines = swallowed.split('\n').length;
  return new IngestError(
    'unclosed-quote',
    `Row ${row} of "${name}" opens a quoted field (") that is never closed, so the next ${lines} lines would become one cell; expected each quote to be closed`,
  );
}
