import { describe, expect, it } from 'vitest';
import { greedyEnsemble } from './ensemble';

describe('greedyEnsemble', () => {
  const y = Float64Array.of(0, 1, 0, 1, 0, 1);
  const folds = [Uint32Array.of(0, 1, 2), Uint32Array.of(3, 4, 5)];
  it('keeps a blend that beats every single model', () => {
    // Model A is wrong on rows 0-1, B on rows 4-5, both right elsewhere; their average is right everywhere.
    const a = Float64Array.of(0.4, 0.6, 0.45, 0.55, 0.9, 0.1, 0.1, 0.9, 0.9, 0.1, 0.1, 0.9);
    const b = Float64Array.of(0.9, 0.1, 0.1, 0.9, 0.9, 0.1, 0.1, 0.9, 0.45, 0.55, 0.6, 0.4);
    const result = greedyEnsemble([{ trial: 1, oof: a }, { trial: 2, oof: b }], y, 2, folds, 'log-loss');
    expect(result?.kept).toBe(true);
    expect(result?.score).toBeLessThan(result?.bestSingleScore ?? 0);
    expect(result?.weights.map((w) => w.trial).sort()).toEqual([1, 2]);
  });
  it('drops the ensemble when one model is best alone', () => {
    const good = Float64Array.of(0.9, 0.1, 0.1, 0.9, 0.9, 0.1, 0.1, 0.9, 0.9, 0.1, 0.1, 0.9);
    const bad = Float64Array.of(0.1, 0.9, 0.9, 0.1, 0.1, 0.9, 0.9, 0.1, 0.1, 0.9, 0.9, 0.1);
    const result = greedyEnsemble([{ trial: 1, oof: good }, { trial: 2, oof: bad }], y, 2, folds, 'accuracy');
    expect(result?.kept).toBe(false);
    expect(result?.weights).toEqual([{ trial: 1, weight: 1 }]);
  });
});
