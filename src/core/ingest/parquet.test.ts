import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MemoryChunkStore } from '../../test/memory-chunk-store';
import { ingestTable } from './ingest';

const fixture = readFileSync(new URL('../../test/fixtures/small.parquet', import.meta.url));

async function parquet(bytes: Uint8Array) {
  const store = new MemoryChunkStore();
  const result = await ingestTable({ format: 'parquet', name: 'small.parquet', blob: new Blob([bytes as BlobPart]) }, store);
  return { ...result, cells: (c: number) => store.cells(c, result.chunkCount) };
}

describe('ingestParquet', () => {
  it('maps parquet types to column types', async () => {
    const r = await parquet(fixture);
    expect(r.rows).toBe(3);
    expect(r.columns.map((c) => [c.name, c.type])).toEqual([
      ['id', 'integer'],
      ['big', 'category'], // 2^53 + 1 is not a safe number: the column keeps exact strings
      ['x', 'number'],
      ['name', 'category'],
      ['ok', 'boolean'],
      ['when', 'datetime'],
    ]);
    expect(r.cells(1)).toEqual(['1', '2', '9007199254740993']);
    expect(r.cells(2)).toEqual([0.5, null, 2.25]);
    expect(r.cells(3)[2]).toBe('<script>');
    expect(r.cells(5)).toEqual([Date.UTC(2020, 0, 1), Date.UTC(2021, 5, 2, 3), null]);
    const { createHash } = await import('node:crypto');
    expect(r.contentHash).toBe(createHash('sha256').update(fixture).digest('hex'));
  });

  it('refuses a truncated file and a file that is not Parquet', async () => {
    await expect(parquet(fixture.subarray(0, fixture.length - 10))).rejects.toMatchObject({ code: 'bad-parquet', message: expect.stringContaining('truncated') });
    await expect(parquet(new TextEncoder().encode('a,b\n1,2\n3,4\n'))).rejects.toMatchObject({ code: 'bad-parquet' });
    const damaged = Uint8Array.from(fixture);
    damaged.fill(0xff, damaged.length - 60, damaged.length - 8); // metadata garbage, magic intact
    await expect(parquet(damaged)).rejects.toMatchObject({ code: 'bad-parquet' });
  });
});
