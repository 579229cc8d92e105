/**
 * @file AutoML featurization guardrails: each raw column analysed once into an action (numeric with imputation and
 * scaling, one-hot, target encoding for high-cardinality categories, datetime parts, text hashing, drop for ID-like
 * or constant columns) plus findings shown to the user (class imbalance, leakage). The actions are then fitted on
 * the training rows of each fold only ({@link fitFeaturizer}), so target encoding never sees validation targets.
 */

/** A raw column: one value per row; `null`, `undefined` and `''` are missing. */
export interface RawColumn {
  name: string;
  values: readonly (string | number | null | undefined)[];
}

/** What the featurizer does with a column. */
export type ColumnAction =
  | { kind: 'numeric'; column: string; missing: boolean }
  | { kind: 'one-hot'; column: string; categories: string[] }
  | { kind: 'target-encoding'; column: string; cardinality: number }
  | { kind: 'datetime'; column: string }
  | { kind: 'text-hashing'; column: string; buckets: number }
  | { kind: 'drop'; column: string; reason: 'constant' | 'id-like' | 'empty' };

/** A user-facing finding; `column` set when it concerns one column. */
export interface GuardrailFinding {
  code: 'constant' | 'id-like' | 'empty' | 'high-cardinality' | 'datetime' | 'text' | 'missing-values' | 'class-imbalance' | 'leakage' | 'wide-data';
  severity: 'info' | 'warning';
  column?: string;
  message: string;
}

export type AutoMLTask = 'binary' | 'multiclass' | 'regression';

/** The analysis of a table. */
export interface GuardrailReport {
  actions: ColumnAction[];
  findings: GuardrailFinding[];
  /** Set when the classes are imbalanced: models that take class weights get balanced ones. */
  classWeights: boolean;
}

/** Categories above this count are target-encoded instead of one-hot encoded. */
export const ONE_HOT_LIMIT = 20;
/** Hash buckets of a text column. */
export const TEXT_BUCKETS = 64;
/** Smallest/largest class share under which the classes count as imbalanced. */
export const IMBALANCE_RATIO = 0.2;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export function isMissing(v: unknown): boolean {
  return v === null || v === undefined || v === '' || (typeof v === 'number' && Number.isNaN(v));
}

function asNumber(v: string | number): number {
  return typeof v === 'number' ? v : Number(v.trim());
}

/** The target as numbers: class indices in sorted label order (classification) or values (regression). */
export interface EncodedTarget {
  y: Float64Array;
  classes: string[];
}

/** Detects the task of a target: numeric with more than 20 distinct values or non-integers → regression. */
export function detectAutoMLTask(target: RawColumn): AutoMLTask {
  const present = target.values.filter((v) => !isMissing(v)) as (string | number)[];
  const distinct = new Set(present.map(String));
  const numeric = present.every((v) => Number.isFinite(asNumber(v)));
  if (numeric && (distinct.size > 20 || present.some((v) => !Number.isInteger(asNumber(v))))) return 'regression';
  return distinct.size === 2 ? 'binary' : 'multiclass';
}

/** Encodes the target for `task`; rows whose target is missing must be removed beforehand. */
export function encodeTarget(target: RawColumn, task: AutoMLTask): EncodedTarget {
  if (task === 'regression') {
    const y = Float64Array.from(target.values, (v, i) => {
      const x = isMissing(v) ? NaN : asNumber(v as string | number);
      if (!Number.isFinite(x)) throw new Error(`Target "${target.name}" row ${i} is ${JSON.stringify(v)}; a regression target must be a number`);
      return x;
    });
    return { y, classes: [] };
  }
  const labels = target.values.map((v) => String(v));
  const numeric = labels.every((l) => Number.isFinite(Number(l)));
  const classes = [...new Set(labels)].sort(numeric ? (a, b) => Number(a) - Number(b) : undefined);
  const index = new Map(classes.map((c, i) => [c, i]));
  return { y: Float64Array.from(labels, (l) => index.get(l) ?? 0), classes };
}

