/**
 * @file The AutoML featurizer: the guardrail actions fitted on training rows only (medians, scaling statistics,
 * target-encoding means), then applied to any rows. One fitted featurizer per fold, so validation rows never
 * inform their own features. The fitted statistics are plain data ({@link AutoMLFeaturizerState}), saved with a
 * refit model and restored by {@link featurizerFromState} to give the same numbers on new raw rows.
 */
import type { AutoMLFeaturizerState } from '../../protocol/automl';
import type { AutoMLTask, ColumnAction, RawColumn } from './guardrails';
import { isMissing } from './guardrails';

/** A featurizer restored from its state: it reads new raw columns (matched by name). */
export interface RestoredFeaturizer {
  names: string[];
  /**
   * Row-major features (`nRows × names.length`) of new raw rows: each column the featurizer reads is found in
   * `columns` by name (extra columns are ignored); a missing one throws an Error naming it.
   */
  transformColumns(columns: readonly RawColumn[], nRows: number): Float64Array;
}

/** A featurizer fitted on training rows. */
export interface FittedFeaturizer extends RestoredFeaturizer {
  /** Row-major features of `rows` of the columns it was fitted on, `rows.length × names.length`. */
  transform(rows: ArrayLike<number>): Float64Array;
  /** The fitted featurizer as JSON-safe data. */
  state(): AutoMLFeaturizerState;
}

type Values = RawColumn['values'];
type Encoder = { names: string[]; write(values: Values, row: number, out: Float64Array, at: number): void };

/** The fitted statistics of each action kind (`drop`: null). */
interface NumericFit {
  median: number;
  mean: number;
  std: number;
}
interface TargetEncodingFit {
  /** The training mean target (binary, regression) or class rates (multiclass). */
  prior: number[];
  /** Category → per-output target sums and row count, as parallel arrays (no object keyed by untrusted text). */
  keys: string[];
  sums: number[][];
  counts: number[];
}

const SMOOTHING = 10;

function num(v: unknown): number {
  return isMissing(v) ? NaN : typeof v === 'number' ? v : Number(String(v).trim());
}

