/**
 * @file Averaged CART trees: the fitted model of the decision tree (one tree on all rows) and random forest
 * (bootstrap samples, random feature subsets per node) families, and the fit they share. A classification tree's
 * leaves hold class distributions, so the forest's probabilities are the mean of its trees' (as scikit-learn).
 */
import { Rng } from '../../core/random/rng';
import { binRows, featuresWithMissing, fitBinMapper } from './binning';
import { Cooperation } from './cooperate';
import { growImpurityTree, impurityTreeWorkspace, type ImpurityTrainingSet, type ImpurityTreeParams } from './grow-impurity-tree';
import { argmaxRows, assertClassifier, checkMatrix, type CheckedData, modelJson, readModelJson } from './tabular-data';
import type { FeatureMatrix, TabularFamilyName, TabularFitOptions, TabularModel, TabularModelJson, TabularTask } from './tabular-model';
import { addTreePredictions, treeFromJson, treeToJson, type Tree, type TreeJson } from './tree';

/** Features examined per node: a share of them (0, 1], or the square root or base-2 log of their number. */
export type MaxFeatures = number | 'sqrt' | 'log2';

/** What the decision tree and the random forest share when fitting. */
export interface EnsembleFitParams {
  nEstimators: number;
  /** Draw each tree's rows with replacement. */
  bootstrap: boolean;
  /** Rows drawn per tree as a share of the training rows (bootstrap only). */
  maxSamples: number;
  maxDepth: number | null;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  maxFeatures: MaxFeatures;
  maxBins: number;
}

/** Features examined per node for `maxFeatures` of `nFeatures` (scikit-learn's rounding: down, at least 1). */
export function featuresPerNode(maxFeatures: MaxFeatures, nFeatures: number): number {
  const n = maxFeatures === 'sqrt' ? Math.sqrt(nFeatures) : maxFeatures === 'log2' ? Math.log2(nFeatures) : maxFeatures * nFeatures;
  return Math.min(nFeatures, Math.max(1, Math.floor(n + 1e-9)));
}

/** Reads a {@link MaxFeatures} parameter. */
export function readMaxFeatures(value: unknown, fallback: MaxFeatures, label: string): MaxFeatures {
  if (value === undefined) return fallback;
  if (value === 'sqrt' || value === 'log2') return value;
  if (typeof value === 'number' && value > 0 && value <= 1) return value;
  throw new Error(`${label} parameter "maxFeatures" must be "sqrt", "log2" or a share of the features in (0, 1]; got ${JSON.stringify(value)}`);
}

/** A fitted tree or forest. */
export class TreeEnsembleModel<P> implements TabularModel {
  constructor(
    readonly family: TabularFamilyName,
    readonly task: TabularTask,
    readonly nFeatures: number,
    readonly nClasses: number,
    readonly params: P,
    readonly trees: readonly Tree[],
  ) {}

  /** Mean of the trees' leaf values: class distributions (row-major) or values. */
  #average(X: FeatureMatrix, nRows: number): Float64Array {
    checkMatrix(X, nRows, this.nFeatures, this.family);
    const width = this.task === 'regression' ? 1 : this.nClasses;
    const out = new Float64Array(nRows * width);
    const scale = 1 / this.trees.length;
    for (const tree of this.trees) addTreePredictions(tree, X, nRows, this.nFeatures, out, width, 0, scale);
    return out;
  }

  predict(X: FeatureMatrix, nRows: number): Float64Array {
    const out = this.#average(X, nRows);
    return this.task === 'regression' ? out : argmaxRows(out, nRows, this.nClasses);
  }

  predictProba(X: FeatureMatrix, nRows: number): Float64Array {
    assertClassifier(this.task, this.family);
    return this.#average(X, nRows);
  }

  toJSON(): TabularModelJson<{ trees: TreeJson[] }, P> {
    return modelJson(this.family, this.task, this.nFeatures, this.nClasses, this.params, { trees: this.trees.map(treeToJson) });
  }
}

/** Restores a tree ensemble of `family`, resolving its stored parameters with `resolve`. */
export function treeEnsembleFromJson<P>(json: unknown, family: TabularFamilyName, resolve: (task: TabularTask, input: Readonly<Record<string, unknown>>) => P): TreeEnsembleModel<P> {
  const m = readModelJson<{ trees: TreeJson[] }, Readonly<Record<string, unknown>>>(json, family);
  if (!Array.isArray(m.state.trees) || m.state.trees.length === 0) throw new Error(`Tabular model: a ${family} model needs at least one tree`);
  const width = m.task === 'regression' ? 1 : m.nClasses;
  const trees = m.state.trees.map((t) => treeFromJson(t, m.nFeatures));
  if (trees.some((t) => t.valueSize !== width)) throw new Error(`Tabular model: ${family} leaves must hold ${width} values`);
  return new TreeEnsembleModel(family, m.task, m.nFeatures, m.task === 'regression' ? 1 : m.nClasses, resolve(m.task, m.params), trees);
}

/** Fits `params.nEstimators` CART trees on checked data. */
export async function fitTreeEnsemble<P>(
  family: TabularFamilyName,
  data: CheckedData,
  fitParams: EnsembleFitParams,
  params: P,
  options: TabularFitOptions,
): Promise<TreeEnsembleModel<P>> {
  const cooperation = new Cooperation(options.signal);
  const { X, nRows: n, nFeatures: F, y, task, nClasses } = data;
  const all = Uint32Array.from({ length: n }, (_, i) => i);
  const mapper = fitBinMapper(X, F, all, fitParams.maxBins, options.seed);
  const binned = binRows(X, F, all, mapper, 'columns');
  const hasMissing = featuresWithMissing(binned, n, mapper, 'columns');
  const classification = task !== 'regression';
  const set: ImpurityTrainingSet = {
    binned,
    nRows: n,
    nFeatures: F,
    mapper,
    hasMissing,
    classes: classification ? Int32Array.from(y) : null,
    nClasses,
    targets: classification ? null : Float64Array.from(y),
  };
  const treeParams: ImpurityTreeParams = {
    maxDepth: fitParams.maxDepth,
    minSamplesSplit: fitParams.minSamplesSplit,
    minSamplesLeaf: fitParams.minSamplesLeaf,
    maxFeatures: featuresPerNode(fitParams.maxFeatures, F),
  };
  const workspace = impurityTreeWorkspace(set);
  const rng = new Rng(options.seed);
  const draws = Math.max(1, Math.round(fitParams.maxSamples * n));
  const counts = new Float64Array(n);
  const trees: Tree[] = [];
  for (let t = 0; t < fitParams.nEstimators; t++) {
    const treeRng = rng.fork(t);
    let rows = all.slice();
    let weights: Float64Array | null = null;
    if (fitParams.bootstrap) {
      const draw = treeRng.fork('bootstrap');
      counts.fill(0);
      for (let i = 0; i < draws; i++) counts[draw.int(n)]++;
      let m = 0;
      for (let i = 0; i < n; i++) if (counts[i] > 0) rows[m++] = i;
      rows = rows.subarray(0, m);
      weights = counts;
    }
    trees.push(growImpurityTree(set, rows, weights, treeParams, treeRng.fork('features'), workspace));
    options.onProgress?.({ status: 'fitting', family, completed: t + 1, total: fitParams.nEstimators, unit: 'tree' });
    await cooperation.checkpoint();
  }
  options.onProgress?.({ status: 'done', family, completed: trees.length, unit: 'tree', stoppedEarly: false });
  return new TreeEnsembleModel(family, task, F, classification ? nClasses : 1, params, trees);
}
