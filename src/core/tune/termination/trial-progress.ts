/**
 * @file What an early-termination decision reads and returns, and the comparisons every policy shares.
 *
 * Epochs are counted from 1, as the training loop reports them: `values[e - 1]` is the primary metric after epoch
 * `e`, and a trial has reached epoch `e` when that slot holds a number. A value that is not finite (NaN, ±Infinity:
 * a diverged trial) is a *score* of `-Infinity`, worse than any finite value, so it never wins a comparison.
 */
import type { MetricGoal } from '../../../protocol/termination';

/** One trial of a sweep as the termination policies see it. */
export interface TrialProgress {
  /**
   * The trial's 0-based position in the sweep (the order trials were created). It identifies the trial (a trial's
   * own entry in `others` is ignored), breaks ties (the smaller number wins), and picks its Hyperband bracket.
   */
  trialNumber: number;
  /** The primary metric per epoch: `values[e - 1]` after epoch `e`; `undefined` where the epoch reported none. */
  values: readonly (number | undefined)[];
}

/** The sweep-wide facts a decision needs besides the policy. */
export interface TerminationContext {
  /** Whether a larger or a smaller primary metric is better. */
  goal: MetricGoal;
  /** Epochs of a full trial (the trial spec's `epochs`); ASHA and Hyperband use it when the policy has none. */
  maxEpochs: number;
  /** How reasons name the metric, e.g. `validation accuracy`. Default `the primary metric`. */
  metricLabel?: string;
}

/** Go on, or stop with a sentence for the user. `notFinite` marks a trial stopped because its metric diverged. */
export type StopDecision = { stop: false } | { stop: true; reason: string; notFinite: boolean };

/** The decision to let a trial go on. */
export const CONTINUE: StopDecision = Object.freeze({ stop: false });

/** A policy's verdict: stop with `reason`. */
export function stopFor(reason: string): StopDecision {
  return { stop: true, reason, notFinite: false };
}

/** Larger is better: the value itself when maximizing, its negation when minimizing; not finite → `-Infinity`. */
export function metricScore(goal: MetricGoal, value: number): number {
  if (!Number.isFinite(value)) return -Infinity;
  return goal === 'maximize' ? value : -value;
}

/** The metric value of a finite score (the inverse of {@link metricScore}). */
export function scoreValue(goal: MetricGoal, score: number): number {
  return goal === 'maximize' ? score : -score;
}

/** Whether `trial` reported a value (finite or not) for `epoch`. */
export function hasReached(trial: TrialProgress, epoch: number): boolean {
  return epoch >= 1 && trial.values[epoch - 1] !== undefined;
}

/** The best score among the values of epochs `1..epoch`; `-Infinity` when none is finite. */
export function bestScoreUpTo(goal: MetricGoal, trial: TrialProgress, epoch: number): number {
  let best = -Infinity;
  const end = Math.min(epoch, trial.values.length);
  for (let i = 0; i < end; i++) {
    const v = trial.values[i];
    if (v !== undefined) best = Math.max(best, metricScore(goal, v));
  }
  return best;
}

/** The score of the mean of the values of epochs `1..epoch` (reported ones only); `-Infinity` if any is not finite. */
export function runningAverageScore(goal: MetricGoal, trial: TrialProgress, epoch: number): number {
  let sum = 0;
  let count = 0;
  const end = Math.min(epoch, trial.values.length);
  for (let i = 0; i < end; i++) {
    const v = trial.values[i];
    if (v === undefined) continue;
    sum += v;
    count++;
  }
  return count === 0 ? -Infinity : metricScore(goal, sum / count);
}

/** The other trials that reached `epoch` (the trial's own entry, if `others` holds it, left out). */
export function peersAt(trial: TrialProgress, others: readonly TrialProgress[], epoch: number): TrialProgress[] {
  return others.filter((o) => o.trialNumber !== trial.trialNumber && hasReached(o, epoch));
}

/** A trial's score at some epoch, with its number for ties. */
export interface RankedScore {
  score: number;
  trialNumber: number;
}

/** Whether a trial scoring `a` ranks above one scoring `b`: higher score, then the smaller trial number. */
export function ranksAbove(a: RankedScore, b: RankedScore): boolean {
  return a.score > b.score || (a.score === b.score && a.trialNumber < b.trialNumber);
}

/** A metric value for a sentence: 4 significant digits, no trailing zeros (`0.7213`, `12.5`, `NaN`). */
export function formatMetric(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return String(Number(value.toPrecision(4)));
}

/** `1st`, `2nd`, `3rd`, `11th`, `22nd`… */
export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  const suffix = ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
  return `${n}${suffix}`;
}

/** The metric's name for a sentence. */
export function metricLabel(context: TerminationContext): string {
  return context.metricLabel ?? 'the primary metric';
}

/** `below` when maximizing, `above` when minimizing: where a worse value lies. */
export function worseSide(goal: MetricGoal): string {
  return goal === 'maximize' ? 'below' : 'above';
}
