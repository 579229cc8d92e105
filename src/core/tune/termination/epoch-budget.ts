/**
 * @file What a sweep spent: the epochs its trials trained, to compare a policy with training every trial fully.
 */
import type { TrialProgress } from './trial-progress';

/** Total epochs the trials trained: each trial counts the epochs it reported (holes included), finished or not. */
export function epochsConsumed(trials: readonly Pick<TrialProgress, 'values'>[]): number {
  return trials.reduce((sum, t) => sum + t.values.length, 0);
}

/** Epochs of training `trialCount` trials fully for `maxEpochs` each: the budget without early termination. */
export function fullTrainingEpochs(trialCount: number, maxEpochs: number): number {
  return trialCount * maxEpochs;
}
