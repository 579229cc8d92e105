import { describe, expect, it } from 'vitest';
import { emptySplit, nodeScore, scanFeature, splitScratch, type SplitRules } from './split-finder';

// One feature, 3 value bins + a missing bin; channels: gradient sum, hessian sum, count.
const rules: SplitRules = { sums: 1, channels: 3, weightChannel: 1, lambda: 0, minCount: 1, minWeight: 0, minGain: 0 };

function scan(hist: number[], lambda = 0) {
  const h = Float64Array.from(hist);
  const totals = new Float64Array(3);
  for (let b = 0; b < 4; b++) for (let c = 0; c < 3; c++) totals[c] += h[b * 3 + c];
  const r = { ...rules, lambda };
  const best = emptySplit();
  scanFeature(h, 0, null, 0, 3, 0, totals, nodeScore(totals, r), r, splitScratch(r), best);
  return best;
}

describe('split finder', () => {
  it('finds the threshold with the largest gain G_L²/H_L + G_R²/H_R − G²/H', () => {
    const best = scan([-4, 2, 2, -4, 2, 2, 6, 2, 2, 0, 0, 0]);
    expect(best).toMatchObject({ feature: 0, bin: 1, missingLeft: false, leftCount: 4 });
    expect(best.gain).toBeCloseTo(64 / 4 + 36 / 2 - 4 / 6, 12);
  });

  it('sends missing values to the side that gains more', () => {
    // Missing rows have gradients like bin 0's: they should go left with it.
    const best = scan([-4, 2, 2, 3, 2, 2, 3, 2, 2, -4, 2, 2]);
    expect(best).toMatchObject({ bin: 0, missingLeft: true, leftCount: 4 });
  });

  it('applies the L2 penalty and the minimum child size', () => {
    const plain = scan([-4, 2, 2, -4, 2, 2, 6, 2, 2, 0, 0, 0]);
    const penalised = scan([-4, 2, 2, -4, 2, 2, 6, 2, 2, 0, 0, 0], 1);
    expect(penalised.gain).toBeLessThan(plain.gain);
    const h = Float64Array.of(-4, 2, 2, -4, 2, 2, 6, 2, 2, 0, 0, 0);
    const best = emptySplit();
    const strict = { ...rules, minCount: 3 };
    scanFeature(h, 0, null, 0, 3, 0, Float64Array.of(-2, 6, 6), nodeScore(Float64Array.of(-2, 6, 6), strict), strict, splitScratch(strict), best);
    expect(best.feature).toBe(-1); // 6 rows in bins of 2: every split leaves 2 rows on one side
  });
});
