import { describe, expect, it } from 'vitest';
import { MAX_SCROLL_HEIGHT, virtualWindow } from './virtual-window';

describe('virtualWindow', () => {
  it('draws the first rows at the top', () => {
    const w = virtualWindow(1000, 28, 0, 280, 5);
    expect(w).toEqual({ start: 0, end: 15, spacerHeight: 28000, offset: 0 });
  });

  it('places the first visible row at the viewport top when not scaled', () => {
    const w = virtualWindow(1000, 28, 28 * 100, 280, 5);
    expect(w.start).toBe(95);
    expect(w.end).toBe(115);
    expect(w.offset + (100 - w.start) * 28).toBe(2800);
  });

  it('scales a million rows into the spacer cap and reaches the last row', () => {
    const rows = 1_000_000;
    const bottom = virtualWindow(rows, 28, 1e12, 560, 4);
    expect(bottom.spacerHeight).toBe(MAX_SCROLL_HEIGHT);
    expect(bottom.end).toBe(rows);
    const middle = virtualWindow(rows, 28, (MAX_SCROLL_HEIGHT - 560) / 2, 560, 0);
    expect(Math.abs(middle.start - (rows - 20) / 2)).toBeLessThan(2);
  });

  it('handles an empty table', () => {
    expect(virtualWindow(0, 28, 50, 300)).toEqual({ start: 0, end: 0, spacerHeight: 0, offset: 0 });
  });
});
