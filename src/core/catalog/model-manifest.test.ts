import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSampleManifest } from './sample-manifest';
import { parseModelManifest, type CatalogModel } from './model-manifest';

const ROOT = join(__dirname, '..', '..', '..');
const readJson = (path: string): unknown => JSON.parse(readFileSync(join(ROOT, path), 'utf8'));

const checked = parseModelManifest(readJson('models/manifest.json'));

describe('the checked-in models/manifest.json', () => {
  it('lists models', () => {
    expect(checked.models.length).toBeGreaterThan(0);
  });

  it.each(checked.models.map((m) => [m.id, m] as const))('%s: every file exists with its size and sha256', (id, model) => {
    for (const file of model.files) {
      const bytes = readFileSync(join(ROOT, 'models', id, file.path));
      expect(bytes.byteLength, file.path).toBe(file.sizeBytes);
      expect(createHash('sha256').update(bytes).digest('hex'), file.path).toBe(file.sha256);
    }
  });

  it.each(checked.models.map((m) => [m.id, m] as const))('%s: records its dataset\'s licence and agrees with its signature', (_id, model) => {
    const datasets = parseSampleManifest(readJson('public/datasets/manifest.json')).datasets;
    const dataset = datasets.find((d) => d.id === model.source.dataset);
    expect(dataset).toBeDefined();
    expect(model.source.datasetLicence).toBe(dataset?.licence);
    const signature = readJson(`models/${model.id}/signature.json`) as { inputs: unknown; output: { classes?: string[] } };
    expect(model.inputs).toEqual(signature.inputs);
    expect(model.labels).toEqual(signature.output.classes ?? []);
  });

  it('stays under its 2 MB budget', () => {
    const total = checked.models.reduce((sum, m) => sum + m.files.reduce((s, f) => s + f.sizeBytes, 0), 0);
    expect(total).toBeLessThan(2 * 1024 * 1024);
  });
});

describe('parseModelManifest', () => {
  const model: CatalogModel = checked.models[0];

  it('rejects path traversal and names the field', () => {
    const bad = { ...model, files: [{ ...model.files[0], path: '../secret' }, ...model.files.slice(1)] };
    expect(() => parseModelManifest({ format: 'benchtop-models', version: 1, models: [bad] })).toThrow(/models\.0\.files\.0\.path/);
  });

  it('rejects an ONNX export outside the tolerance', () => {
    const bad = { ...model, metrics: { ...model.metrics, onnxMaxAbsDiff: 0.01 } };
    expect(() => parseModelManifest({ format: 'benchtop-models', version: 1, models: [bad] })).toThrow(/onnxMaxAbsDiff/);
  });

  it('rejects a model without its weights, and duplicate ids', () => {
    const bad = { ...model, files: model.files.filter((f) => f.path !== 'model.weights.bin') };
    expect(() => parseModelManifest({ format: 'benchtop-models', version: 1, models: [bad] })).toThrow(/model\.weights\.bin/);
    expect(() => parseModelManifest({ format: 'benchtop-models', version: 1, models: [model, model] })).toThrow(/twice/);
  });
});
