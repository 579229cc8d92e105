import { describe, expect, it } from 'vitest';
import { MemoryChunkStore } from '../../test/memory-chunk-store';
import { detectDelimiter } from './csv';
import { ingestTable } from './ingest';
import { IngestError } from './ingest-error';

async function csv(content: string | Uint8Array, name = 'data.csv', chunkRows?: number) {
  const store = new MemoryChunkStore();
  const result = await ingestTable({ format: name.endsWith('.tsv') ? 'tsv' : 'csv', name, blob: new Blob([content as BlobPart]) }, store, { chunkRows });
  return { ...result, store, cells: (c: number) => store.cells(c, result.chunkCount) };
}

async function refusal(content: string | Uint8Array, name = 'data.csv'): Promise<IngestError> {
  const error = await csv(content, name).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IngestError);
  return error as IngestError;
}

describe('ingestCsv', () => {
  it('reads a simple CSV with types and profiles', async () => {
    const r = await csv('a,b,c\n1,x,2020-01-01\n2,y,2020-01-02\n');
    expect(r.rows).toBe(2);
    expect(r.columns.map((c) => [c.name, c.type])).toEqual([
      ['a', 'integer'],
      ['b', 'category'],
      ['c', 'datetime'],
    ]);
    expect(r.profiles[0]).toMatchObject({ name: 'a', count: 2, missing: 0, distinct: 2 });
    expect(r.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('strips a byte-order mark and handles mixed line endings', async () => {
    const r = await csv('\uFEFFid,name\r\n1,a\n2,b\r3,c\r\n');
    expect(r.columns[0].name).toBe('id');
    expect(r.cells(0)).toEqual([1, 2, 3]);
    expect(r.cells(1)).toEqual(['a', 'b', 'c']);
  });

  it('joins a \\r\\n split across two 4 MB slices inside a quoted field', async () => {
    const n = 4 * 1024 * 1024 - 5; // puts the '\r' on the last byte of the first slice
    const r = await csv(`a\r\n"${'x'.repeat(n)}\r\nz"\r\ny\r\n`);
    expect(r.rows).toBe(2);
    expect(r.cells(0)[0]).toBe(`${'x'.repeat(n)}\nz`);
    expect(r.cells(0)[1]).toBe('y');
  });

  it('detects tab and semicolon delimiters, and TSV by extension', async () => {
    expect(detectDelimiter('a;b;c\n1;2;3\n')).toBe(';');
    expect(detectDelimiter('a\tb\n1\t2\n')).toBe('\t');
    expect((await csv('a;b\n1,5;2\n')).columns.map((c) => c.name)).toEqual(['a', 'b']);
    const tsv = await csv('a\tb,c\n1\t2,3\n', 'x.tsv');
    expect(tsv.columns.map((c) => c.name)).toEqual(['a', 'b,c']);
  });

  it('pads short rows, drops extra cells, and lists them with 1-based row numbers', async () => {
    const r = await csv('a,b,c\n1,2,3\n4,5\n6,7,8,9\n');
    expect(r.cells(2)).toEqual([3, null, 8]);
    const ragged = r.issues.filter((i) => i.code === 'ragged-row');
    expect(ragged.map((i) => i.row)).toEqual([2, 3]);
  });

  it('lists the first 20 ragged rows then a count', async () => {
    const body = Array.from({ length: 50 }, () => '1').join('\n');
    const r = await csv(`a,b\n${body}\n`);
    expect(r.issues.filter((i) => i.code === 'ragged-row' && i.row !== undefined)).toHaveLength(20);
    expect(r.issues.some((i) => i.message.includes('30 more'))).toBe(true);
  });

  it('lists an unclosed quote on the last row', async () => {
    const r = await csv('a,b\n1,x\n2,"unclosed');
    expect(r.issues.find((i) => i.code === 'unclosed-quote')?.row).toBe(2);
  });

  it('refuses an unclosed quote that swallows the rest of the file', async () => {
    const e = await refusal('a,b\n1,"oops\n2,x\n3,y\n4,z\n');
    expect(e.code).toBe('unclosed-quote');
    expect(e.message).toContain('Row 1');
  });

  it('keeps hostile cells verbatim and header names like __proto__ ordinary', async () => {
    const r = await csv('__proto__,constructor,prototype\n"<img src=x onerror=alert(1)>",<script>alert(1)</script>,"=HYPERLINK(""http://x"")"\n');
    expect(r.columns.map((c) => c.name)).toEqual(['__proto__', 'constructor', 'prototype']);
    expect([r.cells(0)[0], r.cells(1)[0], r.cells(2)[0]]).toEqual(['<img src=x onerror=alert(1)>', '<script>alert(1)</script>', '=HYPERLINK("http://x")']);
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(({} as { constructor: unknown }).constructor).toBe(Object);
  });

  it('renames duplicate and empty headers', async () => {
    const r = await csv('a,a,\n1,2,3\n');
    expect(r.columns.map((c) => c.name)).toEqual(['a', 'a (2)', 'column 3']);
    expect(r.columns[2].originalName).toBe('');
    expect(r.issues.filter((i) => i.code === 'renamed-header')).toHaveLength(2);
  });

  it('refuses an empty file, a header without rows and a binary file', async () => {
    expect((await refusal('')).message).toContain('The file is empty');
    expect((await refusal('a,b\n')).code).toBe('no-rows');
    const binary = new Uint8Array([0x61, 0x2c, 0x62, 0x0a, 0x00, 0x01, 0x02]);
    const e = await refusal(binary);
    expect(e.code).toBe('binary-file');
    expect(e.message).toContain('does not look like text (found binary bytes at offset 4)');
  });

  it('gives the same hash for the same bytes and a different one for changed bytes', async () => {
    const a = await csv('x\n1\n');
    const b = await csv('x\n1\n');
    const c = await csv('x\n2\n');
    expect(a.contentHash).toBe(b.contentHash);
    expect(a.contentHash).not.toBe(c.contentHash);
    // SHA-256 of the bytes themselves
    const { createHash } = await import('node:crypto');
    expect(a.contentHash).toBe(createHash('sha256').update('x\n1\n').digest('hex'));
  });

  it('streams a file across slices and chunk boundaries', async () => {
    const lines = Array.from({ length: 150_000 }, (_, i) => `${i},"q${i % 5}, quoted",${i % 3 ? 'yes' : 'no'}`);
    const r = await csv(`n,s,b\n${lines.join('\r\n')}\r\n`);
    expect(r.rows).toBe(150_000);
    expect(r.chunkCount).toBe(3);
    const n = r.cells(0);
    expect(n.every((v, i) => v === i)).toBe(true);
    expect(r.cells(1)[149_999]).toBe(`q${149_999 % 5}, quoted`);
    expect(r.columns.map((c) => c.type)).toEqual(['integer', 'category', 'boolean']);
  });

  it('reports progress and stops on abort with an AbortError', async () => {
    const controller = new AbortController();
    const big = `a,b\n${'1,2\n'.repeat(3_000_000)}`;
    const seen: string[] = [];
    const run = ingestTable({ format: 'csv', name: 'big.csv', blob: new Blob([big]) }, new MemoryChunkStore(), {
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p.status);
        controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen[0]).toBe('parsing');
  });
});

describe('decimal commas in semicolon-separated files', () => {
  it('reads "3,14" and "1.234,5" as numbers and says so', async () => {
    const { ingestCsv } = await import('./csv');
    const { MemoryChunkStore } = await import('../../test/memory-chunk-store');
    const { IssueList } = await import('../table/issue-list');
    const store = new MemoryChunkStore();
    const issues = new IssueList();
    const table = await ingestCsv(new Blob(['name;price;weight\na;3,14;1.234,5\nb;2;10\nc;x,y;7,25\n']), { store, issues }, { name: 'eu.csv' });
    expect(table.columns.map((c) => [c.name, c.type])).toEqual([
      ['name', 'category'],
      ['price', 'category'],
      ['weight', 'number'],
    ]);
    expect(store.cells(2, table.chunkCount)).toEqual([1234.5, 10, 7.25]);
    expect(issues.toArray().some((i) => /decimal comma/.test(i.message))).toBe(true);
  });

  it('leaves commas alone in comma-separated files', async () => {
    const { rewriteDecimalCommas } = await import('./csv');
    const row = ['3,14', 'a,b', '1.234,5', '-0,5', '12'];
    expect(rewriteDecimalCommas(row)).toBe(3);
    expect(row).toEqual(['3.14', 'a,b', '1234.5', '-0.5', '12']);
  });
});
