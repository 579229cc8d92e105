/**
 * The bundle format's rules: which entry paths are safe, how names become path segments, and how a manifest is
 * validated (format, versions, fields, duplicates).
 */
import { describe, expect, it } from 'vitest';
import { BundleWriter } from './bundle-writer';
import { isSafeEntryPath, parseBundleManifest, safeSegment } from './bundle-format';

const manifest = {
  format: 'benchtop-bundle',
  bundleVersion: 1,
  kind: 'run',
  schemaVersion: 3,
  createdAt: '2026-11-20T10:00:00.000Z',
  title: 'A run',
  contents: { runs: 1, datasets: 1, model: false },
  entries: [{ path: 'runs/0/run.json', size: 10, sha256: 'a'.repeat(64) }],
};

describe('bundle format', () => {
  it('accepts only plain relative paths', () => {
    for (const ok of ['manifest.json', 'runs/0/run.json', 'runs/12/artifacts/model.weights.bin', 'model/files/a_b-c.json']) expect(isSafeEntryPath(ok)).toBe(true);
    for (const bad of ['', '/abs', '../x', 'a/../b', 'a/./b', 'a//b', 'a\\b', '.hidden', 'a/b/', 'x<y>.json', 'naïve.json', 'a b', 'a/b/c/d/e/f/g/h/i', 'x'.repeat(301)]) {
      expect(isSafeEntryPath(bad), bad).toBe(false);
    }
  });

  it('turns any name into one safe segment', () => {
    expect(safeSegment('model/model.json')).toBe('model_model.json');
    expect(safeSegment('../../etc/passwd')).toBe('__.._etc_passwd');
    expect(safeSegment('<script>.js')).toBe('_script_.js');
    expect(safeSegment('')).toBe('file');
    for (const name of ['..', '.', '...', 'a/../b', '\u0000x']) expect(isSafeEntryPath(safeSegment(name))).toBe(true);
  });

  it('reserves free paths, numbering repeats before the extension', () => {
    const writer = new BundleWriter();
    expect(writer.reservePath('runs/0/artifacts/model.json')).toBe('runs/0/artifacts/model.json');
    expect(writer.reservePath('runs/0/artifacts/model.json')).toBe('runs/0/artifacts/model-2.json');
    expect(writer.reservePath('runs/0/artifacts/model.json')).toBe('runs/0/artifacts/model-3.json');
    expect(writer.reservePath('runs/0/checkpoint/000')).toBe('runs/0/checkpoint/000');
    expect(writer.reservePath('runs/0/checkpoint/000')).toBe('runs/0/checkpoint/000-2');
  });

  it('validates manifests, naming what is wrong', () => {
    expect(parseBundleManifest(manifest, 3)).toEqual(manifest);
    expect(() => parseBundleManifest({ ...manifest, format: 'zip' }, 3)).toThrow('manifest.json has format "zip"; expected "benchtop-bundle" (not a Benchtop bundle)');
    expect(() => parseBundleManifest({ ...manifest, schemaVersion: 4 }, 3)).toThrow('schemaVersion 4 is newer than this app reads (3); update Benchtop to import it');
    expect(() => parseBundleManifest({ ...manifest, kind: 'dataset' }, 3)).toThrow(/^manifest\.json is invalid: kind: Invalid type: Expected \("run" \| "sweep" \| "modelVersion"\)/);
    expect(() => parseBundleManifest({ ...manifest, extra: 1 }, 3)).toThrow(/^manifest\.json is invalid: extra: Invalid key/);
    expect(() => parseBundleManifest({ ...manifest, entries: [{ ...manifest.entries[0], path: '../x' }] }, 3)).toThrow(/entries\.0\.path: Invalid path/);
    expect(() => parseBundleManifest({ ...manifest, entries: [{ ...manifest.entries[0], sha256: 'abc' }] }, 3)).toThrow(/entries\.0\.sha256: Invalid SHA-256/);
    expect(() => parseBundleManifest({ ...manifest, entries: [...manifest.entries, ...manifest.entries] }, 3)).toThrow('manifest.json lists "runs/0/run.json" twice');
    expect(() => parseBundleManifest({ ...manifest, entries: [{ ...manifest.entries[0], path: 'manifest.json' }] }, 3)).toThrow('manifest.json lists itself among its entries');
  });
});
