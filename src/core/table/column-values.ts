/**
 * @file A whole column in memory, in the form training code reads: one typed array per column, one dictionary.
 */

/**
 * The values of one column, all rows in order.
 * - `numeric`: integer, number, boolean (0/1) and datetime (epoch ms) columns; `NaN` marks a missing value.
 * - `categorical`: `codes` index one column-wide `categories` list (first-seen order); `-1` marks a missing value.
 * - `text`: strings; `null` marks a missing value.
 * - `image`: encoded image bytes with their media type per row (`''` where missing); `null` marks a missing value.
 */
export type ColumnValues =
  | { kind: 'numeric'; values: Float64Array }
  | { kind: 'categorical'; codes: Int32Array; categories: string[] }
  | { kind: 'text'; values: (string | null)[] }
  | { kind: 'image'; items: (Uint8Array | null)[]; mediaTypes: string[] };

/** Number of rows in `values`. */
export function rowCount(values: ColumnValues): number {
  switch (values.kind) {
    case 'numeric':
      return values.values.length;
    case 'categorical':
      return values.codes.length;
    case 'text':
      return values.values.length;
    case 'image':
      return values.items.length;
  }
}

/** What a column holds, for error messages: "numbers", "categories", "text", "images". */
export function describeKind(kind: ColumnValues['kind']): string {
  return { numeric: 'numbers', categorical: 'categories', text: 'text', image: 'images' }[kind];
}
