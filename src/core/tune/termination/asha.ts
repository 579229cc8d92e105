/**
 * @file Asynchronous successive halving (ASHA, Li et al. 2018, "A System for Massively Parallel Hyperparameter
 * Tuning") on epochs. Rungs sit at `minEpochs · η^k` epochs (k = 0, 1, …) up to `maxEpochs`. A trial that reaches a
 * rung below `maxEpochs` goes on only if it ranks in the top `floor(n / η)` of the `n` trials (itself included) that
 * have reached that rung so far, and at least first: a trial cannot wait for more arrivals, so, like Optuna's
 * SuccessiveHalvingPruner, the best of fewer than η arrivals goes on. Trials are ranked by their value at the rung;
 * ties rank the smaller trial number higher, so exactly `floor(n / η)` (or 1) of any set of arrivals go on, whatever
 * order they are listed in (Optuna lets every trial tied with the cut-off value through).
 */
import type { AshaPolicy } from '../../../protocol/termination';
import { DEFAULT_REDUCTION_FACTOR } from './policy-checks';
import {
  CONTINUE,
  formatMetric,
  metricLabel,
  metricScore,
  ordinal,
  peersAt,
  ranksAbove,
  stopFor,
  type StopDecision,
  type TerminationContext,
  type TrialProgress,
} from './trial-progress';

/** Successive halving's numbers once defaults are filled in. */
export interface SuccessiveHalving {
  /** Epochs at the first rung. */
  minEpochs: number;
  /** η. */
  reductionFactor: number;
  /** Epochs of a full trial. */
  maxEpochs: number;
}

/** The rung epochs `minEpochs · η^k ≤ maxEpochs`, ascending (exact integers: no logarithms). */
export function successiveHalvingRungs({ minEpochs, reductionFactor, maxEpochs }: SuccessiveHalving): number[] {
  const rungs: number[] = [];
  for (let epochs = minEpochs; epochs <= maxEpochs; epochs *= reductionFactor) rungs.push(epochs);
  return rungs;
}

/** The ASHA numbers of `policy`, with `maxEpochs` (the trials' epochs) where the policy has none. */
export function ashaSettings(policy: AshaPolicy, maxEpochs: number): SuccessiveHalving {
  return {
    minEpochs: policy.minEpochs,
    reductionFactor: policy.reductionFactor ?? DEFAULT_REDUCTION_FACTOR,
    maxEpochs: policy.maxEpochs ?? maxEpochs,
  };
}

/** How many of `arrivals` trials at a rung go on: `floor(arrivals / η)`, at least 1. */
export function promotedCount(arrivals: number, reductionFactor: number): number {
  return Math.max(1, Math.floor(arrivals / reductionFactor));
}

/**
 * The successive-halving verdict for `trial` after `epoch`: a decision only at a rung epoch below `maxEpochs`,
 * against the `competitors` (other trials of the same bracket) that reached that epoch. A competitor that diverged
 * ranks last. `bracketNote` is added to the reason (Hyperband names the bracket).
 */
export function successiveHalvingDecision(
  settings: SuccessiveHalving,
  context: TerminationContext,
  trial: TrialProgress,
  competitors: readonly TrialProgress[],
  epoch: number,
  bracketNote = '',
): StopDecision {
  if (epoch >= settings.maxEpochs) return CONTINUE;
  const rungs = successiveHalvingRungs(settings);
  const rung = rungs.indexOf(epoch);
  if (rung < 0) return CONTINUE;
  const value = trial.values[epoch - 1];
  if (value === undefined) return CONTINUE;
  const { goal } = context;
  const own = { score: metricScore(goal, value), trialNumber: trial.trialNumber };
  const peers = peersAt(trial, competitors, epoch);
  let above = 0;
  for (const peer of peers) {
    const score = metricScore(goal, peer.values[epoch - 1] as number);
    if (ranksAbove({ score, trialNumber: peer.trialNumber }, own)) above++;
  }
  const arrivals = peers.length + 1;
  const kept = promotedCount(arrivals, settings.reductionFactor);
  if (above < kept) return CONTINUE;
  const goOn = kept === 1 ? 'only the best goes on' : `only the top ${kept} go on`;
  return stopFor(
    `Stopped at epoch ${epoch} (rung ${rung + 1} of ${rungs.length}${bracketNote}): ${metricLabel(context)} ` +
      `${formatMetric(value)} ranks ${ordinal(above + 1)} of the ${arrivals} trials that reached epoch ${epoch}; ` +
      `${goOn} (1/${settings.reductionFactor}).`,
  );
}

/** The ASHA verdict for `trial` after `epoch` (see {@link successiveHalvingDecision}). */
export function ashaDecision(
  policy: AshaPolicy,
  context: TerminationContext,
  trial: TrialProgress,
  others: readonly TrialProgress[],
  epoch: number,
): StopDecision {
  return successiveHalvingDecision(ashaSettings(policy, context.maxEpochs), context, trial, others, epoch);
}
