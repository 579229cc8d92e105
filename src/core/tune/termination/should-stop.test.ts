import { describe, expect, it } from 'vitest';
import type { TerminationPolicy } from '../../../protocol/termination';
import { epochsConsumed, fullTrainingEpochs } from './epoch-budget';
import { terminationPolicyProblems } from './policy-checks';
import { shouldStop } from './should-stop';
import { formatMetric, ordinal, type TerminationContext, type TrialProgress } from './trial-progress';

const trial = (trialNumber: number, values: (number | undefined)[]): TrialProgress => ({ trialNumber, values });
const context: TerminationContext = { goal: 'minimize', maxEpochs: 9, metricLabel: 'validation loss' };
const policies: TerminationPolicy[] = [
  { type: 'median', delayEvaluation: 5 },
  { type: 'bandit', slackFactor: 0.1, delayEvaluation: 5 },
  { type: 'truncation', truncationPercentage: 10, delayEvaluation: 5 },
  { type: 'asha', minEpochs: 3 },
  { type: 'hyperband', minEpochs: 3 },
];

describe('shouldStop', () => {
  it('stops a diverged trial under every policy at once, even between checks', () => {
    for (const policy of policies) {
      for (const bad of [Number.NaN, Infinity, -Infinity]) {
        expect(shouldStop(policy, context, trial(0, [1, bad]), [], 2)).toEqual({
          stop: true,
          notFinite: true,
          reason: `Stopped at epoch 2: validation loss is ${bad}; training diverged.`,
        });
      }
    }
  });

  it('never stops under the none policy', () => {
    const t = trial(1, [9, Number.NaN]);
    expect(shouldStop({ type: 'none' }, context, t, [trial(0, [0, 0])], 2)).toEqual({ stop: false });
  });

  it('decides nothing for an epoch without a value, and refuses an epoch the trial has not reported', () => {
    const others = [trial(0, [1, 1, 1, 1, 1, 1])];
    expect(shouldStop({ type: 'bandit', slackAmount: 0 }, context, trial(1, [5, undefined]), others, 2).stop).toBe(false);
    expect(shouldStop({ type: 'bandit', slackAmount: 0 }, context, trial(1, [5, 5]), others, 2).stop).toBe(true);
    expect(() => shouldStop({ type: 'median' }, context, trial(1, [5, 5]), others, 3)).toThrow(
      'Epoch 3 is not one trial 1 reported; expected 1 to 2',
    );
    expect(() => shouldStop({ type: 'median' }, context, trial(1, [5]), others, 0)).toThrow(RangeError);
  });

  it('lets a trial finish its last epoch (nothing left to save)', () => {
    const others = [trial(0, Array.from({ length: 9 }, () => 0.1))];
    const last = trial(1, Array.from({ length: 9 }, () => 5));
    const bandit: TerminationPolicy = { type: 'bandit', slackAmount: 0 };
    expect(shouldStop(bandit, context, last, others, 8).stop).toBe(true);
    expect(shouldStop(bandit, context, last, others, 9).stop).toBe(false);
    // An ASHA whose own maxEpochs is beyond the trials' epochs has a rung at their last epoch (9): no decision there.
    const asha: TerminationPolicy = { type: 'asha', minEpochs: 1, maxEpochs: 27 };
    expect(shouldStop(asha, context, last, others, 3).stop).toBe(true);
    expect(shouldStop(asha, context, last, others, 9).stop).toBe(false);
  });

  it('dispatches on the policy type (the same trials, different verdicts)', () => {
    // At epoch 6, losses so far: trial 0 best 1, trial 1 best 2, trial 2 best 1.05.
    const trials = [trial(0, [3, 2, 1.5, 1.2, 1.1, 1]), trial(1, [4, 3, 2.5, 2.2, 2.1, 2]), trial(2, [3, 2, 1.5, 1.2, 1.1, 1.05])];
    const verdicts = (t: TrialProgress) => policies.map((p) => shouldStop(p, context, t, trials, 6).stop);
    expect(verdicts(trials[2])).toEqual([false, false, false, false, false]);
    // Trial 1 at epoch 6: best 2 is above the median running average (1.64) and outside 1 · 1.1; truncation
    // needs 10 trials for 10% to cover one; epoch 6 is no ASHA rung (3, 9).
    expect(verdicts(trials[1])).toEqual([true, true, false, false, false]);
  });

  it('refuses a policy with out-of-range numbers, naming the value', () => {
    expect(() => shouldStop({ type: 'asha', minEpochs: 0 }, context, trial(0, [1]), [], 1)).toThrow(
      'Early termination policy: ASHA minEpochs is 0; expected a whole number of epochs ≥ 1',
    );
  });
});

describe('terminationPolicyProblems', () => {
  it('lists every problem, and none for usable policies', () => {
    for (const policy of policies) expect(terminationPolicyProblems(policy, 9)).toEqual([]);
    expect(terminationPolicyProblems({ type: 'bandit', slackFactor: 0.1, slackAmount: 0.1 }, 9)).toEqual([
      'Bandit needs exactly one of slackFactor and slackAmount; got both',
    ]);
    expect(terminationPolicyProblems({ type: 'bandit', evaluationInterval: 0, delayEvaluation: 1.5 }, 9)).toEqual([
      'Bandit evaluationInterval is 0; expected a whole number of epochs ≥ 1',
      'Bandit delayEvaluation is 1.5; expected a whole number of epochs ≥ 0',
      'Bandit needs exactly one of slackFactor and slackAmount; got neither',
    ]);
    expect(terminationPolicyProblems({ type: 'bandit', slackFactor: -0.1 }, 9)).toEqual([
      'Bandit slackFactor is -0.1; expected a ratio ≥ 0 (0.1 allows 10%)',
    ]);
    expect(terminationPolicyProblems({ type: 'truncation', truncationPercentage: 100 }, 9)).toEqual([
      'Truncation selection truncationPercentage is 100; expected a percentage from 1 to 99',
    ]);
    expect(terminationPolicyProblems({ type: 'hyperband', minEpochs: 10, reductionFactor: 1.5 }, 9)).toEqual([
      'Hyperband minEpochs is 10, more than the 9 epochs of a full trial; expected at most 9',
      'Hyperband reductionFactor is 1.5; expected a whole number ≥ 2',
    ]);
    expect(terminationPolicyProblems({ type: 'asha', minEpochs: 1, maxEpochs: 0 }, 9)).toEqual([
      'ASHA maxEpochs is 0; expected a whole number of epochs ≥ 1',
    ]);
  });
});

describe('epochsConsumed', () => {
  it('sums the epochs each trial reported', () => {
    expect(epochsConsumed([trial(0, [1, 2, 3]), trial(1, [1]), trial(2, [])])).toBe(4);
    expect(fullTrainingEpochs(27, 27)).toBe(729);
  });
});

describe('formatting', () => {
  it('writes metrics with 4 significant digits and ordinals in English', () => {
    expect([0.72134, 0.6, 1234.56, 1e-7, Number.NaN].map(formatMetric)).toEqual(['0.7213', '0.6', '1235', '1e-7', 'NaN']);
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111].map(ordinal)).toEqual([
      '1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '23rd', '101st', '111th',
    ]);
  });
});
