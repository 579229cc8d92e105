/**
 * @file One AutoML trial: its configuration cross-validated fold by fold through a fold executor, its out-of-fold
 * predictions gathered and each fold scored. The default executor fits in process; the browser's AutoML job passes
 * one that fits in a pool of nested workers (`src/jobs/tabular-fit-pool.ts`), so several trials run at once.
 */
import { fitTabularModel } from '../../engines/tabular/families';
import type { TabularFamilyName } from '../../engines/tabular/tabular-model';
import type { JsonValue } from '../../protocol/sweep';
import type { AutoMLMetric } from './automl-spec';
import type { AutoMLTask } from './guardrails';
import { metricValue } from './leaderboard';

/** One fold's featurized matrices (row-major), as every trial of a search shares them. */
export interface FoldMatrices {
  /** Row indices (into the kept rows) of the training and validation parts. */
  train: Uint32Array;
  validation: Uint32Array;
  Xtrain: Float64Array;
  Xval: Float64Array;
  ytrain: Float64Array;
}

/** One fold of one trial to fit. */
export interface FoldFitRequest {
  trial: number;
  family: TabularFamilyName;
  params: Record<string, JsonValue>;
  /** The fold's index: an executor that ships folds elsewhere sends each one once and refers to it by index. */
  foldIndex: number;
  fold: FoldMatrices;
  nFeatures: number;
  task: AutoMLTask;
  nClasses: number;
  seed: number;
}

/**
 * Fits one fold and returns its predictions on the fold's validation rows (row-major: one value per row for a
 * regression, the class probabilities for a classification). Rejects with the signal's reason when aborted.
 */
export type FoldExecutor = (request: FoldFitRequest, signal: AbortSignal) => Promise<Float64Array>;

/** Fits `request`'s fold in this thread. */
export async function fitFoldInProcess(request: FoldFitRequest, signal: AbortSignal): Promise<Float64Array> {
  const { fold, task, nClasses, nFeatures } = request;
  const model = await fitTabularModel(
    request.family,
    { X: fold.Xtrain, nRows: fold.train.length, nFeatures, y: fold.ytrain, task, ...(task === 'regression' ? {} : { nClasses }) },
    request.params,
    { seed: request.seed, signal },
  );
  return task === 'regression' ? model.predict(fold.Xval, fold.validation.length) : model.predictProba(fold.Xval, fold.validation.length);
}

/** A cross-validated trial's outcome. */
export interface TrialOutcome {
  oof: Float64Array;
  foldScores: number[];
  ms: number;
}

/** Cross-validates one configuration on every fold, one fold after another; rejects when `signal` aborts. */
export async function crossValidate(
  base: Omit<FoldFitRequest, 'foldIndex' | 'fold'>,
  folds: readonly FoldMatrices[],
  context: { y: Float64Array; metric: AutoMLMetric; width: number; executor: FoldExecutor; signal: AbortSignal; now: () => number },
): Promise<TrialOutcome> {
  const { y, metric, width, signal } = context;
  const t0 = context.now();
  const oof = new Float64Array(y.length * width);
  const foldScores: number[] = [];
  for (const [foldIndex, fold] of folds.entries()) {
    signal.throwIfAborted();
    const pred = await context.executor({ ...base, foldIndex, fold }, signal);
    if (pred.length !== fold.validation.length * width) throw new Error(`A fold fit returned ${pred.length} values for ${fold.validation.length} rows of width ${width}`);
    fold.validation.forEach((r, i) => oof.set(pred.subarray(i * width, (i + 1) * width), r * width));
    foldScores.push(metricValue(metric, y, oof, width, fold.validation));
    signal.throwIfAborted();
  }
  return { oof, foldScores, ms: context.now() - t0 };
}
