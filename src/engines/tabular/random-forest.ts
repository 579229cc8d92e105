/**
 * @file The random forest family: CART trees on bootstrap samples, each node choosing among a random subset of the
 * features; probabilities (or values) are the trees' mean. Defaults are scikit-learn's: 100 trees, √features per
 * node for classification and all features for regression, grown until their leaves are pure.
 */
import type { TrainTask } from '../../protocol/train';
import { MAX_BINS } from './binning';
import { ParamReader, type ParamsInput } from './family-params';
import { checkTabularData } from './tabular-data';
import { assertTask, clampInt, type FamilySearchSpace, type TabularFamily } from './tabular-family';
import type { TabularData, TabularFitOptions, TabularTask } from './tabular-model';
import { featuresPerNode, fitTreeEnsemble, readMaxFeatures, treeEnsembleFromJson, type MaxFeatures, type TreeEnsembleModel } from './tree-ensemble';

const LABEL = 'Random forest';

/** Parameters of {@link randomForest}. */
export interface RandomForestParams {
  /** Trees. Default 100. */
  nEstimators: number;
  /** Features examined per node: a share, `sqrt` or `log2`. Default `sqrt` (classification), 1 (regression). */
  maxFeatures: MaxFeatures;
  /** Deepest level of a leaf; null for no limit. Default null. */
  maxDepth: number | null;
  /** Default 2. */
  minSamplesSplit: number;
  /** Default 1. */
  minSamplesLeaf: number;
  /** Draw each tree's rows with replacement. Default true. */
  bootstrap: boolean;
  /** Rows drawn per tree as a share of the training rows (bootstrap only). Default 1. */
  maxSamples: number;
  /** Bins per feature, 2 to 255. Default 255. */
  maxBins: number;
}

function resolveParams(task: TabularTask, input: ParamsInput): RandomForestParams {
  const p = new ParamReader(LABEL, input);
  const params: RandomForestParams = {
    nEstimators: p.int('nEstimators', 100, 1, 10_000),
    maxFeatures: 1,
    maxDepth: p.intOrNull('maxDepth', null, 1, 1000),
    minSamplesSplit: p.int('minSamplesSplit', 2, 2, 10_000_000),
    minSamplesLeaf: p.int('minSamplesLeaf', 1, 1, 10_000_000),
    bootstrap: p.choice('bootstrap', true, [true, false]),
    maxSamples: p.number('maxSamples', 1, 0, 1, true),
    maxBins: p.int('maxBins', MAX_BINS, 2, MAX_BINS),
  };
  params.maxFeatures = readMaxFeatures(p.raw('maxFeatures'), task === 'regression' ? 1 : 'sqrt', LABEL);
  p.done();
  return params;
}

async function fit(data: TabularData, params: RandomForestParams, options: TabularFitOptions): Promise<TreeEnsembleModel<RandomForestParams>> {
  const d = checkTabularData(data, LABEL);
  assertTask(randomForest, d.task);
  return fitTreeEnsemble('random-forest', d, params, params, options);
}

function searchSpace(task: TabularTask, nRows: number, nFeatures: number): FamilySearchSpace {
  const maxMinLeaf = clampInt(nRows / 20, 2, 32);
  const base = resolveParams(task, undefined);
  const defaultShare = featuresPerNode(base.maxFeatures, nFeatures) / nFeatures;
  return {
    family: 'random-forest',
    base: { ...base, maxFeatures: defaultShare },
    space: [
      { type: 'int', path: 'nEstimators', min: 4, max: 512, log: true },
      { type: 'uniform', path: 'maxFeatures', min: 0.1, max: 1 },
      { type: 'int', path: 'minSamplesLeaf', min: 1, max: maxMinLeaf, log: true },
    ],
    cost: {
      lowCost: { nEstimators: 4, maxFeatures: Math.max(0.1, defaultShare), minSamplesLeaf: 1 },
      costRelated: [
        { path: 'nEstimators', cheap: 'low' },
        { path: 'maxFeatures', cheap: 'low' },
        { path: 'minSamplesLeaf', cheap: 'high' },
      ],
      estimatedWork: 4 * nRows * Math.max(1, Math.sqrt(nFeatures)) * Math.max(1, Math.log2(nRows)),
    },
  };
}

/** The random forest family. */
export const randomForest: TabularFamily<RandomForestParams> = {
  name: 'random-forest',
  label: LABEL,
  tasks: ['binary', 'multiclass', 'regression'] satisfies TrainTask[],
  resolveParams,
  fit,
  fromJSON: (json) => treeEnsembleFromJson(json, 'random-forest', resolveParams),
  searchSpace,
};
