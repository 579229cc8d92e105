/**
 * @file Histogram gradient-boosted trees (scikit-learn's HistGradientBoosting, LightGBM): features binned once into
 * at most 255 quantile bins, then `maxIterations` rounds of best-first trees fitted to the loss's gradients and
 * hessians (one tree per class per round for multiclass), with optional early stopping on a held-out fraction of
 * the training rows. With the same parameters and no feature subsampling it grows the trees scikit-learn grows.
 */
import { Rng } from '../../core/random/rng';
import type { TrainTask } from '../../protocol/train';
import { binRows, featuresWithMissing, fitBinMapper, MAX_BINS } from './binning';
import { boostingLoss, type BoostingLoss } from './boosting-losses';
import { Cooperation } from './cooperate';
import { ParamReader, type ParamsInput } from './family-params';
import { gradientTreeWorkspace, growGradientTree, type BinnedTrainingSet, type GradientTreeParams } from './grow-gradient-tree';
import { holdOutRows } from './hold-out';
import { argmaxRows, assertClassifier, checkMatrix, checkTabularData, float64From, modelJson, numbersOf, readModelJson } from './tabular-data';
import { assertTask, clampInt, type FamilySearchSpace, type TabularFamily } from './tabular-family';
import type { FeatureMatrix, TabularData, TabularFitOptions, TabularModel, TabularModelJson, TabularTask } from './tabular-model';
import { addTreePredictions, treeFromJson, treeToJson, type Tree, type TreeJson } from './tree';

const LABEL = 'Histogram gradient boosting';

/** Parameters of {@link histGradientBoosting}; defaults are scikit-learn's. */
export interface HistGradientBoostingParams {
  /** Boosting rounds (one tree per class per round for multiclass). Default 100. */
  maxIterations: number;
  /** Shrinkage of each tree. Default 0.1. */
  learningRate: number;
  /** Leaves per tree. Default 31. */
  maxLeafNodes: number;
  /** Deepest level of a leaf; null for no limit. Default null. */
  maxDepth: number | null;
  /** Fewest training rows in a leaf. Default 20. */
  minSamplesLeaf: number;
  /** L2 penalty on leaf values. Default 0. */
  l2Regularization: number;
  /** Bins of non-missing values per feature, 2 to 255. Default 255. */
  maxBins: number;
  /** Share of the features each tree may split on (drawn per tree, seeded). Default 1. */
  featureFraction: number;
  /** Hold out `validationFraction` of the rows and stop when the loss stops improving; `auto`: above 10,000 rows. */
  earlyStopping: 'auto' | 'on' | 'off';
  /** Default 0.1. */
  validationFraction: number;
  /** Rounds without an improvement of more than `tol` before stopping. Default 10. */
  nIterNoChange: number;
  /** Default 1e-7. */
  tol: number;
}

interface BoostingState {
  baseline: (number | null)[];
  /** Round-major: round `i`'s tree for class `k` is `trees[i · nTrees + k]`. */
  trees: TreeJson[];
  iterations: number;
  stoppedEarly: boolean;
  /** Validation loss before the first round and after each one (early stopping only). */
  validationLoss: number[];
}

/** A fitted boosting model. */
export class HistGradientBoostingModel implements TabularModel {
  readonly family = 'hist-gradient-boosting' as const;
  readonly #loss: BoostingLoss;

  constructor(
    readonly task: TabularTask,
    readonly nFeatures: number,
    readonly nClasses: number,
    readonly params: HistGradientBoostingParams,
    readonly baseline: Float64Array,
    readonly trees: readonly Tree[],
    /** Rounds fitted, whether early stopping ended them, and the validation loss history. */
    readonly info: { iterations: number; stoppedEarly: boolean; validationLoss: number[] },
  ) {
    this.#loss = boostingLoss(task, nClasses);
  }

  /** Raw scores (log-odds, softmax logits or values), row-major `nRows × trees per round`. */
  decisionFunction(X: FeatureMatrix, nRows: number): Float64Array {
    checkMatrix(X, nRows, this.nFeatures, LABEL);
    const nT = this.#loss.nTrees;
    const raw = new Float64Array(nRows * nT);
    for (let r = 0; r < nRows; r++) raw.set(this.baseline, r * nT);
    this.trees.forEach((tree, t) => addTreePredictions(tree, X, nRows, this.nFeatures, raw, nT, t % nT));
    return raw;
  }

  predict(X: FeatureMatrix, nRows: number): Float64Array {
    if (this.task === 'regression') return this.decisionFunction(X, nRows);
    return argmaxRows(this.predictProba(X, nRows), nRows, this.nClasses);
  }

