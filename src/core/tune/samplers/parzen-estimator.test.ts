import { describe, expect, it } from 'vitest';
import { Rng } from '../../random/rng';
import { domainOf } from '../space';
import { defaultWeights, ParzenEstimator, type ParzenSettings } from './parzen-estimator';
import { logNormalMass } from './truncated-normal';

const OPTUNA: ParzenSettings = { priorWeight: 1, magicClip: true, endpoints: false, multivariate: false, bandwidth: 'range' };
const unit = domainOf({ type: 'uniform', path: 'x', min: 0, max: 1 });

function truncatedLogDensity(x: number, mu: number, sigma: number, low: number, high: number): number {
  const z = (x - mu) / sigma;
  return -0.5 * z * z - Math.log(sigma) - 0.5 * Math.log(2 * Math.PI) - logNormalMass((low - mu) / sigma, (high - mu) / sigma);
}

describe('defaultWeights', () => {
  it('is flat up to 25 trials, then ramps the oldest up from 1/n (Optuna)', () => {
    expect(defaultWeights(3)).toEqual([1, 1, 1]);
    const w = defaultWeights(30);
    expect(w).toHaveLength(30);
    expect(w[0]).toBeCloseTo(1 / 30, 15);
    expect(w[4]).toBeCloseTo(1, 15);
    expect(w[2]).toBeCloseTo((1 / 30 + 1) / 2, 15);
    expect(w.slice(5)).toEqual(new Array(25).fill(1));
  });
});

describe('ParzenEstimator', () => {
  it('uses Optuna’s univariate bandwidths: the larger neighbour gap among observations, prior centre and ends', () => {
    // Observations 0.1, 0.3, 0.8 and the prior at 0.5: widths 0.2, 0.2, 0.3 (outermost look inward), clipped to ≥ 1/5.
    const estimator = new ParzenEstimator([unit], [Float64Array.of(0.1, 0.3, 0.8)], [1, 1, 1], OPTUNA);
    const x = 0.42;
    const expected = [
      [0.1, 0.2],
      [0.3, 0.2],
      [0.8, 0.3],
      [0.5, 1],
    ].map(([mu, sigma]) => Math.exp(truncatedLogDensity(x, mu, sigma, 0, 1)) / 4);
    expect(estimator.logPdf([Float64Array.of(x)], 1)[0]).toBeCloseTo(Math.log(expected.reduce((a, b) => a + b)), 12);
  });

  it('is a density: integrates to 1 (continuous), sums to 1 (stepped and categorical)', () => {
    const settings: ParzenSettings = { ...OPTUNA, multivariate: true, bandwidth: 'scott' };
    const continuous = new ParzenEstimator([unit], [Float64Array.of(0.05, 0.5, 0.52, 0.97)], [1, 1, 1, 1], settings);
    const n = 4000;
    const grid = Float64Array.from({ length: n + 1 }, (_, i) => i / n);
    const density = continuous.logPdf([grid], n + 1).map(Math.exp);
    let integral = 0;
    for (let i = 0; i < n; i++) integral += (density[i] + density[i + 1]) / (2 * n);
    expect(integral).toBeCloseTo(1, 5);

    const stepped = domainOf({ type: 'int', path: 'k', min: 1, max: 9, step: 2 });
    const intEstimator = new ParzenEstimator([stepped], [Float64Array.of(3, 3, 9)], [1, 1, 1], OPTUNA);
    const points = Float64Array.of(1, 3, 5, 7, 9);
    expect(intEstimator.logPdf([points], 5).reduce((s, l) => s + Math.exp(l), 0)).toBeCloseTo(1, 12);

    const logInt = domainOf({ type: 'int', path: 'k', min: 1, max: 64, log: true });
    const logEstimator = new ParzenEstimator([logInt], [Float64Array.of(Math.log(2), Math.log(40))], [1, 1], OPTUNA);
    const all = Float64Array.from({ length: 64 }, (_, i) => Math.log(i + 1));
    expect(logEstimator.logPdf([all], 64).reduce((s, l) => s + Math.exp(l), 0)).toBeCloseTo(1, 12);

    const choice = domainOf({ type: 'choice', path: 'c', values: ['a', 'b', 'c'] });
    const cat = new ParzenEstimator([choice], [Float64Array.of(1, 1, 2)], [1, 1, 1], OPTUNA);
    const probabilities = Array.from(cat.logPdf([Float64Array.of(0, 1, 2)], 3), Math.exp);
    expect(probabilities.reduce((a, b) => a + b)).toBeCloseTo(1, 12);
    expect(probabilities[1]).toBeGreaterThan(probabilities[2]);
    expect(probabilities[2]).toBeGreaterThan(probabilities[0]);
  });

  it('samples inside the space, on the grid of stepped axes, near the observations', () => {
    const stepped = domainOf({ type: 'quniform', path: 'q', min: 0, max: 1, step: 0.25 });
    const estimator = new ParzenEstimator([unit, stepped], [Float64Array.of(0.9, 0.92), Float64Array.of(0.75, 0.75)], [1, 1], { ...OPTUNA, multivariate: true, bandwidth: 'scott' });
    const draws = estimator.sample(new Rng(1), 500);
    expect(draws[0].every((x) => x >= 0 && x <= 1)).toBe(true);
    expect(draws[1].every((x) => [0, 0.25, 0.5, 0.75, 1].includes(x))).toBe(true);
    expect(draws[0].filter((x) => x > 0.7).length).toBeGreaterThan(250); // two of three kernels sit at 0.9
  });
});