function isDateLike(values: readonly (string | number)[]): boolean {
  return values.length > 0 && values.every((v) => typeof v === 'string' && ISO_DATE.test(v.trim()) && !Number.isNaN(Date.parse(v)));
}

/** Analyses every feature column (all but the target) into actions and findings. */
export function analyseColumns(columns: readonly RawColumn[], targetName: string, task: AutoMLTask, y: ArrayLike<number>): GuardrailReport {
  const actions: ColumnAction[] = [];
  const findings: GuardrailFinding[] = [];
  const features = columns.filter((c) => c.name !== targetName);
  const nRows = y.length;
  for (const column of features) {
    const name = column.name;
    const present = column.values.filter((v) => !isMissing(v)) as (string | number)[];
    const missing = present.length < column.values.length;
    const distinct = new Set(present.map(String));
    if (present.length === 0) {
      actions.push({ kind: 'drop', column: name, reason: 'empty' });
      findings.push({ code: 'empty', severity: 'info', column: name, message: `Dropped "${name}": every value is missing` });
      continue;
    }
    if (distinct.size === 1) {
      actions.push({ kind: 'drop', column: name, reason: 'constant' });
      findings.push({ code: 'constant', severity: 'info', column: name, message: `Dropped "${name}": it has one value (${JSON.stringify([...distinct][0])}) in every row` });
      continue;
    }
    const numeric = present.every((v) => Number.isFinite(asNumber(v)));
    const allIntegers = numeric && present.every((v) => Number.isInteger(asNumber(v)));
    const meanTokens = present.reduce<number>((s, v) => s + String(v).trim().split(/\s+/).length, 0) / present.length;
    const unique = distinct.size === present.length && present.length === nRows;
    const idName = /(^|_|\b)(id|uuid|guid|key)$/i.test(name) || /^(id|uuid|guid)[_ ]/i.test(name);
    const sortedIntegers = allIntegers && unique && isRunOfIntegers(present.map(asNumber));
    if (unique && nRows >= 10 && ((!numeric && meanTokens < 3 && !isDateLike(present)) || sortedIntegers || (allIntegers && idName))) {
      actions.push({ kind: 'drop', column: name, reason: 'id-like' });
      findings.push({ code: 'id-like', severity: 'info', column: name, message: `Dropped "${name}": every row has a different value, as an ID does` });
      continue;
    }
    if (missing) {
      findings.push({ code: 'missing-values', severity: 'info', column: name, message: `"${name}" has ${column.values.length - present.length} missing values: imputed (median or most frequent) with a missing indicator` });
    }
    if (numeric) {
      actions.push({ kind: 'numeric', column: name, missing });
      continue;
    }
    if (isDateLike(present)) {
      actions.push({ kind: 'datetime', column: name });
      findings.push({ code: 'datetime', severity: 'info', column: name, message: `"${name}" holds dates: expanded into year, month, day, weekday and hour` });
      continue;
    }
    if (meanTokens >= 3 && distinct.size > present.length / 2) {
      actions.push({ kind: 'text-hashing', column: name, buckets: TEXT_BUCKETS });
      findings.push({ code: 'text', severity: 'info', column: name, message: `"${name}" holds free text: hashed bag of words into ${TEXT_BUCKETS} buckets` });
      continue;
    }
    if (distinct.size > ONE_HOT_LIMIT) {
      actions.push({ kind: 'target-encoding', column: name, cardinality: distinct.size });
      findings.push({
        code: 'high-cardinality',
        severity: 'info',
        column: name,
        message: `"${name}" has ${distinct.size} categories (more than ${ONE_HOT_LIMIT}): target-encoded, fitted on each training fold only`,
      });
      continue;
    }
    actions.push({ kind: 'one-hot', column: name, categories: [...distinct].sort() });
  }
  let classWeights = false;
  if (task !== 'regression') {
    const counts = new Map<number, number>();
    for (let i = 0; i < nRows; i++) counts.set(y[i], (counts.get(y[i]) ?? 0) + 1);
    const sizes = [...counts.values()];
    const ratio = Math.min(...sizes) / Math.max(...sizes);
    if (ratio < IMBALANCE_RATIO) {
      classWeights = true;
      findings.push({
        code: 'class-imbalance',
        severity: 'warning',
        message: `The classes are imbalanced (smallest/largest class = ${ratio.toFixed(3)}): models that support it use balanced class weights`,
      });
    }
  }
  const kept = actions.filter((a) => a.kind !== 'drop').length;
  if (kept > nRows) {
    findings.push({ code: 'wide-data', severity: 'warning', message: `${kept} feature columns for ${nRows} rows: expect overfitting; scores have a large spread across folds` });
  }
  return { actions, findings, classWeights };
}

