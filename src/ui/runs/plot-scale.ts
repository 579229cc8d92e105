/**
 * @file The geometry of the small SVG plots on the run page (ROC, precision-recall, residuals, predicted against
 * actual): a plot frame with margins, linear scales from data to pixels, round tick values, and polyline paths.
 */

/** The drawing area of a plot: its outer size and the margins left for axis labels and ticks. */
export interface PlotFrame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** A closed interval of data values. */
export interface Domain {
  lo: number;
  hi: number;
}

/** Data → pixel scales of a frame, y growing upwards as readers expect. */
export interface PlotScales {
  x(value: number): number;
  y(value: number): number;
}

/** Scales mapping `xDomain` onto the frame's inner width and `yDomain` onto its inner height (upwards). */
export function plotScales(frame: PlotFrame, xDomain: Domain, yDomain: Domain): PlotScales {
  const innerWidth = frame.width - frame.left - frame.right;
  const innerHeight = frame.height - frame.top - frame.bottom;
  const xSpan = xDomain.hi - xDomain.lo || 1;
  const ySpan = yDomain.hi - yDomain.lo || 1;
  return {
    x: (value) => frame.left + ((value - xDomain.lo) / xSpan) * innerWidth,
    y: (value) => frame.height - frame.bottom - ((value - yDomain.lo) / ySpan) * innerHeight,
  };
}

/**
 * The smallest domain holding every finite value of `values` (and `include`, e.g. 0 for a residual axis), widened
 * by `padding` of its span on each side so points do not sit on the axes. A single value gets a span of 2 around
 * it; no finite value gives [0, 1].
 */
export function dataDomain(values: Iterable<number>, options: { include?: number; padding?: number } = {}): Domain {
  const { include, padding = 0.05 } = options;
  let lo = include ?? Infinity;
  let hi = include ?? -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!Number.isFinite(lo)) return { lo: 0, hi: 1 };
  if (lo === hi) return { lo: lo - 1, hi: hi + 1 };
  const pad = (hi - lo) * padding;
  return { lo: lo - pad, hi: hi + pad };
}

/**
 * About `count` round tick values (steps of 1, 2 or 5 times a power of ten) inside `domain`, ascending. Values
 * are rounded to the step's precision so that 0.1 + 0.2 prints as 0.3.
 */
export function niceTicks(domain: Domain, count = 5): number[] {
  const span = domain.hi - domain.lo;
  if (!(span > 0) || !Number.isFinite(span) || count < 1) return Number.isFinite(domain.lo) ? [domain.lo] : [];
  const rough = span / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  const ticks: number[] = [];
  // The 1e-9 slack keeps a bound that float division puts a hair past a multiple of the step (0.1 / 0.05).
  for (let i = Math.ceil(domain.lo / step - 1e-9); i * step <= domain.hi + step * 1e-9; i++) {
    ticks.push(Number((i * step).toFixed(decimals)));
  }
  return ticks;
}

/** An SVG path through `points` in order (`M x y L x y ...`), pixel values rounded to 0.1; empty for no point. */
export function polylinePath(points: readonly (readonly [number, number])[], scales: PlotScales): string {
  return points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${round(scales.x(x))} ${round(scales.y(y))}`).join(' ');
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
