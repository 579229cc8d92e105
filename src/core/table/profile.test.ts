import { describe, expect, it } from 'vitest';
import { ColumnProfiler, profileColumn } from './profile';
import { convertChunk, readCell } from './convert-chunk';
import { IssueList } from './issue-list';
import { imageSizeProblem, readImageHeader } from './image-header';

describe('profileColumn', () => {
  it('summarises numbers chunk by chunk', () => {
    const p = profileColumn('x', 'number', [
      { kind: 'f64', values: Float64Array.from([1, 2, NaN]) },
      { kind: 'f64', values: Float64Array.from([3, 4, 4]) },
    ]);
    expect(p).toMatchObject({ count: 5, missing: 1, distinct: 4 });
    expect(p.numeric?.min).toBe(1);
    expect(p.numeric?.max).toBe(4);
    expect(p.numeric?.mean).toBeCloseTo(2.8);
    expect(p.numeric?.std).toBeCloseTo(Math.sqrt(1.36));
    expect(p.numeric?.histogram.counts.reduce((a, b) => a + b)).toBe(5);
    expect(p.numeric?.histogram.edges.length).toBe(p.numeric!.histogram.counts.length + 1);
  });

  it('gives integers with few values one bin per value', () => {
    const p = profileColumn('k', 'integer', [{ kind: 'f64', values: Float64Array.from([1, 1, 2, 4]) }]);
    expect(p.numeric?.histogram).toEqual({ edges: [0.5, 1.5, 2.5, 3.5, 4.5], counts: [2, 1, 0, 1] });
  });

  it('lists top categories, text lengths, boolean counts and datetime ranges', () => {
    const profiler = new ColumnProfiler('c', 'category');
    profiler.add({ kind: 'dict', codes: Int32Array.from([0, 1, 0, -1]), dictionary: ['aa', 'b'] });
    profiler.add({ kind: 'dict', codes: Int32Array.from([0]), dictionary: ['b'] });
    const p = profiler.result();
    expect(p).toMatchObject({ count: 4, missing: 1, distinct: 2, top: [{ value: 'aa', count: 2 }, { value: 'b', count: 2 }] });
    expect(p.text).toEqual({ minLength: 1, maxLength: 2, meanLength: 1.5 });
    const b = profileColumn('b', 'boolean', [{ kind: 'f64', values: Float64Array.from([1, 1, 0]) }]);
    expect(b.top).toEqual([{ value: 'true', count: 2 }, { value: 'false', count: 1 }]);
    const d = profileColumn('d', 'datetime', [{ kind: 'f64', values: Float64Array.from([Date.UTC(2020, 5, 1), Date.UTC(2019, 0, 1)]) }]);
    expect(d.datetime).toEqual({ min: '2019-01-01', max: '2020-06-01' });
  });
});

describe('convertChunk and readCell', () => {
  it('turns numbers into strings and back, counting unparseable values', () => {
    const asText = convertChunk({ kind: 'f64', values: Float64Array.from([1.5, NaN, 2]) }, 'number', 'text');
    expect(asText.data).toEqual({ kind: 'dict', codes: Int32Array.from([0, -1, 1]), dictionary: ['1.5', '2'] });
    const back = convertChunk({ kind: 'dict', codes: Int32Array.from([0, 1, -1, 2]), dictionary: ['3', 'x', '4.5'] }, 'text', 'integer');
    expect(back.unparseable).toBe(2);
    expect(back.firstUnparseable).toEqual({ row: 1, value: 'x' });
    expect(Array.from((back.data as { values: Float64Array }).values)).toEqual([3, NaN, NaN, NaN]);
    const dates = convertChunk({ kind: 'dict', codes: Int32Array.from([0]), dictionary: ['2020-01-02'] }, 'text', 'datetime');
    expect(readCell(dates.data, 0, 'datetime')).toBe('2020-01-02');
    expect(() => convertChunk({ kind: 'f64', values: new Float64Array(1) }, 'number', 'image')).toThrow(/images/);
  });

  it('reads cells for display', () => {
    expect(readCell({ kind: 'f64', values: Float64Array.from([1, NaN]) }, 1, 'number')).toBeNull();
    expect(readCell({ kind: 'f64', values: Float64Array.from([1]) }, 0, 'boolean')).toBe(true);
    expect(readCell({ kind: 'dict', codes: Int32Array.from([-1, 0]), dictionary: ['a'] }, 1, 'text')).toBe('a');
  });
});

describe('IssueList', () => {
  it('keeps the first issues per code and counts the rest', () => {
    const list = new IssueList(2);
    for (let i = 1; i <= 5; i++) list.add({ code: 'ragged-row', row: i, message: `row ${i}` });
    const out = list.toArray();
    expect(out.map((i) => i.row)).toEqual([1, 2, undefined]);
    expect(out[2].message).toContain('3 more');
  });
});

describe('readImageHeader', () => {
  it('reads PNG, GIF, BMP, JPEG and WebP sizes and rejects absurd ones', () => {
    const png = new Uint8Array(24);
    png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    new DataView(png.buffer).setUint32(16, 3);
    new DataView(png.buffer).setUint32(20, 2);
    expect(readImageHeader(png)).toEqual({ mediaType: 'image/png', width: 3, height: 2 });
    const gif = Uint8Array.from([...'GIF89a'].map((c) => c.charCodeAt(0)).concat([5, 0, 7, 0]));
    expect(readImageHeader(gif)).toEqual({ mediaType: 'image/gif', width: 5, height: 7 });
    const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc0, 0, 11, 8, 0, 9, 0, 10, 3]);
    expect(readImageHeader(jpeg)).toEqual({ mediaType: 'image/jpeg', width: 10, height: 9 });
    expect(readImageHeader(Uint8Array.from([0xff, 0xd8, 0xff, 0xd9]))).toBeNull();
    expect(readImageHeader(new TextEncoder().encode('not an image at all, really'))).toBeNull();
    expect(imageSizeProblem({ mediaType: 'image/png', width: 100_000, height: 1 })).toContain('16384');
    expect(imageSizeProblem({ mediaType: 'image/png', width: 10_000, height: 10_000 })).toContain('megapixels');
  });
});
