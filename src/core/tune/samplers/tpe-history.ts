/**
 * @file What TPE reads from the history: the trials ranked best first, the split into good ("below") and bad
 * ("above") trials, and the groups of parameters that always occur together (for multivariate TPE over conditional
 * spaces, as Optuna's `group=True`).
 *
 * Ranking: complete trials by value (in the goal's direction), then pruned trials by their last value (a pruned
 * trial is never better than a complete one, as in Optuna), then, with the constant liar, running trials (counted
 * as worse than all). Failed trials, and trials without a finite value, are left out.
 */
import type { MetricGoal } from '../../../protocol/termination';
import type { ParamAssignment, TrialObservation } from '../../../protocol/sweep';

/** A trial TPE can learn from. `tier` 0 complete, 1 pruned, 2 running (constant liar); `score` is lower-is-better. */
export interface RankedTrial {
  number: number;
  params: ParamAssignment;
  tier: 0 | 1 | 2;
  score: number;
}

/** The trials TPE learns from, in trial order. */
export function rankableTrials(trials: readonly TrialObservation[], goal: MetricGoal, constantLiar: boolean): RankedTrial[] {
  const sign = goal === 'minimize' ? 1 : -1;
  const out: RankedTrial[] = [];
  trials.forEach((trial, number) => {
    const finite = trial.value !== undefined && Number.isFinite(trial.value);
    if (trial.state === 'complete' && finite) out.push({ number, params: trial.params, tier: 0, score: sign * trial.value! });
    else if (trial.state === 'pruned' && finite) out.push({ number, params: trial.params, tier: 1, score: sign * trial.value! });
    else if (trial.state === 'running' && constantLiar) out.push({ number, params: trial.params, tier: 2, score: Infinity });
  });
  return out;
}

/** Good trials: the best `min(ceil(fraction · n), max)` of `n` finished ones. */
export function goodCount(n: number, fraction: number, max: number): number {
  return Math.min(Math.ceil(fraction * n), max);
}

/** `trials` best first: by tier, then score, then trial number. */
export function rankTrials(trials: readonly RankedTrial[]): RankedTrial[] {
  return [...trials].sort((a, b) => a.tier - b.tier || a.score - b.score || a.number - b.number);
}

/**
 * The best `nBelow` of `usable` and the rest, each in trial order (the order the kernel weights follow). `ranked` is
 * the whole history from `rankTrials`, so that a suggestion sorts it once for all its parameters.
 */
export function splitTrials(ranked: readonly RankedTrial[], usable: ReadonlySet<RankedTrial>, nBelow: number): { below: RankedTrial[]; above: RankedTrial[] } {
  const good = new Set<RankedTrial>();
  for (const trial of ranked) {
    if (good.size >= nBelow) break;
    if (usable.has(trial)) good.add(trial);
  }
  const below: RankedTrial[] = [];
  const above: RankedTrial[] = [];
  for (const trial of [...usable].sort((a, b) => a.number - b.number)) (good.has(trial) ? below : above).push(trial);
  return { below, above };
}

/**
 * Splits the parameters seen into groups that always occur together: each trial's set of parameters is a union of
 * groups. Parameters in one group can be modelled jointly over the trials that have them (Optuna's
 * `_GroupDecomposedSearchSpace`).
 */
export function parameterGroups(paramSets: Iterable<readonly string[]>): string[][] {
  // Most trials share their set of parameters: decompose each distinct set once.
  const distinct = new Map<string, readonly string[]>();
  for (const keys of paramSets) distinct.set(JSON.stringify([...keys].sort()), keys);
  let groups: Set<string>[] = [];
  for (const keys of distinct.values()) {
    let rest = new Set(keys);
    const next: Set<string>[] = [];
    for (const group of groups) {
      const inside = [...group].filter((k) => rest.has(k));
      const outside = [...group].filter((k) => !rest.has(k));
      if (inside.length > 0) next.push(new Set(inside));
      if (outside.length > 0) next.push(new Set(outside));
      rest = new Set([...rest].filter((k) => !group.has(k)));
    }
    if (rest.size > 0) next.push(rest);
    groups = next;
  }
  return groups.map((g) => [...g]);
}
