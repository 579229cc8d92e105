import { describe, expect, it } from 'vitest';
import { MemoryChunkStore } from '../../test/memory-chunk-store';
import { ingestTable } from './ingest';
import { IngestError } from './ingest-error';

async function json(content: string, format: 'json' | 'jsonl' = 'json') {
  const store = new MemoryChunkStore();
  const result = await ingestTable({ format, name: `data.${format}`, blob: new Blob([content]) }, store);
  return { ...result, cells: (c: number) => store.cells(c, result.chunkCount) };
}

describe('ingestJson', () => {
  it('reads an array of objects, keys in first-seen order, nested values as JSON text', async () => {
    const r = await json('[{"a":1,"b":"x"},{"b":"y","c":{"deep":[1,2]},"a":2.5},{"__proto__":"p","constructor":1}]');
    expect(r.columns.map((c) => c.name)).toEqual(['a', 'b', 'c', '__proto__', 'constructor']);
    expect(r.cells(0)).toEqual([1, 2.5, null]);
    expect(r.cells(2)).toEqual([null, '{"deep":[1,2]}', null]);
    expect(r.cells(3)).toEqual([null, null, 'p']);
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).p).toBeUndefined();
  });

  it('reads {data: [...]} and column-oriented objects', async () => {
    expect((await json('{"data":[{"x":true},{"x":false}]}')).columns[0].type).toBe('boolean');
    const cols = await json('{"x":[1,2,3],"y":["a","b","c"]}');
    expect(cols.rows).toBe(3);
    expect(cols.cells(1)).toEqual(['a', 'b', 'c']);
  });

  it('refuses invalid JSON and scalars with a clear message', async () => {
    await expect(json('[{"a":1},')).rejects.toBeInstanceOf(IngestError);
    await expect(json('42')).rejects.toThrow(/expected an array of objects/);
  });

  it('streams JSON Lines and lists bad lines with their numbers', async () => {
    const r = await json('{"a":1}\nnot json\n\n{"a":2,"b":"z"}\n[1]\n', 'jsonl');
    expect(r.rows).toBe(2);
    expect(r.cells(1)).toEqual([null, 'z']);
    expect(r.issues.filter((i) => i.code === 'bad-json-line').map((i) => i.row)).toEqual([2, 5]);
  });

  it('refuses JSON Lines where every line is bad', async () => {
    await expect(json('nope\nstill nope\n', 'jsonl')).rejects.toMatchObject({ code: 'bad-json' });
  });
});
