/**
 * @file AutoML scoring and the leaderboard: a metric on predictions (class probabilities or values), mean ± standard
 * deviation over folds, training time, family and parameters; sorted best first (ties: the earlier trial).
 */
import type { AutoMLMetric } from './automl-spec';

/** Whether larger values of `metric` are better. */
export function higherIsBetter(metric: AutoMLMetric): boolean {
  return metric === 'accuracy' || metric === 'r2';
}

/**
 * `metric` over `rows` of predictions `pred` (row-major `nRows × width`: class probabilities when `width` > 1
 * or for classification, values for regression) against `y`.
 */
export function metricValue(metric: AutoMLMetric, y: ArrayLike<number>, pred: Float64Array, width: number, rows: ArrayLike<number>): number {
  const n = rows.length;
  if (metric === 'accuracy') {
    let correct = 0;
    for (let i = 0; i < n; i++) {
      const r = rows[i];
      let best = 0;
      for (let k = 1; k < width; k++) if (pred[r * width + k] > pred[r * width + best]) best = k;
      if (best === y[r]) correct++;
    }
    return correct / n;
  }
  if (metric === 'log-loss') {
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const r = rows[i];
      loss -= Math.log(Math.min(1, Math.max(1e-15, pred[r * width + y[r]])));
    }
    return loss / n;
  }
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[rows[i]];
  mean /= n;
  let res = 0;
  let tot = 0;
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    res += (y[r] - pred[r]) ** 2;
    tot += (y[r] - mean) ** 2;
  }
  if (metric === 'rmse') return Math.sqrt(res / n);
  return tot === 0 ? (res === 0 ? 1 : 0) : 1 - res / tot;
}

/** Mean and (population) standard deviation. */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((s, x) => s + x, 0) / values.length;
  return { mean, std: Math.sqrt(values.reduce((s, x) => s + (x - mean) ** 2, 0) / values.length) };
}

/** One finished trial, as the leaderboard shows it. */
export interface LeaderboardRow {
  trial: number;
  family: string;
  params: Readonly<Record<string, unknown>>;
  /** The metric per fold, its mean and standard deviation. */
  foldScores: number[];
  mean: number;
  std: number;
  /** Fit + predict milliseconds over all folds (measured: varies between runs). */
  trainMs: number;
}

/** Rows sorted best first for `metric` (ties: the earlier trial). */
export function sortLeaderboard(rows: readonly LeaderboardRow[], metric: AutoMLMetric): LeaderboardRow[] {
  const sign = higherIsBetter(metric) ? -1 : 1;
  return [...rows].sort((a, b) => sign * (a.mean - b.mean) || a.trial - b.trial);
}

/** The leaderboard as a text table. */
export function formatLeaderboard(rows: readonly LeaderboardRow[], metric: AutoMLMetric, limit = 20): string {
  const header = ['rank', 'trial', 'family', `${metric} (mean ± std)`, 'time s', 'params'];
  const body = rows.slice(0, limit).map((r, i) => [String(i + 1), String(r.trial), r.family, `${r.mean.toFixed(4)} ± ${r.std.toFixed(4)}`, (r.trainMs / 1000).toFixed(2), JSON.stringify(r.params)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  return [line(header), ...body.map(line)].join('\n');
}
