/**
 * @file Explaining an AutoML model on raw columns, model-agnostic:
 * - permutation importance of each raw input column (Breiman 2001; scikit-learn's `permutation_importance`): the
 *   column's values shuffled among the given rows (seeded), the drop of the primary metric, mean ± std over repeats;
 * - partial dependence (Friedman 2001) of the most important columns: the mean prediction over (at most 500 of) the
 *   rows with the column set to each grid value (numeric: quantiles; categorical: the most frequent values).
 * Deterministic for a seed.
 */
import type { AutoMLExplanation, AutoMLImportance, AutoMLPartialDependence } from '../../protocol/automl';
import { Rng } from '../random/rng';
import type { AutoMLMetric } from './automl-spec';
import type { LoadedAutoMLModel } from './final-model';
import { isMissing, type RawColumn } from './guardrails';
import { higherIsBetter, meanStd, metricValue } from './leaderboard';

/** Options of {@link explainAutoMLModel}. */
export interface ExplainOptions {
  metric: AutoMLMetric;
  seed: number;
  /** Shuffles per column (default 5). */
  repeats?: number;
  /** Columns with a partial dependence plot, the most important first (default 3). */
  top?: number;
  /** Grid values per partial dependence (default 10). */
  gridSize?: number;
  /** What the rows are, for the reader (e.g. `validation rows of fold 1 (30 rows), 5 repeats`). */
  basis: string;
}

/** Rows a partial dependence averages over at most. */
const PD_ROWS = 500;

type Values = RawColumn['values'];

/**
 * Explains `model` on `rows` of raw `columns`; `y[r]` is the encoded target of row `r` (a class index into
 * `model.classes`, or the value). Importance is the metric's drop (positive: the column matters), sorted descending.
 */
export function explainAutoMLModel(model: LoadedAutoMLModel, columns: readonly RawColumn[], y: Float64Array, rows: ArrayLike<number>, options: ExplainOptions): AutoMLExplanation {
  const repeats = options.repeats ?? 5;
  const top = options.top ?? 3;
  const gridSize = options.gridSize ?? 10;
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`repeats must be a positive integer; got ${repeats}`);
  const n = rows.length;
  if (n === 0) throw new Error('Explaining a model needs at least one row');
  const byName = new Map(columns.map((c) => [c.name, c]));
  const inputs: RawColumn[] = model.inputs.map(({ name }) => {
    const column = byName.get(name);
    if (!column) throw new Error(`Input column "${name}" is missing; the model reads it`);
    return { name, values: Array.from(rows, (r) => column.values[r]) };
  });
  const ySub = Float64Array.from(rows, (r) => y[r]);
  const bad = ySub.findIndex((v) => !Number.isFinite(v) || (model.task !== 'regression' && !(Number.isInteger(v) && v >= 0 && v < model.width)));
  if (bad >= 0) throw new Error(`Row ${rows[bad]} has target ${ySub[bad]}; explained rows need a target${model.task === 'regression' ? '' : ` (a class index from 0 to ${model.width - 1})`}`);
  const all = Uint32Array.from({ length: n }, (_, i) => i);
  const score = (cols: readonly RawColumn[]) => metricValue(options.metric, ySub, model.predict(cols, n), model.width, all);
  const base = score(inputs);
  const sign = higherIsBetter(options.metric) ? 1 : -1;
  const root = new Rng(options.seed);

  const importance: AutoMLImportance[] = inputs.map((input, j) => {
    const rng = root.fork(`importance:${input.name}`);
    const drops: number[] = [];
    for (let k = 0; k < repeats; k++) {
      const perm = rng.permutation(n);
      const shuffled = inputs.slice();
      shuffled[j] = { name: input.name, values: Array.from(perm, (i) => input.values[i]) };
      drops.push(sign * (base - score(shuffled)));
    }
    const { mean, std } = meanStd(drops);
    return { column: input.name, mean, std };
  });
  const order = importance.map((imp, i) => ({ imp, i })).sort((a, b) => b.imp.mean - a.imp.mean || a.i - b.i);

  const sample = n <= PD_ROWS ? all : root.fork('partial-dependence').permutation(n).subarray(0, PD_ROWS).sort();
  const sampled = inputs.map((c) => ({ name: c.name, values: Array.from(sample, (i) => c.values[i]) }));
  const kinds = new Map(model.actions.map((a) => [a.column, a.kind]));
  const partialDependence: AutoMLPartialDependence[] = [];
  for (const { i } of order.slice(0, Math.max(0, top))) {
    const numeric = kinds.get(inputs[i].name) === 'numeric';
    const grid = numeric ? quantileGrid(inputs[i].values, gridSize) : frequentValues(inputs[i].values, gridSize);
    if (grid.length === 0) continue;
    partialDependence.push({ column: inputs[i].name, kind: numeric ? 'numeric' : 'categorical', grid, series: dependence(model, sampled, i, grid) });
  }
  return { basis: options.basis, metric: options.metric, importance: order.map((o) => o.imp), partialDependence };
}

/** Mean predictions with column `j` set to each grid value, as one batch of `grid × rows`. */
function dependence(model: LoadedAutoMLModel, sampled: readonly RawColumn[], j: number, grid: readonly (number | string)[]): AutoMLPartialDependence['series'] {
  const m = sampled[0].values.length;
  const g = grid.length;
  const batch: RawColumn[] = sampled.map((c, k) => {
    const values: Values[number][] = new Array(g * m);
    for (let gi = 0; gi < g; gi++) for (let r = 0; r < m; r++) values[gi * m + r] = k === j ? grid[gi] : c.values[r];
    return { name: c.name, values };
  });
  const width = model.width;
  const pred = model.predict(batch, g * m);
  const labels = model.task === 'regression' ? ['prediction'] : model.classes;
  return labels.map((label, out) => ({
    label,
    values: Array.from({ length: g }, (_, gi) => {
      let sum = 0;
      for (let r = 0; r < m; r++) sum += pred[(gi * m + r) * width + out];
      return sum / m;
    }),
  }));
}

/** Up to `size` distinct quantiles (0 to 1, evenly spaced) of the finite numbers among `values`. */
function quantileGrid(values: Values, size: number): number[] {
  const xs: number[] = [];
  for (const v of values) {
    if (isMissing(v)) continue;
    const x = typeof v === 'number' ? v : Number(String(v).trim());
    if (Number.isFinite(x)) xs.push(x);
  }
  if (xs.length === 0) return [];
  xs.sort((a, b) => a - b);
  const grid: number[] = [];
  for (let i = 0; i < size; i++) {
    const x = xs[Math.round((size === 1 ? 0.5 : i / (size - 1)) * (xs.length - 1))];
    if (grid.length === 0 || x !== grid[grid.length - 1]) grid.push(x);
  }
  return grid;
}

/** The `size` most frequent present values (as text), most frequent first (ties: first seen). */
function frequentValues(values: Values, size: number): string[] {
  const counts = new Map<string, number>();
  for (const v of values) if (!isMissing(v)) counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
  return [...counts.entries()]
    .map(([value, count], i) => ({ value, count, i }))
    .sort((a, b) => b.count - a.count || a.i - b.i)
    .slice(0, size)
    .map((e) => e.value);
}
