/**
 * @file Input checks shared by the metrics: lengths, class labels and finite numbers. Each failure is a
 * {@link MetricsError} whose message names the row and the value.
 */
import { MetricsError } from './metrics-error';

/** Any array of numbers the metrics read (typed arrays or plain arrays). */
export type NumberArray = ArrayLike<number>;

/** Throws when `length` is 0. `what` names the array, e.g. "yTrue". */
export function checkNotEmpty(length: number, what: string): void {
  if (length === 0) throw new MetricsError('empty-input', `${what} is empty; expected at least one row`);
}

/** Throws unless the two arrays have the same length (and are not empty). */
export function checkSameLength(a: NumberArray, aName: string, b: NumberArray, bName: string): void {
  checkNotEmpty(a.length, aName);
  if (a.length !== b.length) {
    throw new MetricsError('length-mismatch', `${aName} has ${a.length} rows but ${bName} has ${b.length}; expected the same number`);
  }
}

/** Throws unless `classCount` is an integer of at least 2. */
export function checkClassCount(classCount: number): void {
  if (!Number.isInteger(classCount) || classCount < 2) {
    throw new MetricsError('bad-argument', `classCount is ${classCount}; expected an integer of at least 2`);
  }
}

/** Throws unless every label is an integer class index in 0..classCount-1. `what` names the array. */
export function checkClassLabels(labels: NumberArray, classCount: number, what: string): void {
  checkNotEmpty(labels.length, what);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0 || label >= classCount) {
      throw new MetricsError('bad-label', `${what} at row ${i} is ${label}; expected a class index in 0..${classCount - 1}`);
    }
  }
}

/** Throws at the first NaN or infinite value. `what` names a value, e.g. "Prediction". */
export function checkFinite(values: NumberArray, what: string): void {
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (!Number.isFinite(value)) {
      throw new MetricsError('not-finite', `${what} at row ${i} is ${value}; expected a finite number`);
    }
  }
}
