import { describe, expect, it } from 'vitest';
import type { AshaPolicy } from '../../../protocol/termination';
import { ashaDecision, promotedCount, successiveHalvingRungs } from './asha';
import { rungEpochs } from './should-stop';
import type { TerminationContext, TrialProgress } from './trial-progress';

const trial = (trialNumber: number, values: (number | undefined)[]): TrialProgress => ({ trialNumber, values });
const maximize: TerminationContext = { goal: 'maximize', maxEpochs: 27, metricLabel: 'validation accuracy' };
const minimize: TerminationContext = { goal: 'minimize', maxEpochs: 27, metricLabel: 'validation loss' };
const asha: AshaPolicy = { type: 'asha', minEpochs: 1 };
/** A trial whose value at epoch 1 is `v` (enough for rung 1). */
const atRung1 = (trialNumber: number, v: number): TrialProgress => trial(trialNumber, [v]);

describe('rungs', () => {
  it('sit at minEpochs · η^k ≤ maxEpochs', () => {
    expect(rungEpochs(asha, 27)).toEqual([1, 3, 9, 27]);
    expect(rungEpochs(asha, 26)).toEqual([1, 3, 9]);
    expect(rungEpochs({ type: 'asha', minEpochs: 2, reductionFactor: 2 }, 20)).toEqual([2, 4, 8, 16]);
    expect(rungEpochs({ type: 'asha', minEpochs: 1, maxEpochs: 10 }, 27)).toEqual([1, 3, 9]);
    expect(rungEpochs({ type: 'asha', minEpochs: 5 }, 5)).toEqual([5]);
    expect(successiveHalvingRungs({ minEpochs: 1, reductionFactor: 3, maxEpochs: 243 })).toEqual([1, 3, 9, 27, 81, 243]);
  });

  it('promote floor(n/η) arrivals, at least one', () => {
    expect([1, 2, 3, 5, 6, 9, 27].map((n) => promotedCount(n, 3))).toEqual([1, 1, 1, 1, 2, 3, 9]);
  });
});

describe('ashaDecision', () => {
  it('lets the first arrival at a rung go on, and only the best of fewer than η', () => {
    expect(ashaDecision(asha, maximize, atRung1(0, 0.5), [], 1).stop).toBe(false);
    expect(ashaDecision(asha, maximize, atRung1(1, 0.4), [atRung1(0, 0.5)], 1)).toEqual({
      stop: true,
      notFinite: false,
      reason: 'Stopped at epoch 1 (rung 1 of 4): validation accuracy 0.4 ranks 2nd of the 2 trials that reached epoch 1; only the best goes on (1/3).',
    });
    expect(ashaDecision(asha, maximize, atRung1(1, 0.6), [atRung1(0, 0.5)], 1).stop).toBe(false);
  });

  it('keeps the top floor(n/η) of the arrivals', () => {
    // Six arrivals, η = 3: the top 2 go on.
    const five = [0.9, 0.8, 0.3, 0.2, 0.1].map((v, i) => atRung1(i, v));
    expect(ashaDecision(asha, maximize, atRung1(5, 0.85), five, 1).stop).toBe(false); // 2nd
    const third = ashaDecision(asha, maximize, atRung1(5, 0.5), five, 1);
    expect(third.stop && third.reason).toBe(
      'Stopped at epoch 1 (rung 1 of 4): validation accuracy 0.5 ranks 3rd of the 6 trials that reached epoch 1; only the top 2 go on (1/3).',
    );
  });

  it('decides only at rungs below maxEpochs', () => {
    const leader = trial(0, Array.from({ length: 27 }, () => 0.9));
    const laggard = trial(1, Array.from({ length: 27 }, () => 0.1));
    const decided = Array.from({ length: 27 }, (_, i) => i + 1).filter((e) => ashaDecision(asha, maximize, laggard, [leader], e).stop);
    expect(decided).toEqual([1, 3, 9]);
  });

  it('minimizes', () => {
    const losses = [0.2, 0.4, 0.6, 0.8, 1.0].map((v, i) => atRung1(i, v));
    expect(ashaDecision(asha, minimize, atRung1(5, 0.3), losses, 1).stop).toBe(false); // 2nd of 6
    expect(ashaDecision(asha, minimize, atRung1(5, 0.5), losses, 1).stop).toBe(true); // 3rd of 6
  });

  it('breaks ties by trial number, whatever the order the trials are listed in', () => {
    // Six arrivals, top 2 go on; trials 2 and 4 tie for 2nd place: trial 2 (the smaller number) takes it.
    const all = [atRung1(0, 0.9), atRung1(1, 0.5), atRung1(2, 0.7), atRung1(3, 0.3), atRung1(4, 0.7), atRung1(5, 0.1)];
    const shuffled = [all[3], all[5], all[4], all[0], all[2], all[1]];
    for (const others of [all, shuffled]) {
      expect(ashaDecision(asha, maximize, all[2], others, 1).stop).toBe(false);
      expect(ashaDecision(asha, maximize, all[4], others, 1).stop).toBe(true);
    }
    // Exactly floor(6/3) = 2 of the six go on.
    expect(all.filter((t) => !ashaDecision(asha, maximize, t, shuffled, 1).stop).map((t) => t.trialNumber)).toEqual([0, 2]);
  });

  it('ranks trials by their value at the rung, counting only trials that reached it', () => {
    // Trial 0 went on to 0.99 later, but at rung 2 (epoch 3) it had 0.5; trial 1 never reached epoch 3.
    const others = [trial(0, [0.4, 0.45, 0.5, 0.99]), trial(1, [0.95, 0.95])];
    expect(ashaDecision(asha, maximize, trial(2, [0.1, 0.3, 0.6]), others, 3).stop).toBe(false);
    expect(ashaDecision(asha, maximize, trial(2, [0.1, 0.3, 0.45]), others, 3).stop).toBe(true);
  });

  it('ranks a diverged trial last', () => {
    const diverged = [atRung1(0, Number.NaN), atRung1(1, Infinity)];
    // Three arrivals: the finite trial is the best of them whichever goal.
    expect(ashaDecision(asha, maximize, atRung1(2, 0.01), diverged, 1).stop).toBe(false);
    expect(ashaDecision(asha, minimize, atRung1(2, 1e9), [...diverged, atRung1(3, -Infinity)], 1).stop).toBe(false);
  });
});
