/** A displayable table cell: text, or null for a missing value. */
export type CellText = string | null;
