/**
 * @file The best threshold of one feature from its histogram, shared by gradient-boosted trees and impurity trees.
 *
 * A histogram bin holds `channels` numbers: `sums` target sums (channels `0..sums-1`), then a weight and a count.
 * A child's score is `Σ_k S_k² / (W + λ)`; a split's gain is the children's scores minus the parent's. With gradient
 * sums and hessian weights that is the gradient-boosting gain (scikit-learn, XGBoost); with one-hot class sums and
 * sample weights it is the decrease of the Gini impurity times the node weight; with target sums it is the decrease
 * of the squared error. Thresholds are scanned left to right with missing values going right and, when the node
 * has missing values, right to left with them going left (XGBoost's sparsity-aware split, as scikit-learn does);
 * the first strictly best candidate wins, so ties go to the lower feature and then to the lower threshold.
 */

/** What a split must satisfy, and where the channels are. */
export interface SplitRules {
  /** Target sums per bin (1 for gradient boosting, classes for Gini, 1 for squared error). */
  sums: number;
  /** Numbers per bin: `sums` + weight + count. */
  channels: number;
  /** Channel holding the weight `W` of the score (the count channel when hessians are constant). */
  weightChannel: number;
  /** L2 penalty λ added to each child's weight. */
  lambda: number;
  /** Fewest rows in each child. */
  minCount: number;
  /** Smallest weight (sum of hessians) in each child. */
  minWeight: number;
  /** A split is kept only when its gain exceeds this. */
  minGain: number;
}

/** The best split found so far at a node; `feature` is -1 while none is. */
export interface SplitChoice {
  gain: number;
  feature: number;
  /** Last non-missing bin going left. */
  bin: number;
  missingLeft: boolean;
  /** Rows going left. */
  leftCount: number;
}

/** A split choice with nothing found yet. */
export function emptySplit(): SplitChoice {
  return { gain: -Infinity, feature: -1, bin: -1, missingLeft: false, leftCount: 0 };
}

/** Resets `split` to nothing found. */
export function resetSplit(split: SplitChoice): void {
  split.gain = -Infinity;
  split.feature = -1;
  split.bin = -1;
  split.missingLeft = false;
  split.leftCount = 0;
}

/** `Σ_k S_k² / (W + λ)` of the channel sums at `hist[at..]`. */
export function nodeScore(totals: ArrayLike<number>, rules: SplitRules, at = 0): number {
  const w = totals[at + rules.weightChannel] + rules.lambda;
  if (!(w > 0)) return 0;
  let s = 0;
  for (let k = 0; k < rules.sums; k++) s += totals[at + k] * totals[at + k];
  return s / w;
}

/** Scratch space for {@link scanFeature}: one accumulator of `channels` numbers. */
export function splitScratch(rules: SplitRules): Float64Array {
  return new Float64Array(rules.channels);
}

/**
 * Updates `best` with the best split of `feature` if it beats `best.gain`.
 * - `hist`, `base`: the feature's bins start at `hist[base]` (bin `b` at `base + b·channels`).
 * - `bins`, `nListed`: the non-empty bins in ascending order when known (sparse histograms), else null to scan
 *   bins `0..nBins-1` (dense histograms).
 * - `nBins`: non-missing bins of the feature; its missing bin is `nBins`.
 * - `totals`: the node's channel sums; `parentScore`: {@link nodeScore} of the node.
 */
export function scanFeature(
  hist: Float64Array,
  base: number,
  bins: Int32Array | null,
  nListed: number,
  nBins: number,
  feature: number,
  totals: Float64Array,
  parentScore: number,
  rules: SplitRules,
  scratch: Float64Array,
  best: SplitChoice,
): void {
  const { sums: K, channels: C, weightChannel: wc, lambda, minCount, minWeight } = rules;
  const cc = K + 1;
  const missingAt = base + nBins * C;
  const missingCount = hist[missingAt + cc];
  const hasMissing = missingCount > 0;
  // Non-missing bins to scan, as positions in `bins` (or bin numbers when dense).
  let m = bins ? nListed : nBins;
  if (bins && m > 0 && bins[m - 1] === nBins) m--;
  const binAt = (i: number): number => (bins ? bins[i] : i);
  const totalW = totals[wc];
  const totalN = totals[cc];
  const minGain = Math.max(rules.minGain, best.gain);
  let bestGain = minGain;
  let bestBin = -1;
  let bestMissingLeft = false;
  let bestLeftCount = 0;

  // Left to right, missing values (if any) go right: thresholds after each non-missing bin but the last, and after
  // the last one too when missing values make the right child non-empty.
  const left = scratch;
  left.fill(0);
  const end = hasMissing ? m : m - 1;
  for (let i = 0; i < end; i++) {
    const b = binAt(i);
    const o = base + b * C;
    for (let c = 0; c < C; c++) left[c] += hist[o + c];
    const nLeft = left[cc];
    const nRight = totalN - nLeft;
    if (nLeft < minCount) continue;
    if (nRight < minCount) break;
    const wLeft = left[wc];
    const wRight = totalW - wLeft;
    if (wLeft < minWeight) continue;
    if (wRight < minWeight) break;
    let sl = 0;
    let sr = 0;
    for (let k = 0; k < K; k++) {
      const l = left[k];
      const r = totals[k] - l;
      sl += l * l;
      sr += r * r;
    }
    const gain = sl / (wLeft + lambda) + sr / (wRight + lambda) - parentScore;
    if (gain > bestGain) {
      bestGain = gain;
      bestBin = b;
      bestMissingLeft = false;
      bestLeftCount = nLeft;
    }
  }

  if (hasMissing) {
    // Right to left, missing values go left: the right child grows from the last non-missing bin down; the threshold
    // is the bin just before the right child's lowest bin (as scikit-learn's dense scan finds it).
    const right = scratch;
    right.fill(0);
    for (let i = m - 1; i > 0; i--) {
      const b = binAt(i);
      const o = base + b * C;
      for (let c = 0; c < C; c++) right[c] += hist[o + c];
      const nRight = right[cc];
      const nLeft = totalN - nRight;
      if (nRight < minCount) continue;
      if (nLeft < minCount) break;
      const wRight = right[wc];
      const wLeft = totalW - wRight;
      if (wRight < minWeight) continue;
      if (wLeft < minWeight) break;
      let sl = 0;
      let sr = 0;
      for (let k = 0; k < K; k++) {
        const r = right[k];
        const l = totals[k] - r;
        sl += l * l;
        sr += r * r;
      }
      const gain = sl / (wLeft + lambda) + sr / (wRight + lambda) - parentScore;
      if (gain > bestGain) {
        bestGain = gain;
        bestBin = b - 1;
        bestMissingLeft = true;
        bestLeftCount = nLeft;
      }
    }
  }

  if (bestBin >= 0 && bestGain > minGain) {
    best.gain = bestGain;
    best.feature = feature;
    best.bin = bestBin;
    best.missingLeft = bestMissingLeft;
    best.leftCount = bestLeftCount;
  }
}
