/**
 * @file The scikit-learn expectations of `golden.json` (written by `golden.py`), typed, with the datasets as typed
 * arrays for the tests of the tabular families.
 */
import golden from './golden.json';
import type { TabularData, TabularTask } from '../tabular-model';

type Numbers = (number | null)[];

/** JSON numbers (null for NaN) as a Float64Array. */
export function f64(values: Numbers): Float64Array {
  return Float64Array.from(values, (v) => (v === null ? NaN : v));
}

interface RawDataset {
  X: Numbers;
  nRows: number;
  nFeatures: number;
  y: Numbers;
  XTest?: Numbers;
  nTest?: number;
}

/** A golden dataset as {@link TabularData} for `task`. */
export function goldenData(name: keyof typeof golden.data, task: TabularTask): TabularData & { XTest?: Float64Array; nTest?: number } {
  const d = golden.data[name] as RawDataset;
  return {
    X: f64(d.X),
    nRows: d.nRows,
    nFeatures: d.nFeatures,
    y: f64(d.y),
    task,
    ...(d.XTest ? { XTest: f64(d.XTest), nTest: d.nTest } : {}),
  };
}

/** Rows `rows` of `data` as a new dataset. */
export function subset(data: TabularData, rows: ArrayLike<number>): TabularData {
  const F = data.nFeatures;
  const X = new Float64Array(rows.length * F);
  const y = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    X.set(data.X.subarray(rows[i] * F, (rows[i] + 1) * F), i * F);
    y[i] = data.y[rows[i]];
  }
  return { ...data, X, y, nRows: rows.length };
}

/** Largest absolute difference between two arrays of the same length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export { golden };
