/**
 * @file Binary metrics over class probabilities: the binary case (K = 2, class 1 positive) and the one-vs-rest
 * average for K > 2.
 */
import { checkProbabilities, classColumn, oneVsRest } from './class-probabilities';
import { checkClassLabels, checkNotEmpty, type NumberArray } from './input-checks';
import { defined, undefinedMetric, type MetricResult } from './metric-result';

/** A binary metric: target (1 = positive) and scores in, a value or a reason out. */
export type BinaryScore = (target: Uint8Array, scores: Float64Array) => MetricResult;

/** How per-class one-vs-rest values are combined: plain mean, or weighted by each class's share of yTrue. */
export type OneVsRestAverage = 'macro' | 'weighted';

/** The binary metric of each class against the rest (index = class). Inputs are checked first. */
export function perClassScores(
  yTrue: NumberArray,
  probabilities: NumberArray,
  classCount: number,
  score: BinaryScore,
): MetricResult[] {
  checkNotEmpty(yTrue.length, 'yTrue');
  checkProbabilities(probabilities, yTrue.length, classCount);
  checkClassLabels(yTrue, classCount, 'yTrue');
  const results: MetricResult[] = [];
  for (let k = 0; k < classCount; k++) {
    results.push(score(oneVsRest(yTrue, k), classColumn(probabilities, classCount, k)));
  }
  return results;
}

/**
 * For K = 2, the binary metric of class 1 (the positive class). For K > 2, the one-vs-rest `average` over classes
 * whose value is defined (see {@link combineOneVsRest}).
 */
export function binaryOrOneVsRest(
  yTrue: NumberArray,
  probabilities: NumberArray,
  classCount: number,
  score: BinaryScore,
  average: OneVsRestAverage = 'macro',
): MetricResult {
  const perClass = perClassScores(yTrue, probabilities, classCount, score);
  return classCount === 2 ? perClass[1] : combineOneVsRest(perClass, yTrue, average);
}

/**
 * The `average` of per-class values (index = class) over the classes whose value is defined; classes left out
 * (absent from yTrue, say) are named in the result's `note`, where scikit-learn would refuse the whole average.
 * `weighted` weighs each class by its rows in `yTrue`. `null` with a reason when no class is defined.
 */
export function combineOneVsRest(perClass: readonly MetricResult[], yTrue: NumberArray, average: OneVsRestAverage): MetricResult {
  const support = new Float64Array(perClass.length);
  for (let i = 0; i < yTrue.length; i++) support[yTrue[i]]++;
  let sum = 0;
  let weight = 0;
  const skipped: string[] = [];
  perClass.forEach((result, k) => {
    if (result.value === null) {
      skipped.push(`class ${k} (${result.reason})`);
      return;
    }
    const w = average === 'macro' ? 1 : support[k];
    sum += result.value * w;
    weight += w;
  });
  if (weight === 0) return undefinedMetric(`Undefined for every class: ${skipped.join('; ')}`);
  const kept = perClass.length - skipped.length;
  const note = skipped.length === 0 ? undefined : `Averaged over ${kept} of ${perClass.length} classes; left out ${skipped.join('; ')}`;
  return defined(sum / weight, note);
}
