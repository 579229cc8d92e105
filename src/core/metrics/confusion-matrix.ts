/**
 * @file The confusion matrix: counts of (true class, predicted class) pairs.
 */
import { checkClassCount, checkClassLabels, checkSameLength, type NumberArray } from './input-checks';

/**
 * The K x K confusion matrix, `matrix[trueClass][predictedClass]` (rows are true classes, as in scikit-learn's
 * `confusion_matrix(labels=range(K))`). Throws on a length mismatch or a label outside 0..K-1.
 */
export function confusionMatrix(yTrue: NumberArray, yPred: NumberArray, classCount: number): number[][] {
  checkClassCount(classCount);
  checkSameLength(yTrue, 'yTrue', yPred, 'yPred');
  checkClassLabels(yTrue, classCount, 'yTrue');
  checkClassLabels(yPred, classCount, 'yPred');
  const matrix = Array.from({ length: classCount }, () => new Array<number>(classCount).fill(0));
  for (let i = 0; i < yTrue.length; i++) matrix[yTrue[i]][yPred[i]]++;
  return matrix;
}
