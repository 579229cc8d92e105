/**
 * @file Hyperband (Li et al. 2017) on top of ASHA, as Optuna's HyperbandPruner does it: brackets b = 0..S, where
 * S is the largest k with `minEpochs · η^k ≤ maxEpochs`; bracket b is an ASHA whose first rung is at
 * `minEpochs · η^b` (b = 0 stops most eagerly; b = S trains nearly every trial fully). Bracket b receives trials in
 * proportion to Hyperband's `n` for it, `ceil((S + 1) · η^s / (s + 1))` with s = S − b, and each bracket competes
 * only within itself. Trials are dealt to brackets by a smooth weighted round-robin over those weights (the
 * interleaving nginx uses for weighted upstreams): deterministic, and well mixed even in a short sweep.
 */
import type { HyperbandPolicy } from '../../../protocol/termination';
import { DEFAULT_REDUCTION_FACTOR } from './policy-checks';
import { successiveHalvingDecision, successiveHalvingRungs, type SuccessiveHalving } from './asha';
import type { StopDecision, TerminationContext, TrialProgress } from './trial-progress';

/** One Hyperband bracket: an ASHA with its own first rung, and its share of the trials. */
export interface HyperbandBracket extends SuccessiveHalving {
  /** 0 (most eager) to S (most patient). */
  index: number;
  /** Rung epochs of this bracket. */
  rungs: number[];
  /** Trials dealt to this bracket in every cycle of {@link hyperbandCycleLength} trials. */
  weight: number;
}

/** The brackets of `policy` (with `maxEpochs`, the trials' epochs, where the policy has none). */
export function hyperbandBrackets(policy: HyperbandPolicy, maxEpochs: number): HyperbandBracket[] {
  const eta = policy.reductionFactor ?? DEFAULT_REDUCTION_FACTOR;
  const max = policy.maxEpochs ?? maxEpochs;
  const firstRungs = successiveHalvingRungs({ minEpochs: policy.minEpochs, reductionFactor: eta, maxEpochs: max });
  const count = firstRungs.length;
  return firstRungs.map((minEpochs, index) => {
    const s = count - 1 - index;
    const settings = { minEpochs, reductionFactor: eta, maxEpochs: max };
    const weight = Math.ceil((count * eta ** s) / (s + 1));
    return { ...settings, index, rungs: successiveHalvingRungs(settings), weight };
  });
}

const cycles = new Map<string, readonly number[]>();

/** The bracket of each position in one cycle of the smooth weighted round-robin over `weights`. */
function bracketCycle(weights: readonly number[]): readonly number[] {
  const key = weights.join(',');
  const cached = cycles.get(key);
  if (cached) return cached;
  const total = weights.reduce((a, b) => a + b, 0);
  const current = weights.map(() => 0);
  const cycle: number[] = [];
  for (let step = 0; step < total; step++) {
    let pick = 0;
    for (let b = 0; b < weights.length; b++) {
      current[b] += weights[b];
      if (current[b] > current[pick]) pick = b;
    }
    current[pick] -= total;
    cycle.push(pick);
  }
  cycles.set(key, cycle);
  return cycle;
}

/** How many trials one round of the bracket assignment deals (the sum of the bracket weights). */
export function hyperbandCycleLength(policy: HyperbandPolicy, maxEpochs: number): number {
  return hyperbandBrackets(policy, maxEpochs).reduce((sum, b) => sum + b.weight, 0);
}

/** The bracket index of the trial numbered `trialNumber` (0-based): a pure function of the policy and the number. */
export function bracketOf(policy: HyperbandPolicy, maxEpochs: number, trialNumber: number): number {
  return bracketIn(bracketCycle(hyperbandBrackets(policy, maxEpochs).map((b) => b.weight)), trialNumber);
}

function bracketIn(cycle: readonly number[], trialNumber: number): number {
  if (!Number.isInteger(trialNumber) || trialNumber < 0) {
    throw new RangeError(`Trial number ${trialNumber} is not a whole number ≥ 0`);
  }
  return cycle[trialNumber % cycle.length];
}

/** The Hyperband verdict for `trial` after `epoch`: ASHA within the trial's bracket, against that bracket's trials. */
export function hyperbandDecision(
  policy: HyperbandPolicy,
  context: TerminationContext,
  trial: TrialProgress,
  others: readonly TrialProgress[],
  epoch: number,
): StopDecision {
  const brackets = hyperbandBrackets(policy, context.maxEpochs);
  const cycle = bracketCycle(brackets.map((b) => b.weight));
  const bracket = brackets[bracketIn(cycle, trial.trialNumber)];
  const sameBracket = others.filter((o) => bracketIn(cycle, o.trialNumber) === bracket.index);
  const note = `, bracket ${bracket.index + 1} of ${brackets.length}`;
  return successiveHalvingDecision(bracket, context, trial, sameBracket, epoch, note);
}
