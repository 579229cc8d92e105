import { describe, expect, it } from 'vitest';
import { assertTrainSpec } from '../jobs/train-spec';
import { FIXTURE_HASH, specInput } from '../../test/train-spec-fixture';
import { buildSharePayload, compactSeries, type MetricPoint } from './build-payload';
import { decodeSharePayload } from './decode';
import { encodeSharePayload } from './encode';
import { MAX_POINTS } from './payload';
import { rebindSpec, sharedSpecKey } from './rebind';

const points = (key: string, count: number, split?: MetricPoint['split']): MetricPoint[] =>
  Array.from({ length: count }, (_, i) => ({ key, step: i + 1, value: 1 / (i + 1), ...(split ? { split } : {}) }));

describe('buildSharePayload', () => {
  it('makes a payload that encodes, decodes and equals itself; NaN becomes null', () => {
    const spec = assertTrainSpec(specInput());
    const loss = points('loss', 3, 'train');
    loss[2] = { ...loss[2], value: Number.NaN };
    const payload = buildSharePayload({
      appVersion: '0.1.0',
      now: 1_700_000_000_000,
      run: { name: 'Titanic · mlp', spec, backend: 'cpu', libraries: [{ name: '@tensorflow/tfjs', version: '4.22.0' }], summary: [{ key: 'test_accuracy', value: 0.75 }, { key: 'x', value: Number.POSITIVE_INFINITY }] },
      series: [loss, points('val_loss', 3, 'validation'), []],
      dataset: { kind: 'sample', name: 'Titanic', sampleId: 'titanic', contentHash: FIXTURE_HASH, columnTypes: [] },
    });
    expect(payload.seed).toBe(spec.seed);
    expect(payload.metrics.series).toEqual([
      { key: 'loss', split: 'train', steps: [1, 2, 3], values: [1, 0.5, null] },
      { key: 'val_loss', split: 'validation', steps: [1, 2, 3], values: [1, 0.5, 1 / 3] },
    ]);
    expect(payload.metrics.summary).toEqual([{ key: 'test_accuracy', value: 0.75 }, { key: 'x', value: null }]);
    expect(decodeSharePayload(encodeSharePayload(payload).encoded)).toEqual(payload);
  });
});

describe('compactSeries', () => {
  it('keeps everything under the cap', () => {
    const result = compactSeries([points('loss', 10), points('batch_loss', 100)]);
    expect(result.series.map((s) => s.key)).toEqual(['loss', 'batch_loss']);
    expect(result.omitted).toEqual([]);
  });

  it('leaves out per-batch series first, the largest first, and names them', () => {
    const result = compactSeries([points('loss', 100), points('batch_loss', MAX_POINTS), points('batch_accuracy', MAX_POINTS / 2), points('val_loss', 100)]);
    expect(result.series.map((s) => s.key)).toEqual(['loss', 'batch_accuracy', 'val_loss']);
    expect(result.omitted).toEqual(['batch_loss']);
  });

  it('then the longest epoch series, so the payload always fits', () => {
    const result = compactSeries([points('loss', MAX_POINTS), points('val_loss', MAX_POINTS), points('batch_loss', 10)]);
    expect(result.omitted).toEqual(['batch_loss', 'loss']);
    expect(result.series.map((s) => s.key)).toEqual(['val_loss']);
  });
});

describe('rebindSpec and sharedSpecKey', () => {
  it('points the spec at the viewer\'s copy; the key ignores only which copy', () => {
    const spec = assertTrainSpec(specInput());
    const local = rebindSpec(spec, { datasetId: 'd2', versionId: 'v2', contentHash: 'ef'.repeat(32) });
    expect(local.data).toMatchObject({ datasetId: 'd2', versionId: 'v2', contentHash: 'ef'.repeat(32), target: spec.data.target });
    expect(local.seed).toBe(spec.seed);
    expect(sharedSpecKey(local)).toBe(sharedSpecKey(spec));
    expect(sharedSpecKey({ ...local, seed: local.seed + 1 })).not.toBe(sharedSpecKey(spec));
  });
});
