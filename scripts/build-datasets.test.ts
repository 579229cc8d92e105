/**
 * Checks the committed public/datasets/ against its manifest. Needs no source
 * packages: it reads only what `npm run datasets` wrote.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { unzipSync } from 'fflate';

const DIR = join(import.meta.dirname, '..', 'public', 'datasets');
const IMAGE_COLUMNS = ['image', 'label', 'path', 'width', 'height'];
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

interface DatasetEntry {
  id: string;
  name: string;
  description: string;
  task: string;
  target: string;
  file: string;
  format: 'csv' | 'images';
  rows: number;
  columns: string[];
  sizeBytes: number;
  sha256: string;
  source: { package: string; version: string; origin: string; path: string };
  licence: string;
  attribution: string;
  notes: string;
}

const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as { format: string; version: number; datasets: DatasetEntry[] };

describe('public/datasets manifest', () => {
  it('has the benchtop-datasets format and unique ids and files', () => {
    expect(manifest.format).toBe('benchtop-datasets');
    expect(manifest.version).toBe(1);
    expect(manifest.datasets.length).toBeGreaterThan(0);
    expect(new Set(manifest.datasets.map((d) => d.id)).size).toBe(manifest.datasets.length);
    expect(new Set(manifest.datasets.map((d) => d.file)).size).toBe(manifest.datasets.length);
  });

  it('has a LICENSES.md naming every dataset file', () => {
    const text = readFileSync(join(DIR, 'LICENSES.md'), 'utf8');
    for (const d of manifest.datasets) expect(text).toContain(`\`${d.file}\``);
  });

  describe.each(manifest.datasets.map((d) => [d.id, d] as const))('%s', (_id, d) => {
    const path = join(DIR, d.file);

    it('describes its task, target, licence and source', () => {
      expect(['binary', 'multiclass', 'regression', 'image-classification', 'text-classification']).toContain(d.task);
      expect(['csv', 'images']).toContain(d.format);
      for (const field of [d.name, d.description, d.target, d.licence, d.attribution, d.source.package, d.source.version, d.source.origin, d.source.path]) {
        expect(field.trim()).not.toBe('');
      }
      expect(d.columns).toContain(d.format === 'csv' ? d.target : 'label');
    });

    it('has a file whose size and sha256 match', () => {
      expect(existsSync(path)).toBe(true);
      const bytes = readFileSync(path);
      expect(bytes.length).toBe(d.sizeBytes);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(d.sha256);
    });

    if (d.format === 'csv') {
      it('has the manifest columns as its header and the manifest row count', () => {
        const { data, errors } = Papa.parse<string[]>(readFileSync(path, 'utf8'), { skipEmptyLines: true });
        expect(errors).toEqual([]);
        expect(data[0]).toEqual(d.columns);
        expect(data.length - 1).toBe(d.rows);
        expect(data.every((row) => row.length === d.columns.length)).toBe(true);
      });
    } else {
      it('holds only PNGs under <root>/<label>/ folders, one per row', () => {
        expect(d.columns).toEqual(IMAGE_COLUMNS);
        const entries = Object.entries(unzipSync(readFileSync(path)));
        expect(entries.length).toBe(d.rows);
        const labels = new Set<string>();
        for (const [name, png] of entries) {
          expect(name).toMatch(/^[^/]+\/[^/]+\/[^/]+\.png$/);
          expect(Array.from(png.subarray(0, 8))).toEqual(PNG_SIGNATURE);
          labels.add(name.split('/')[1]);
        }
        expect(labels.size).toBeGreaterThan(1);
      });
    }
  });
});
