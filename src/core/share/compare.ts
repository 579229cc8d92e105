/**
 * @file The verdict on a re-run of a shared run: every recorded metric of the shared run against the same metric of
 * the re-run, point by point, within {@link REPRODUCTION_TOLERANCE}; a per-metric table of differences otherwise.
 *
 * Tolerance: the same spec and seed on the CPU backend give bit-identical numbers (`determinism.test.ts`), so a CPU
 * re-run of a CPU run matches exactly ("identical"). Other backends compute in float32 kernels of their own; the
 * project's stated cross-backend tolerance (`core/jobs/reproducibility.ts`) is used here, per point.
 */
import { CROSS_BACKEND_TOLERANCE } from '../jobs/reproducibility';
import type { SharedMetrics, SharedSeries } from './payload';

/** How close a re-run's metric must be to the shared one: the project's cross-backend tolerance. */
export const REPRODUCTION_TOLERANCE = CROSS_BACKEND_TOLERANCE;

/** How one metric, or the whole run, compares. */
export type MetricMatch = 'identical' | 'within-tolerance' | 'differs' | 'missing';

/** One row of the side-by-side table. */
export interface MetricComparison {
  key: string;
  /** A curve (all its points compared) or a summary number. */
  kind: 'series' | 'summary';
  /** The shared run's last value (curves) or value (summaries); null when none or not finite. */
  shared: number | null;
  /** The re-run's, likewise; null when the re-run has no such metric. */
  rerun: number | null;
  /** Largest absolute difference over the compared points; null when nothing could be compared. */
  maxDifference: number | null;
  /** Points compared (1 for a summary). */
  points: number;
  /** Points outside the tolerance, or with a value on one side only. */
  differing: number;
  /** The first step where they differ beyond the tolerance (curves). */
  firstDifferingStep?: number;
  match: MetricMatch;
  /** Why, when it is not plain: "the re-run stopped at step 12 of 20". */
  note?: string;
}

/** The verdict and its table. */
export interface ReproductionReport {
  /** `identical` when every point is bit-equal; `within-tolerance` when all are close; `differs` otherwise. */
  verdict: 'identical' | 'within-tolerance' | 'differs';
  rows: MetricComparison[];
  tolerance: typeof REPRODUCTION_TOLERANCE;
}

/** The re-run's metrics, in the payload's form (series sorted by step). */
export type RerunMetrics = Pick<SharedMetrics, 'series' | 'summary'>;

/** True when `a` and `b` agree within the tolerance (two nulls agree; a null and a number do not). */
export function withinTolerance(a: number | null, b: number | null, tolerance = REPRODUCTION_TOLERANCE): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= tolerance.relative * Math.max(Math.abs(a), Math.abs(b)) + tolerance.absolute;
}

/** Compares every series and summary metric the shared run recorded with the re-run's. */
export function compareRuns(shared: RerunMetrics, rerun: RerunMetrics, tolerance = REPRODUCTION_TOLERANCE): ReproductionReport {
  const rows: MetricComparison[] = [];
  const rerunSeries = new Map(rerun.series.map((s) => [s.key, s]));
  for (const series of shared.series) rows.push(compareSeries(series, rerunSeries.get(series.key), tolerance));
  const rerunSummary = new Map(rerun.summary.map((m) => [m.key, m.value]));
  for (const metric of shared.summary) {
    const here = rerunSummary.has(metric.key) ? (rerunSummary.get(metric.key) ?? null) : undefined;
    if (here === undefined) {
      rows.push({ key: metric.key, kind: 'summary', shared: metric.value, rerun: null, maxDifference: null, points: 0, differing: 1, match: 'missing', note: 'the re-run has no such metric' });
      continue;
    }
    const same = Object.is(metric.value, here);
    const close = withinTolerance(metric.value, here, tolerance);
    rows.push({
      key: metric.key,
      kind: 'summary',
      shared: metric.value,
      rerun: here,
      maxDifference: difference(metric.value, here),
      points: 1,
      differing: close ? 0 : 1,
      match: same ? 'identical' : close ? 'within-tolerance' : 'differs',
    });
  }
  const verdict = rows.every((r) => r.match === 'identical') ? 'identical' : rows.every((r) => r.match === 'identical' || r.match === 'within-tolerance') ? 'within-tolerance' : 'differs';
  return { verdict, rows, tolerance };
}

function compareSeries(shared: SharedSeries, rerun: SharedSeries | undefined, tolerance: typeof REPRODUCTION_TOLERANCE): MetricComparison {
  const sharedLast = lastOf(shared.values);
  if (!rerun) {
    return { key: shared.key, kind: 'series', shared: sharedLast, rerun: null, maxDifference: null, points: 0, differing: shared.steps.length, match: 'missing', note: 'the re-run did not record this metric' };
  }
  const at = new Map(rerun.steps.map((step, i) => [step, rerun.values[i]]));
  let maxDifference: number | null = null;
  let differing = 0;
  let compared = 0;
  let exact = true;
  let firstDifferingStep: number | undefined;
  for (let i = 0; i < shared.steps.length; i++) {
    const step = shared.steps[i];
    const a = shared.values[i];
    const b = at.has(step) ? (at.get(step) ?? null) : undefined;
    if (b === undefined) {
      differing++;
      exact = false;
      firstDifferingStep ??= step;
      continue;
    }
    compared++;
    const d = difference(a, b);
    if (d !== null) maxDifference = Math.max(maxDifference ?? 0, d);
    if (!Object.is(a, b)) exact = false;
    if (!withinTolerance(a, b, tolerance)) {
      differing++;
      firstDifferingStep ??= step;
    }
  }
  const sharedSteps = new Set(shared.steps);
  const extra = rerun.steps.filter((step) => !sharedSteps.has(step)).length;
  if (extra > 0) {
    differing += extra;
    exact = false;
  }
  const notes: string[] = [];
  if (compared < shared.steps.length) notes.push(`the re-run has ${shared.steps.length - compared} of its ${shared.steps.length} steps missing`);
  if (extra > 0) notes.push(`the re-run has ${extra} more step${extra === 1 ? '' : 's'}`);
  return {
    key: shared.key,
    kind: 'series',
    shared: sharedLast,
    rerun: lastOf(rerun.values),
    maxDifference,
    points: compared,
    differing,
    ...(firstDifferingStep === undefined ? {} : { firstDifferingStep }),
    match: differing > 0 ? 'differs' : exact ? 'identical' : 'within-tolerance',
    ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
  };
}

function difference(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : Math.abs(a - b);
}

function lastOf(values: readonly (number | null)[]): number | null {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null) return values[i];
  return null;
}
