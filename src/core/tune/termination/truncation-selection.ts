/**
 * @file Truncation selection (Azure ML's TruncationSelectionPolicy): at a check at epoch N, rank the trials that
 * reached N by their best value over 1..N (a younger trial is thus compared with the older trials' values at the
 * same point, not their later ones) and stop the trial if it is among the lowest `truncationPercentage` percent.
 */
import type { TruncationSelection } from '../../../protocol/termination';
import { isEvaluationEpoch } from './policy-checks';
import {
  bestScoreUpTo,
  CONTINUE,
  formatMetric,
  metricLabel,
  ordinal,
  peersAt,
  ranksAbove,
  scoreValue,
  stopFor,
  type StopDecision,
  type TerminationContext,
  type TrialProgress,
} from './trial-progress';

/** How many of `count` trials the lowest `percentage` percent is: `floor(count · percentage / 100)`. */
export function truncatedCount(count: number, percentage: number): number {
  return Math.floor((count * percentage) / 100);
}

/**
 * The truncation verdict for `trial` after `epoch`. Nothing stops until enough trials reached `epoch` for the
 * percentage to cover one of them (5 trials at 20%). Ties rank the smaller trial number higher, so the verdict
 * depends on the set of trials, never on the order they are listed or arrived in.
 */
export function truncationDecision(
  policy: TruncationSelection,
  context: TerminationContext,
  trial: TrialProgress,
  others: readonly TrialProgress[],
  epoch: number,
): StopDecision {
  if (!isEvaluationEpoch(policy, epoch)) return CONTINUE;
  const { goal } = context;
  const peers = peersAt(trial, others, epoch);
  const count = peers.length + 1;
  const cut = truncatedCount(count, policy.truncationPercentage);
  if (cut === 0) return CONTINUE;
  const own = { score: bestScoreUpTo(goal, trial, epoch), trialNumber: trial.trialNumber };
  let above = 0;
  for (const peer of peers) {
    if (ranksAbove({ score: bestScoreUpTo(goal, peer, epoch), trialNumber: peer.trialNumber }, own)) above++;
  }
  const fromBottom = count - 1 - above;
  if (fromBottom >= cut) return CONTINUE;
  return stopFor(
    `Stopped at epoch ${epoch}: ${metricLabel(context)} ${formatMetric(scoreValue(goal, own.score))} (best so far) ` +
      `ranks ${ordinal(above + 1)} of the ${count} trials at epoch ${epoch}, in the lowest ` +
      `${formatMetric(policy.truncationPercentage)}% (the lowest ${cut} stop).`,
  );
}
