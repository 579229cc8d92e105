/**
 * @file Validation of a sweep's early-termination policy (`src/protocol/termination.ts`): `terminationSchema` for
 * the shape and ranges (defaults filled in, except `maxEpochs`, which follows the trial spec), and
 * `checkTermination` for the rules between fields and against the trial's epochs.
 */
import * as v from 'valibot';
import type { TerminationPolicy } from '../../protocol/termination';
import type { SpecIssue } from '../../protocol/train';
import { intRange, numberRange, strict, tagged } from '../jobs/spec-fields';
import { TRAIN_LIMITS } from '../jobs/train-spec-schema';

const [, MAX_EPOCHS] = TRAIN_LIMITS.epochs;

const interval = {
  evaluationInterval: v.optional(intRange(1, MAX_EPOCHS), 1),
  delayEvaluation: v.optional(intRange(0, MAX_EPOCHS), 0),
};

const slack = v.optional(numberRange(0, 1e12));

const rungs = {
  minEpochs: intRange(1, MAX_EPOCHS),
  maxEpochs: v.optional(intRange(1, MAX_EPOCHS)),
  reductionFactor: v.optional(intRange(2, 100), 3),
};

/** An early-termination policy, discriminated on `type`. */
export const terminationSchema = tagged('type', [
  strict({ type: v.literal('none') }),
  strict({ type: v.literal('median'), ...interval }),
  strict({ type: v.literal('bandit'), ...interval, slackFactor: slack, slackAmount: slack }),
  strict({ type: v.literal('truncation'), ...interval, truncationPercentage: numberRange(1, 99) }),
  strict({ type: v.literal('asha'), ...rungs }),
  strict({ type: v.literal('hyperband'), ...rungs }),
]);

/**
 * Problems between a policy's fields, paths under `prefix` (`termination`): a bandit policy needs exactly one of
 * `slackFactor` and `slackAmount`; ASHA/Hyperband need `minEpochs` ≤ `maxEpochs` ≤ the trial's epochs (when known:
 * `trialEpochs` is undefined when the epochs are swept).
 */
export function checkTermination(policy: TerminationPolicy, trialEpochs: number | undefined, prefix = 'termination'): SpecIssue[] {
  const issues: SpecIssue[] = [];
  if (policy.type === 'bandit') {
    const given = [policy.slackFactor, policy.slackAmount].filter((s) => s !== undefined).length;
    if (given !== 1) {
      issues.push({
        path: prefix,
        message: `a bandit policy needs exactly one of slackFactor (a ratio, e.g. 0.1) and slackAmount (an absolute difference), got ${given === 0 ? 'neither' : 'both'}`,
      });
    }
  }
  if (policy.type === 'asha' || policy.type === 'hyperband') {
    const maxEpochs = policy.maxEpochs ?? trialEpochs;
    if (policy.maxEpochs !== undefined && trialEpochs !== undefined && policy.maxEpochs > trialEpochs) {
      issues.push({ path: `${prefix}.maxEpochs`, message: `expected at most the trial spec's epochs (${trialEpochs}), got ${policy.maxEpochs}` });
    }
    if (maxEpochs !== undefined && policy.minEpochs > maxEpochs) {
      const what = policy.maxEpochs === undefined ? `the trial spec's epochs (${maxEpochs})` : `maxEpochs (${maxEpochs})`;
      issues.push({ path: `${prefix}.minEpochs`, message: `expected at most ${what}, got ${policy.minEpochs}` });
    }
  }
  return issues;
}
