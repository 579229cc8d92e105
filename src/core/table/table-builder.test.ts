import { describe, expect, it } from 'vitest';
import { MemoryChunkStore } from '../../test/memory-chunk-store';
import { TableBuilder } from './table-builder';
import { uniqueHeaderNames } from './header-names';

async function build(header: string[], rows: unknown[][], chunkRows?: number) {
  const store = new MemoryChunkStore();
  const builder = new TableBuilder(store, { chunkRows });
  builder.setHeader(header);
  await builder.addRows(rows);
  const table = await builder.finish();
  return { store, table, cells: (c: number) => store.cells(c, table.chunkCount) };
}

describe('TableBuilder', () => {
  it('infers each type', async () => {
    const rows = Array.from({ length: 100 }, (_, i) => [
      String(i),
      `${i}.5`,
      i % 2 ? 'TRUE' : 'no',
      ['red', 'green', 'blue'][i % 3],
      `free text number ${i}`,
      `2020-01-${String((i % 28) + 1).padStart(2, '0')}`,
      i % 10 === 0 ? 'NA' : String(i),
    ]);
    const { table, cells } = await build(['i', 'x', 'b', 'cat', 'txt', 'd', 'withMissing'], rows);
    expect(table.columns.map((c) => c.type)).toEqual(['integer', 'number', 'boolean', 'category', 'text', 'datetime', 'integer']);
    expect(table.columns.map((c) => c.storage)).toEqual(['f64', 'f64', 'f64', 'dict', 'dict', 'f64', 'f64']);
    expect(cells(2).slice(0, 2)).toEqual([0, 1]);
    expect(cells(5)[0]).toBe(Date.UTC(2020, 0, 1));
    expect(cells(6)[0]).toBeNull();
  });

  it('splits 150k rows into 3 chunks with exact values', async () => {
    const rows = Array.from({ length: 150_000 }, (_, i) => [String(i * 0.5), `k${i % 7}`]);
    const { store, table, cells } = await build(['x', 'k'], rows);
    expect(table.rows).toBe(150_000);
    expect(table.chunkCount).toBe(3);
    const lengths = store.column(0, 3).map((d) => (d.kind === 'f64' ? d.values.length : -1));
    expect(lengths).toEqual([65536, 65536, 150_000 - 131072]);
    const x = cells(0);
    expect(x.every((v, i) => v === i * 0.5)).toBe(true);
    expect(cells(1)[149_999]).toBe(`k${149_999 % 7}`);
  });

  it('demotes a numeric column to strings after the first chunk and rewrites earlier chunks', async () => {
    const store = new MemoryChunkStore();
    const builder = new TableBuilder(store, { chunkRows: 4 });
    builder.setHeader(['v']);
    await builder.addRows([['1'], ['2.50'], [''], ['4'], ['5'], ['oops'], ['7']]);
    const table = await builder.finish();
    expect(table.columns[0]).toMatchObject({ type: 'category', storage: 'dict' });
    expect(store.cells(0, table.chunkCount)).toEqual(['1', '2.5', null, '4', '5', 'oops', '7']);
    expect(store.chunks.get('0:0')?.kind).toBe('dict');
    const issue = table.issues.find((i) => i.code === 'mixed-type');
    expect(issue?.row).toBe(6);
    expect(issue?.message).toContain('"oops"');
  });

  it('keeps hostile cells verbatim as strings', async () => {
    const hostile = ['<img src=x onerror=alert(1)>', '<script>alert(1)</script>', '=HYPERLINK("http://x")', '@SUM(A1)', '+cmd'];
    const { table, cells } = await build(['h'], hostile.map((h) => [h]));
    expect(table.columns[0].storage).toBe('dict');
    expect(cells(0)).toEqual(hostile);
  });

  it('treats __proto__, constructor and prototype as ordinary names', async () => {
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    const { table, cells } = await build(['__proto__', 'constructor', 'prototype', 'toString'], [['1', 'a', 'x', 'y']]);
    expect(table.columns.map((c) => c.name)).toEqual(['__proto__', 'constructor', 'prototype', 'toString']);
    expect(cells(0)).toEqual([1]);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reads JSON values and columns added later', async () => {
    const store = new MemoryChunkStore();
    const builder = new TableBuilder(store, { chunkRows: 2 });
    builder.addColumn('n');
    await builder.addRows([[1], [2], [3]]);
    builder.addColumn('late');
    await builder.addRows([[4, true], [null, false]]);
    const table = await builder.finish();
    expect(table.columns.map((c) => c.type)).toEqual(['integer', 'boolean']);
    expect(store.cells(0, table.chunkCount)).toEqual([1, 2, 3, 4, null]);
    expect(store.cells(1, table.chunkCount)).toEqual([null, null, null, 1, 0]);
  });

  it('stores an all-missing column as text', async () => {
    const { table, cells } = await build(['empty'], [[''], ['NA']]);
    expect(table.columns[0]).toMatchObject({ type: 'text', storage: 'dict' });
    expect(cells(0)).toEqual([null, null]);
  });
});

describe('uniqueHeaderNames', () => {
  it('renames duplicates and empty headers and reports them', () => {
    const { names, originalNames, issues } = uniqueHeaderNames(['a', 'a', '', 'b', 'a', 'a (2)']);
    expect(names).toEqual(['a', 'a (3)', 'column 3', 'b', 'a (4)', 'a (2)']);
    expect(originalNames).toEqual([undefined, 'a', '', undefined, 'a', undefined]);
    expect(issues.every((i) => i.code === 'renamed-header')).toBe(true);
    expect(issues).toHaveLength(3);
  });

  it('records originalName in the schema', async () => {
    const { table } = await build(['x', 'x'], [['1', '2']]);
    expect(table.columns[1]).toMatchObject({ name: 'x (2)', originalName: 'x' });
  });
});

describe('TableBuilder mixed-type notes', () => {
  it('does not report a text column whose first value is text', async () => {
    const store = new MemoryChunkStore();
    const builder = new TableBuilder(store);
    builder.setHeader(['species']);
    await builder.addRows([['setosa'], ['versicolor'], ['3']]);
    const table = await builder.finish();
    expect(table.issues.filter((i) => i.code === 'mixed-type')).toEqual([]);
  });
});
