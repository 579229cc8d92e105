/**
 * @file The decision tree family: one CART tree on all training rows (Gini impurity for classification, squared
 * error for regression), on binned features. Defaults are scikit-learn's: grown until its leaves are pure.
 */
import type { TrainTask } from '../../protocol/train';
import { MAX_BINS } from './binning';
import { ParamReader, type ParamsInput } from './family-params';
import { checkTabularData } from './tabular-data';
import { assertTask, clampInt, type FamilySearchSpace, type TabularFamily } from './tabular-family';
import type { TabularData, TabularFitOptions, TabularTask } from './tabular-model';
import { fitTreeEnsemble, readMaxFeatures, treeEnsembleFromJson, type MaxFeatures, type TreeEnsembleModel } from './tree-ensemble';

const LABEL = 'Decision tree';

/** Parameters of {@link decisionTree}. */
export interface DecisionTreeParams {
  /** Deepest level of a leaf; null for no limit. Default null. */
  maxDepth: number | null;
  /** Fewest rows in a node that may split. Default 2. */
  minSamplesSplit: number;
  /** Fewest rows in a leaf. Default 1. */
  minSamplesLeaf: number;
  /** Features examined per node (a share, `sqrt` or `log2`); below 1 they are drawn at random per node. Default 1. */
  maxFeatures: MaxFeatures;
  /** Bins per feature, 2 to 255. Default 255. */
  maxBins: number;
}

function resolveParams(_task: TabularTask, input: ParamsInput): DecisionTreeParams {
  const p = new ParamReader(LABEL, input);
  const params: DecisionTreeParams = {
    maxDepth: p.intOrNull('maxDepth', null, 1, 1000),
    minSamplesSplit: p.int('minSamplesSplit', 2, 2, 10_000_000),
    minSamplesLeaf: p.int('minSamplesLeaf', 1, 1, 10_000_000),
    maxFeatures: 1,
    maxBins: p.int('maxBins', MAX_BINS, 2, MAX_BINS),
  };
  params.maxFeatures = readMaxFeatures(p.raw('maxFeatures'), 1, LABEL);
  p.done();
  return params;
}

async function fit(data: TabularData, params: DecisionTreeParams, options: TabularFitOptions): Promise<TreeEnsembleModel<DecisionTreeParams>> {
  const d = checkTabularData(data, LABEL);
  assertTask(decisionTree, d.task);
  return fitTreeEnsemble('decision-tree', d, { ...params, nEstimators: 1, bootstrap: false, maxSamples: 1 }, params, options);
}

function searchSpace(task: TabularTask, nRows: number, nFeatures: number): FamilySearchSpace {
  const maxMinLeaf = clampInt(nRows / 10, 2, 64);
  return {
    family: 'decision-tree',
    base: { ...resolveParams(task, undefined) },
    space: [
      { type: 'int', path: 'maxDepth', min: 1, max: 32, log: true },
      { type: 'int', path: 'minSamplesLeaf', min: 1, max: maxMinLeaf, log: true },
    ],
    cost: {
      lowCost: { maxDepth: 4, minSamplesLeaf: 1 },
      costRelated: [{ path: 'maxDepth', cheap: 'low' }],
      estimatedWork: nRows * nFeatures * 4,
    },
  };
}

/** The decision tree family. */
export const decisionTree: TabularFamily<DecisionTreeParams> = {
  name: 'decision-tree',
  label: LABEL,
  tasks: ['binary', 'multiclass', 'regression'] satisfies TrainTask[],
  resolveParams,
  fit,
  fromJSON: (json) => treeEnsembleFromJson(json, 'decision-tree', resolveParams),
  searchSpace,
};
