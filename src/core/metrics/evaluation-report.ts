/**
 * @file The evaluation report stored with a run: plain JSON (numbers, strings, arrays, null), no typed arrays, no
 * NaN or Infinity, so `JSON.parse(JSON.stringify(report))` gives it back unchanged.
 */
import type { MetricResult } from './metric-result';
import type { PrecisionRecallCurve } from './precision-recall-curve';
import type { AveragedScores, ClassScores } from './precision-recall-f1';
import type { RegressionSample } from './residuals';
import type { RocCurve } from './roc-curve';

/** Bumped when a report's shape changes, so stored reports can be migrated. */
export const EVALUATION_REPORT_VERSION = 1;

/** One class's curve (one-vs-rest; for a binary model only the positive class 1) and the area it summarises. */
export interface ClassCurve<Curve> {
  classIndex: number;
  className: string;
  /** ROC AUC or average precision of this class. */
  area: MetricResult;
  /** Downsampled for plotting; null when undefined (the reason is in `area`). */
  curve: Curve | null;
}

/** Scores of one class with its name. */
export interface NamedClassScores extends ClassScores {
  classIndex: number;
  className: string;
}

/** Evaluation of a classifier on a held-out split. */
export interface ClassificationReport {
  task: 'classification';
  version: typeof EVALUATION_REPORT_VERSION;
  sampleCount: number;
  classNames: string[];
  accuracy: number;
  /** K x K, `confusionMatrix[trueClass][predictedClass]`. */
  confusionMatrix: number[][];
  perClass: NamedClassScores[];
  macro: AveragedScores;
  weighted: AveragedScores;
  /** Needs probabilities; `null` with a reason when only labels were given. */
  logLoss: MetricResult;
  /** Binary: AUC of class 1. Multiclass: one-vs-rest macro average. */
  rocAuc: MetricResult;
  /** Binary: AP of class 1. Multiclass: one-vs-rest macro average. */
  averagePrecision: MetricResult;
  /** Empty when only labels were given. */
  rocCurves: ClassCurve<RocCurve>[];
  precisionRecallCurves: ClassCurve<PrecisionRecallCurve>[];
}

/** Evaluation of a regressor on a held-out split. */
export interface RegressionReport {
  task: 'regression';
  version: typeof EVALUATION_REPORT_VERSION;
  sampleCount: number;
  rmse: number;
  mae: number;
  /** 1 or 0 for a constant target (see `r2Score`). */
  r2: number;
  /** Mean of actual - predicted (bias). */
  residualMean: number;
  /** Population standard deviation of the residuals. */
  residualStd: number;
  /** Bounded sample for the residual and predicted-vs-actual plots. */
  sample: RegressionSample;
}

/** Any evaluation report, keyed on `task`. */
export type EvaluationReport = ClassificationReport | RegressionReport;
