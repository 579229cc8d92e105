/**
 * @file Log loss (cross-entropy) of class probabilities.
 */
import { checkProbabilities } from './class-probabilities';
import { checkClassLabels, checkNotEmpty, type NumberArray } from './input-checks';

/**
 * Probabilities are clipped to [LOG_LOSS_EPSILON, 1 - LOG_LOSS_EPSILON] before the log, so that a confident
 * wrong answer costs -ln(1e-15) ≈ 34.5 instead of Infinity (scikit-learn's `log_loss(eps=1e-15)`).
 */
export const LOG_LOSS_EPSILON = 1e-15;

/**
 * Mean negative log-probability of the true class. `probabilities` is N x K row-major and must pass
 * {@link checkProbabilities}; rows are not renormalised (scikit-learn 1.2 renormalises after clipping, which moves
 * the result by less than 1e-7 for rows within the tolerance).
 */
export function logLoss(yTrue: NumberArray, probabilities: NumberArray, classCount: number): number {
  checkNotEmpty(yTrue.length, 'yTrue');
  checkProbabilities(probabilities, yTrue.length, classCount);
  checkClassLabels(yTrue, classCount, 'yTrue');
  let sum = 0;
  for (let row = 0; row < yTrue.length; row++) {
    const p = probabilities[row * classCount + yTrue[row]];
    sum -= Math.log(Math.min(Math.max(p, LOG_LOSS_EPSILON), 1 - LOG_LOSS_EPSILON));
  }
  return sum / yTrue.length;
}
