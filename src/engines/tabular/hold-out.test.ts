import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/random/rng';
import { holdOutRows } from './hold-out';

describe('hold-out rows', () => {
  it('holds out ceil(fraction · rows), each class in proportion, seeded', () => {
    const y = Float64Array.from({ length: 100 }, (_, i) => (i < 80 ? 0 : 1));
    const a = holdOutRows(y, 100, 'binary', 0.1, new Rng(1));
    expect(a.validation).toHaveLength(10);
    expect(a.train).toHaveLength(90);
    expect(Array.from(a.validation).filter((r) => y[r] === 1)).toHaveLength(2);
    expect(new Set([...a.train, ...a.validation]).size).toBe(100);
    expect(Array.from(holdOutRows(y, 100, 'binary', 0.1, new Rng(1)).validation)).toEqual(Array.from(a.validation));
    expect(Array.from(holdOutRows(y, 100, 'binary', 0.1, new Rng(2)).validation)).not.toEqual(Array.from(a.validation));
  });

  it('shuffles regression rows and leaves at least one row for training', () => {
    const { train, validation } = holdOutRows(new Float64Array(3), 3, 'regression', 0.9, new Rng(0));
    expect(train).toHaveLength(1);
    expect(validation).toHaveLength(2);
  });
});
