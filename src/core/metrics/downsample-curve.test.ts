import { describe, expect, it } from 'vitest';
import { CURVE_MAX_POINTS, downsampleCurve, downsampleIndices } from './downsample-curve';
import type { PrecisionRecallCurve } from './precision-recall-curve';
import { rocCurve, trapezoidArea, type RocCurve } from './roc-curve';
import { Rng } from '../random/rng';

/** A ROC curve of 5,000 rows with a seeded noisy score. */
function bigRocCurve(): RocCurve {
  const rng = new Rng(7);
  const random = () => rng.next();
  const target: number[] = [];
  const scores: number[] = [];
  for (let i = 0; i < 5000; i++) {
    const positive = random() < 0.4 ? 1 : 0;
    target.push(positive);
    scores.push(positive * 0.8 + random());
  }
  return rocCurve(target, scores);
}

describe('downsampleIndices', () => {
  it('keeps every point of a short curve', () => {
    expect(downsampleIndices([0, 1, 2], [0, 1, 0], 3)).toEqual([0, 1, 2]);
  });

  it('keeps at most maxPoints ascending indices, endpoints included', () => {
    const x = Array.from({ length: 1000 }, (_, i) => i);
    const y = x.map((v) => Math.sin(v / 50));
    const kept = downsampleIndices(x, y, 50);
    expect(kept.length).toBe(50);
    expect(kept[0]).toBe(0);
    expect(kept.at(-1)).toBe(999);
    expect(kept.every((v, i) => i === 0 || v > kept[i - 1])).toBe(true);
  });

  it('keeps a spike', () => {
    const x = Array.from({ length: 500 }, (_, i) => i);
    const y = x.map((v) => (v === 321 ? 10 : 0));
    expect(downsampleIndices(x, y, 20)).toContain(321);
  });

  it('rejects fewer than 3 points', () => {
    expect(() => downsampleIndices([0, 1], [0, 1], 2)).toThrow('maxPoints is 2; expected an integer of at least 3');
  });
});

describe('downsampleCurve', () => {
  it('thins a ROC curve to 200 points from (0, 0) to (1, 1), keeping its area', () => {
    const full = bigRocCurve();
    expect(full.fpr.length).toBeGreaterThan(1000);
    const thin = downsampleCurve(full, 'fpr', 'tpr');
    expect(thin.fpr.length).toBe(CURVE_MAX_POINTS);
    expect(thin.tpr.length).toBe(CURVE_MAX_POINTS);
    expect(thin.thresholds.length).toBe(CURVE_MAX_POINTS);
    expect([thin.fpr[0], thin.tpr[0], thin.fpr.at(-1), thin.tpr.at(-1)]).toEqual([0, 0, 1, 1]);
    expect(Math.abs(trapezoidArea(thin.fpr, thin.tpr) - trapezoidArea(full.fpr, full.tpr))).toBeLessThan(0.005);
  });

  it('keeps the final threshold-less point of a precision-recall curve', () => {
    const n = 400;
    const curve: PrecisionRecallCurve = {
      precision: [...Array.from({ length: n }, (_, i) => 0.5 + i / (2 * n)), 1],
      recall: [...Array.from({ length: n }, (_, i) => 1 - i / n), 0],
      thresholds: Array.from({ length: n }, (_, i) => i / n),
    };
    const thin = downsampleCurve(curve, 'recall', 'precision', 10);
    expect(thin.recall.length).toBe(10);
    expect(thin.thresholds.length).toBe(9);
    expect([thin.recall.at(-1), thin.precision.at(-1)]).toEqual([0, 1]);
  });
});
