import { describe, expect, it } from 'vitest';
import { detectFormat } from './ingest';
import { IngestError } from './ingest-error';

describe('detectFormat', () => {
  it('maps extensions to formats', () => {
    expect(detectFormat('a.CSV')).toBe('csv');
    expect(detectFormat('a.tsv')).toBe('tsv');
    expect(detectFormat('a.txt')).toBe('csv');
    expect(detectFormat('a.ndjson')).toBe('jsonl');
    expect(detectFormat('a.parquet')).toBe('parquet');
    expect(detectFormat('pets.zip')).toBe('images');
    expect(detectFormat('noext', new TextEncoder().encode('PAR1....'))).toBe('parquet');
  });

  it('names the accepted extensions when it cannot tell', () => {
    let error: unknown;
    try {
      detectFormat('model.xlsx');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IngestError);
    expect((error as IngestError).code).toBe('unknown-format');
    expect((error as IngestError).message).toContain('is a .xlsx file');
    expect((error as IngestError).message).toContain('save the sheet as CSV');
    expect((error as IngestError).message).toContain('.csv .tsv .txt .json .jsonl .ndjson .parquet .zip');
  });
});

describe('ingestTable with an external hasher', () => {
  it('gives the same content hash as the inline hasher, for CSV and Parquet', async () => {
    const { ingestTable } = await import('./ingest');
    const { hashBlob } = await import('./content-hash');
    const { MemoryChunkStore } = await import('../../test/memory-chunk-store');
    const { readFileSync } = await import('node:fs');
    const inputs = [
      { format: 'csv' as const, name: 'a.csv', blob: new Blob(['x,y\n1,2\n3,4\n']) },
      { format: 'parquet' as const, name: 'small.parquet', blob: new Blob([readFileSync('src/test/fixtures/small.parquet')]) },
    ];
    for (const input of inputs) {
      const inline = await ingestTable(input, new MemoryChunkStore());
      let calls = 0;
      const external = await ingestTable(input, new MemoryChunkStore(), {
        hashBlob: (blob) => {
          calls++;
          return hashBlob(blob);
        },
      });
      expect(calls).toBe(1);
      expect(external.contentHash).toBe(inline.contentHash);
      expect(external.contentHash).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('reports a failing external hasher', async () => {
    const { ingestTable } = await import('./ingest');
    const { MemoryChunkStore } = await import('../../test/memory-chunk-store');
    const input = { format: 'csv' as const, name: 'a.csv', blob: new Blob(['x\n1\n']) };
    await expect(ingestTable(input, new MemoryChunkStore(), { hashBlob: () => Promise.reject(new Error('hash worker died')) })).rejects.toThrow('hash worker died');
  });
});
