/**
 * @file Geometry of a virtualized list: which rows to draw for a scroll position. Pure, tested in Node.
 * Browsers cap an element's height (Chromium near 33.5M px), so past `maxScrollHeight` the scroll range is
 * scaled: the scrollbar maps proportionally onto the rows.
 */

/** What to render for one scroll position. */
export interface VirtualWindow {
  /** First row index to draw (0-based). */
  start: number;
  /** One past the last row index to draw. */
  end: number;
  /** Height of the scrolling spacer, px. */
  spacerHeight: number;
  /** Offset of the first drawn row from the top of the spacer, px. */
  offset: number;
}

/** Largest spacer we create; beyond it positions are scaled. */
export const MAX_SCROLL_HEIGHT = 8_000_000;

/** Compute the rows to draw for `scrollTop` in a viewport of `viewportHeight` px. */
export function virtualWindow(
  rowCount: number,
  rowHeight: number,
  scrollTop: number,
  viewportHeight: number,
  overscan = 8,
): VirtualWindow {
  const naturalHeight = rowCount * rowHeight;
  const spacerHeight = Math.min(naturalHeight, MAX_SCROLL_HEIGHT);
  const maxScroll = Math.max(0, spacerHeight - viewportHeight);
  const top = Math.min(Math.max(0, scrollTop), maxScroll);
  const visibleRows = Math.ceil(viewportHeight / rowHeight);
  // Fraction of the way down, mapped onto the first visible row.
  const lastFirstRow = Math.max(0, rowCount - visibleRows);
  const firstVisible = naturalHeight === spacerHeight ? Math.floor(top / rowHeight) : Math.round((maxScroll === 0 ? 0 : top / maxScroll) * lastFirstRow);
  const start = Math.max(0, firstVisible - overscan);
  const end = Math.min(rowCount, firstVisible + visibleRows + overscan);
  // Draw the rows so that `firstVisible` sits exactly at the top of the viewport.
  const offset = top - (firstVisible - start) * rowHeight;
  return { start, end, spacerHeight, offset };
}
