/**
 * @file Accuracy: the fraction of rows whose predicted class is the true class.
 */
import { checkSameLength, type NumberArray } from './input-checks';

/** The fraction of rows where `yPred` equals `yTrue`. Throws on empty or mismatched input. */
export function accuracy(yTrue: NumberArray, yPred: NumberArray): number {
  checkSameLength(yTrue, 'yTrue', yPred, 'yPred');
  let correct = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) correct++;
  return correct / yTrue.length;
}
