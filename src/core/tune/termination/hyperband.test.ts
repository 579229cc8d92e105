import { describe, expect, it } from 'vitest';
import type { AshaPolicy, HyperbandPolicy } from '../../../protocol/termination';
import { bracketOf, hyperbandBrackets, hyperbandCycleLength, hyperbandDecision } from './hyperband';
import { rungEpochs, shouldStop } from './should-stop';
import type { TerminationContext, TrialProgress } from './trial-progress';

const trial = (trialNumber: number, values: (number | undefined)[]): TrialProgress => ({ trialNumber, values });
const maximize: TerminationContext = { goal: 'maximize', maxEpochs: 27, metricLabel: 'validation accuracy' };
const hyperband: HyperbandPolicy = { type: 'hyperband', minEpochs: 1 };

describe('hyperbandBrackets', () => {
  it('has one bracket per first rung, weighted by Hyperband trial counts', () => {
    // S = 3; weights ceil(4 · 3^s / (s + 1)) for s = 3, 2, 1, 0: 27, 12, 6, 4 (Optuna's numbers).
    expect(hyperbandBrackets(hyperband, 27)).toEqual([
      { index: 0, minEpochs: 1, reductionFactor: 3, maxEpochs: 27, rungs: [1, 3, 9, 27], weight: 27 },
      { index: 1, minEpochs: 3, reductionFactor: 3, maxEpochs: 27, rungs: [3, 9, 27], weight: 12 },
      { index: 2, minEpochs: 9, reductionFactor: 3, maxEpochs: 27, rungs: [9, 27], weight: 6 },
      { index: 3, minEpochs: 27, reductionFactor: 3, maxEpochs: 27, rungs: [27], weight: 4 },
    ]);
    expect(rungEpochs(hyperband, 27, 2)).toEqual([9, 27]);
    expect(() => rungEpochs(hyperband, 27, 4)).toThrow('Bracket 4 does not exist; this Hyperband has brackets 0 to 3');
    // η = 2 from 2 to 20 epochs: first rungs 2, 4, 8, 16.
    const eta2 = hyperbandBrackets({ type: 'hyperband', minEpochs: 2, reductionFactor: 2 }, 20);
    expect(eta2.map((b) => [b.minEpochs, b.weight])).toEqual([[2, 8], [4, 6], [8, 4], [16, 4]]);
    expect(hyperbandBrackets({ type: 'hyperband', minEpochs: 4, maxEpochs: 4 }, 27).map((b) => b.rungs)).toEqual([[4]]);
  });
});

describe('bracketOf', () => {
  it('deals trials by smooth weighted round-robin (hand-computed first picks)', () => {
    // Weights 27, 12, 6, 4 (total 49): running sums pick 0, 1, 0, 2, 0, 3, 0, 1, …
    expect(Array.from({ length: 8 }, (_, i) => bracketOf(hyperband, 27, i))).toEqual([0, 1, 0, 2, 0, 3, 0, 1]);
  });

  it('gives every bracket exactly its weight in each cycle, and repeats', () => {
    expect(hyperbandCycleLength(hyperband, 27)).toBe(49);
    const cycle = Array.from({ length: 49 }, (_, i) => bracketOf(hyperband, 27, i));
    expect([0, 1, 2, 3].map((b) => cycle.filter((x) => x === b).length)).toEqual([27, 12, 6, 4]);
    expect(Array.from({ length: 49 }, (_, i) => bracketOf(hyperband, 27, 49 * 3 + i))).toEqual(cycle);
    // Well mixed: every bracket appears within the first 6 trials.
    expect(new Set(cycle.slice(0, 6)).size).toBe(4);
    expect(() => bracketOf(hyperband, 27, -1)).toThrow('Trial number -1 is not a whole number ≥ 0');
  });
});

describe('hyperbandDecision', () => {
  it('competes only within the trial’s bracket', () => {
    // Trials 0 and 2 are in bracket 0, trial 1 in bracket 1. Trial 2 beats trial 0, so it goes on, though
    // trial 1 is better: plain ASHA over all three would stop it.
    const others = [trial(0, [0.5]), trial(1, [0.99])];
    const t = trial(2, [0.6]);
    expect(hyperbandDecision(hyperband, maximize, t, others, 1).stop).toBe(false);
    const asha: AshaPolicy = { type: 'asha', minEpochs: 1 };
    expect(shouldStop(asha, maximize, t, others, 1).stop).toBe(true);
    const beaten = hyperbandDecision(hyperband, maximize, trial(2, [0.4]), others, 1);
    expect(beaten.stop && beaten.reason).toBe(
      'Stopped at epoch 1 (rung 1 of 4, bracket 1 of 4): validation accuracy 0.4 ranks 2nd of the 2 trials that reached epoch 1; only the best goes on (1/3).',
    );
  });

  it('starts judging at the bracket’s first rung', () => {
    // Trial 1 is in bracket 1 (first rung at epoch 3); trial 7 too. Trial 7 is worse all along.
    const leader = trial(1, Array.from({ length: 27 }, () => 0.9));
    const laggard = trial(7, Array.from({ length: 27 }, () => 0.1));
    expect(bracketOf(hyperband, 27, 7)).toBe(1);
    const decided = Array.from({ length: 27 }, (_, i) => i + 1).filter((e) => hyperbandDecision(hyperband, maximize, laggard, [leader], e).stop);
    expect(decided).toEqual([3, 9]);
    // Trial 5 is in the last bracket: its only rung is the full 27 epochs, so it is never stopped.
    expect(bracketOf(hyperband, 27, 5)).toBe(3);
    const patient = trial(5, Array.from({ length: 27 }, () => 0.1));
    const others = [leader, trial(12, Array.from({ length: 27 }, () => 0.95))];
    expect(Array.from({ length: 27 }, (_, i) => hyperbandDecision(hyperband, maximize, patient, others, i + 1).stop)).not.toContain(true);
  });
});
