import { describe, expect, it } from 'vitest';
import { diffSpecs, flattenSpec } from './spec-diff';

describe('flattenSpec', () => {
  it('flattens objects and arrays to dotted paths with text values', () => {
    const flat = flattenSpec({ seed: 7, task: 'binary', model: { family: 'mlp', layers: [{ units: 64 }, { units: 32, dropout: 0.1 }] }, shuffle: true, none: null });
    expect([...flat]).toEqual([
      ['seed', '7'],
      ['task', 'binary'],
      ['model.family', 'mlp'],
      ['model.layers.0.units', '64'],
      ['model.layers.1.units', '32'],
      ['model.layers.1.dropout', '0.1'],
      ['shuffle', 'true'],
      ['none', 'null'],
    ]);
  });

  it('keeps empty containers, skips undefined, and names a bare value (root)', () => {
    expect([...flattenSpec({ a: [], b: {}, c: undefined })]).toEqual([
      ['a', '[]'],
      ['b', '{}'],
    ]);
    expect([...flattenSpec(3)]).toEqual([['(root)', '3']]);
    expect([...flattenSpec(['x'])]).toEqual([['0', 'x']]);
  });

  it('keeps hostile text as it is (rendered as text)', () => {
    expect(flattenSpec({ name: '<img src=x onerror=alert(1)>' }).get('name')).toBe('<img src=x onerror=alert(1)>');
  });
});

describe('diffSpecs', () => {
  it('keeps only the paths where the runs differ, missing counting as a value', () => {
    const rows = diffSpecs([
      { seed: 1, epochs: 10, model: { layers: [{ units: 64 }] } },
      { seed: 2, epochs: 10, model: { layers: [{ units: 64 }, { units: 8 }] } },
      { seed: 3, epochs: 10, model: { layers: [{ units: 64 }] } },
    ]);
    expect(rows).toEqual([
      { path: 'seed', values: ['1', '2', '3'] },
      { path: 'model.layers.1.units', values: [undefined, '8', undefined] },
    ]);
  });

  it('finds no rows for equal specs', () => {
    expect(diffSpecs([{ a: { b: 1 } }, { a: { b: 1 } }])).toEqual([]);
  });
});
