/**
 * @file Early-termination policies of a sweep (what Azure ML calls early termination): types only. The decisions are
 * pure functions in `src/core/tune/termination`; the sweep runner asks them after each reported epoch of a trial.
 *
 * Every policy except ASHA/Hyperband looks at a trial's primary metric at an evaluation step and compares it with
 * the other trials' values at the same step. `evaluationInterval` (epochs between checks, default 1) and
 * `delayEvaluation` (epochs before the first check, default 0) follow Azure ML's meaning.
 */

/** No early termination: every trial runs its full epochs. */
export interface NoTermination {
  type: 'none';
}

/** Fields shared by the step-comparison policies. */
export interface IntervalPolicy {
  /** Epochs between checks (≥ 1). Default 1. */
  evaluationInterval?: number;
  /** Epochs before the first check (≥ 0). Default 0. */
  delayEvaluation?: number;
}

/** Stop a trial whose best value so far is worse than the median of the other trials' running averages at that step. */
export interface MedianStopping extends IntervalPolicy {
  type: 'median';
}

/**
 * Stop a trial whose best value so far is worse than the best trial's best value at that step by more than the slack:
 * `slackFactor` (a ratio, e.g. 0.1 = 10%: maximizing, stop below `best / 1.1`; minimizing, above `best · 1.1`) or
 * `slackAmount` (an absolute difference); exactly one of them.
 */
export interface BanditPolicy extends IntervalPolicy {
  type: 'bandit';
  slackFactor?: number;
  slackAmount?: number;
}

/** At each check, stop the trials in the lowest `truncationPercentage` percent (1..99) at that step. */
export interface TruncationSelection extends IntervalPolicy {
  type: 'truncation';
  truncationPercentage: number;
}

/**
 * Asynchronous successive halving (ASHA) on epochs: rungs at `minEpochs · η^k` up to `maxEpochs`; a trial reaching a
 * rung goes on only when it is in the top `1/η` of the trials that reached that rung so far.
 */
export interface AshaPolicy {
  type: 'asha';
  /** Epochs at the first rung (a whole number ≥ 1). */
  minEpochs: number;
  /** Epochs of a full trial; defaults to the trial spec's epochs. */
  maxEpochs?: number;
  /** η, the reduction factor (a whole number ≥ 2). Default 3. */
  reductionFactor?: number;
}

/**
 * Hyperband: several ASHA brackets with first rungs at `minEpochs · η^b`; trials are dealt to brackets by a weighted
 * round-robin on their trial number (Hyperband's trial counts per bracket), each bracket competing within itself.
 */
export interface HyperbandPolicy {
  type: 'hyperband';
  minEpochs: number;
  maxEpochs?: number;
  reductionFactor?: number;
}

/** Any early-termination policy, keyed on `type`. */
export type TerminationPolicy = NoTermination | MedianStopping | BanditPolicy | TruncationSelection | AshaPolicy | HyperbandPolicy;

/** Whether a larger or a smaller primary metric is better. */
export type MetricGoal = 'maximize' | 'minimize';
