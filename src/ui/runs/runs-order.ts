/**
 * @file Filtering and ordering of the runs list: by status, and by creation time or by a metric of each run's
 * summary. Pure, so the list re-sorts on the page without another storage query.
 */
import type { RunStatus } from '../../protocol/run';
import type { RunRecord } from '../../storage/records';
import { primaryMetric } from './run-format';

/** The metric a runs list shows and sorts by: each run's primary metric, or one summary key for every run. */
export type RunsMetric = { kind: 'primary' } | { kind: 'key'; key: string };

/** The order of a runs list. */
export interface RunsOrder {
  by: 'createdAt' | 'metric';
  direction: 'asc' | 'desc';
}

/** The value of `metric` for `run`, or undefined when the run has none. */
export function runMetricValue(run: RunRecord, metric: RunsMetric): { key: string; value: number } | undefined {
  if (metric.kind === 'primary') return primaryMetric(run.spec.task, run.summary);
  return run.summary.find((m) => m.key === metric.key);
}

/** Every summary key of `runs`, sorted, for the metric picker. */
export function summaryKeys(runs: readonly RunRecord[]): string[] {
  const keys = new Set<string>();
  for (const run of runs) for (const m of run.summary) keys.add(m.key);
  return [...keys].sort();
}

/**
 * Runs with `status` (all when undefined), ordered. By metric, runs without a value (or with NaN) come last
 * whatever the direction; ties fall back to newest first.
 */
export function orderRuns(runs: readonly RunRecord[], options: { status?: RunStatus; order: RunsOrder; metric: RunsMetric }): RunRecord[] {
  const { status, order, metric } = options;
  const sign = order.direction === 'asc' ? 1 : -1;
  const kept = status ? runs.filter((run) => run.status === status) : [...runs];
  const newestFirst = (a: RunRecord, b: RunRecord) => b.createdAt - a.createdAt || a.id.localeCompare(b.id);
  if (order.by === 'createdAt') return kept.sort((a, b) => -sign * newestFirst(a, b));
  const value = (run: RunRecord) => {
    const v = runMetricValue(run, metric)?.value;
    return v === undefined || Number.isNaN(v) ? undefined : v;
  };
  return kept.sort((a, b) => {
    const x = value(a);
    const y = value(b);
    if (x === undefined || y === undefined) return Number(x === undefined) - Number(y === undefined) || newestFirst(a, b);
    return sign * (x - y) || newestFirst(a, b);
  });
}
