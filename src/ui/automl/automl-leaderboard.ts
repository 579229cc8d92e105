/**
 * @file The AutoML page's leaderboard, pure: rows from the trial runs (rank by the primary metric, best first; ties go
 * to the earlier trial), a short summary of each trial's parameters, and sorting by any column.
 */
import type { AutoMLFinding, AutoMLMetricName } from '../../protocol/automl';
import type { AutoMLTrialRecord } from '../../storage/automl-runs';
import { higherIsBetter } from '../../core/automl/leaderboard';
import { formatMetric } from '../runs/run-format';
import { AUTOML_FAMILIES } from './automl-form';

/** One row of the leaderboard. */
export interface LeaderboardRow {
  runId: string;
  /** 1 = best. */
  rank: number;
  trial: number;
  family: string;
  familyLabel: string;
  mean: number;
  std: number;
  trainMs: number;
  /** `learningRate 0.1, maxDepth 6` (keys sorted) */
  params: string;
}

/** A sortable column. */
export type LeaderboardColumn = 'rank' | 'trial' | 'family' | 'metric' | 'trainMs';

/** The order of the table. */
export interface LeaderboardOrder {
  by: LeaderboardColumn;
  direction: 'asc' | 'desc';
}

/** The human name of a primary metric. */
export function automlMetricLabel(metric: AutoMLMetricName | undefined): string {
  switch (metric) {
    case 'accuracy':
      return 'Accuracy';
    case 'log-loss':
      return 'Log loss';
    case 'r2':
      return 'R²';
    case 'rmse':
      return 'RMSE';
    default:
      return 'Score';
  }
}

/** A family's label (`Random forest`); the name itself for one this UI does not know. */
export function familyLabel(name: string): string {
  return AUTOML_FAMILIES.find((f) => f.name === name)?.label ?? name;
}

/** A parameter value in a few characters. */
function paramText(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : formatMetric(value);
  if (typeof value === 'string') return value.length > 24 ? `${value.slice(0, 23)}…` : value;
  if (typeof value === 'boolean' || value === null) return String(value);
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 24 ? `${json.slice(0, 23)}…` : json;
}

/** Parameters as `name value` pairs, in key order, nested objects flattened to dotted names. */
export function paramsSummary(params: Readonly<Record<string, unknown>>): string {
  const parts: string[] = [];
  const walk = (prefix: string, value: unknown) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const key of Object.keys(value).sort()) walk(prefix ? `${prefix}.${key}` : key, (value as Record<string, unknown>)[key]);
      return;
    }
    parts.push(`${prefix} ${paramText(value)}`);
  };
  walk('', params);
  return parts.join(', ');
}

/** The leaderboard rows of an AutoML job's trials, ranked on `metric` (trials with a NaN score rank last). */
export function leaderboardRows(trials: readonly AutoMLTrialRecord[], metric: AutoMLMetricName | undefined): LeaderboardRow[] {
  const higher = metric === undefined ? true : higherIsBetter(metric);
  const ranked = [...trials].sort((a, b) => {
    const x = a.automlTrial.mean;
    const y = b.automlTrial.mean;
    if (Number.isNaN(x) !== Number.isNaN(y)) return Number.isNaN(x) ? 1 : -1;
    if (x !== y && !Number.isNaN(x)) return higher ? y - x : x - y;
    return a.automlTrial.number - b.automlTrial.number;
  });
  return ranked.map((run, i) => ({
    runId: run.id,
    rank: i + 1,
    trial: run.automlTrial.number,
    family: run.automlTrial.family,
    familyLabel: familyLabel(run.automlTrial.family),
    mean: run.automlTrial.mean,
    std: run.automlTrial.std,
    trainMs: run.automlTrial.trainMs,
    params: paramsSummary(run.automlTrial.params),
  }));
}

/** The rows in `order`; the metric column sorts by rank (best first when descending is "best"), ties by trial. */
export function orderLeaderboard(rows: readonly LeaderboardRow[], order: LeaderboardOrder): LeaderboardRow[] {
  const sign = order.direction === 'asc' ? 1 : -1;
  const key = (row: LeaderboardRow): number | string => {
    switch (order.by) {
      case 'rank':
      case 'metric':
        return row.rank;
      case 'trial':
        return row.trial;
      case 'family':
        return row.familyLabel;
      case 'trainMs':
        return row.trainMs;
    }
  };
  return [...rows].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    const c = typeof x === 'string' && typeof y === 'string' ? x.localeCompare(y) : (x as number) - (y as number);
    return c !== 0 ? sign * c : a.trial - b.trial;
  });
}

/** Findings to show: warnings first, then notes, each in the job's order; a repeated message once. */
export function orderFindings(findings: readonly AutoMLFinding[]): AutoMLFinding[] {
  const seen = new Set<string>();
  const unique = findings.filter((f) => {
    const key = `${f.severity}\u0000${f.column ?? ''}\u0000${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return [...unique.filter((f) => f.severity === 'warning'), ...unique.filter((f) => f.severity !== 'warning')];
}
