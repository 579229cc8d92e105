/**
 * @file The geometry of a partial dependence chart, pure: numeric grids on a linear x axis, categories at evenly
 * spaced positions with their names as ticks; one line per output (the prediction, or each class's probability).
 */
import type { AutoMLPartialDependence } from '../../protocol/automl';
import { dataDomain, niceTicks, plotScales, polylinePath, type PlotFrame, type PlotScales } from '../runs/plot-scale';
import { formatMetric } from '../runs/run-format';

/** A chart's scales, ticks and lines. */
export interface PartialDependencePlot {
  scales: PlotScales;
  /** Numeric x ticks (empty for categories: `categoryTicks` then). */
  xTicks: number[];
  categoryTicks: { x: number; label: string }[];
  yTicks: number[];
  lines: { label: string; path: string; points: { x: number; y: number }[] }[];
  /** One sentence for a screen reader: how the prediction changes across the grid. */
  summary: string;
}

function shortLabel(label: string): string {
  return label.length > 12 ? `${label.slice(0, 11)}…` : label;
}

/** The plot of `pd` in `frame`. */
export function partialDependencePlot(pd: AutoMLPartialDependence, frame: PlotFrame): PartialDependencePlot {
  const numeric = pd.kind === 'numeric';
  const xs = pd.grid.map((g, i) => (numeric ? Number(g) : i));
  const xDomain = numeric ? dataDomain(xs, { padding: 0 }) : { lo: -0.5, hi: Math.max(0.5, xs.length - 0.5) };
  const yDomain = dataDomain(pd.series.flatMap((s) => s.values), { padding: 0.08 });
  const scales = plotScales(frame, xDomain, yDomain);
  const lines = pd.series.map((s) => {
    const pairs = s.values.map((v, i) => [xs[i], v] as const).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    return { label: s.label, path: polylinePath(pairs, scales), points: pairs.map(([x, y]) => ({ x: scales.x(x), y: scales.y(y) })) };
  });
  const first = pd.grid[0];
  const last = pd.grid[pd.grid.length - 1];
  const summary = pd.series
    .slice(0, 4)
    .map((s) => {
      const finite = s.values.filter(Number.isFinite);
      if (finite.length === 0) return `${s.label}: no values`;
      return `${s.label} from ${formatMetric(s.values[0])} at ${String(first)} to ${formatMetric(s.values[s.values.length - 1])} at ${String(last)} (range ${formatMetric(Math.min(...finite))} to ${formatMetric(Math.max(...finite))})`;
    })
    .join('; ');
  return {
    scales,
    xTicks: numeric ? niceTicks(xDomain, 4) : [],
    categoryTicks: numeric ? [] : pd.grid.map((g, i) => ({ x: scales.x(i), label: shortLabel(String(g)) })),
    yTicks: niceTicks(yDomain, 4),
    lines,
    summary: `${pd.series.length > 4 ? `${pd.series.length} outputs; ` : ''}${summary}`,
  };
}
