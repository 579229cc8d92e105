/**
 * @file A hyperparameter sweep: a base training spec, a search space over its fields, a sampler, the metric to
 * optimize and the budget. Types only; validation is `src/core/tune/sweep-spec.ts`, the samplers are in
 * `src/core/tune/samplers`. A trial is the base spec with the sampled values written at their paths
 * (`src/core/tune/apply-params.ts`).
 */
import type { MetricGoal, TerminationPolicy } from './termination';
import type { TrainSpec } from './train';

/** Any JSON value: what a `choice` may offer and what a trial's parameter may hold. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * Where a parameter lives in the trial spec: dotted keys with array indices, `optimizer.learningRate`,
 * `model.layers[1].dropout`; `model.layers.length` resizes a list (a longer list repeats its last element).
 * Keys that are not identifiers are quoted as JSON strings: `a["my key"]`.
 */
export type ParamPath = string;

/**
 * When a parameter is active, read on the trial spec as built so far (the base spec with the earlier parameters
 * applied): the value at `path` equals `equals`, or is one of `oneOf` (exactly one of the two).
 * Independently of `when`, a parameter whose path does not exist in the trial spec (a layer the trial does not have,
 * a field of another optimizer) is inactive: it is neither sampled nor written.
 */
export interface ParamCondition {
  path: ParamPath;
  equals?: JsonValue;
  oneOf?: readonly JsonValue[];
}

/** Fields every parameter has. */
interface ParamBase {
  path: ParamPath;
  when?: ParamCondition;
}

/** One of a list of values (numbers, strings, booleans, or whole objects such as an optimizer). */
export interface ChoiceParam extends ParamBase {
  type: 'choice';
  values: readonly JsonValue[];
}

/** A real number drawn uniformly from `[min, max]`. */
export interface UniformParam extends ParamBase {
  type: 'uniform';
  min: number;
  max: number;
}

/** A real number whose logarithm is uniform over `[log min, log max]`; `0 < min < max`. */
export interface LogUniformParam extends ParamBase {
  type: 'loguniform';
  min: number;
  max: number;
}

/** A real number on the grid `min, min + step, ..., max` (`max - min` a multiple of `step`). */
export interface QuantizedUniformParam extends ParamBase {
  type: 'quniform';
  min: number;
  max: number;
  step: number;
}

/**
 * An integer from `min` to `max` on the grid `min, min + step, ...` (`step` defaults to 1); with `log`, drawn
 * log-uniformly (then `step` must be 1 and `min` ≥ 1).
 */
export interface IntParam extends ParamBase {
  type: 'int';
  min: number;
  max: number;
  step?: number;
  log?: boolean;
}

/** One dimension of a search space. */
export type SearchParam = ChoiceParam | UniformParam | LogUniformParam | QuantizedUniformParam | IntParam;

/** Parameters in order: a parameter's `when` and path are read after the earlier parameters are applied. */
export type SearchSpace = readonly SearchParam[];

/** Every point of the grid, in order (or shuffled with the sweep's seed); continuous parameters get `pointsPerAxis` points. */
export interface GridSamplerOptions {
  /** Points of a `uniform` or `loguniform` axis, ends included (2..1000). Default 5. */
  pointsPerAxis?: number;
  /** Visit the grid points in a seeded random order. Default false. */
  shuffle?: boolean;
}

/** Independent uniform draws (log-uniform for log parameters). No options. */
export type RandomSamplerOptions = Record<string, never>;

/** A Sobol low-discrepancy sequence (Joe–Kuo direction numbers), one dimension per parameter. */
export interface SobolSamplerOptions {
  /** Linear matrix scrambling plus a digital shift, seeded. Default true. */
  scramble?: boolean;
}

/**
 * The tree-structured Parzen estimator (as in Optuna): after `startupTrials` random trials, the observed trials are
 * split into the best `min(ceil(gammaFraction · n), gammaMax)` and the rest, a Parzen estimator is fitted to each,
 * and the candidate (of `eiCandidates` drawn from the good one) with the largest ratio good/bad is suggested.
 */
export interface TpeSamplerOptions {
  /** Random trials before the model is used (≥ 0). Default 10. */
  startupTrials?: number;
  /** Candidates drawn per suggestion (≥ 1). Default 24. */
  eiCandidates?: number;
  /** Weight of the prior (a wide kernel at the centre of the range) among the kernels (> 0). Default 1. */
  priorWeight?: number;
  /** Lower bound of kernel widths: range / min(100, 1 + kernels). Default true. */
  magicClip?: boolean;
  /** Let the kernels at the ends of the observed values take the distance to the range's end. Default false. */
  endpoints?: boolean;
  /** Model the parameters jointly (one kernel per trial over all parameters) instead of one by one. Default true (Optuna: false). */
  multivariate?: boolean;
  /**
   * Multivariate kernel widths per axis, n^(−1/(d+4)) times: the observations' standard deviation (`scott`, default),
   * or 0.2 · range (`range`, as Optuna 3).
   */
  bandwidth?: 'scott' | 'range';
  /**
   * Multivariate only: split conditional spaces into groups of parameters that always occur together and model
   * each group jointly (true), or model jointly only the parameters every trial has (false). Default true.
   */
  group?: boolean;
  /** Count running trials as bad ones (Optuna's constant liar), so that concurrent trials spread out. Default false. */
  constantLiar?: boolean;
  /** The good trials are the best `ceil(gammaFraction · n)`, at most `gammaMax`. Defaults 0.1 and 25. */
  gammaFraction?: number;
  gammaMax?: number;
}

/** The sampler, keyed on `type`. */
export type SamplerSpec =
  | { type: 'grid'; options?: GridSamplerOptions }
  | { type: 'random'; options?: RandomSamplerOptions }
  | { type: 'sobol'; options?: SobolSamplerOptions }
  | { type: 'tpe'; options?: TpeSamplerOptions };

/** Sampler type names. */
export type SamplerType = SamplerSpec['type'];

/** The metric a sweep optimizes: a key the training job records (e.g. `val_loss`) and its direction. */
export interface SweepMetric {
  key: string;
  goal: MetricGoal;
}

/** A sweep spec, version 1. */
export interface SweepSpec {
  specVersion: 1;
  kind: 'sweep';
  /** The training spec every trial starts from (complete once parsed). */
  base: TrainSpec;
  space: SearchSpace;
  sampler: SamplerSpec;
  metric: SweepMetric;
  /** Trials to run in all (a grid stops earlier when it has no point left). */
  maxTrials: number;
  /** Trials running at once (≤ maxTrials). */
  maxConcurrentTrials: number;
  /** Stop starting trials after this many milliseconds of sweep time; none when absent. */
  timeBudgetMs?: number;
  termination: TerminationPolicy;
  /** uint32 seed of the sampler; a sweep with the same seed and history suggests the same trials. */
  seed: number;
}

/** A trial's values, keyed by parameter path; inactive parameters are absent. */
export type ParamAssignment = Readonly<Record<ParamPath, JsonValue>>;

/** Where a trial is: running (no value yet), complete, failed (no value), or pruned (stopped early). */
export type TrialState = 'running' | 'complete' | 'failed' | 'pruned';

/** What a sampler knows of a past or running trial. */
export interface TrialObservation {
  params: ParamAssignment;
  state: TrialState;
  /** The primary metric: the final value of a complete trial, the last reported one of a pruned trial. */
  value?: number;
}
