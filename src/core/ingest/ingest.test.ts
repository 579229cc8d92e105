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
    expect((error as IngestError).message).toContain('".xlsx"');
    expect((error as IngestError).message).toContain('.csv .tsv .txt .json .jsonl .ndjson .parquet .zip');
  });
});
