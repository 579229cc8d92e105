import { describe, expect, it } from 'vitest';
import { parseSampleManifest } from './sample-manifest';

const sample = {
  id: 'iris',
  name: 'Iris',
  description: 'Fisher’s irises',
  task: 'multiclass',
  target: 'species',
  file: 'iris.csv',
  format: 'csv',
  rows: 150,
  columns: ['sepal_length', 'species'],
  sizeBytes: 4000,
  sha256: 'a'.repeat(64),
  source: { package: 'python3-sklearn', version: '1.2', origin: 'Debian', path: '/usr/share/iris.csv' },
  licence: 'BSD-3-Clause',
  attribution: 'R. A. Fisher (1936)',
};

describe('parseSampleManifest', () => {
  it('accepts a valid manifest', () => {
    const manifest = parseSampleManifest({ format: 'benchtop-datasets', version: 1, datasets: [sample] });
    expect(manifest.datasets[0].id).toBe('iris');
  });

  it('rejects path traversal and names the field', () => {
    expect(() => parseSampleManifest({ format: 'benchtop-datasets', version: 1, datasets: [{ ...sample, file: '../secret.csv' }] })).toThrow(/datasets\.0\.file/);
  });

  it('rejects an unknown task', () => {
    expect(() => parseSampleManifest({ format: 'benchtop-datasets', version: 1, datasets: [{ ...sample, task: 'magic' }] })).toThrow(/task/);
  });
});
