/**
 * @file A CSV scoring request body (`Content-Type: text/csv`): a header row naming the columns, then one line per row,
 * read with papaparse into the same named table as a `dataframe_split` body. Cells stay text (an empty cell is
 * missing); each is read as its column's type once the model's signature is known (`scoring-columns.ts`), so `"3"`
 * is the number 3 in a number column and the label "3" in a category column.
 */
import Papa from 'papaparse';
import { badRequest, ScoringError } from './scoring-error';
import { MAX_SCORING_COLUMNS, MAX_SCORING_ROWS, type RawScoringTable } from './scoring-request';

/** Parses a CSV body (header row + rows) into named columns of text cells (`null` for an empty cell). */
export function parseScoringCsv(text: string): RawScoringTable {
  // A UTF-8 byte order mark would otherwise become part of the first column's name.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') throw badRequest('The CSV body is empty; send a header row naming the columns, then one line per row');
  const parsed = Papa.parse<string[]>(body, { header: false, skipEmptyLines: 'greedy', dynamicTyping: false });
  const broken = parsed.errors.find((e) => e.type === 'Quotes');
  if (broken) throw badRequest(`The CSV body is not valid: ${broken.message}${broken.row === undefined ? '' : ` (line ${broken.row + 1})`}`);
  const [header, ...lines] = parsed.data;
  if (!header || header.length === 0) throw badRequest('The CSV body has no header row; its first line must name the columns');
  if (header.length > MAX_SCORING_COLUMNS) throw new ScoringError('REQUEST_LIMIT_EXCEEDED', `The CSV header has ${header.length} columns; at most ${MAX_SCORING_COLUMNS} are allowed`);
  const names = header.map((name) => name.trim());
  const seen = new Set<string>();
  names.forEach((name, c) => {
    if (name === '') throw badRequest(`Column ${c + 1} of the CSV header has no name; name every column`);
    if (seen.has(name)) throw badRequest(`The CSV header names column ${JSON.stringify(name)} twice`);
    seen.add(name);
  });
  if (lines.length === 0) throw badRequest('The CSV body has a header row but no rows; send at least one line after the header');
  if (lines.length > MAX_SCORING_ROWS) throw new ScoringError('REQUEST_LIMIT_EXCEEDED', `The request has ${lines.length} rows; at most ${MAX_SCORING_ROWS} are scored per request (use batch scoring for more)`);
  const columns = names.map(() => new Array<string | null>(lines.length));
  lines.forEach((line, r) => {
    if (line.length !== names.length) throw badRequest(`Row ${r + 1} of the CSV body (line ${r + 2}) has ${line.length} values; expected ${names.length}, one per header column`);
    for (let c = 0; c < names.length; c++) columns[c][r] = line[c] === '' ? null : line[c];
  });
  return { format: 'csv', kind: 'named', names, columns, rows: lines.length, text: true };
}
