/**
 * @file One regression tree of gradient boosting, grown best-first on binned features (scikit-learn's
 * HistGradientBoosting grower, LightGBM's leaf-wise growth): the leaf with the largest gain splits next, until
 * `maxLeafNodes` leaves or no leaf can split. Histograms hold gradient and hessian sums per bin; of two siblings,
 * the one with fewer rows is built from its rows and the other is the parent's histogram minus it. A leaf predicts
 * the Newton step `-learningRate · G / (H + λ)`.
 */
import type { BinMapper } from './binning';
import { partition } from './row-partition';
import { emptySplit, nodeScore, scanFeature, splitScratch, type SplitChoice, type SplitRules } from './split-finder';
import { TreeBuilder, type Tree } from './tree';

/** Channels per bin: gradient sum, hessian sum, count. */
const CHANNELS = 3;

/** How a gradient tree grows. */
export interface GradientTreeParams {
  maxLeafNodes: number;
  /** Deepest level of a split's children (the root is depth 0); null for no limit. */
  maxDepth: number | null;
  minSamplesLeaf: number;
  l2Regularization: number;
  /** Smallest hessian sum of a child (scikit-learn's min_hessian_to_split). */
  minHessian: number;
  learningRate: number;
}

/** Buffers a boosting run reuses across its trees. */
export interface GradientTreeWorkspace {
  rows: Uint32Array;
  scratchRows: Uint32Array;
  pool: Float64Array[];
}

/** Buffers for `nRows` training rows. */
export function gradientTreeWorkspace(nRows: number): GradientTreeWorkspace {
  return {
    rows: new Uint32Array(nRows),
    scratchRows: new Uint32Array(nRows),
    pool: [],
  };
}

/** The binned training set a tree grows on. */
export interface BinnedTrainingSet {
  /** Row-major bins (`binRows` with layout `rows`). */
  binned: Uint8Array;
  nRows: number;
  mapper: BinMapper;
  /** 1 for features with a missing value anywhere in the training rows. */
  hasMissing: Uint8Array;
}

interface GrowNode {
  id: number;
  start: number;
  end: number;
  depth: number;
  totals: Float64Array;
  hist: Float64Array | null;
  split: SplitChoice;
}

/**
 * Grows one tree on `gradients` and `hessians` (null when every hessian is 1) over the features listed in
 * `features`, and adds each training row's leaf value to `raw[row · stride + column]`.
 */