function isRunOfIntegers(values: number[]): boolean {
  const sorted = [...values].sort((a, b) => a - b);
  for (let i = 1; i < sorted.length; i++) if (sorted[i] - sorted[i - 1] !== 1) return false;
  return true;
}

/**
 * Leakage: a kept feature that alone predicts the target perfectly on `rows` (the training rows): for
 * classification, each value (or each run of sorted numeric values) maps to one class with fewer distinct values
 * than rows; for regression, |Pearson correlation| ≥ 0.9999.
 */
export function leakageFindings(columns: readonly RawColumn[], actions: readonly ColumnAction[], y: ArrayLike<number>, task: AutoMLTask, rows: ArrayLike<number>): GuardrailFinding[] {
  const out: GuardrailFinding[] = [];
  const byName = new Map(columns.map((c) => [c.name, c]));
  for (const action of actions) {
    if (action.kind === 'drop' || action.kind === 'text-hashing') continue;
    const column = byName.get(action.column);
    if (!column) continue;
    if (predictsPerfectly(column, y, task, rows, action.kind === 'numeric')) {
      out.push({
        code: 'leakage',
        severity: 'warning',
        column: column.name,
        message: `Possible leakage: "${column.name}" alone predicts the target perfectly on the training rows; check that it is known before the target is`,
      });
    }
  }
  return out;
}

function predictsPerfectly(column: RawColumn, y: ArrayLike<number>, task: AutoMLTask, rows: ArrayLike<number>, numeric: boolean): boolean {
  const n = rows.length;
  if (n < 4) return false;
  if (task === 'regression') {
    if (!numeric) return false;
    let sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0, m = 0;
    for (let i = 0; i < n; i++) {
      const v = column.values[rows[i]];
      if (isMissing(v)) continue;
      const x = asNumber(v as string | number);
      const t = y[rows[i]];
      sx += x; sy += t; sxx += x * x; syy += t * t; sxy += x * t; m++;
    }
    if (m < 4) return false;
    const cov = sxy - (sx * sy) / m;
    const vx = sxx - (sx * sx) / m;
    const vy = syy - (sy * sy) / m;
    return vx > 0 && vy > 0 && Math.abs(cov / Math.sqrt(vx * vy)) >= 0.9999;
  }
  const classes = new Set<number>();
  for (let i = 0; i < n; i++) classes.add(y[rows[i]]);
  if (numeric) {
    const pairs: [number, number][] = [];
    for (let i = 0; i < n; i++) {
      const v = column.values[rows[i]];
      if (!isMissing(v)) pairs.push([asNumber(v as string | number), y[rows[i]]]);
    }
    pairs.sort((a, b) => a[0] - b[0]);
    // Perfect when the sorted values split into one contiguous run per class (a few thresholds separate them).
    let runs = 1;
    for (let i = 1; i < pairs.length; i++) {
      if (pairs[i][1] !== pairs[i - 1][1]) {
        if (pairs[i][0] === pairs[i - 1][0]) return false;
        runs++;
      }
    }
    return pairs.length >= n / 2 && runs === classes.size;
  }
  const map = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const key = String(column.values[rows[i]] ?? '');
    const label = y[rows[i]];
    const seen = map.get(key);
    if (seen === undefined) map.set(key, label);
    else if (seen !== label) return false;
  }
  return map.size < n / 2;
}
