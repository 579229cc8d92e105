/**
 * @file Checks of the data a family fits on and predicts from, with messages that name the bad value, and the
 * prediction helpers every family shares (argmax of probabilities, the JSON envelope).
 */
import type { FeatureMatrix, TabularData, TabularFamilyName, TabularModelJson, TabularTask } from './tabular-model';

/** Training data after the checks: `nClasses` known (1 for regression). */
export interface CheckedData extends TabularData {
  nClasses: number;
}

/** Throws unless `data` is consistent: sizes, finite regression targets, class labels in range, at least one row. */
export function checkTabularData(data: TabularData, family: string): CheckedData {
  const { X, nRows, nFeatures, y, task } = data;
  if (!Number.isInteger(nRows) || nRows < 1) throw new Error(`${family}: expected at least one training row; got nRows = ${nRows}`);
  if (!Number.isInteger(nFeatures) || nFeatures < 1) throw new Error(`${family}: expected at least one feature; got nFeatures = ${nFeatures}`);
  checkMatrix(X, nRows, nFeatures, family);
  if (y.length !== nRows) throw new Error(`${family}: expected ${nRows} targets (one per row); got ${y.length}`);
  if (task === 'regression') {
    for (let i = 0; i < nRows; i++) {
      if (!Number.isFinite(y[i])) throw new Error(`${family}: regression target of row ${i} is ${y[i]}; expected a finite number`);
    }
    return { ...data, nClasses: 1 };
  }
  if (task !== 'binary' && task !== 'multiclass') throw new Error(`${family}: unknown task "${String(task)}"; expected binary, multiclass or regression`);
  let largest = -1;
  for (let i = 0; i < nRows; i++) {
    const label = y[i];
    if (!Number.isInteger(label) || label < 0) throw new Error(`${family}: class label of row ${i} is ${label}; expected an integer class index from 0`);
    if (label > largest) largest = label;
  }
  const nClasses = data.nClasses ?? (task === 'binary' ? 2 : largest + 1);
  if (task === 'binary' && nClasses !== 2) throw new Error(`${family}: a binary task has 2 classes; got nClasses = ${nClasses}`);
  if (!Number.isInteger(nClasses) || nClasses < 2) throw new Error(`${family}: classification needs at least 2 classes; got ${nClasses}`);
  if (largest >= nClasses) throw new Error(`${family}: class label ${largest} is out of range for ${nClasses} classes (labels 0 to ${nClasses - 1})`);
  return { ...data, nClasses };
}

/** Throws unless `X` holds `nRows × nFeatures` values. */
export function checkMatrix(X: FeatureMatrix, nRows: number, nFeatures: number, family: string): void {
  if (!(X instanceof Float32Array || X instanceof Float64Array)) throw new Error(`${family}: features must be a Float32Array or Float64Array`);
  if (X.length !== nRows * nFeatures) {
    throw new Error(`${family}: expected ${nRows} rows × ${nFeatures} features = ${nRows * nFeatures} values; got ${X.length}`);
  }
}

/** Class counts of `y` over `rows` (all rows when absent). */
export function classCounts(y: ArrayLike<number>, nClasses: number, rows?: ArrayLike<number>): Float64Array {
  const counts = new Float64Array(nClasses);
  if (rows) for (let i = 0; i < rows.length; i++) counts[y[rows[i]]]++;
  else for (let i = 0; i < y.length; i++) counts[y[i]]++;
  return counts;
}

/** The most probable class of each row of a row-major probability matrix (ties: the lowest class). */
export function argmaxRows(proba: Float64Array, nRows: number, nClasses: number): Float64Array {
  const out = new Float64Array(nRows);
  for (let r = 0; r < nRows; r++) {
    const o = r * nClasses;
    let best = 0;
    for (let k = 1; k < nClasses; k++) if (proba[o + k] > proba[o + best]) best = k;
    out[r] = best;
  }
  return out;
}

/** The JSON envelope of a model. */
export function modelJson<S, P>(
  family: TabularFamilyName,
  task: TabularTask,
  nFeatures: number,
  nClasses: number,
  params: P,
  state: S,
): TabularModelJson<S, P> {
  return { format: 'benchtop-tabular-model', version: 1, family, task, nFeatures, nClasses, params, state };
}

/** Throws unless `json` is a model envelope of `family`; returns it typed. */
export function readModelJson<S, P>(json: unknown, family: TabularFamilyName): TabularModelJson<S, P> {
  const envelope = json as Partial<TabularModelJson>;
  if (typeof json !== 'object' || json === null || envelope.format !== 'benchtop-tabular-model') {
    throw new Error(`Not a tabular model: expected format "benchtop-tabular-model"; got ${JSON.stringify(envelope?.format)}`);
  }
  if (envelope.version !== 1) throw new Error(`Tabular model version ${JSON.stringify(envelope.version)} is not supported; expected 1`);
  if (envelope.family !== family) throw new Error(`Expected a ${family} model; got ${JSON.stringify(envelope.family)}`);
  if (envelope.task !== 'binary' && envelope.task !== 'multiclass' && envelope.task !== 'regression') {
    throw new Error(`Tabular model task ${JSON.stringify(envelope.task)} is unknown; expected binary, multiclass or regression`);
  }
  if (!Number.isInteger(envelope.nFeatures) || (envelope.nFeatures ?? 0) < 1) throw new Error(`Tabular model nFeatures ${envelope.nFeatures} is not a positive integer`);
  if (!Number.isInteger(envelope.nClasses) || (envelope.nClasses ?? 0) < 1) throw new Error(`Tabular model nClasses ${envelope.nClasses} is not a positive integer`);
  if (typeof envelope.state !== 'object' || envelope.state === null) throw new Error('Tabular model has no state object');
  return envelope as TabularModelJson<S, P>;
}

/** Throws for a regression model asked for probabilities. */
export function assertClassifier(task: TabularTask, family: string): void {
  if (task === 'regression') throw new Error(`${family}: predictProba needs a classification model; this one is a regression model`);
}

/** A number array from JSON as a Float64Array, checking its length. */
export function float64From(values: unknown, length: number | undefined, what: string): Float64Array {
  if (!Array.isArray(values)) throw new Error(`Tabular model: ${what} is not an array`);
  if (length !== undefined && values.length !== length) throw new Error(`Tabular model: ${what} has ${values.length} values; expected ${length}`);
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as unknown;
    // JSON has no NaN: a missing statistic is written as null.
    out[i] = v === null ? NaN : typeof v === 'number' ? v : NaN;
    if (v !== null && typeof v !== 'number') throw new Error(`Tabular model: ${what}[${i}] is ${JSON.stringify(v)}; expected a number`);
  }
  return out;
}

/** A typed array as a plain number array for JSON (NaN becomes null, which {@link float64From} reads back). */
export function numbersOf(values: ArrayLike<number>): (number | null)[] {
  const out: (number | null)[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Number.isNaN(values[i]) ? null : values[i];
  return out;
}
