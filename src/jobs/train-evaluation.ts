/**
 * @file Evaluation of a trained model on the held-out test split: the core classification or regression report,
 * permutation importance per source column (seeded, on at most a few thousand rows), and the summary metrics a
 * run row carries for sorting and comparing.
 */
import type * as tf from '@tensorflow/tfjs';
import type { FeatureSegment } from '../core/features/pipeline';
import { evaluateClassification } from '../core/metrics/evaluate-classification';
import { evaluateRegression } from '../core/metrics/evaluate-regression';
import type { EvaluationReport } from '../core/metrics/evaluation-report';
import { permutationImportance, type PermutationImportanceResult } from '../core/metrics/permutation-importance';
import { predictRows } from '../engines/tfjs/model-export';
import type { LabeledRows } from '../engines/tfjs/train-loop';
import type { MetricValue } from '../protocol/run';
import type { TrainTask } from '../protocol/train';

/** Rows of the test split permutation importance reads at most (the first ones: the split is already shuffled). */
export const IMPORTANCE_MAX_ROWS = 2000;
/** Shuffles per column for permutation importance. */
export const IMPORTANCE_REPEATS = 3;

/** The `evaluation.json` artifact. */
export interface EvaluationArtifact {
  version: 1;
  split: 'test';
  report: EvaluationReport;
  importance: PermutationImportanceResult & {
    /** The score whose drop is measured. */
    score: 'accuracy' | 'rmse';
    higherIsBetter: boolean;
    rows: number;
  };
}

/** What {@link evaluateOnTest} needs. */
export interface TestEvaluationInput {
  model: tf.LayersModel;
  task: TrainTask;
  test: LabeledRows;
  featureCount: number;
  segments: readonly FeatureSegment[];
  /** Class names (classification). */
  classNames?: readonly string[];
  seed: number;
  signal?: AbortSignal;
}

/** The report and the test metrics for the run's summary (`test_accuracy`, `test_rmse`, ...). */
export interface TestEvaluation {
  artifact: EvaluationArtifact;
  summary: MetricValue[];
}

/** Class probabilities, rows × classes: a binary model's single sigmoid output becomes [1 - p, p]. */
function probabilitiesOf(task: TrainTask, predictions: Float32Array): Float32Array {
  if (task !== 'binary') return predictions;
  const out = new Float32Array(predictions.length * 2);
  for (let i = 0; i < predictions.length; i++) {
    out[2 * i] = 1 - predictions[i];
    out[2 * i + 1] = predictions[i];
  }
  return out;
}

/** Accuracy (classification) or RMSE (regression) of raw model outputs against `y`. */
function scorer(task: TrainTask, y: Float32Array, classCount: number): (predictions: Float32Array) => number {
  if (task === 'regression') {
    return (p) => {
      let sum = 0;
      for (let i = 0; i < y.length; i++) sum += (p[i] - y[i]) ** 2;
      return Math.sqrt(sum / y.length);
    };
  }
  return (p) => {
    let correct = 0;
    for (let i = 0; i < y.length; i++) {
      let predicted = 0;
      if (task === 'binary') predicted = p[i] > 0.5 ? 1 : 0;
      else for (let k = 1; k < classCount; k++) if (p[i * classCount + k] > p[i * classCount + predicted]) predicted = k;
      if (predicted === y[i]) correct++;
    }
    return correct / y.length;
  };
}

/** Evaluates `model` on the test rows. Throws (a MetricsError) when predictions are not finite. */
export async function evaluateOnTest(input: TestEvaluationInput): Promise<TestEvaluation> {
  const { model, task, test, featureCount, segments, seed, signal } = input;
  const predictions = await predictRows(model, test.x);
  const classCount = task === 'regression' ? 1 : task === 'binary' ? 2 : (input.classNames?.length ?? 0);
  let report: EvaluationReport;
  const summary: MetricValue[] = [];
  const add = (key: string, value: number | null) => {
    if (value !== null && Number.isFinite(value)) summary.push({ key, value });
  };
  if (task === 'regression') {
    report = evaluateRegression({ yTrue: test.y, yPred: predictions });
    add('test_rmse', report.rmse);
    add('test_mae', report.mae);
    add('test_r2', report.r2);
  } else {
    report = evaluateClassification({
      yTrue: Int32Array.from(test.y),
      probabilities: probabilitiesOf(task, predictions),
      classCount,
      ...(input.classNames ? { classNames: input.classNames } : {}),
    });
    add('test_accuracy', report.accuracy);
    add('test_log_loss', report.logLoss.value);
    add('test_roc_auc', report.rocAuc.value);
    add('test_f1_macro', report.macro.f1);
  }

  const rows = Math.min(IMPORTANCE_MAX_ROWS, test.y.length);
  const y = test.y.subarray(0, rows);
  const higherIsBetter = task !== 'regression';
  const importance = await permutationImportance({
    columns: segments.map((s) => ({ name: s.column, features: Array.from({ length: s.width }, (_, j) => s.offset + j) })),
    X: test.x.subarray(0, rows * featureCount),
    featureCount,
    predict: (X) => predictRows(model, X),
    score: scorer(task, y, classCount),
    higherIsBetter,
    repeats: IMPORTANCE_REPEATS,
    seed,
    ...(signal ? { signal } : {}),
  });
  return {
    artifact: { version: 1, split: 'test', report, importance: { ...importance, score: higherIsBetter ? 'accuracy' : 'rmse', higherIsBetter, rows } },
    summary,
  };
}
