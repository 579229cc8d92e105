/**
 * @file The classification evaluation facade: every classification metric in one JSON report.
 */
import { accuracy } from './accuracy';
import { thresholdCounts } from './binary-threshold-counts';
import { checkProbabilities, classColumn, oneVsRest, predictedLabels } from './class-probabilities';
import { confusionMatrix } from './confusion-matrix';
import { CURVE_MAX_POINTS, downsampleCurve } from './downsample-curve';
import { EVALUATION_REPORT_VERSION, type ClassCurve, type ClassificationReport } from './evaluation-report';
import { checkClassCount, checkClassLabels, checkSameLength, type NumberArray } from './input-checks';
import { logLoss } from './log-loss';
import { defined, undefinedMetric, type MetricResult } from './metric-result';
import { MetricsError } from './metrics-error';
import { combineOneVsRest } from './one-vs-rest';
import { averagePrecisionFromCounts, precisionRecallCurveFromCounts, type PrecisionRecallCurve } from './precision-recall-curve';
import { scoresFromConfusionMatrix } from './precision-recall-f1';
import { rocAucFromCounts, rocCurveFromCounts, type RocCurve } from './roc-curve';

/** Input of {@link evaluateClassification}: probabilities, predicted labels, or both. */
export interface ClassificationEvaluationInput {
  /** True class index (0..K-1) of each row. */
  yTrue: Int32Array | NumberArray;
  /** N x K row-major class probabilities (K = 2 for binary). Enables log loss, ROC and PR. */
  probabilities?: Float32Array | NumberArray;
  /** Predicted class of each row; defaults to the argmax of `probabilities`. */
  yPred?: Int32Array | NumberArray;
  /** K, at least 2. */
  classCount: number;
  /** Display names, one per class; default "0", "1", ... */
  classNames?: readonly string[];
  /** Most points kept per curve (default {@link CURVE_MAX_POINTS}). */
  curvePoints?: number;
}

const NEEDS_PROBABILITIES = 'Needs class probabilities; only predicted labels were given';

/**
 * Accuracy, confusion matrix, per-class and averaged precision/recall/F1, log loss, ROC AUC and average precision
 * (binary, or one-vs-rest macro) with downsampled ROC and PR curves. Undefined values (AUC with one class present)
 * are `null` with a reason. Throws a MetricsError on bad input: see `checkProbabilities` and `checkClassLabels`.
 */
export function evaluateClassification(input: ClassificationEvaluationInput): ClassificationReport {
  const { yTrue, probabilities, classCount, curvePoints = CURVE_MAX_POINTS } = input;
  checkClassCount(classCount);
  const classNames = input.classNames ? [...input.classNames] : Array.from({ length: classCount }, (_, k) => String(k));
  if (classNames.length !== classCount) {
    throw new MetricsError('length-mismatch', `classNames has ${classNames.length} names; expected ${classCount} (classCount)`);
  }
  checkClassLabels(yTrue, classCount, 'yTrue');
  if (probabilities) checkProbabilities(probabilities, yTrue.length, classCount);
  let yPred = input.yPred;
  if (!yPred) {
    if (!probabilities) throw new MetricsError('bad-argument', 'Neither probabilities nor yPred was given; expected at least one');
    yPred = predictedLabels(probabilities, classCount);
  }
  checkSameLength(yTrue, 'yTrue', yPred, 'yPred');

  const matrix = confusionMatrix(yTrue, yPred, classCount);
  const scores = scoresFromConfusionMatrix(matrix);
  const report: ClassificationReport = {
    task: 'classification',
    version: EVALUATION_REPORT_VERSION,
    sampleCount: yTrue.length,
    classNames,
    accuracy: accuracy(yTrue, yPred),
    confusionMatrix: matrix,
    perClass: scores.perClass.map((s, k) => ({ classIndex: k, className: classNames[k], ...s })),
    macro: scores.macro,
    weighted: scores.weighted,
    logLoss: undefinedMetric(NEEDS_PROBABILITIES),
    rocAuc: undefinedMetric(NEEDS_PROBABILITIES),
    averagePrecision: undefinedMetric(NEEDS_PROBABILITIES),
    rocCurves: [],
    precisionRecallCurves: [],
  };
  if (!probabilities) return report;

  report.logLoss = defined(logLoss(yTrue, probabilities, classCount));
  // Binary: only the positive class (class 0's curves mirror it). Multiclass: each class against the rest.
  // One sort per class serves both curves and both areas.
  const curveClasses = classCount === 2 ? [1] : Array.from({ length: classCount }, (_, k) => k);
  for (const k of curveClasses) {
    const counts = thresholdCounts(oneVsRest(yTrue, k), classColumn(probabilities, classCount, k));
    const rocArea = rocAucFromCounts(counts);
    const prArea = averagePrecisionFromCounts(counts);
    report.rocCurves.push(
      classCurve(k, classNames[k], rocArea, () => downsampleCurve<RocCurve>(rocCurveFromCounts(counts), 'fpr', 'tpr', curvePoints)),
    );
    report.precisionRecallCurves.push(
      classCurve(k, classNames[k], prArea, () =>
        downsampleCurve<PrecisionRecallCurve>(precisionRecallCurveFromCounts(counts), 'recall', 'precision', curvePoints),
      ),
    );
  }
  const areas = (curves: ClassCurve<unknown>[]): MetricResult =>
    classCount === 2 ? curves[0].area : combineOneVsRest(curves.map((c) => c.area), yTrue, 'macro');
  report.rocAuc = areas(report.rocCurves);
  report.averagePrecision = areas(report.precisionRecallCurves);
  return report;
}

function classCurve<Curve>(classIndex: number, className: string, area: MetricResult, curve: () => Curve): ClassCurve<Curve> {
  return { classIndex, className, area, curve: area.value === null ? null : curve() };
}
