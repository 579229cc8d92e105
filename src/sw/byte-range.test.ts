import { describe, expect, it } from 'vitest';
import { parseByteRange, rangeResponseFromFull } from './byte-range';

describe('parseByteRange', () => {
  it('resolves the three single-range forms against the size', () => {
    expect(parseByteRange('bytes=0-3', 10)).toEqual({ start: 0, end: 3 });
    expect(parseByteRange('bytes=4-', 10)).toEqual({ start: 4, end: 9 });
    expect(parseByteRange('bytes=-3', 10)).toEqual({ start: 7, end: 9 });
    expect(parseByteRange('bytes=5-100', 10)).toEqual({ start: 5, end: 9 });
    expect(parseByteRange('bytes=-100', 10)).toEqual({ start: 0, end: 9 });
  });

  it('flags ranges outside the body and ignores what it does not handle', () => {
    expect(parseByteRange('bytes=10-', 10)).toBe('unsatisfiable');
    expect(parseByteRange('bytes=5-2', 10)).toBe('unsatisfiable');
    expect(parseByteRange('bytes=-0', 10)).toBe('unsatisfiable');
    expect(parseByteRange('bytes=0-1,4-5', 10)).toBeUndefined();
    expect(parseByteRange('items=0-1', 10)).toBeUndefined();
    expect(parseByteRange('bytes=-', 10)).toBeUndefined();
  });
});

describe('rangeResponseFromFull', () => {
  const full = () => new Response('0123456789', { headers: { 'Content-Type': 'text/csv', 'Content-Length': '10' } });

  it('answers 206 with the slice and Content-Range', async () => {
    const partial = await rangeResponseFromFull(full(), 'bytes=2-4');
    expect(partial?.status).toBe(206);
    expect(partial?.headers.get('Content-Range')).toBe('bytes 2-4/10');
    expect(partial?.headers.get('Content-Length')).toBe('3');
    expect(partial?.headers.get('Content-Type')).toBe('text/csv');
    await expect(partial?.text()).resolves.toBe('234');
  });

  it('answers 416 outside the body and nothing for multi-range', async () => {
    const outside = await rangeResponseFromFull(full(), 'bytes=20-');
    expect(outside?.status).toBe(416);
    expect(outside?.headers.get('Content-Range')).toBe('bytes */10');
    await expect(rangeResponseFromFull(full(), 'bytes=0-1,3-4')).resolves.toBeUndefined();
  });
});