  predictProba(X: FeatureMatrix, nRows: number): Float64Array {
    assertClassifier(this.task, LABEL);
    const out = new Float64Array(nRows * this.nClasses);
    this.#loss.output(this.decisionFunction(X, nRows), nRows, out);
    return out;
  }

  toJSON(): TabularModelJson<BoostingState, HistGradientBoostingParams> {
    return modelJson(this.family, this.task, this.nFeatures, this.nClasses, this.params, {
      baseline: numbersOf(this.baseline),
      trees: this.trees.map(treeToJson),
      iterations: this.info.iterations,
      stoppedEarly: this.info.stoppedEarly,
      validationLoss: this.info.validationLoss,
    });
  }
}

function resolveParams(_task: TabularTask, input: ParamsInput): HistGradientBoostingParams {
  const p = new ParamReader(LABEL, input);
  const params: HistGradientBoostingParams = {
    maxIterations: p.int('maxIterations', 100, 1, 100_000),
    learningRate: p.number('learningRate', 0.1, 0, 10, true),
    maxLeafNodes: p.int('maxLeafNodes', 31, 2, 100_000),
    maxDepth: p.intOrNull('maxDepth', null, 1, 1000),
    minSamplesLeaf: p.int('minSamplesLeaf', 20, 1, 10_000_000),
    l2Regularization: p.number('l2Regularization', 0, 0, Infinity),
    maxBins: p.int('maxBins', MAX_BINS, 2, MAX_BINS),
    featureFraction: p.number('featureFraction', 1, 0, 1, true),
    earlyStopping: p.choice('earlyStopping', 'auto', ['auto', 'on', 'off'] as const),
    validationFraction: p.number('validationFraction', 0.1, 0, 0.9, true),
    nIterNoChange: p.int('nIterNoChange', 10, 1, 10_000),
    tol: p.number('tol', 1e-7, 0, Infinity),
  };
  p.done();
  return params;
}

/** scikit-learn's `_should_stop`: none of the last `n` scores beats the one before them by more than `tol`. */
function shouldStop(losses: number[], n: number, tol: number): boolean {
  if (losses.length < n + 1) return false;
  const reference = -losses[losses.length - n - 1] + tol;
  for (let i = losses.length - n; i < losses.length; i++) if (-losses[i] > reference) return false;
  return true;
}

async function fit(data: TabularData, params: HistGradientBoostingParams, options: TabularFitOptions): Promise<HistGradientBoostingModel> {
  const d = checkTabularData(data, LABEL);
  assertTask(histGradientBoosting, d.task);
  const cooperation = new Cooperation(options.signal);
  const { X, nFeatures: F, y, task, nClasses } = d;
  const rng = new Rng(options.seed);
  const loss = boostingLoss(task, nClasses);
  const early = params.earlyStopping === 'on' || (params.earlyStopping === 'auto' && d.nRows > 10_000);
  const { train, validation } = early
    ? holdOutRows(y, d.nRows, task, params.validationFraction, rng.fork('validation'))
    : { train: Uint32Array.from({ length: d.nRows }, (_, i) => i), validation: new Uint32Array(0) };
  const mapper = fitBinMapper(X, F, train, params.maxBins, options.seed);
  const binned = binRows(X, F, train, mapper, 'rows');
  const n = train.length;
  const set: BinnedTrainingSet = { binned, nRows: n, mapper, hasMissing: featuresWithMissing(binned, n, mapper, 'rows') };

  const nT = loss.nTrees;
  const baseline = loss.baseline(y, train);
  const raw = new Float64Array(n * nT);
  for (let i = 0; i < n; i++) raw.set(baseline, i * nT);
  const nVal = validation.length;
  const Xval = new Float64Array(nVal * F);
  for (let i = 0; i < nVal; i++) for (let f = 0; f < F; f++) Xval[i * F + f] = X[validation[i] * F + f];
  const valRaw = new Float64Array(nVal * nT);
  for (let i = 0; i < nVal; i++) valRaw.set(baseline, i * nT);
  const validationLoss = early ? [loss.loss(valRaw, y, validation)] : [];

  const grad = Array.from({ length: nT }, () => new Float32Array(n));
  const hess = Array.from({ length: nT }, () => new Float32Array(n));
  const workspace = gradientTreeWorkspace(n);
  const treeParams: GradientTreeParams = { ...params, minHessian: 1e-3 };
  const allFeatures = Int32Array.from({ length: F }, (_, f) => f);
  const perTree = Math.max(1, Math.ceil(params.featureFraction * F));
  const featureRng = rng.fork('features');
  const trees: Tree[] = [];
  let stoppedEarly = false;
  let iterations = 0;
  for (let it = 0; it < params.maxIterations; it++) {
    loss.gradients(raw, y, train, grad, hess);
    for (let k = 0; k < nT; k++) {
      const features = perTree < F ? Int32Array.from(featureRng.permutation(F).subarray(0, perTree)).sort() : allFeatures;
      const tree = growGradientTree(set, grad[k], loss.constantHessian ? null : hess[k], features, treeParams, workspace, raw, nT, k);
      trees.push(tree);
      if (early) addTreePredictions(tree, Xval, nVal, F, valRaw, nT, k);
    }
    iterations = it + 1;
    if (early) validationLoss.push(loss.loss(valRaw, y, validation));
    options.onProgress?.({
      status: 'fitting',
      family: 'hist-gradient-boosting',
      completed: iterations,
      total: params.maxIterations,
      unit: 'iteration',
      ...(early ? { validationLoss: validationLoss[validationLoss.length - 1] } : {}),
    });
    if (early && shouldStop(validationLoss, params.nIterNoChange, params.tol)) {
      stoppedEarly = true;
      break;
    }
    await cooperation.checkpoint();
  }
  options.onProgress?.({ status: 'done', family: 'hist-gradient-boosting', completed: iterations, unit: 'iteration', stoppedEarly });
  return new HistGradientBoostingModel(task, F, task === 'regression' ? 1 : nClasses, params, baseline, trees, { iterations, stoppedEarly, validationLoss });
}