function hashToken(token: string): number {
  let h = 2166136261;
  for (let i = 0; i < token.length; i++) {
    h ^= token.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

function fitNumeric(values: Values, rows: ArrayLike<number>): NumericFit {
  const train: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const x = num(values[rows[i]]);
    if (Number.isFinite(x)) train.push(x);
  }
  train.sort((a, b) => a - b);
  const median = train.length === 0 ? 0 : train[Math.floor((train.length - 1) / 2)];
  const mean = train.reduce((s, x) => s + x, 0) / Math.max(1, train.length);
  const std = Math.sqrt(train.reduce((s, x) => s + (x - mean) ** 2, 0) / Math.max(1, train.length)) || 1;
  return { median, mean, std };
}

function fitTargetEncoding(values: Values, rows: ArrayLike<number>, y: ArrayLike<number>, width: number, multiclass: boolean): TargetEncodingFit {
  const prior = new Float64Array(width);
  const index = new Map<string, number>();
  const keys: string[] = [];
  const sums: Float64Array[] = [];
  const counts: number[] = [];
  const add = (acc: Float64Array, label: number) => {
    if (multiclass) acc[label] += 1;
    else acc[0] += label;
  };
  for (let i = 0; i < rows.length; i++) {
    const key = String(values[rows[i]] ?? '');
    let at = index.get(key);
    if (at === undefined) {
      at = keys.length;
      index.set(key, at);
      keys.push(key);
      sums.push(new Float64Array(width));
      counts.push(0);
    }
    add(sums[at], y[rows[i]]);
    add(prior, y[rows[i]]);
    counts[at]++;
  }
  for (let j = 0; j < width; j++) prior[j] /= Math.max(1, rows.length);
  return { prior: Array.from(prior), keys, sums: sums.map((s) => Array.from(s)), counts };
}

/** The encoder of one action with its fitted statistics; it writes features of any column's values. */
function encoderOf(action: Exclude<ColumnAction, { kind: 'drop' }>, fitted: Record<string, unknown>): Encoder {
  if (action.kind === 'numeric') {
    const { median, mean, std } = fitted as unknown as NumericFit;
    return {
      names: action.missing ? [action.column, `${action.column} (missing)`] : [action.column],
      write(values, row, out, at) {
        const x = num(values[row]);
        out[at] = ((Number.isFinite(x) ? x : median) - mean) / std;
        if (action.missing) out[at + 1] = Number.isFinite(x) ? 0 : 1;
      },
    };
  }
  if (action.kind === 'one-hot') {
    const index = new Map(action.categories.map((c, i) => [c, i]));
    const k = action.categories.length;
    return {
      // The last slot holds missing and unseen categories.
      names: [...action.categories.map((c) => `${action.column}=${c}`), `${action.column}=(other)`],
      write(values, row, out, at) {
        for (let j = 0; j <= k; j++) out[at + j] = 0;
        const v = values[row];
        out[at + (isMissing(v) ? k : (index.get(String(v)) ?? k))] = 1;
      },
    };
  }
  if (action.kind === 'target-encoding') {
    const fit = fitted as unknown as TargetEncodingFit;
    const width = fit.prior.length;
    const index = new Map(fit.keys.map((key, i) => [key, i]));
    return {
      names: width === 1 ? [`${action.column} (target mean)`] : Array.from({ length: width }, (_, j) => `${action.column} (class ${j} rate)`),
      write(values, row, out, at) {
        const i = index.get(String(values[row] ?? ''));
        const s = i === undefined ? undefined : fit.sums[i];
        const c = i === undefined ? 0 : fit.counts[i];
        for (let j = 0; j < width; j++) out[at + j] = s ? (s[j] + SMOOTHING * fit.prior[j]) / (c + SMOOTHING) : fit.prior[j];
      },
    };
  }
  if (action.kind === 'datetime') {
    return {
      names: ['year', 'month', 'day', 'weekday', 'hour', 'missing'].map((p) => `${action.column} (${p})`),
      write(values, row, out, at) {
        const v = values[row];
        const t = isMissing(v) ? NaN : Date.parse(String(v));
        const d = new Date(Number.isNaN(t) ? 0 : t);
        const ok = !Number.isNaN(t);
        out[at] = ok ? d.getUTCFullYear() : 0;
        out[at + 1] = ok ? d.getUTCMonth() + 1 : 0;
        out[at + 2] = ok ? d.getUTCDate() : 0;
        out[at + 3] = ok ? d.getUTCDay() : 0;
        out[at + 4] = ok ? d.getUTCHours() : 0;
        out[at + 5] = ok ? 0 : 1;
      },
    };
  }
  const buckets = action.buckets;
  return {
    names: Array.from({ length: buckets }, (_, j) => `${action.column} (hash ${j})`),
    write(values, row, out, at) {
      for (let j = 0; j < buckets; j++) out[at + j] = 0;
      const v = values[row];
      if (isMissing(v)) return;
      const tokens = String(v).toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
      for (const token of tokens) out[at + (hashToken(token) % buckets)] += 1;
      for (let j = 0; j < buckets; j++) out[at + j] = Math.log1p(out[at + j]);
    },
  };
}

interface Part {
  column: string;
  encoder: Encoder;
}

function partsOf(actions: readonly ColumnAction[], fitted: readonly (Record<string, unknown> | null)[]): Part[] {
  const parts: Part[] = [];
  actions.forEach((action, i) => {
    if (action.kind === 'drop') return;
    parts.push({ column: action.column, encoder: encoderOf(action, fitted[i] ?? {}) });
  });
  return parts;
}

/** Writes the features of `rows` (indices into each part's values) row-major. */
function writeRows(parts: readonly Part[], valuesOf: readonly Values[], rows: ArrayLike<number>, width: number): Float64Array {
  const out = new Float64Array(rows.length * width);
  for (let i = 0; i < rows.length; i++) {
    let at = i * width;
    for (let p = 0; p < parts.length; p++) {
      const e = parts[p].encoder;
      e.write(valuesOf[p], rows[i], out, at);
      at += e.names.length;
    }
  }
  return out;
}

function transformColumnsWith(parts: readonly Part[], width: number, columns: readonly RawColumn[], nRows: number): Float64Array {
  if (!Number.isInteger(nRows) || nRows < 0) throw new Error(`Expected a non-negative whole number of rows; got ${nRows}`);
  const byName = new Map(columns.map((c) => [c.name, c]));
  const valuesOf = parts.map(({ column }) => {
    const found = byName.get(column);
    if (!found) throw new Error(`Input column "${column}" is missing; the model reads it (columns given: ${columns.map((c) => JSON.stringify(c.name)).join(', ') || 'none'})`);
    if (found.values.length < nRows) throw new Error(`Input column "${column}" has ${found.values.length} values; expected ${nRows} rows`);
    return found.values;
  });
  return writeRows(parts, valuesOf, Uint32Array.from({ length: nRows }, (_, i) => i), width);
}

/** Fits `actions` on `rows` (training rows) of `columns`; `y` are all rows' encoded targets. */
export function fitFeaturizer(columns: readonly RawColumn[], actions: readonly ColumnAction[], rows: ArrayLike<number>, y: ArrayLike<number>, task: AutoMLTask, nClasses: number): FittedFeaturizer {
  const byName = new Map(columns.map((c) => [c.name, c]));
  const fitted: (Record<string, unknown> | null)[] = actions.map((action) => {
    if (action.kind === 'drop') return null;
    const column = byName.get(action.column);
    if (!column) throw new Error(`Column "${action.column}" is not in the data the featurizer is fitted on`);
    if (action.kind === 'numeric') return { ...fitNumeric(column.values, rows) };
    if (action.kind === 'target-encoding') return { ...fitTargetEncoding(column.values, rows, y, task === 'multiclass' ? nClasses : 1, task === 'multiclass') };
    return {};
  });
  const parts = partsOf(actions, fitted);
  const names = parts.flatMap((p) => p.encoder.names);
  const own = parts.map((p) => (byName.get(p.column) as RawColumn).values);
  return {
    names,
    transform: (subset) => writeRows(parts, own, subset, names.length),
    transformColumns: (newColumns, nRows) => transformColumnsWith(parts, names.length, newColumns, nRows),
    // A deep copy: the caller may keep or change it without touching this featurizer.
    state: () => structuredClone({ actions: actions.map((a) => ({ ...a })), fitted, names: [...names] }),
  };
}

/**
 * Restores a featurizer from {@link FittedFeaturizer.state}: the same features for the same raw values. Throws a
 * message naming the bad part when the state is inconsistent (an untrusted file is checked by its loader first).
 */
export function featurizerFromState(state: AutoMLFeaturizerState): RestoredFeaturizer {
  if (state.fitted.length !== state.actions.length) throw new Error(`Featurizer state has ${state.fitted.length} fitted entries for ${state.actions.length} actions`);
  state.actions.forEach((action, i) => checkFitted(action, state.fitted[i]));
  const parts = partsOf(state.actions, state.fitted);
  const names = parts.flatMap((p) => p.encoder.names);
  if (names.length !== state.names.length || names.some((n, i) => n !== state.names[i])) {
    throw new Error(`Featurizer state names ${state.names.length} features; its actions give ${names.length}`);
  }
  return { names, transformColumns: (columns, nRows) => transformColumnsWith(parts, names.length, columns, nRows) };
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

function checkFitted(action: ColumnAction, fitted: Record<string, unknown> | null): void {
  const bad = (what: string) => new Error(`Featurizer state of column "${action.column}" (${action.kind}): ${what}`);
  if (action.kind === 'drop') return;
  if (fitted === null || typeof fitted !== 'object') throw bad('fitted statistics are missing');
  if (action.kind === 'numeric') {
    const { median, mean, std } = fitted;
    if (!finite(median) || !finite(mean) || !finite(std) || std <= 0) throw bad('median, mean and a positive std must be finite numbers');
  } else if (action.kind === 'target-encoding') {
    const { prior, keys, sums, counts } = fitted as Partial<Record<keyof TargetEncodingFit, unknown>>;
    if (!Array.isArray(prior) || prior.length === 0 || !prior.every(finite)) throw bad('prior must be a non-empty array of numbers');
    if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) throw bad('keys must be strings');
    if (!Array.isArray(counts) || counts.length !== keys.length || !counts.every((c) => finite(c) && c >= 0)) throw bad('counts must be one non-negative number per key');
    if (!Array.isArray(sums) || sums.length !== keys.length || !sums.every((s) => Array.isArray(s) && s.length === prior.length && s.every(finite))) throw bad('sums must be one array per key, as wide as prior');
  } else if (action.kind === 'one-hot') {
    if (!Array.isArray(action.categories) || !action.categories.every((c) => typeof c === 'string')) throw bad('categories must be strings');
  } else if (action.kind === 'text-hashing') {
    if (!Number.isInteger(action.buckets) || action.buckets < 1 || action.buckets > 4096) throw bad('buckets must be an integer from 1 to 4096');
  }
}
