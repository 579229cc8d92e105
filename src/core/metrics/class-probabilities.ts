/**
 * @file The class-probability matrix of a classifier: N rows by K classes, row-major, one row per sample (binary
 * models give K = 2 columns). Checked once here so that every metric can trust it.
 */
import { checkClassCount, checkNotEmpty, type NumberArray } from './input-checks';
import { MetricsError } from './metrics-error';

/**
 * How far a row's sum may stray from 1. Rows within it are used as given (not renormalised): the tolerance absorbs
 * float32 rounding of a softmax, while a larger error means the model did not output probabilities.
 */
export const PROBABILITY_SUM_TOLERANCE = 1e-3;

/**
 * Throws unless `probabilities` holds `rowCount` rows of `classCount` finite values in [0, 1] that sum to 1 within
 * {@link PROBABILITY_SUM_TOLERANCE}. The message names the first bad row.
 */
export function checkProbabilities(probabilities: NumberArray, rowCount: number, classCount: number): void {
  checkClassCount(classCount);
  checkNotEmpty(probabilities.length, 'probabilities');
  if (probabilities.length !== rowCount * classCount) {
    throw new MetricsError(
      'length-mismatch',
      `probabilities has ${probabilities.length} values; expected ${rowCount} rows x ${classCount} classes = ${rowCount * classCount}`,
    );
  }
  for (let row = 0; row < rowCount; row++) {
    let sum = 0;
    for (let k = 0; k < classCount; k++) {
      const p = probabilities[row * classCount + k];
      if (!(p >= 0 && p <= 1)) {
        throw new MetricsError('bad-probabilities', `Probability of class ${k} at row ${row} is ${p}; expected a number in [0, 1]`);
      }
      sum += p;
    }
    if (Math.abs(sum - 1) > PROBABILITY_SUM_TOLERANCE) {
      throw new MetricsError(
        'bad-probabilities',
        `Probabilities at row ${row} sum to ${sum}; expected 1 (within ${PROBABILITY_SUM_TOLERANCE}). Apply softmax or sigmoid first`,
      );
    }
  }
}

/** The most probable class of each row (ties go to the lower class index, like numpy's argmax). */
export function predictedLabels(probabilities: NumberArray, classCount: number): Int32Array {
  checkClassCount(classCount);
  const rowCount = Math.floor(probabilities.length / classCount);
  const labels = new Int32Array(rowCount);
  for (let row = 0; row < rowCount; row++) {
    const offset = row * classCount;
    let best = 0;
    for (let k = 1; k < classCount; k++) if (probabilities[offset + k] > probabilities[offset + best]) best = k;
    labels[row] = best;
  }
  return labels;
}

/** One column of the matrix: the probability of class `classIndex` for every row (the one-vs-rest score). */
export function classColumn(probabilities: NumberArray, classCount: number, classIndex: number): Float64Array {
  const rowCount = Math.floor(probabilities.length / classCount);
  const column = new Float64Array(rowCount);
  for (let row = 0; row < rowCount; row++) column[row] = probabilities[row * classCount + classIndex];
  return column;
}

/** 1 where `labels` equals `classIndex`, else 0: the one-vs-rest target of a class. */
export function oneVsRest(labels: NumberArray, classIndex: number): Uint8Array {
  const target = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) target[i] = labels[i] === classIndex ? 1 : 0;
  return target;
}
