/**
 * @file The scales of a sweep's parallel-coordinates plot: one vertical axis per search parameter and one for the
 * primary metric. A numeric parameter's axis is linear over its range, or logarithmic when it is sampled on a log
 * scale; a choice gets one evenly spaced place per value. The metric axis spans the values observed, with the better
 * end at the top. Positions are fractions of the axis height (0 bottom, 1 top), so the component only multiplies.
 */
import type { JsonValue, SearchSpace } from '../../protocol/sweep';
import type { MetricGoal } from '../../protocol/termination';
import { compileSpace } from '../../core/tune/apply-params';
import { choiceIndex, toInternal, type Domain } from '../../core/tune/space';
import { niceTicks } from '../runs/plot-scale';
import { formatMetric } from '../runs/run-format';
import { formatParamValue, type TrialRow } from './trial-rows';

/** A tick of an axis: where it is and what it reads. */
export interface AxisTick {
  position: number;
  label: string;
}

/** One axis of the plot. */
export interface ParallelAxis {
  /** The parameter's path (its key in a trial's assignment), or `metric`. */
  key: string;
  label: string;
  scale: 'linear' | 'log' | 'categorical';
  ticks: AxisTick[];
}

/** One trial's line: a position per axis (undefined where the parameter was inactive), and how good it is. */
export interface ParallelLine {
  number: number;
  positions: (number | undefined)[];
  /** 0 for the worst value drawn, 1 for the best; 1 when every value is the same. */
  quality: number;
  stopped: boolean;
}

/** What the plot draws. */
export interface ParallelCoordinates {
  axes: ParallelAxis[];
  lines: ParallelLine[];
}

/** Where a value sits on a parameter's axis, from 0 to 1; undefined when it is not a value of the axis. */
export function axisPosition(domain: Domain, value: JsonValue): number | undefined {
  if (domain.kind === 'categorical') {
    const i = choiceIndex(domain, value);
    if (i === undefined) return undefined;
    return domain.choices.length === 1 ? 0.5 : i / (domain.choices.length - 1);
  }
  const internal = toInternal(domain, value);
  if (internal === undefined) return undefined;
  const lo = domain.log ? Math.log(domain.low) : domain.low;
  const hi = domain.log ? Math.log(domain.high) : domain.high;
  return hi > lo ? Math.min(1, Math.max(0, (internal - lo) / (hi - lo))) : 0.5;
}

/** Ticks of a parameter's axis: every choice; powers of ten on a log axis (its ends when it spans less than a decade); round values on a linear one. */
export function axisTicks(domain: Domain): AxisTick[] {
  if (domain.kind === 'categorical') {
    return domain.choices.map((choice) => ({ position: axisPosition(domain, choice) ?? 0.5, label: formatParamValue(choice) }));
  }
  const tick = (value: number): AxisTick => ({ position: axisPosition(domain, value) ?? 0, label: formatParamValue(value) });
  if (domain.log) {
    const powers: number[] = [];
    for (let e = Math.ceil(Math.log10(domain.low) - 1e-9); 10 ** e <= domain.high * (1 + 1e-9); e++) powers.push(Number((10 ** e).toPrecision(1)));
    const values = powers.length >= 2 ? powers : [domain.low, domain.high];
    return values.map(tick);
  }
  const values = niceTicks({ lo: domain.low, hi: domain.high }, 5).filter((v) => v >= domain.low && v <= domain.high && (!domain.int || Number.isInteger(v)));
  return (values.length >= 2 ? values : [domain.low, domain.high]).map(tick);
}

/**
 * The plot of `rows` (trials with a finite metric, completed or stopped early) over `space`, with the metric axis
 * last, labelled `metricName`. Parameters whose path cannot be parsed are left out.
 */
export function parallelCoordinates(space: SearchSpace, rows: readonly TrialRow[], metricName: string, goal: MetricGoal): ParallelCoordinates {
  let params: ReturnType<typeof compileSpace>;
  try {
    params = compileSpace(space);
  } catch {
    params = [];
  }
  const drawn = rows.filter((row) => row.value !== undefined && Number.isFinite(row.value) && (row.status === 'completed' || row.status === 'stopped'));
  const values = drawn.map((row) => row.value as number);
  const lo = values.length > 0 ? Math.min(...values) : 0;
  const hi = values.length > 0 ? Math.max(...values) : 1;
  // Better at the top: for a loss the smallest value is at position 1.
  const quality = (v: number) => (hi > lo ? (goal === 'maximize' ? (v - lo) / (hi - lo) : (hi - v) / (hi - lo)) : 1);
  const metricTicks = hi > lo ? niceTicks({ lo, hi }, 4).filter((v) => v >= lo && v <= hi) : [lo];
  const metricAxis: ParallelAxis = {
    key: 'metric',
    label: `${metricName} (better at the top)`,
    scale: 'linear',
    ticks: (metricTicks.length >= 2 || hi === lo ? metricTicks : [lo, hi]).map((v) => ({ position: hi > lo ? quality(v) : 0.5, label: formatMetric(v) })),
  };
  const axes: ParallelAxis[] = [
    ...params.map((p): ParallelAxis => ({
      key: p.path,
      label: p.path,
      scale: p.domain.kind === 'categorical' ? 'categorical' : p.domain.log ? 'log' : 'linear',
      ticks: axisTicks(p.domain),
    })),
    metricAxis,
  ];
  const lines = drawn.map((row): ParallelLine => {
    const q = quality(row.value as number);
    const positions = params.map((p) => (Object.prototype.hasOwnProperty.call(row.params, p.path) ? axisPosition(p.domain, row.params[p.path]) : undefined));
    return { number: row.number, positions: [...positions, hi > lo ? q : 0.5], quality: q, stopped: row.status === 'stopped' };
  });
  // The best lines are drawn last, on top.
  lines.sort((a, b) => a.quality - b.quality || b.number - a.number);
  return { axes, lines };
}

/**
 * An SVG path through a line's points, `x(i)` and `y(position)` giving pixels; a missing position (an inactive
 * parameter) breaks the line, which starts again at the next axis it has.
 */
export function linePath(positions: readonly (number | undefined)[], x: (axis: number) => number, y: (position: number) => number): string {
  const r = (v: number) => Math.round(v * 10) / 10;
  let path = '';
  let pen = false;
  positions.forEach((position, i) => {
    if (position === undefined) {
      pen = false;
      return;
    }
    path += `${path ? ' ' : ''}${pen ? 'L' : 'M'}${r(x(i))} ${r(y(position))}`;
    pen = true;
  });
  return path;
}
