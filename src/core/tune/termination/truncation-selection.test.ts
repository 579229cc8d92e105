import { describe, expect, it } from 'vitest';
import type { TruncationSelection } from '../../../protocol/termination';
import type { TerminationContext, TrialProgress } from './trial-progress';
import { truncatedCount, truncationDecision } from './truncation-selection';

const trial = (trialNumber: number, values: (number | undefined)[]): TrialProgress => ({ trialNumber, values });
const maximize: TerminationContext = { goal: 'maximize', maxEpochs: 10, metricLabel: 'validation accuracy' };
const minimize: TerminationContext = { goal: 'minimize', maxEpochs: 10, metricLabel: 'validation loss' };
const truncate = (truncationPercentage: number, extra: Partial<TruncationSelection> = {}): TruncationSelection => ({
  type: 'truncation',
  truncationPercentage,
  ...extra,
});

/** Five trials at epoch 2 whose best so far are 0.5, 0.6, 0.7, 0.8, 0.9 (trial 4 is the worst). */
const five = [trial(0, [0.8, 0.9]), trial(1, [0.7, 0.8]), trial(2, [0.6, 0.7]), trial(3, [0.6, 0.5]), trial(4, [0.4, 0.5])];

function stoppedAt(policy: TruncationSelection, context: TerminationContext, trials: TrialProgress[], epoch: number): number[] {
  const reached = trials.filter((t) => t.values.length >= epoch);
  return reached.filter((t) => truncationDecision(policy, context, t, trials, epoch).stop).map((t) => t.trialNumber);
}

describe('truncatedCount', () => {
  it('is floor(n · p / 100)', () => {
    expect([4, 5, 9, 10].map((n) => truncatedCount(n, 20))).toEqual([0, 1, 1, 2]);
    expect(truncatedCount(3, 99)).toBe(2);
  });
});

describe('truncationDecision', () => {
  it('stops the lowest percentage, ranking by best value so far', () => {
    // Trial 3's best so far is 0.6 (epoch 1): it ranks above trial 4 (0.5).
    expect(stoppedAt(truncate(20), maximize, five, 2)).toEqual([4]);
    expect(stoppedAt(truncate(40), maximize, five, 2)).toEqual([3, 4]);
    const reason = truncationDecision(truncate(40), maximize, five[3], five, 2);
    expect(reason).toEqual({
      stop: true,
      notFinite: false,
      reason: 'Stopped at epoch 2: validation accuracy 0.6 (best so far) ranks 4th of the 5 trials at epoch 2, in the lowest 40% (the lowest 2 stop).',
    });
  });

  it('stops nothing until enough trials reached the epoch for the percentage to cover one', () => {
    const four = five.slice(0, 4);
    expect(stoppedAt(truncate(20), maximize, four, 2)).toEqual([]);
    // A fifth trial that has only reached epoch 1 does not count at epoch 2.
    expect(stoppedAt(truncate(20), maximize, [...four, trial(9, [0.1])], 2)).toEqual([]);
    expect(truncationDecision(truncate(99), maximize, trial(0, [0.1]), [], 1).stop).toBe(false);
  });

  it('compares a young trial with the older trials at the same epoch', () => {
    // The older trials reached 0.99 later, but at epoch 1 the young one (0.65) beats two of them.
    const older = [trial(0, [0.7, 0.99]), trial(1, [0.6, 0.99]), trial(2, [0.55, 0.99]), trial(3, [0.8, 0.99])];
    const young = trial(4, [0.65]);
    expect(truncationDecision(truncate(20), maximize, young, older, 1).stop).toBe(false);
    expect(stoppedAt(truncate(20), maximize, [...older, young], 1)).toEqual([2]);
  });

  it('minimizes', () => {
    const losses = [trial(0, [1]), trial(1, [2]), trial(2, [3]), trial(3, [4]), trial(4, [0.5])];
    expect(stoppedAt(truncate(20), minimize, losses, 1)).toEqual([3]);
    const reason = truncationDecision(truncate(20), minimize, losses[3], losses, 1);
    expect(reason.stop && reason.reason).toContain('validation loss 4 (best so far) ranks 5th of the 5 trials');
  });

  it('breaks ties by trial number, whatever the order the trials are listed in', () => {
    // Trials 1 and 3 tie for last; the larger number ranks lower.
    const tied = [trial(0, [0.9]), trial(1, [0.2]), trial(2, [0.8]), trial(3, [0.2]), trial(4, [0.7])];
    const reversed = [...tied].reverse();
    expect(stoppedAt(truncate(20), maximize, tied, 1)).toEqual([3]);
    expect(stoppedAt(truncate(20), maximize, reversed, 1)).toEqual([3]);
    expect(stoppedAt(truncate(40), maximize, reversed, 1).sort()).toEqual([1, 3]);
  });

  it('honours delayEvaluation and evaluationInterval', () => {
    const trials = five.map((t) => trial(t.trialNumber, [t.values[0], t.values[1], t.values[1], t.values[1]]));
    const policy = truncate(20, { evaluationInterval: 2, delayEvaluation: 3 });
    expect([1, 2, 3, 4].map((e) => stoppedAt(policy, maximize, trials, e))).toEqual([[], [], [], [4]]);
  });

  it('ranks a diverged trial last', () => {
    const trials = [...five.slice(0, 4), trial(4, [0.95, 0.99]), trial(5, [Number.NaN, Number.NaN])];
    expect(stoppedAt(truncate(20), maximize, trials, 2)).toEqual([5]);
  });
});
