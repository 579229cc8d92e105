import { describe, expect, it } from 'vitest';
import { predictedVsActualSample, residuals } from './residuals';

describe('residuals', () => {
  it('are actual - predicted', () => {
    expect([...residuals([3, 1], [2.5, 2])]).toEqual([0.5, -1]);
  });
});

describe('predictedVsActualSample', () => {
  it('keeps every row of a small split', () => {
    expect(predictedVsActualSample([1, 2], [1.5, 1])).toEqual({ rows: [0, 1], actual: [1, 2], predicted: [1.5, 1], residual: [-0.5, 1] });
  });

  it('spreads at most maxPoints rows evenly over a large split', () => {
    const n = 10_000;
    const yTrue = Float64Array.from({ length: n }, (_, i) => i);
    const yPred = yTrue.map((v) => v + 1);
    const sample = predictedVsActualSample(yTrue, yPred, 100);
    expect(sample.rows.length).toBe(100);
    expect(sample.rows[0]).toBe(0);
    expect(sample.rows[1]).toBe(100);
    expect(sample.rows.at(-1)).toBe(9900);
    expect(sample.actual[5]).toBe(500);
    expect(sample.residual.every((r) => r === -1)).toBe(true);
  });

  it('rejects a bad maxPoints and NaN predictions', () => {
    expect(() => predictedVsActualSample([1], [1], 0)).toThrow('maxPoints is 0; expected a positive integer');
    expect(() => predictedVsActualSample([1, 2], [NaN, 1])).toThrow('Prediction at row 0 is NaN');
  });
});
