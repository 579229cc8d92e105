import { describe, expect, it } from 'vitest';
import type { MedianStopping } from '../../../protocol/termination';
import { median, medianStoppingDecision } from './median-stopping';
import type { TerminationContext, TrialProgress } from './trial-progress';

const trial = (trialNumber: number, values: (number | undefined)[]): TrialProgress => ({ trialNumber, values });
const maximize: TerminationContext = { goal: 'maximize', maxEpochs: 10, metricLabel: 'validation accuracy' };
const minimize: TerminationContext = { goal: 'minimize', maxEpochs: 10, metricLabel: 'validation loss' };
const policy: MedianStopping = { type: 'median' };

// Running averages at epoch 4: A 0.65, B 0.75, C 0.55 → median 0.65.
const others = [trial(0, [0.5, 0.6, 0.7, 0.8]), trial(1, [0.6, 0.7, 0.8, 0.9]), trial(2, [0.4, 0.5, 0.6, 0.7])];

describe('median', () => {
  it('takes the middle value, or the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([-Infinity, 1])).toBe(-Infinity);
  });
});

describe('medianStoppingDecision', () => {
  it('stops a trial whose best so far is worse than the median of the running averages', () => {
    const t = trial(3, [0.5, 0.55, 0.62, 0.6]);
    expect(medianStoppingDecision(policy, maximize, t, others, 4)).toEqual({
      stop: true,
      notFinite: false,
      reason:
        'Stopped at epoch 4: validation accuracy 0.62 (best so far) is below 0.65, the median of the running averages of 3 other trials at epoch 4.',
    });
  });

  it('judges the best value so far, not the latest one', () => {
    // Latest 0.5, but 0.66 at epoch 3 is above the median 0.65.
    expect(medianStoppingDecision(policy, maximize, trial(3, [0.3, 0.4, 0.66, 0.5]), others, 4).stop).toBe(false);
  });

  it('takes the mean of the middle two for an even number of trials', () => {
    // Averages 0.2, 0.55, 0.65, 0.75 → median 0.6; the trial's 0.62 is above it.
    const withD = [...others, trial(4, [0.2, 0.2, 0.2, 0.2])];
    expect(medianStoppingDecision(policy, maximize, trial(3, [0.5, 0.55, 0.62, 0.6]), withD, 4).stop).toBe(false);
  });

  it('minimizes: stops above the median, and lets a tie go on', () => {
    // Loss running averages at epoch 2: 3, 5, 2 → median 3.
    const losses = [trial(0, [4, 2]), trial(1, [6, 4]), trial(2, [2, 2])];
    expect(medianStoppingDecision(policy, minimize, trial(3, [5, 3]), losses, 2).stop).toBe(false);
    const worse = medianStoppingDecision(policy, minimize, trial(3, [5, 3.5]), losses, 2);
    expect(worse).toMatchObject({ stop: true });
    expect(worse.stop && worse.reason).toBe(
      'Stopped at epoch 2: validation loss 3.5 (best so far) is above 3, the median of the running averages of 3 other trials at epoch 2.',
    );
  });

  it('compares only with trials that reached the epoch, and goes on when there are none', () => {
    const young = [trial(0, [0.9, 0.9]), trial(1, [0.95])];
    expect(medianStoppingDecision(policy, maximize, trial(2, [0.1, 0.1, 0.1]), young, 3).stop).toBe(false);
    expect(medianStoppingDecision(policy, maximize, trial(0, [0.1]), [], 1).stop).toBe(false);
    // The trial's own entry among the others is ignored.
    const self = trial(5, [0.1, 0.1]);
    expect(medianStoppingDecision(policy, maximize, self, [self], 2).stop).toBe(false);
    // One other trial is enough: its running average (0.9) is the median.
    const one = medianStoppingDecision(policy, maximize, trial(2, [0.1, 0.2]), young, 2);
    expect(one.stop && one.reason).toContain('the median of the running averages of 1 other trial at epoch 2');
  });

  it('honours delayEvaluation and evaluationInterval', () => {
    const delayed: MedianStopping = { type: 'median', evaluationInterval: 2, delayEvaluation: 3 };
    const good = [trial(0, [0.9, 0.9, 0.9, 0.9, 0.9, 0.9]), trial(1, [0.8, 0.8, 0.8, 0.8, 0.8, 0.8])];
    const bad = trial(2, [0.1, 0.1, 0.1, 0.1, 0.1, 0.1]);
    // Checks at multiples of 2 that are ≥ 3: epochs 4 and 6.
    const stops = [1, 2, 3, 4, 5, 6].map((e) => medianStoppingDecision(delayed, maximize, bad, good, e).stop);
    expect(stops).toEqual([false, false, false, true, false, true]);
  });

  it('counts a diverged trial as the worst, never as the best', () => {
    const a = trial(0, [0.6, 0.7]); // running average 0.65
    const diverged = trial(1, [0.5, Number.NaN]);
    const t = trial(2, [0.5, 0.6]);
    // Median of {−∞, 0.65} is −∞: the diverged trial pulls the bar down, and the trial goes on.
    expect(medianStoppingDecision(policy, maximize, t, [a, diverged], 2).stop).toBe(false);
    // With three others the median is 0.65 and 0.6 is below it.
    expect(medianStoppingDecision(policy, maximize, t, [a, diverged, trial(3, [0.7, 0.8])], 2).stop).toBe(true);
    // Minimizing, an infinite loss is as bad as NaN.
    const losses = [trial(0, [1, 1]), trial(1, [Infinity, Infinity])];
    expect(medianStoppingDecision(policy, minimize, trial(2, [2, 2]), losses, 2).stop).toBe(false);
  });
});
