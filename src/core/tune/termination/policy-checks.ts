/**
 * @file Range checks of a termination policy's numbers, with messages that name the bad value and what was expected,
 * and the evaluation schedule of the step-comparison policies (Azure ML's `evaluation_interval`/`delay_evaluation`).
 */
import type { AshaPolicy, HyperbandPolicy, IntervalPolicy, TerminationPolicy } from '../../../protocol/termination';

/** Default η of ASHA and Hyperband. */
export const DEFAULT_REDUCTION_FACTOR = 3;

function isInteger(value: unknown, min: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min;
}

function intervalProblems(policy: IntervalPolicy, name: string): string[] {
  const problems: string[] = [];
  const { evaluationInterval, delayEvaluation } = policy;
  if (evaluationInterval !== undefined && !isInteger(evaluationInterval, 1)) {
    problems.push(`${name} evaluationInterval is ${evaluationInterval}; expected a whole number of epochs ≥ 1`);
  }
  if (delayEvaluation !== undefined && !isInteger(delayEvaluation, 0)) {
    problems.push(`${name} delayEvaluation is ${delayEvaluation}; expected a whole number of epochs ≥ 0`);
  }
  return problems;
}

function successiveHalvingProblems(policy: AshaPolicy | HyperbandPolicy, name: string, maxEpochs: number): string[] {
  const problems: string[] = [];
  const { minEpochs, reductionFactor } = policy;
  const max = policy.maxEpochs ?? maxEpochs;
  if (!isInteger(minEpochs, 1)) problems.push(`${name} minEpochs is ${minEpochs}; expected a whole number of epochs ≥ 1`);
  if (policy.maxEpochs !== undefined && !isInteger(policy.maxEpochs, 1)) {
    problems.push(`${name} maxEpochs is ${policy.maxEpochs}; expected a whole number of epochs ≥ 1`);
  } else if (!isInteger(max, 1)) {
    problems.push(`The trials' epochs are ${max}; expected a whole number ≥ 1`);
  } else if (isInteger(minEpochs, 1) && minEpochs > max) {
    problems.push(`${name} minEpochs is ${minEpochs}, more than the ${max} epochs of a full trial; expected at most ${max}`);
  }
  if (reductionFactor !== undefined && !isInteger(reductionFactor, 2)) {
    problems.push(`${name} reductionFactor is ${reductionFactor}; expected a whole number ≥ 2`);
  }
  return problems;
}

/**
 * Every problem with `policy`'s numbers, one sentence each (empty when it is usable). `maxEpochs` is the trials'
 * epochs, the default `maxEpochs` of ASHA and Hyperband. Field presence and types are the sweep spec schema's job;
 * this checks ranges and cross-field rules.
 */
export function terminationPolicyProblems(policy: TerminationPolicy, maxEpochs: number): string[] {
  switch (policy.type) {
    case 'none':
      return [];
    case 'median':
      return intervalProblems(policy, 'Median stopping');
    case 'bandit': {
      const problems = intervalProblems(policy, 'Bandit');
      const { slackFactor, slackAmount } = policy;
      if ((slackFactor === undefined) === (slackAmount === undefined)) {
        problems.push(`Bandit needs exactly one of slackFactor and slackAmount; got ${slackFactor === undefined ? 'neither' : 'both'}`);
      } else if (slackFactor !== undefined && !(Number.isFinite(slackFactor) && slackFactor >= 0)) {
        problems.push(`Bandit slackFactor is ${slackFactor}; expected a ratio ≥ 0 (0.1 allows 10%)`);
      } else if (slackAmount !== undefined && !(Number.isFinite(slackAmount) && slackAmount >= 0)) {
        problems.push(`Bandit slackAmount is ${slackAmount}; expected a number ≥ 0`);
      }
      return problems;
    }
    case 'truncation': {
      const problems = intervalProblems(policy, 'Truncation selection');
      const p = policy.truncationPercentage;
      if (!(Number.isFinite(p) && p >= 1 && p <= 99)) {
        problems.push(`Truncation selection truncationPercentage is ${p}; expected a percentage from 1 to 99`);
      }
      return problems;
    }
    case 'asha':
      return successiveHalvingProblems(policy, 'ASHA', maxEpochs);
    case 'hyperband':
      return successiveHalvingProblems(policy, 'Hyperband', maxEpochs);
  }
}

/** Throws a `RangeError` listing every problem of {@link terminationPolicyProblems}. */
export function assertTerminationPolicy(policy: TerminationPolicy, maxEpochs: number): void {
  const problems = terminationPolicyProblems(policy, maxEpochs);
  if (problems.length > 0) throw new RangeError(`Early termination policy: ${problems.join('; ')}`);
}

/**
 * Whether the policy checks at `epoch` (counted from 1): every multiple of `evaluationInterval` that is at least
 * `delayEvaluation` (Azure ML: interval 1, delay 5 checks at 5, 6, 7…; interval 100, delay 200 first at 200).
 */
export function isEvaluationEpoch(policy: IntervalPolicy, epoch: number): boolean {
  const interval = policy.evaluationInterval ?? 1;
  const delay = policy.delayEvaluation ?? 0;
  return epoch >= 1 && epoch % interval === 0 && epoch >= delay;
}
