/**
 * @file The one entry point of early termination: the sweep runner asks {@link shouldStop} after each epoch a trial
 * reports, with every trial of the sweep as it stands, and stops the trial when told to (the reason goes to the
 * trial's log and the sweep table).
 */
import type { AshaPolicy, HyperbandPolicy, TerminationPolicy } from '../../../protocol/termination';
import { ashaDecision, ashaSettings, successiveHalvingRungs } from './asha';
import { banditDecision } from './bandit';
import { hyperbandBrackets, hyperbandDecision } from './hyperband';
import { medianStoppingDecision } from './median-stopping';
import { assertTerminationPolicy } from './policy-checks';
import { CONTINUE, metricLabel, type StopDecision, type TerminationContext, type TrialProgress } from './trial-progress';
import { truncationDecision } from './truncation-selection';

/**
 * Whether `trial` should stop after `epoch` (counted from 1; the trial must have reported it), given `others`, the
 * sweep's other trials in any state (running, finished, stopped, failed; `others` may include `trial` itself, and
 * their order never matters). Pure and deterministic.
 *
 * Under every policy but `none`, a trial whose value at `epoch` is NaN or infinite stops at once (`notFinite`);
 * elsewhere such values rank worst. An epoch that reported no value decides nothing, nor does the trial's last
 * epoch (`context.maxEpochs`): it has finished. Throws a `RangeError` for a policy with out-of-range numbers or an
 * epoch the trial has not reported.
 */
export function shouldStop(
  policy: TerminationPolicy,
  context: TerminationContext,
  trial: TrialProgress,
  others: readonly TrialProgress[],
  epoch: number,
): StopDecision {
  if (policy.type === 'none') return CONTINUE;
  assertTerminationPolicy(policy, context.maxEpochs);
  if (!Number.isInteger(epoch) || epoch < 1 || epoch > trial.values.length) {
    const reported = trial.values.length;
    throw new RangeError(`Epoch ${epoch} is not one trial ${trial.trialNumber} reported; expected 1 to ${reported}`);
  }
  const value = trial.values[epoch - 1];
  if (value === undefined) return CONTINUE;
  if (!Number.isFinite(value)) {
    const reason = `Stopped at epoch ${epoch}: ${metricLabel(context)} is ${value}; training diverged.`;
    return { stop: true, reason, notFinite: true };
  }
  // The trial's last epoch: it has finished, and stopping would save nothing.
  if (epoch >= context.maxEpochs) return CONTINUE;
  switch (policy.type) {
    case 'median':
      return medianStoppingDecision(policy, context, trial, others, epoch);
    case 'bandit':
      return banditDecision(policy, context, trial, others, epoch);
    case 'truncation':
      return truncationDecision(policy, context, trial, others, epoch);
    case 'asha':
      return ashaDecision(policy, context, trial, others, epoch);
    case 'hyperband':
      return hyperbandDecision(policy, context, trial, others, epoch);
  }
}

/**
 * The rung epochs of an ASHA policy, or of Hyperband bracket `bracket` (default the first, most eager one), for
 * trials of `maxEpochs` epochs unless the policy sets its own: `minEpochs · η^k ≤ maxEpochs`. A trial is judged at
 * each rung below `maxEpochs`.
 */
export function rungEpochs(policy: AshaPolicy | HyperbandPolicy, maxEpochs: number, bracket = 0): number[] {
  assertTerminationPolicy(policy, maxEpochs);
  if (policy.type === 'asha') return successiveHalvingRungs(ashaSettings(policy, maxEpochs));
  const brackets = hyperbandBrackets(policy, maxEpochs);
  if (!Number.isInteger(bracket) || bracket < 0 || bracket >= brackets.length) {
    throw new RangeError(`Bracket ${bracket} does not exist; this Hyperband has brackets 0 to ${brackets.length - 1}`);
  }
  return brackets[bracket].rungs;
}
