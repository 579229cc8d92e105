/**
 * @file The bandit policy (Azure ML's BanditPolicy): at a check at epoch N, stop a trial whose best value so far is
 * not within the slack of the best trial's best value so far at epoch N.
 *
 * Slack factor f (Azure: the run's value Y is cancelled when `Y + Y·f` is below the best): maximizing, a trial stops
 * below `best / (1 + f)`; minimizing, above `best · (1 + f)`. Written with `|best|` so a negative best (a negative
 * R², a log-likelihood) keeps the threshold on the worse side of the best: `best − |best|·f/(1 + f)` and
 * `best + |best|·f`, the same numbers for a positive best. Slack amount a: below `best − a`, above `best + a`.
 */
import type { BanditPolicy, MetricGoal } from '../../../protocol/termination';
import { isEvaluationEpoch } from './policy-checks';
import {
  bestScoreUpTo,
  CONTINUE,
  formatMetric,
  metricLabel,
  peersAt,
  scoreValue,
  stopFor,
  worseSide,
  type StopDecision,
  type TerminationContext,
  type TrialProgress,
} from './trial-progress';

/** The value beyond which (below when maximizing, above when minimizing) a trial is outside the slack of `best`. */
export function banditThreshold(policy: BanditPolicy, goal: MetricGoal, best: number): number {
  if (policy.slackFactor !== undefined) {
    const f = policy.slackFactor;
    return goal === 'maximize' ? best - (Math.abs(best) * f) / (1 + f) : best + Math.abs(best) * f;
  }
  const a = policy.slackAmount ?? 0;
  return goal === 'maximize' ? best - a : best + a;
}

/**
 * The bandit verdict for `trial` after `epoch`. The best is taken over the trial and every other trial that
 * reached `epoch`; a trial exactly at the threshold goes on.
 */
export function banditDecision(
  policy: BanditPolicy,
  context: TerminationContext,
  trial: TrialProgress,
  others: readonly TrialProgress[],
  epoch: number,
): StopDecision {
  if (!isEvaluationEpoch(policy, epoch)) return CONTINUE;
  const { goal } = context;
  const ownScore = bestScoreUpTo(goal, trial, epoch);
  let bestScore = ownScore;
  for (const peer of peersAt(trial, others, epoch)) bestScore = Math.max(bestScore, bestScoreUpTo(goal, peer, epoch));
  if (ownScore === bestScore || !Number.isFinite(bestScore)) return CONTINUE;
  const own = scoreValue(goal, ownScore);
  const best = scoreValue(goal, bestScore);
  const threshold = banditThreshold(policy, goal, best);
  const outside = goal === 'maximize' ? own < threshold : own > threshold;
  if (!outside) return CONTINUE;
  const slack =
    policy.slackFactor !== undefined
      ? `a slack factor of ${formatMetric(policy.slackFactor)}`
      : `a slack amount of ${formatMetric(policy.slackAmount ?? 0)}`;
  return stopFor(
    `Stopped at epoch ${epoch}: ${metricLabel(context)} ${formatMetric(own)} (best so far) is ${worseSide(goal)} ` +
      `${formatMetric(threshold)}, the best trial's ${formatMetric(best)} at epoch ${epoch} with ${slack}.`,
  );
}
