/**
 * @file One CART tree (decision trees, random forests) grown depth-first on binned features: Gini impurity for
 * classification, squared error for regression. For each node and candidate feature a sparse histogram is built
 * from the node's rows (only the bins that occur are touched, sorted and scanned), so a small node costs in
 * proportion to its rows, not to the 255 bins. Each node looks at `maxFeatures` non-constant features in a seeded
 * random order (all of them, in order, when `maxFeatures` is the feature count), and at more when none of those
 * gives a valid split. Splits without any impurity decrease are still taken, as scikit-learn does, so trees grow
 * until their leaves are pure or the limits stop them.
 */
import type { Rng } from '../../core/random/rng';
import type { BinMapper } from './binning';
import { partition } from './row-partition';
import { emptySplit, nodeScore, resetSplit, scanFeature, splitScratch, type SplitRules } from './split-finder';
import { TreeBuilder, type Tree } from './tree';

/** How an impurity tree grows. */
export interface ImpurityTreeParams {
  /** Deepest level of a leaf (the root is depth 0); null for no limit. */
  maxDepth: number | null;
  /** Fewest rows in a node that may split. */
  minSamplesSplit: number;
  /** Fewest rows in a leaf. */
  minSamplesLeaf: number;
  /** Non-constant features examined per node, 1 to the feature count. */
  maxFeatures: number;
}

/** The binned training set and its targets. */
export interface ImpurityTrainingSet {
  /** Column-major bins of all training rows (see `binRows`). */
  binned: Uint8Array;
  nRows: number;
  nFeatures: number;
  mapper: BinMapper;
  /** 1 for features with a missing value anywhere in the training rows. */
  hasMissing: Uint8Array;
  /** Class of each row (classification), or null. */
  classes: Int32Array | null;
  nClasses: number;
  /** Target of each row (regression), or null. */
  targets: Float64Array | null;
}

/** Buffers a forest reuses across its trees. */
export interface ImpurityTreeWorkspace {
  hist: Float64Array;
  touched: Int32Array;
  scratchRows: Uint32Array;
  featureOrder: Int32Array;
}

/** Buffers for `set`. */
export function impurityTreeWorkspace(set: ImpurityTrainingSet): ImpurityTreeWorkspace {
  const channels = (set.classes ? set.nClasses : 1) + 2;
  return {
    hist: new Float64Array(set.mapper.totalBins * channels),
    touched: new Int32Array(256),
    scratchRows: new Uint32Array(set.nRows),
    featureOrder: Int32Array.from({ length: set.nFeatures }, (_, f) => f),
  };
}

/**
 * Grows a tree on `rows` (distinct training rows; reordered in place) with `weights` per row (bootstrap counts;
 * null for all 1). `rng` orders the features when `maxFeatures` is below the feature count.
 */
export function growImpurityTree(
  set: ImpurityTrainingSet,
  rows: Uint32Array,
  weights: Float64Array | null,
  params: ImpurityTreeParams,
  rng: Rng,
  workspace: ImpurityTreeWorkspace,
): Tree {
  const { binned, nRows: n, nFeatures: F, mapper, classes, targets } = set;
  const K = classes ? set.nClasses : 1;
  const C = K + 2;
  const cc = K + 1;
  const rules: SplitRules = { sums: K, channels: C, weightChannel: K, lambda: 0, minCount: params.minSamplesLeaf, minWeight: 1e-12, minGain: 0 };
  const scratch = splitScratch(rules);
  const { hist, touched, featureOrder } = workspace;
  const builder = new TreeBuilder(K);
  const maxDepth = params.maxDepth ?? Infinity;
  const best = emptySplit();
  const totals = new Float64Array(C);
  const leafValue = new Float64Array(K);
  const stack: { id: number; start: number; end: number; depth: number }[] = [{ id: builder.node(), start: 0, end: rows.length, depth: 0 }];

  while (stack.length > 0) {
    const node = stack.pop() as (typeof stack)[number];
    const { start, end } = node;
    const count = end - start;
    totals.fill(0);
    let squares = 0;
    for (let i = start; i < end; i++) {
      const r = rows[i];
      const w = weights ? weights[r] : 1;
      if (classes) totals[classes[r]] += w;
      else {
        const t = (targets as Float64Array)[r];
        totals[0] += w * t;
        squares += w * t * t;
      }
      totals[K] += w;
    }
    totals[cc] = count;
    const W = totals[K];
    let pure: boolean;
    if (classes) {
      let largest = 0;
      for (let k = 0; k < K; k++) if (totals[k] > largest) largest = totals[k];
      pure = largest >= W * (1 - 1e-12);
    } else {
      const mean = totals[0] / W;
      pure = squares / W - mean * mean <= 1e-14 * (squares / W);
    }

    resetSplit(best);
    if (!pure && node.depth < maxDepth && count >= params.minSamplesSplit && count >= 2 * params.minSamplesLeaf) {
      const parentScore = nodeScore(totals, rules);
      // Splits with zero gain are taken (as scikit-learn): allow for rounding below zero.
      rules.minGain = -1e-9 * Math.abs(parentScore);
      let examined = 0;
      for (let j = 0; j < F; j++) {
        if (examined >= params.maxFeatures && best.feature >= 0) break;
        if (params.maxFeatures < F) {
          const pick = j + rng.int(F - j);
          const tmp = featureOrder[j];
          featureOrder[j] = featureOrder[pick];
          featureOrder[pick] = tmp;
        }
        const f = featureOrder[j];
        const col = f * n;
        const base = mapper.offsets[f] * C;
        let nTouched = 0;
        for (let i = start; i < end; i++) {
          const r = rows[i];
          const o = base + binned[col + r] * C;
          if (hist[o + cc] === 0) touched[nTouched++] = binned[col + r];
          const w = weights ? weights[r] : 1;
          if (classes) hist[o + classes[r]] += w;
          else hist[o] += w * (targets as Float64Array)[r];
          hist[o + K] += w;
          hist[o + cc] += 1;
        }
        if (nTouched > 1) {
          examined++;
          const listed = touched.subarray(0, nTouched).sort();
          scanFeature(hist, base, listed, nTouched, mapper.nBins[f], f, totals, parentScore, rules, scratch, best);
        }
        for (let t = 0; t < nTouched; t++) hist.fill(0, base + touched[t] * C, base + (touched[t] + 1) * C);
      }
    }

    if (best.feature < 0) {
      for (let k = 0; k < K; k++) leafValue[k] = totals[k] / W;
      builder.leaf(node.id, leafValue);
      continue;
    }
    const { feature, bin, missingLeft } = best;
    const leftEnd = partition(rows, workspace.scratchRows, start, end, binned, 1, feature * n, bin, mapper.nBins[feature], missingLeft);
    const nLeft = leftEnd - start;
    const left = builder.node();
    const right = builder.node();
    const edges = mapper.thresholds[feature];
    // Without missing values in training, a missing value at prediction follows the larger child.
    const sendMissingLeft = set.hasMissing[feature] ? missingLeft : nLeft > end - leftEnd;
    builder.split(node.id, feature, bin < edges.length ? edges[bin] : Number.MAX_VALUE, sendMissingLeft, left, right);
    // Depth-first, left child first.
    stack.push({ id: right, start: leftEnd, end, depth: node.depth + 1 });
    stack.push({ id: left, start, end: leftEnd, depth: node.depth + 1 });
  }
  return builder.build();
}
