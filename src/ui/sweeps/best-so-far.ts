/**
 * @file The optimization history of a sweep (Optuna's `plot_optimization_history`): each trial's primary metric in
 * trial order, and the best value of the completed trials so far as a step line. A trial stopped early keeps its last
 * value as a point, but never counts as the best: it was judged on fewer epochs than the others.
 */
import type { MetricGoal } from '../../protocol/termination';
import type { TrialRow } from './trial-rows';

/** One trial's point. */
export interface HistoryPoint {
  /** 0-based trial number. */
  number: number;
  value: number;
  /** `stopped`: ended by the early-termination policy. */
  kind: 'completed' | 'stopped';
}

/** One step of the running best: from trial `number` on, the best completed value is `value`. */
export interface BestStep {
  number: number;
  value: number;
  /** The trial that holds it. */
  bestNumber: number;
}

/** The history of a sweep, ready to draw. */
export interface OptimizationHistory {
  points: HistoryPoint[];
  /** The running best, one step per completed trial (flat where a trial did not improve it). */
  best: BestStep[];
  /** The best completed trial, if any. */
  bestPoint?: HistoryPoint;
}

/** Whether `a` is better than `b` for `goal`. */
export function isBetter(goal: MetricGoal, a: number, b: number): boolean {
  return goal === 'maximize' ? a > b : a < b;
}

/**
 * The history of `rows`: completed and stopped trials with a finite value, in trial order, and the running best of
 * the completed ones. Ties keep the earlier trial as the best.
 */
export function optimizationHistory(rows: readonly TrialRow[], goal: MetricGoal): OptimizationHistory {
  const points: HistoryPoint[] = [];
  const best: BestStep[] = [];
  let bestPoint: HistoryPoint | undefined;
  for (const row of [...rows].sort((a, b) => a.number - b.number)) {
    if (row.value === undefined || !Number.isFinite(row.value)) continue;
    if (row.status !== 'completed' && row.status !== 'stopped') continue;
    const point: HistoryPoint = { number: row.number, value: row.value, kind: row.status === 'completed' ? 'completed' : 'stopped' };
    points.push(point);
    if (point.kind !== 'completed') continue;
    if (!bestPoint || isBetter(goal, point.value, bestPoint.value)) bestPoint = point;
    best.push({ number: point.number, value: bestPoint.value, bestNumber: bestPoint.number });
  }
  return { points, best, ...(bestPoint ? { bestPoint } : {}) };
}

/**
 * The SVG path of the running best as a step line: flat from one completed trial to the next, then a vertical step
 * where the best changes; it runs on to `lastNumber` (the last trial drawn). Empty without a step.
 */
export function bestStepPath(best: readonly BestStep[], lastNumber: number, x: (n: number) => number, y: (v: number) => number): string {
  if (best.length === 0) return '';
  const r = (v: number) => Math.round(v * 10) / 10;
  let path = `M${r(x(best[0].number))} ${r(y(best[0].value))}`;
  for (let i = 1; i < best.length; i++) {
    path += ` L${r(x(best[i].number))} ${r(y(best[i - 1].value))}`;
    if (best[i].value !== best[i - 1].value) path += ` L${r(x(best[i].number))} ${r(y(best[i].value))}`;
  }
  const end = Math.max(lastNumber, best[best.length - 1].number);
  if (end > best[best.length - 1].number) path += ` L${r(x(end))} ${r(y(best[best.length - 1].value))}`;
  return path;
}
