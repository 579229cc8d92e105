/**
 * @file An AutoML job as runs: what the parent run (kind `automl`) and its trial runs (kind `trial`, `parentId` the
 * parent) carry, the fitted model it leaves behind, and the explanation of that model. Types only; shared by the
 * AutoML job (src/jobs/automl-job.ts, in workers/automl.worker.ts), the runtime's automl runner, storage, scoring
 * and the UI.
 */

/** A tabular task AutoML solves. */
export type AutoMLTaskName = 'binary' | 'multiclass' | 'regression';

/** The primary metric (`accuracy`, `log-loss` for classification; `r2`, `rmse` for regression). */
export type AutoMLMetricName = 'accuracy' | 'log-loss' | 'r2' | 'rmse';

/** The job as the user asked for it (the input of `parseAutoMLSpec` in src/core/automl/automl-spec.ts). */
export interface AutoMLJobSpec {
  target: string;
  task?: AutoMLTaskName;
  metric?: AutoMLMetricName;
  /** At least one: a trial budget (deterministic) or a time budget in milliseconds. */
  budget: { trials?: number; timeMs?: number };
  validation?: { kind: 'cv'; folds?: number; stratified?: boolean } | { kind: 'holdout'; fraction?: number; stratified?: boolean };
  seed?: number;
  /** Tabular families to search (`linear`, `logistic`, `knn`, `decision-tree`, `random-forest`, `hist-gradient-boosting`, `mlp`); all that fit the task when absent. */
  families?: string[];
  /** Try a greedy ensemble of the best trials (default true). */
  ensemble?: boolean;
  /** Trials fitted at once, 1 to 16 (default 2); with a trial budget, the same concurrency gives the same leaderboard. */
  concurrency?: number;
}

/** A guardrail finding shown to the user (a copy of core's `GuardrailFinding`). */
export interface AutoMLFinding {
  code: string;
  severity: 'info' | 'warning';
  column?: string;
  message: string;
}

/** What the featurizer does with one raw column (a copy of core's `ColumnAction`). */
export type AutoMLColumnAction =
  | { kind: 'numeric'; column: string; missing: boolean }
  | { kind: 'one-hot'; column: string; categories: string[] }
  | { kind: 'target-encoding'; column: string; cardinality: number }
  | { kind: 'datetime'; column: string }
  | { kind: 'text-hashing'; column: string; buckets: number }
  | { kind: 'drop'; column: string; reason: 'constant' | 'id-like' | 'empty' };

/** The recommended model: the best single trial, or the ensemble when it beat it. */
export type AutoMLBest =
  | { kind: 'single'; trial: number; family: string; params: Readonly<Record<string, unknown>>; mean: number; std: number }
  | { kind: 'ensemble'; weights: { trial: number; weight: number }[]; mean: number; std: number };

/** The ensemble tried at the end (kept or not). */
export interface AutoMLEnsembleInfo {
  weights: { trial: number; weight: number }[];
  mean: number;
  std: number;
  /** The ensemble's and the best single model's score on all out-of-fold rows. */
  score: number;
  bestSingleScore: number;
  kept: boolean;
}

/** Permutation importance of one raw column on held-out rows: the mean drop of the primary metric, and its spread. */
export interface AutoMLImportance {
  column: string;
  mean: number;
  std: number;
}

/** Partial dependence of the prediction on one raw column: the mean prediction with the column set to each grid value. */
export interface AutoMLPartialDependence {
  column: string;
  /** `numeric`: grid of numbers (quantiles); `categorical`: the most frequent categories. */
  kind: 'numeric' | 'categorical';
  grid: (number | string)[];
  /** One series per output: the mean predicted value (regression), or the mean probability of each class. */
  series: { label: string; values: number[] }[];
}

/** How the recommended model was explained. */
export interface AutoMLExplanation {
  /** What the importances were measured on (e.g. `validation rows of fold 1 (30 rows), 5 repeats`). */
  basis: string;
  metric: AutoMLMetricName;
  importance: AutoMLImportance[];
  partialDependence: AutoMLPartialDependence[];
}

/** What an AutoML parent run carries besides its base training spec (RunRecord.automl). */
export interface AutoMLRunInfo {
  spec: AutoMLJobSpec;
  /** Known once the job has read the data. */
  task?: AutoMLTaskName;
  metric?: AutoMLMetricName;
  classes?: string[];
  findings: AutoMLFinding[];
  /** Trials finished so far (each is a child run). */
  trialsFinished: number;
  /** What the job is doing while the run is running (absent before it starts and once it ended). */
  phase?: 'reading' | 'searching' | 'refitting' | 'explaining';
  /** The best trial so far: its number, child run id and mean metric. */
  bestTrial?: { trial: number; runId: string; family: string; mean: number; std: number };
  ensemble?: AutoMLEnsembleInfo;
  best?: AutoMLBest;
  stoppedBy?: 'trials' | 'time' | 'canceled' | 'exhausted';
  /** A note for the user (budget too short for one trial, time budget reached...). */
  message?: string;
  explanation?: AutoMLExplanation;
  /** Artifact (on the parent run) holding the refit recommended model, `AUTOML_MODEL_FILE`. */
  modelArtifactId?: string;
}

/** What an AutoML trial run carries (RunRecord.automlTrial); its `trial` info holds number and params too. */
export interface AutoMLTrialInfo {
  /** 1-based, in the order the search ran it. */
  number: number;
  family: string;
  params: Readonly<Record<string, unknown>>;
  foldScores: number[];
  mean: number;
  std: number;
  /** Fit + predict milliseconds over all folds (measured). */
  trainMs: number;
}

/** The artifact name of an AutoML job's refit model, on the parent run and in a registered model version. */
export const AUTOML_MODEL_FILE = 'automl-model.json';

/** A fitted featurizer as data: the column actions plus what was fitted on the training rows. */
export interface AutoMLFeaturizerState {
  actions: AutoMLColumnAction[];
  /** Per action (same order, `drop` actions included as `null`): fitted statistics (medians, scales, encodings...). */
  fitted: (Record<string, unknown> | null)[];
  names: string[];
}

/** The refit model an AutoML job leaves behind (`automl-model.json`): everything needed to score raw rows. */
export interface AutoMLModelFile {
  format: 'benchtop-tabular';
  version: 1;
  task: AutoMLTaskName;
  target: string;
  /** Class labels in output order (classification). */
  classes: string[];
  /** Raw input columns the model reads, in order, with their dataset column types. */
  inputs: { name: string; type: string }[];
  featurizer: AutoMLFeaturizerState;
  /** One member (single model) or several (the ensemble), weights summing to 1; `model` is a `TabularModelJson`. */
  members: { weight: number; family: string; trial: number; model: unknown }[];
}
