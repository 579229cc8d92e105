/**
 * @file RFC 4180 CSV text: comma-separated, "\n" line ends, a trailing newline,
 * and fields quoted only when they must be. null and undefined become empty cells.
 */

/** One CSV field: quoted when it holds a comma, quote, line break or edge whitespace. */
export function csvField(value) {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A CSV document with a header row of `columns` and one line per row (an array of values in column order). */
export function toCsv(columns, rows) {
  const lines = [columns.map(csvField).join(',')];
  for (const row of rows) {
    if (row.length !== columns.length) throw new Error(`CSV row has ${row.length} values; expected ${columns.length} (${columns.join(', ')})`);
    lines.push(row.map(csvField).join(','));
  }
  return `${lines.join('\n')}\n`;
}
