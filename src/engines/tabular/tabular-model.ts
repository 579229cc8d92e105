/**
 * @file The interface every tabular model family implements (linear, logistic, k-nearest neighbours, decision tree,
 * random forest, histogram gradient boosting, MLP): data in as one row-major typed array, a fitted model out that
 * predicts, gives class probabilities and serialises to JSON. Fitting is seeded (same data, parameters and seed: the
 * same model, bit for bit), cancellable with an `AbortSignal` and yields to the event loop between trees or
 * iterations, so a worker stays responsive to a cancel message.
 */
import type { TrainTask } from '../../protocol/train';

/** What a tabular model predicts: one of two classes, one of several, or a number. */
export type TabularTask = TrainTask;

/** Row-major features: row `r`'s feature `f` is at `r * nFeatures + f`; `NaN` is a missing value. */
export type FeatureMatrix = Float32Array | Float64Array;

/** Names of the model families, as stored in a model's JSON. */
export type TabularFamilyName = 'linear' | 'logistic' | 'knn' | 'decision-tree' | 'random-forest' | 'hist-gradient-boosting' | 'mlp';

/** A training table, already featurized to numbers. */
export interface TabularData {
  X: FeatureMatrix;
  nRows: number;
  nFeatures: number;
  /** Targets: a class index `0..nClasses-1` (classification) or a finite number (regression). */
  y: ArrayLike<number>;
  task: TabularTask;
  /** Classes of a classification task (default: largest label + 1; binary: 2). Ignored for regression. */
  nClasses?: number;
}

/** Progress of a fit, keyed on `status`. */
export type TabularFitProgress =
  | {
      status: 'fitting';
      family: TabularFamilyName;
      /** Units done so far (trees, boosting iterations, optimizer iterations). */
      completed: number;
      /** Units planned; early stopping or convergence may end the fit sooner. */
      total: number;
      unit: 'tree' | 'iteration';
      /** Validation loss of gradient boosting with early stopping, after this iteration. */
      validationLoss?: number;
    }
  | { status: 'done'; family: TabularFamilyName; completed: number; unit: 'tree' | 'iteration'; stoppedEarly: boolean };

/** How to fit: the seed of every random choice, cancellation and progress. */
export interface TabularFitOptions {
  /** A uint32 seed: bootstrap samples, feature subsets, validation split. */
  seed: number;
  /** Aborting rejects the fit with the signal's reason at the next tree or iteration. */
  signal?: AbortSignal;
  onProgress?: (progress: TabularFitProgress) => void;
}

/** The JSON form of a fitted model: an envelope every family shares, and the family's own state. */
export interface TabularModelJson<S = unknown, P = unknown> {
  format: 'benchtop-tabular-model';
  version: 1;
  family: TabularFamilyName;
  task: TabularTask;
  nFeatures: number;
  /** Classes (classification); 1 for regression. */
  nClasses: number;
  /** The resolved parameters the model was fitted with. */
  params: P;
  state: S;
}

/** A fitted model. Predictions read raw feature rows in the layout of {@link FeatureMatrix}. */
export interface TabularModel {
  readonly family: TabularFamilyName;
  readonly task: TabularTask;
  readonly nFeatures: number;
  /** Classes (classification); 1 for regression. */
  readonly nClasses: number;
  /** One value per row: the most probable class index (ties: the lowest), or the predicted number. */
  predict(X: FeatureMatrix, nRows: number): Float64Array;
  /** Class probabilities, row-major `nRows × nClasses`; throws for a regression model. */
  predictProba(X: FeatureMatrix, nRows: number): Float64Array;
  /** A JSON-serialisable copy of the model; the family's `fromJSON` restores it exactly. */
  toJSON(): TabularModelJson;
}