export function growGradientTree(
  data: BinnedTrainingSet,
  gradients: Float32Array,
  hessians: Float32Array | null,
  features: Int32Array,
  params: GradientTreeParams,
  workspace: GradientTreeWorkspace,
  raw: Float64Array,
  stride: number,
  column: number,
): Tree {
  const { nRows: n, mapper } = data;
  const F = mapper.nBins.length;
  const rules: SplitRules = {
    sums: 1,
    channels: CHANNELS,
    weightChannel: hessians ? 1 : 2,
    lambda: params.l2Regularization,
    minCount: params.minSamplesLeaf,
    minWeight: params.minHessian,
    minGain: 0,
  };
  const scratch = splitScratch(rules);
  const builder = new TreeBuilder(1);
  const { rows } = workspace;
  for (let i = 0; i < n; i++) rows[i] = i;
  const maxDepth = params.maxDepth ?? Infinity;

  const acquire = (): Float64Array => workspace.pool.pop() ?? new Float64Array(mapper.totalBins * CHANNELS);
  const release = (node: GrowNode): void => {
    if (node.hist) workspace.pool.push(node.hist);
    node.hist = null;
  };

  const rowTotals = (node: GrowNode): Float64Array => {
    const totals = new Float64Array(CHANNELS);
    let g = 0;
    let h = 0;
    for (let i = node.start; i < node.end; i++) {
      const r = rows[i];
      g += gradients[r];
      h += hessians ? hessians[r] : 1;
    }
    totals[0] = g;
    totals[1] = h;
    totals[2] = node.end - node.start;
    return totals;
  };

  // Histogram offset of each listed feature's bin 0, in numbers.
  const featureBase = Int32Array.from(features, (f) => mapper.offsets[f] * CHANNELS);
  const nListed = features.length;
  const allFeatures = nListed === F;

  const buildHistogram = (node: GrowNode): void => {
    const hist = acquire();
    hist.fill(0);
    const { binned } = data;
    // Row by row: one row's bins are contiguous (row-major), its gradient is read once.
    for (let i = node.start; i < node.end; i++) {
      const r = rows[i];
      const g = gradients[r];
      const h = hessians ? hessians[r] : 1;
      const at = r * F;
      for (let j = 0; j < nListed; j++) {
        const o = featureBase[j] + binned[at + (allFeatures ? j : features[j])] * CHANNELS;
        hist[o] += g;
        hist[o + 1] += h;
        hist[o + 2] += 1;
      }
    }
    node.hist = hist;
  };

  const subtract = (parent: Float64Array, child: Float64Array): Float64Array => {
    const out = acquire();
    for (let j = 0; j < features.length; j++) {
      const f = features[j];
      const from = mapper.offsets[f] * CHANNELS;
      const to = from + (mapper.nBins[f] + 1) * CHANNELS;
      for (let o = from; o < to; o++) out[o] = parent[o] - child[o];
    }
    return out;
  };

  const findSplit = (node: GrowNode): void => {
    const hist = node.hist as Float64Array;
    const parentScore = nodeScore(node.totals, rules);
    for (let j = 0; j < features.length; j++) {
      const f = features[j];
      scanFeature(hist, mapper.offsets[f] * CHANNELS, null, 0, mapper.nBins[f], f, node.totals, parentScore, rules, scratch, node.split);
    }
  };

  const makeLeaf = (node: GrowNode): void => {
    const t = node.totals;
    const value = (-params.learningRate * t[0]) / (t[rules.weightChannel] + params.l2Regularization + 1e-15);
    builder.leaf(node.id, [value]);
    for (let i = node.start; i < node.end; i++) raw[rows[i] * stride + column] += value;
    release(node);
  };

  const canSplit = (node: GrowNode): boolean =>
    node.depth < maxDepth && node.end - node.start >= 2 * params.minSamplesLeaf && node.totals[rules.weightChannel] >= 2 * params.minHessian;

  // The root.
  const root: GrowNode = { id: builder.node(), start: 0, end: n, depth: 0, totals: new Float64Array(CHANNELS), hist: null, split: emptySplit() };
  root.totals = rowTotals(root);
  const splittable: GrowNode[] = [];
  if (canSplit(root)) {
    buildHistogram(root);
    findSplit(root);
  }
  if (root.split.feature >= 0) splittable.push(root);
  else makeLeaf(root);

  let leaves = 1;
  while (splittable.length > 0) {
    // The leaf with the largest gain (the earliest one among equals).
    let at = 0;
    for (let i = 1; i < splittable.length; i++) if (splittable[i].split.gain > splittable[at].split.gain) at = i;
    const node = splittable.splice(at, 1)[0];
    const { feature, bin, missingLeft } = node.split;
    const missingBin = mapper.nBins[feature];
    const leftEnd = partition(rows, workspace.scratchRows, node.start, node.end, data.binned, F, feature, bin, missingBin, missingLeft);
    const left: GrowNode = { id: builder.node(), start: node.start, end: leftEnd, depth: node.depth + 1, totals: new Float64Array(CHANNELS), hist: null, split: emptySplit() };
    const right: GrowNode = { id: builder.node(), start: leftEnd, end: node.end, depth: node.depth + 1, totals: new Float64Array(CHANNELS), hist: null, split: emptySplit() };
    const nLeft = leftEnd - node.start;
    const nRight = node.end - leftEnd;
    // Without missing values in training, a missing value at prediction follows the larger child (as scikit-learn).
    const sendMissingLeft = data.hasMissing[feature] ? missingLeft : nLeft > nRight;
    const edges = mapper.thresholds[feature];
    // All non-missing values go left when the split is at the last bin (only with missing values going right).
    builder.split(node.id, feature, bin < edges.length ? edges[bin] : Number.MAX_VALUE, sendMissingLeft, left.id, right.id);
    leaves++;

    left.totals = rowTotals(left);
    right.totals = rowTotals(right);
    if (leaves >= params.maxLeafNodes) {
      release(node);
      makeLeaf(left);
      makeLeaf(right);
      for (const rest of splittable) makeLeaf(rest);
      splittable.length = 0;
      break;
    }
    const splitLeft = canSplit(left);
    const splitRight = canSplit(right);
    if (splitLeft || splitRight) {
      const small = nLeft < nRight ? left : right;
      const large = small === left ? right : left;
      buildHistogram(small);
      large.hist = subtract(node.hist as Float64Array, small.hist as Float64Array);
    }
    release(node);
    if (splitLeft) findSplit(left);
    if (splitRight) findSplit(right);
    for (const child of [left, right]) {
      if (child.split.feature >= 0) splittable.push(child);
      else makeLeaf(child);
    }
  }
  return builder.build();
}
