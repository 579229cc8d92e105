/**
 * @file Per-class precision, recall, F1 and support, with macro and weighted averages, read off a confusion matrix.
 *
 * Zero division gives 0, as scikit-learn's `zero_division=0`: precision of a class never predicted, recall of a
 * class absent from yTrue, and F1 when precision + recall = 0.
 */
import { confusionMatrix } from './confusion-matrix';
import type { NumberArray } from './input-checks';

/** Scores of one class, treated as the positive class against all others. */
export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  /** Rows whose true class is this class. */
  support: number;
}

/** Precision, recall and F1 averaged over classes. */
export interface AveragedScores {
  precision: number;
  recall: number;
  f1: number;
}

/** Per-class scores (index = class) and their averages. */
export interface ClassificationScores {
  perClass: ClassScores[];
  /**
   * Unweighted mean over the classes that occur in yTrue or in the predictions (scikit-learn's default `labels=None`):
   * a class absent from both has no scores to average, while a class that is never predicted counts as 0.
   */
  macro: AveragedScores;
  /** Mean weighted by support (classes absent from yTrue weigh 0). */
  weighted: AveragedScores;
}

const ratio = (numerator: number, denominator: number): number => (denominator === 0 ? 0 : numerator / denominator);

/** Scores from a K x K confusion matrix with rows = true classes (see {@link confusionMatrix}). */
export function scoresFromConfusionMatrix(matrix: number[][]): ClassificationScores {
  const classCount = matrix.length;
  const perClass: ClassScores[] = [];
  const macro: AveragedScores = { precision: 0, recall: 0, f1: 0 };
  const weighted: AveragedScores = { precision: 0, recall: 0, f1: 0 };
  let present = 0;
  let total = 0;
  for (let k = 0; k < classCount; k++) {
    const truePositives = matrix[k][k];
    let support = 0;
    let predicted = 0;
    for (let j = 0; j < classCount; j++) {
      support += matrix[k][j];
      predicted += matrix[j][k];
    }
    const precision = ratio(truePositives, predicted);
    const recall = ratio(truePositives, support);
    const f1 = ratio(2 * precision * recall, precision + recall);
    perClass.push({ precision, recall, f1, support });
    total += support;
    if (support + predicted > 0) {
      present++;
      macro.precision += precision;
      macro.recall += recall;
      macro.f1 += f1;
    }
    weighted.precision += precision * support;
    weighted.recall += recall * support;
    weighted.f1 += f1 * support;
  }
  for (const key of ['precision', 'recall', 'f1'] as const) {
    macro[key] = ratio(macro[key], present);
    weighted[key] = ratio(weighted[key], total);
  }
  return { perClass, macro, weighted };
}

/** Per-class precision, recall, F1 and support of predicted labels, with macro and weighted averages. */
export function precisionRecallF1(yTrue: NumberArray, yPred: NumberArray, classCount: number): ClassificationScores {
  return scoresFromConfusionMatrix(confusionMatrix(yTrue, yPred, classCount));
}
