/**
 * @file Median stopping (Azure ML's MedianStoppingPolicy, after Google Vizier): at a check at epoch N, stop a trial
 * whose best value over epochs 1..N is worse than the median of the other trials' running averages over 1..N.
 */
import type { MedianStopping } from '../../../protocol/termination';
import { isEvaluationEpoch } from './policy-checks';
import {
  bestScoreUpTo,
  CONTINUE,
  formatMetric,
  metricLabel,
  peersAt,
  runningAverageScore,
  scoreValue,
  stopFor,
  worseSide,
  type StopDecision,
  type TerminationContext,
  type TrialProgress,
} from './trial-progress';

/** The median of `values` (the mean of the middle two for an even count); `values` must not be empty. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The median-stopping verdict for `trial` after `epoch`. Only other trials that reached `epoch` count (a trial
 * that diverged counts as the worst); with none there is nothing to compare, and the trial goes on. A tie with the
 * median goes on: only strictly worse stops.
 */
export function medianStoppingDecision(
  policy: MedianStopping,
  context: TerminationContext,
  trial: TrialProgress,
  others: readonly TrialProgress[],
  epoch: number,
): StopDecision {
  if (!isEvaluationEpoch(policy, epoch)) return CONTINUE;
  const peers = peersAt(trial, others, epoch);
  if (peers.length === 0) return CONTINUE;
  const own = bestScoreUpTo(context.goal, trial, epoch);
  const medianScore = median(peers.map((p) => runningAverageScore(context.goal, p, epoch)));
  if (!(own < medianScore)) return CONTINUE;
  const trials = peers.length === 1 ? '1 other trial' : `${peers.length} other trials`;
  return stopFor(
    `Stopped at epoch ${epoch}: ${metricLabel(context)} ${formatMetric(scoreValue(context.goal, own))} (best so far) is ` +
      `${worseSide(context.goal)} ${formatMetric(scoreValue(context.goal, medianScore))}, the median of the running ` +
      `averages of ${trials} at epoch ${epoch}.`,
  );
}