function fromJSON(json: unknown): HistGradientBoostingModel {
  const m = readModelJson<BoostingState, HistGradientBoostingParams>(json, 'hist-gradient-boosting');
  const params = resolveParams(m.task, m.params as unknown as ParamsInput);
  const nT = boostingLoss(m.task, m.nClasses).nTrees;
  const s = m.state;
  if (!Array.isArray(s.trees) || s.trees.length % nT !== 0) throw new Error(`Tabular model: gradient boosting needs a multiple of ${nT} trees`);
  return new HistGradientBoostingModel(
    m.task,
    m.nFeatures,
    m.nClasses,
    params,
    float64From(s.baseline, nT, 'baseline'),
    s.trees.map((t) => treeFromJson(t, m.nFeatures)),
    { iterations: s.iterations, stoppedEarly: s.stoppedEarly === true, validationLoss: Array.isArray(s.validationLoss) ? s.validationLoss : [] },
  );
}

function searchSpace(task: TabularTask, nRows: number, nFeatures: number, nClasses = 2): FamilySearchSpace {
  const trees = task === 'multiclass' ? nClasses : 1;
  const maxLeaves = clampInt(nRows / 4, 8, 256);
  const maxMinLeaf = clampInt(nRows / 8, 4, 128);
  const lowMinLeaf = Math.min(20, maxMinLeaf);
  return {
    family: 'hist-gradient-boosting',
    base: { ...resolveParams(task, undefined) },
    space: [
      { type: 'int', path: 'maxIterations', min: 8, max: 1000, log: true },
      { type: 'loguniform', path: 'learningRate', min: 0.01, max: 1 },
      { type: 'int', path: 'maxLeafNodes', min: 4, max: maxLeaves, log: true },
      { type: 'int', path: 'minSamplesLeaf', min: 2, max: maxMinLeaf, log: true },
      { type: 'loguniform', path: 'l2Regularization', min: 1e-3, max: 100 },
      { type: 'uniform', path: 'featureFraction', min: 0.1, max: 1 },
      { type: 'choice', path: 'maxBins', values: [15, 31, 63, 127, 255] },
    ],
    cost: {
      lowCost: { maxIterations: 8, learningRate: 0.1, maxLeafNodes: 4, minSamplesLeaf: lowMinLeaf, l2Regularization: 1, featureFraction: 1, maxBins: 255 },
      costRelated: [
        { path: 'maxIterations', cheap: 'low' },
        { path: 'maxLeafNodes', cheap: 'low' },
        { path: 'minSamplesLeaf', cheap: 'high' },
        { path: 'featureFraction', cheap: 'low' },
      ],
      estimatedWork: 8 * trees * nRows * nFeatures * 3,
    },
  };
}

/** The histogram gradient boosting family. */
export const histGradientBoosting: TabularFamily<HistGradientBoostingParams> = {
  name: 'hist-gradient-boosting',
  label: LABEL,
  tasks: ['binary', 'multiclass', 'regression'] satisfies TrainTask[],
  resolveParams,
  fit,
  fromJSON,
  searchSpace,
};
