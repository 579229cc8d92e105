import { describe, expect, it } from 'vitest';
import { FeaturePipeline } from './pipeline';
import type { FeatureSpec } from './feature-spec';
import { defaultFeatureSpec } from './feature-spec';
import type { FeatureColumns } from './featurizer';

const columns: FeatureColumns = {
  price: { kind: 'numeric', values: Float64Array.of(10, 20, NaN, 30, 40) },
  city: { kind: 'categorical', codes: Int32Array.of(0, 1, 0, -1, 2), categories: ['Oslo', 'Rome', 'Lima'] },
  note: { kind: 'text', values: ['good food', 'bad', null, 'good', 'food food'] },
};
const specs: FeatureSpec[] = [
  { column: 'price', type: 'numeric', scaling: 'min-max' },
  { column: 'city', type: 'one-hot' },
  { column: 'note', type: 'token-ids', maxLength: 2 },
];
const train = [0, 1, 2, 3];

describe('FeaturePipeline', () => {
  it('fits on train rows and writes an exact row-major matrix', () => {
    const p = FeaturePipeline.fit(specs, columns, train);
    expect(p.featureNames).toEqual(['price', 'price (missing)', 'city=Oslo', 'city=Rome', 'city=<other>', 'note[0]', 'note[1]']);
    expect(p.featureCount).toBe(7);
    expect(p.segments).toEqual([
      { column: 'price', type: 'numeric', offset: 0, width: 2 },
      { column: 'city', type: 'one-hot', offset: 2, width: 3 },
      { column: 'note', type: 'token-ids', offset: 5, width: 2, inputDim: 5 },
    ]);
    // price: min 10, range 20, fill mean 20; vocabulary: good (2), bad, food (1 each, code-unit order) -> ids 2, 3, 4
    expect(Array.from(p.transform(columns, [2, 4, 0]))).toEqual([
      [0.5, 1, 1, 0, 0, 0, 0],
      [1.5, 0, 0, 0, 1, 4, 4],
      [0, 0, 1, 0, 0, 2, 4],
    ].flat());
  });

  it('round-trips through JSON: a refit gives the same state, a restored pipeline the same matrix', () => {
    const p = FeaturePipeline.fit(specs, columns, train);
    const saved = JSON.parse(JSON.stringify(p.toJSON()));
    expect(FeaturePipeline.fit(specs, columns, train).toJSON()).toEqual(saved);
    const restored = FeaturePipeline.fromJSON(saved);
    expect(restored.transform(columns, [0, 1, 2, 3, 4])).toEqual(p.transform(columns, [0, 1, 2, 3, 4]));
    expect(restored.featureNames).toEqual(p.featureNames);
    expect(() => FeaturePipeline.fromJSON({ version: 2 } as never)).toThrow('Unsupported feature pipeline state (version 2); expected version 1');
    expect(() => FeaturePipeline.fromJSON({ version: 1, features: [{ type: 'pca', column: 'x' }] } as never)).toThrow(
      'Unknown featurizer type "pca" for column "x"; expected one of numeric, one-hot, hashed-bag-of-words, token-ids, image',
    );
  });

  it('writes into a given buffer and rejects one too small', () => {
    const p = FeaturePipeline.fit(specs, columns, train);
    const out = new Float32Array(14);
    expect(p.transform(columns, [0, 1], out)).toBe(out);
    expect(() => p.transform(columns, [0, 1], new Float32Array(13))).toThrow('Output holds 13 values; 2 rows × 7 features need 14');
  });

  it('names the column and row of an infinite input, a missing column, and empty inputs', () => {
    const p = FeaturePipeline.fit(specs, columns, train);
    const bad = new Map(Object.entries(columns));
    bad.set('price', { kind: 'numeric', values: Float64Array.of(1, Infinity) });
    expect(() => p.transform(bad, [0, 1])).toThrow('Column "price" has an infinite value at row 2 (Infinity)');
    expect(() => p.transform({ price: columns.price }, [0])).toThrow('Column "city" was not given to the feature pipeline; got "price"');
    expect(() => FeaturePipeline.fit([], columns, train)).toThrow('No feature columns were chosen');
    expect(() => FeaturePipeline.fit(specs, columns, [])).toThrow('No training rows');
  });

  it('picks default featurizers from the logical type', () => {
    expect(defaultFeatureSpec('d', 'datetime')).toEqual({ column: 'd', type: 'numeric' });
    expect(defaultFeatureSpec('c', 'category')).toEqual({ column: 'c', type: 'one-hot' });
    expect(defaultFeatureSpec('t', 'text')).toEqual({ column: 't', type: 'hashed-bag-of-words' });
    expect(defaultFeatureSpec('i', 'image')).toEqual({ column: 'i', type: 'image' });
  });
});
