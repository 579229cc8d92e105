/**
 * @file The AutoML featurizer: the guardrail actions fitted on training rows only (medians, scaling statistics,
 * target-encoding means), then applied to any rows. One fitted featurizer per fold, so validation rows never
 * inform their own features.
 */
import type { AutoMLTask, ColumnAction, RawColumn } from './guardrails';
import { isMissing } from './guardrails';

/** A featurizer fitted on training rows. */
export interface FittedFeaturizer {
  names: string[];
  /** Row-major features of `rows`, `rows.length × names.length`. */
  transform(rows: ArrayLike<number>): Float64Array;
}

type Encoder = { names: string[]; write(row: number, out: Float64Array, at: number): void };

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

/** Fits `actions` on `rows` (training rows) of `columns`; `y` are all rows' encoded targets. */
export function fitFeaturizer(columns: readonly RawColumn[], actions: readonly ColumnAction[], rows: ArrayLike<number>, y: ArrayLike<number>, task: AutoMLTask, nClasses: number): FittedFeaturizer {
  const byName = new Map(columns.map((c) => [c.name, c]));
  const encoders: Encoder[] = [];
  for (const action of actions) {
    const column = byName.get(action.column);
    if (!column || action.kind === 'drop') continue;
    const values = column.values;
    if (action.kind === 'numeric') {
      const train: number[] = [];
      for (let i = 0; i < rows.length; i++) {
        const x = num(values[rows[i]]);
        if (Number.isFinite(x)) train.push(x);
      }
      train.sort((a, b) => a - b);
      const median = train.length === 0 ? 0 : train[Math.floor((train.length - 1) / 2)];
      const mean = train.reduce((s, x) => s + x, 0) / Math.max(1, train.length);
      const std = Math.sqrt(train.reduce((s, x) => s + (x - mean) ** 2, 0) / Math.max(1, train.length)) || 1;
      encoders.push({
        names: action.missing ? [action.column, `${action.column} (missing)`] : [action.column],
        write(row, out, at) {
          const x = num(values[row]);
          out[at] = ((Number.isFinite(x) ? x : median) - mean) / std;
          if (action.missing) out[at + 1] = Number.isFinite(x) ? 0 : 1;
        },
      });
    } else if (action.kind === 'one-hot') {
      const index = new Map(action.categories.map((c, i) => [c, i]));
      const k = action.categories.length;
      encoders.push({
        // The last slot holds missing and unseen categories.
        names: [...action.categories.map((c) => `${action.column}=${c}`), `${action.column}=(other)`],
        write(row, out, at) {
          for (let j = 0; j <= k; j++) out[at + j] = 0;
          const v = values[row];
          out[at + (isMissing(v) ? k : (index.get(String(v)) ?? k))] = 1;
        },
      });
    } else if (action.kind === 'target-encoding') {
      const width = task === 'multiclass' ? nClasses : 1;
      const prior = new Float64Array(width);
      const sums = new Map<string, Float64Array>();
      const counts = new Map<string, number>();
      const add = (acc: Float64Array, label: number) => {
        if (task === 'multiclass') acc[label] += 1;
        else acc[0] += label;
      };
      for (let i = 0; i < rows.length; i++) {
        const key = String(values[rows[i]] ?? '');
        let s = sums.get(key);
        if (!s) sums.set(key, (s = new Float64Array(width)));
        add(s, y[rows[i]]);
        add(prior, y[rows[i]]);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      for (let j = 0; j < width; j++) prior[j] /= Math.max(1, rows.length);
      encoders.push({
        names: width === 1 ? [`${action.column} (target mean)`] : Array.from({ length: width }, (_, j) => `${action.column} (class ${j} rate)`),
        write(row, out, at) {
          const key = String(values[row] ?? '');
          const s = sums.get(key);
          const c = counts.get(key) ?? 0;
          for (let j = 0; j < width; j++) out[at + j] = s ? (s[j] + SMOOTHING * prior[j]) / (c + SMOOTHING) : prior[j];
        },
      });
    } else if (action.kind === 'datetime') {
      encoders.push({
        names: ['year', 'month', 'day', 'weekday', 'hour', 'missing'].map((p) => `${action.column} (${p})`),
        write(row, out, at) {
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
      });
    } else {
      const buckets = action.buckets;
      encoders.push({
        names: Array.from({ length: buckets }, (_, j) => `${action.column} (hash ${j})`),
        write(row, out, at) {
          for (let j = 0; j < buckets; j++) out[at + j] = 0;
          const v = values[row];
          if (isMissing(v)) return;
          const tokens = String(v).toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
          for (const token of tokens) out[at + (hashToken(token) % buckets)] += 1;
          for (let j = 0; j < buckets; j++) out[at + j] = Math.log1p(out[at + j]);
        },
      });
    }
  }
  const names = encoders.flatMap((e) => e.names);
  return {
    names,
    transform(subset) {
      const width = names.length;
      const out = new Float64Array(subset.length * width);
      for (let i = 0; i < subset.length; i++) {
        let at = i * width;
        for (const e of encoders) {
          e.write(subset[i], out, at);
          at += e.names.length;
        }
      }
      return out;
    },
  };
}
