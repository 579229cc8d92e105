/**
 * @file Parameter importance of a sweep by the correlation ratio η² (one-way ANOVA): the trials are grouped by a
 * parameter's value — each choice is a group, a numeric parameter is cut into equal-count bins on its sampling scale
 * (logarithmic for log parameters), and a trial where the parameter was inactive forms a group of its own — and η² is
 * the share of the metric's variance between the groups: `SS_between / SS_total`, from 0 (the groups' means are
 * equal) to 1 (the parameter's group says everything about the metric).
 *
 * η² is biased upwards in small samples: a parameter with no effect at all still gets `(k − 1) / (n − 1)` on average
 * with `k` groups and `n` trials, so each result carries that chance level to be shown beside it. It measures each
 * parameter alone, so interactions between parameters are not counted.
 */
import type { JsonValue, SearchSpace } from '../../protocol/sweep';
import type { TrialRow } from './trial-rows';
import { compileSpace } from '../../core/tune/apply-params';
import { canonicalJson, toInternal } from '../../core/tune/space';

/** One observed trial: its parameters (inactive ones absent) and its metric. */
export interface ImportanceTrial {
  params: Readonly<Record<string, JsonValue>>;
  value: number;
}

/** The importance of one parameter. */
export interface ParamImportance {
  path: string;
  /** η² in [0, 1]; 0 when the metric does not vary. */
  eta2: number;
  /** Expected η² of a parameter with no effect: `(groups − 1) / (trials − 1)`. */
  chance: number;
  /** Groups the trials fell into (choices seen, bins, and the inactive group). */
  groups: number;
  /** Trials counted. */
  trials: number;
}

/** Fewest trials η² is computed on; below it every result would be noise. */
export const MIN_IMPORTANCE_TRIALS = 4;

/**
 * Bins of a numeric parameter over `n` trials: about √n, 2 to 5, with two trials or more per bin on average, never
 * more than its distinct values.
 */
export function binCount(n: number, distinct: number): number {
  return Math.max(1, Math.min(distinct, 5, Math.floor(n / 2), Math.max(2, Math.floor(Math.sqrt(n)))));
}

/**
 * η² of `values` grouped by `groups` (a group label per value): between-group over total sum of squares. 0 when all
 * values are equal.
 */
export function correlationRatio(values: readonly number[], groups: readonly string[]): number {
  const n = values.length;
  if (n === 0) return 0;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  let total = 0;
  for (const v of values) total += (v - mean) ** 2;
  if (!(total > 1e-15 * Math.max(1, mean * mean) * n)) return 0;
  const sums = new Map<string, { sum: number; count: number }>();
  values.forEach((v, i) => {
    const g = sums.get(groups[i]) ?? { sum: 0, count: 0 };
    g.sum += v;
    g.count += 1;
    sums.set(groups[i], g);
  });
  let between = 0;
  for (const { sum, count } of sums.values()) between += count * (sum / count - mean) ** 2;
  return Math.min(1, Math.max(0, between / total));
}

/**
 * Equal-count bins of numeric coordinates: sorted, cut into `k` runs of about `n / k`, with equal coordinates always
 * in the same bin. Returns a bin label per input, in input order.
 */
export function equalCountBins(coordinates: readonly number[], k: number): string[] {
  const order = coordinates.map((c, i) => [c, i] as const).sort((a, b) => a[0] - b[0]);
  const labels: string[] = new Array<string>(coordinates.length);
  let bin = 0;
  order.forEach(([c, i], rank) => {
    const wanted = Math.floor((rank * k) / order.length);
    // Move to the next bin only between different values, so ties never straddle two bins.
    if (wanted > bin && rank > 0 && c !== order[rank - 1][0]) bin = wanted;
    labels[i] = `bin ${bin}`;
  });
  return labels;
}

/**
 * The η² importance of each parameter of `space` over `trials` (those with a finite metric), highest first; empty
 * below {@link MIN_IMPORTANCE_TRIALS} trials.
 */
export function parameterImportance(space: SearchSpace, trials: readonly ImportanceTrial[]): ParamImportance[] {
  const observed = trials.filter((t) => Number.isFinite(t.value));
  const n = observed.length;
  if (n < MIN_IMPORTANCE_TRIALS) return [];
  let params: ReturnType<typeof compileSpace>;
  try {
    params = compileSpace(space);
  } catch {
    return [];
  }
  const values = observed.map((t) => t.value);
  const result = params.map((param): ParamImportance => {
    const groups: string[] = new Array<string>(n);
    const numeric: { coordinate: number; at: number }[] = [];
    observed.forEach((trial, i) => {
      if (!Object.prototype.hasOwnProperty.call(trial.params, param.path)) {
        groups[i] = 'inactive';
        return;
      }
      const value = trial.params[param.path];
      const coordinate = param.domain.kind === 'numeric' ? toInternal(param.domain, value) : undefined;
      if (coordinate === undefined) groups[i] = `value ${canonicalJson(value)}`;
      else numeric.push({ coordinate, at: i });
    });
    if (numeric.length > 0) {
      const distinct = new Set(numeric.map((p) => p.coordinate)).size;
      const labels = equalCountBins(
        numeric.map((p) => p.coordinate),
        binCount(numeric.length, distinct),
      );
      numeric.forEach((p, j) => (groups[p.at] = labels[j]));
    }
    const k = new Set(groups).size;
    return { path: param.path, eta2: correlationRatio(values, groups), chance: (k - 1) / (n - 1), groups: k, trials: n };
  });
  return result.sort((a, b) => b.eta2 - a.eta2 || a.path.localeCompare(b.path));
}

/** What importance is computed on: the completed trials' final values, or every trial's value at one epoch. */
export type ImportanceBasis = { kind: 'final'; trials: number } | { kind: 'epoch'; epoch: number; trials: number };

/** A trial's per-epoch values of the primary metric (`values[e - 1]` after epoch `e`). */
export interface TrialCurveValues {
  runId: string;
  values: readonly (number | undefined)[];
}

/**
 * The trials importance is computed on. With {@link MIN_IMPORTANCE_TRIALS} completed trials or more, their final
 * values. Otherwise (early termination stopped most trials, so few trained their full epochs), every trial's value at
 * one epoch, so that all are compared after the same training: the furthest epoch that enough trials reached. Null
 * when not even epoch 1 has enough trials.
 */
export function importanceSample(rows: readonly TrialRow[], curves: readonly TrialCurveValues[]): { trials: ImportanceTrial[]; basis: ImportanceBasis } | null {
  const completed = rows.filter((r) => r.status === 'completed' && r.value !== undefined && Number.isFinite(r.value));
  if (completed.length >= MIN_IMPORTANCE_TRIALS) {
    return { trials: completed.map((r) => ({ params: r.params, value: r.value as number })), basis: { kind: 'final', trials: completed.length } };
  }
  const byRun = new Map(curves.map((c) => [c.runId, c.values]));
  const longest = Math.max(0, ...curves.map((c) => c.values.length));
  for (let epoch = longest; epoch >= 1; epoch--) {
    const trials: ImportanceTrial[] = [];
    for (const row of rows) {
      const value = byRun.get(row.runId)?.[epoch - 1];
      if (value !== undefined && Number.isFinite(value)) trials.push({ params: row.params, value });
    }
    if (trials.length >= MIN_IMPORTANCE_TRIALS) return { trials, basis: { kind: 'epoch', epoch, trials: trials.length } };
  }
  return null;
}
