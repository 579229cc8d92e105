import { describe, expect, it } from 'vitest';
import { materializeColumn } from './materialize';
import type { ChunkData, ColumnSchema } from '../../protocol/dataset';

const col = (type: ColumnSchema['type'], inferredType = type, storage: ColumnSchema['storage'] = 'f64') => ({ name: 'c', type, inferredType, storage });

describe('materializeColumn', () => {
  it('concatenates numeric chunks', () => {
    const m = materializeColumn(col('number'), [
      { kind: 'f64', values: Float64Array.from([1, NaN]) },
      { kind: 'f64', values: Float64Array.from([3]) },
    ]);
    expect(m.values).toEqual({ kind: 'numeric', values: Float64Array.from([1, NaN, 3]) });
    expect(m.unparseable).toBe(0);
  });

  it('merges per-chunk dictionaries into one, in first-seen row order, skipping unused entries', () => {
    const chunks: ChunkData[] = [
      { kind: 'dict', codes: Int32Array.from([1, -1, 1]), dictionary: ['unused', 'Oslo'] },
      { kind: 'dict', codes: Int32Array.from([0, 1, 2]), dictionary: ['Paris', 'Oslo', 'Rome'] },
    ];
    const m = materializeColumn(col('category', 'category', 'dict'), chunks);
    expect(m.values).toEqual({ kind: 'categorical', codes: Int32Array.from([0, -1, 0, 1, 0, 2]), categories: ['Oslo', 'Paris', 'Rome'] });
    const t = materializeColumn(col('text', 'category', 'dict'), chunks);
    expect(t.values).toEqual({ kind: 'text', values: ['Oslo', null, 'Oslo', 'Paris', 'Oslo', 'Rome'] });
  });

  it('converts overridden types and reports unparseable values with their column row', () => {
    const m = materializeColumn(col('number', 'category', 'dict'), [
      { kind: 'dict', codes: Int32Array.from([0, 1]), dictionary: ['1.5', '2'] },
      { kind: 'dict', codes: Int32Array.from([0, -1, 1]), dictionary: ['3', 'n/a?'] },
    ]);
    expect(m.values).toEqual({ kind: 'numeric', values: Float64Array.from([1.5, 2, 3, NaN, NaN]) });
    expect(m.unparseable).toBe(1);
    expect(m.firstUnparseable).toEqual({ row: 4, value: 'n/a?' });
    const c = materializeColumn(col('category', 'integer'), [{ kind: 'f64', values: Float64Array.from([3, NaN, 3, 7]) }]);
    expect(c.values).toEqual({ kind: 'categorical', codes: Int32Array.from([0, -1, 0, 1]), categories: ['3', '7'] });
    const b = materializeColumn(col('boolean', 'integer'), [{ kind: 'f64', values: Float64Array.from([0, 1, 2]) }]);
    expect(b.values).toEqual({ kind: 'numeric', values: Float64Array.from([0, 1, NaN]) });
  });

  it('keeps images with their media types', () => {
    const png = Uint8Array.of(137, 80);
    const m = materializeColumn(col('image', 'image', 'bytes'), [
      { kind: 'bytes', items: [png, null], mediaTypes: ['image/png', ''] },
      { kind: 'bytes', items: [png], mediaTypes: ['image/png'] },
    ]);
    expect(m.values).toEqual({ kind: 'image', items: [png, null, png], mediaTypes: ['image/png', '', 'image/png'] });
  });

  it('gives empty values for no chunks and rejects storage that disagrees with the schema', () => {
    expect(materializeColumn(col('integer'), []).values).toEqual({ kind: 'numeric', values: new Float64Array(0) });
    expect(() => materializeColumn(col('number'), [{ kind: 'dict', codes: new Int32Array(0), dictionary: [] }])).toThrow(
      'Chunk 0 of column "c" is stored as "dict"; the schema says "f64"',
    );
  });
});
