/**
 * @file Metric series → the column-oriented data uPlot draws: one shared, ascending x array (steps) and one y array
 * per series, `null` where a series has no point at that step (a validation curve that starts later, say).
 */

/** One point of a series. */
export interface SeriesPoint {
  step: number;
  value: number;
}

/** One chart of a run page: its title and the metric keys it overlays, each with a legend label. */
export interface CurveChart {
  title: string;
  lines: { key: string; label: string }[];
}

/** `[xs, ...ys]`, as uPlot's `AlignedData`. Non-finite values become `null` (a gap), so one NaN does not blank the chart. */
export type AlignedSeries = [number[], ...(number | null)[][]];

/** Aligns `series` (each sorted by step, as storage returns them) on the union of their steps. */
export function alignSeries(series: readonly (readonly SeriesPoint[])[]): AlignedSeries {
  const sameSteps = series.every((s) => s.length === series[0]?.length && s.every((p, i) => p.step === series[0][i].step));
  if (sameSteps) {
    const xs = (series[0] ?? []).map((p) => p.step);
    return [xs, ...series.map((s) => s.map((p) => finiteOrNull(p.value)))];
  }
  const steps = new Set<number>();
  for (const s of series) for (const p of s) steps.add(p.step);
  const xs = [...steps].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const ys = series.map((s) => {
    const y: (number | null)[] = new Array<number | null>(xs.length).fill(null);
    for (const p of s) y[index.get(p.step) as number] = finiteOrNull(p.value);
    return y;
  });
  return [xs, ...ys];
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/** The last finite value of a series, for the chart's text summary. */
export function lastValue(ys: readonly (number | null)[]): number | undefined {
  for (let i = ys.length - 1; i >= 0; i--) {
    const y = ys[i];
    if (y !== null) return y;
  }
  return undefined;
}
