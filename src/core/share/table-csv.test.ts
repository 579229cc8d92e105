import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ChunkData, ColumnSchema } from '../../protocol/dataset';
import { MemoryChunkStore } from '../../test/memory-chunk-store';
import { hashBlob } from '../ingest/content-hash';
import { ingestTable, type IngestInput } from '../ingest/ingest';
import { checkCsvRoundTrip } from './csv-round-trip';
import { TableCsvError, writeTableCsv } from './table-csv';

/** Ingests `input` as an import does; returns its columns and chunks (small chunks, so several per column). */
async function ingest(input: IngestInput, chunkRows = 64) {
  const store = new MemoryChunkStore();
  const table = await ingestTable(input, store, { chunkRows });
  const chunks = table.columns.map((_, c) => store.column(c, table.chunkCount));
  return { ...table, chunks };
}

const csvInput = (name: string, text: string | Uint8Array): IngestInput => ({ format: 'csv', name, blob: new Blob([text as BlobPart]) });

describe('writeTableCsv', () => {
  it('writes the iris sample so it reads back into the same columns; its hash is of the CSV written, not of the source', async () => {
    const bytes = readFileSync('public/datasets/iris.csv');
    const table = await ingest(csvInput('iris.csv', bytes));
    const csv = writeTableCsv(table.columns, table.chunks);
    expect(csv.split('\n')[0]).toBe('sepal length (cm),sepal width (cm),petal length (cm),petal width (cm),species');
    // The source writes "5.0"; the stored number is 5, written back as "5": other bytes, the same table.
    expect(bytes.toString('utf8')).toContain('\n5.0,');
    expect(csv).toContain('\n5,3.6,1.4,0.2,setosa\n');
    const roundTrip = await checkCsvRoundTrip(csv, 'iris.csv', table.columns, table.chunks);
    expect(roundTrip).toEqual({ ok: true, contentHash: await hashBlob(new Blob([csv])) });
    expect(roundTrip.ok && roundTrip.contentHash).not.toBe(table.contentHash);
    // Written twice, the same bytes.
    expect(writeTableCsv(table.columns, table.chunks)).toBe(csv);
  });

  it.each(['penguins.csv', 'seattle-weather.csv', 'auto-mpg.csv', 'spam-assassin-1500.csv'])('writes the %s sample so it reads back into the same columns', async (file) => {
    const table = await ingest(csvInput(file, readFileSync(`public/datasets/${file}`)), 512);
    const csv = writeTableCsv(table.columns, table.chunks);
    expect(await checkCsvRoundTrip(csv, file, table.columns, table.chunks)).toMatchObject({ ok: true });
  });

  it('quotes commas, quotes and line breaks; writes booleans, dates and missing cells so they read back', async () => {
    const source = [
      'name,flag,when,score,"note, with comma"',
      'a "quoted" one,true,2024-01-02,1.5,"line1\nline2"',
      'plain,false,2024-03-04T05:06:07.089Z,,x',
      ',TRUE,,-0.000001,"says ""hi"""',
      'last,f,2024-01-01,1e300,',
    ].join('\r\n');
    const table = await ingest(csvInput('tricky.csv', source));
    expect(table.columns.map((c) => c.inferredType)).toEqual(['category', 'boolean', 'datetime', 'number', 'category']);
    const csv = writeTableCsv(table.columns, table.chunks);
    expect(csv.split('\n')[0]).toBe('name,flag,when,score,"note, with comma"');
    expect(csv).toContain('"a ""quoted"" one",true,2024-01-02,1.5,"line1\nline2"');
    expect(csv).toContain(',true,,-0.000001,"says ""hi"""\n');
    expect(await checkCsvRoundTrip(csv, 'tricky.csv', table.columns, table.chunks)).toMatchObject({ ok: true });
  });

  it('reports a table that does not read back the same instead of embedding it', async () => {
    // Strings that look like numbers (a Parquet string column, say) read back from CSV as numbers: a different column.
    const columns: ColumnSchema[] = [
      { name: 'code', type: 'category', inferredType: 'category', storage: 'dict' },
      { name: 'n', type: 'integer', inferredType: 'integer', storage: 'f64' },
    ];
    const chunks: ChunkData[][] = [[{ kind: 'dict', codes: Int32Array.of(0, 1), dictionary: ['7', '10'] }], [{ kind: 'f64', values: Float64Array.of(1, 2) }]];
    const csv = writeTableCsv(columns, chunks);
    expect(csv).toBe('code,n\n7,1\n10,2\n');
    expect(await checkCsvRoundTrip(csv, 'codes.csv', columns, chunks)).toEqual({ ok: false, reason: 'column "code" reads back as integer; expected category' });
    // A cell that differs is named by column and row.
    const mixed: ColumnSchema[] = [{ ...columns[0], inferredType: 'integer', storage: 'f64' }, columns[1]];
    const asNumbers: ChunkData[][] = [[{ kind: 'f64', values: Float64Array.of(7, 10) }], [{ kind: 'f64', values: Float64Array.of(1, 3) }]];
    expect(await checkCsvRoundTrip(csv, 'codes.csv', mixed, asNumbers)).toEqual({ ok: false, reason: 'column "n" row 2 reads back differently' });
  });

  it('refuses image columns and ragged columns', () => {
    const columns: ColumnSchema[] = [
      { name: 'image', type: 'image', inferredType: 'image', storage: 'bytes' },
      { name: 'label', type: 'category', inferredType: 'category', storage: 'dict' },
    ];
    const bytes: ChunkData = { kind: 'bytes', items: [new Uint8Array(1)], mediaTypes: ['image/png'] };
    const labels: ChunkData = { kind: 'dict', codes: Int32Array.of(0), dictionary: ['a'] };
    expect(() => writeTableCsv(columns, [[bytes], [labels]])).toThrow(TableCsvError);
    expect(() => writeTableCsv(columns, [[bytes], [labels]])).toThrow('Column "image" holds images');
    const numbers: ColumnSchema = { name: 'x', type: 'number', inferredType: 'number', storage: 'f64' };
    expect(() => writeTableCsv([numbers, columns[1]], [[{ kind: 'f64', values: Float64Array.of(1, 2) }], [labels]])).toThrow('Column "label" has 1 rows; expected 2');
  });
});
