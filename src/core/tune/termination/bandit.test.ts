import { describe, expect, it } from 'vitest';
import type { BanditPolicy } from '../../../protocol/termination';
import { banditDecision, banditThreshold } from './bandit';
import type { TerminationContext, TrialProgress } from './trial-progress';

const trial = (trialNumber: number, values: (number | undefined)[]): TrialProgress => ({ trialNumber, values });
const maximize: TerminationContext = { goal: 'maximize', maxEpochs: 10, metricLabel: 'validation accuracy' };
const minimize: TerminationContext = { goal: 'minimize', maxEpochs: 10, metricLabel: 'validation loss' };
const factor = (slackFactor: number): BanditPolicy => ({ type: 'bandit', slackFactor });
const amount = (slackAmount: number): BanditPolicy => ({ type: 'bandit', slackAmount });

describe('banditThreshold', () => {
  it('is best/(1+f) when maximizing and best·(1+f) when minimizing, for a positive best', () => {
    expect(banditThreshold(factor(0.1), 'maximize', 0.88)).toBeCloseTo(0.8, 12);
    expect(banditThreshold(factor(0.25), 'minimize', 0.4)).toBeCloseTo(0.5, 12);
    expect(banditThreshold(amount(0.05), 'maximize', 0.9)).toBeCloseTo(0.85, 12);
    expect(banditThreshold(amount(0.05), 'minimize', 0.3)).toBeCloseTo(0.35, 12);
  });

  it('stays on the worse side of a negative best', () => {
    // best/(1+f) = −0.4167 would lie above a best of −0.5; −0.5 − 0.5·0.2/1.2 = −0.5833 lies below it.
    expect(banditThreshold(factor(0.2), 'maximize', -0.5)).toBeCloseTo(-0.5 - 0.1 / 1.2, 12);
    expect(banditThreshold(factor(0.2), 'minimize', -2)).toBeCloseTo(-1.6, 12);
  });
});

describe('banditDecision', () => {
  const best = trial(0, [0.7, 0.85, 0.88]);

  it('maximizing with a slack factor, stops below best/(1+f)', () => {
    const stopped = banditDecision(factor(0.1), maximize, trial(1, [0.6, 0.7, 0.79]), [best], 3);
    expect(stopped).toEqual({
      stop: true,
      notFinite: false,
      reason: "Stopped at epoch 3: validation accuracy 0.79 (best so far) is below 0.8, the best trial's 0.88 at epoch 3 with a slack factor of 0.1.",
    });
    expect(banditDecision(factor(0.1), maximize, trial(1, [0.6, 0.7, 0.81]), [best], 3).stop).toBe(false);
  });

  it('minimizing with a slack factor, stops above best·(1+f)', () => {
    const losses = [trial(0, [0.9, 0.6, 0.4])];
    const stopped = banditDecision(factor(0.25), minimize, trial(1, [1, 0.7, 0.52]), losses, 3);
    expect(stopped.stop && stopped.reason).toBe(
      "Stopped at epoch 3: validation loss 0.52 (best so far) is above 0.5, the best trial's 0.4 at epoch 3 with a slack factor of 0.25.",
    );
    expect(banditDecision(factor(0.25), minimize, trial(1, [1, 0.7, 0.48]), losses, 3).stop).toBe(false);
  });

  it('with a slack amount, stops beyond best ∓ amount for both goals', () => {
    const accuracies = [trial(0, [0.9])];
    expect(banditDecision(amount(0.05), maximize, trial(1, [0.84]), accuracies, 1).stop).toBe(true);
    expect(banditDecision(amount(0.05), maximize, trial(1, [0.86]), accuracies, 1).stop).toBe(false);
    const losses = [trial(0, [0.3])];
    const stopped = banditDecision(amount(0.05), minimize, trial(1, [0.36]), losses, 1);
    expect(stopped.stop && stopped.reason).toContain("is above 0.35, the best trial's 0.3 at epoch 1 with a slack amount of 0.05");
    expect(banditDecision(amount(0.05), minimize, trial(1, [0.34]), losses, 1).stop).toBe(false);
  });

  it('never stops the best trial, even with a negative best', () => {
    const r2 = [trial(0, [-0.6]), trial(1, [-0.9])];
    expect(banditDecision(factor(0.2), maximize, trial(2, [-0.5]), r2, 1).stop).toBe(false);
    expect(banditDecision(factor(0.2), maximize, trial(0, [-0.6]), [...r2, trial(2, [-0.5])], 1).stop).toBe(true);
    expect(banditDecision(factor(0.2), maximize, trial(0, [-0.55]), [trial(2, [-0.5])], 1).stop).toBe(false);
    expect(banditDecision(factor(0.1), maximize, trial(0, [0.5]), [], 1).stop).toBe(false);
  });

  it("uses best values so far at the epoch: the trial's earlier peak, not the others' later values", () => {
    // The trial peaked at 0.9; the other's 0.99 at epoch 4 is not known at epoch 3 (best so far there: 0.92).
    const other = trial(0, [0.5, 0.8, 0.92, 0.99]);
    expect(banditDecision(factor(0.1), maximize, trial(1, [0.7, 0.9, 0.6]), [other], 3).stop).toBe(false);
    expect(banditDecision(factor(0.01), maximize, trial(1, [0.7, 0.9, 0.6]), [other], 3).stop).toBe(true);
  });

  it('honours delayEvaluation and evaluationInterval', () => {
    const delayed: BanditPolicy = { type: 'bandit', slackAmount: 0, evaluationInterval: 3, delayEvaluation: 5 };
    const bad = trial(1, Array.from({ length: 9 }, () => 0.1));
    const good = [trial(0, Array.from({ length: 9 }, () => 0.9))];
    const stops = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((e) => banditDecision(delayed, maximize, bad, good, e).stop);
    expect(stops).toEqual([false, false, false, false, false, true, false, false, true]);
  });

  it('never lets NaN or Infinity be the best', () => {
    const diverged = [trial(0, [Number.NaN, Number.NaN]), trial(1, [0.5, Infinity])];
    expect(banditDecision(factor(0.1), maximize, trial(2, [0.4, 0.45]), diverged, 2).stop).toBe(true); // best is 0.5
    expect(banditDecision(factor(0.1), maximize, trial(2, [0.5, 0.5]), diverged, 2).stop).toBe(false);
    const losses = [trial(0, [-Infinity]), trial(1, [Number.NaN])];
    expect(banditDecision(factor(0.1), minimize, trial(2, [3]), losses, 1).stop).toBe(false);
  });
});
