import { describe, expect, it } from 'vitest';
import { Rng } from '../../random/rng';
import { erf, erfc, logErfc, logNormalMass, logUpperTail, sampleTruncatedNormal } from './truncated-normal';

// [x, erf(x), erfc(x)] from Python's math.erf / math.erfc.
const REFERENCE = [
  [-3.5, -0.9999992569016276, 1.9999992569016276],
  [-0.7, -0.6778011938374184, 1.6778011938374184],
  [0, 0.0, 1.0],
  [0.3, 0.3286267594591274, 0.6713732405408726],
  [0.999, 0.8422852702064969, 0.15771472979350307],
  [1.0, 0.8427007929497149, 0.15729920705028513],
  [1.5, 0.9661051464753108, 0.033894853524689274],
  [2.9, 0.9999589021219005, 4.109787809945886e-5],
  [4, 0.9999999845827421, 1.541725790028002e-8],
  [7.9, 1.0, 5.572718056952545e-29],
  [8.1, 1.0, 2.2163085720657543e-30],
  [12, 1.0, 1.3562611692059042e-64],
  [26.5, 1.0, 2.2109076642637343e-307],
];

describe('erf and erfc', () => {
  it('match Python to about 1e-13 relative, tails included', () => {
    for (const [x, e, c] of REFERENCE) {
      expect(Math.abs(erf(x) - e)).toBeLessThanOrEqual(4e-16 * Math.max(1, Math.abs(e)));
      expect(Math.abs(erfc(x) - c) / c).toBeLessThan(1e-13);
    }
  });

  it('keep log erfc finite where erfc underflows', () => {
    expect(logErfc(26.5)).toBeCloseTo(Math.log(2.2109076642637343e-307), 10);
    expect(logErfc(1e9)).toBeCloseTo(-1e18, -6);
    expect(logErfc(Infinity)).toBe(-Infinity);
  });
});

describe('normal masses', () => {
  it('match SciPy in the body and far in either tail', () => {
    // scipy: log(ndtr(2) - ndtr(-1)), log(ndtr(1e-6) - ndtr(-1e-6)), log(sf(8) - sf(9)), norm.logsf(40), norm.logsf(100)
    expect(logNormalMass(-1, 2)).toBeCloseTo(-0.20016629432446262, 13);
    expect(logNormalMass(-1e-6, 1e-6)).toBeCloseTo(-14.041301910599667, 9);
    expect(logNormalMass(8, 9)).toBeCloseTo(-35.01361859343716, 9);
    expect(logNormalMass(-9, -8)).toBeCloseTo(-35.01361859343716, 9);
    expect(logUpperTail(40)).toBeCloseTo(-804.6084420137539, 8);
    expect(logUpperTail(100)).toBeCloseTo(-5005.524208694205, 7);
    expect(logNormalMass(-Infinity, Infinity)).toBeCloseTo(0, 15);
  });

  it('samples inside the bounds with the truncated mean', () => {
    const rng = new Rng(5);
    let sum = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const x = sampleTruncatedNormal(rng, 0, 1, 0, 3);
      if (x < 0 || x > 3) throw new Error(`draw ${x} outside [0, 3]`);
      sum += x;
    }
    // E[X | 0 < X < 3] for a standard normal: (φ(0) − φ(3)) / (Φ(3) − Φ(0)) = 0.7936...
    expect(sum / n).toBeCloseTo(0.7936, 1);
  });
});
