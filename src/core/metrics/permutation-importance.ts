/**
 * @file Permutation feature importance (Breiman 2001; scikit-learn's `permutation_importance`): how much a score
 * drops when the values of one feature group are shuffled across rows, breaking their link to the target. Generic
 * over the model: it only calls `predict` and `score`.
 */
import { MetricsError } from './metrics-error';
import { Rng } from '../random/rng';

/** Features shuffled together: e.g. all one-hot features of one source column, named for that column. */
export interface FeatureGroup {
  name: string;
  /** Feature (column) indices into a row of X. */
  features: readonly number[];
}

/** Input of {@link permutationImportance}. */
export interface PermutationImportanceInput {
  /** The groups to measure; a group's features are permuted with the same row order, keeping one-hot rows valid. */
  columns: readonly FeatureGroup[];
  /** N x F features, row-major. Never modified. */
  X: Float32Array;
  /** F, features per row. */
  featureCount: number;
  /** Model predictions for a feature matrix shaped like X. Receives a fresh copy each call, so it may keep or transfer it. */
  predict: (X: Float32Array) => Promise<Float32Array>;
  /** Score of predictions against the (fixed) targets. */
  score: (yPred: Float32Array) => number;
  /** True for accuracy or R², false for losses such as RMSE or log loss. */
  higherIsBetter: boolean;
  /** Shuffles per group (default 5). */
  repeats?: number;
  /** Seeds the shuffles: the same seed gives the same result. */
  seed: number;
  /** Called after each prediction with work done and total (1 baseline + groups x repeats). */
  onProgress?: (done: number, total: number) => void;
  /** Stops between predictions with the signal's reason. */
  signal?: AbortSignal;
}

/** Importance of one group. */
export interface GroupImportance {
  name: string;
  features: number[];
  /** Mean drop in score over the repeats (positive = the model relies on the group). */
  mean: number;
  /** Population standard deviation of the drops (as scikit-learn's `importances_std`). */
  std: number;
  /** Drop in each repeat. */
  drops: number[];
}

/** Result of {@link permutationImportance}: groups in input order. */
export interface PermutationImportanceResult {
  baselineScore: number;
  repeats: number;
  seed: number;
  groups: GroupImportance[];
}

/**
 * For each group and repeat, shuffles the group's features across rows (one seeded permutation per repeat; group g
 * uses stream g of `seed`, so adding a group does not change the others), predicts, and records the score drop:
 * baseline - permuted when higher is better, permuted - baseline otherwise.
 * Throws a MetricsError on bad groups, shapes, or a non-finite score.
 */
export async function permutationImportance(input: PermutationImportanceInput): Promise<PermutationImportanceResult> {
  const { columns, X, featureCount, predict, score, higherIsBetter, repeats = 5, seed, onProgress, signal } = input;
  const rowCount = checkShape(X, featureCount);
  if (!Number.isInteger(repeats) || repeats < 1) throw new MetricsError('bad-argument', `repeats is ${repeats}; expected a positive integer`);
  if (!Number.isFinite(seed)) throw new MetricsError('bad-argument', `seed is ${seed}; expected a finite number`);
  for (const group of columns) checkGroup(group, featureCount);

  const total = 1 + columns.length * repeats;
  let done = 0;
  const scoreOf = async (features: Float32Array, what: string): Promise<number> => {
    signal?.throwIfAborted();
    const value = score(await predict(features));
    if (!Number.isFinite(value)) throw new MetricsError('not-finite', `Score ${what} is ${value}; expected a finite number`);
    onProgress?.(++done, total);
    return value;
  };

  const baselineScore = await scoreOf(X.slice(), 'of the unshuffled features');
  const groups: GroupImportance[] = [];
  for (let g = 0; g < columns.length; g++) {
    const { name, features } = columns[g];
    // One stream per group, named by its position: adding a group does not change the others' shuffles.
    const random = new Rng(seed).fork(`permutation-group-${g}`);
    const drops: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const order = random.permutation(rowCount);
      const permuted = X.slice();
      for (let row = 0; row < rowCount; row++) {
        const from = order[row] * featureCount;
        const to = row * featureCount;
        for (const f of features) permuted[to + f] = X[from + f];
      }
      const permutedScore = await scoreOf(permuted, `with group "${name}" shuffled (repeat ${r})`);
      drops.push(higherIsBetter ? baselineScore - permutedScore : permutedScore - baselineScore);
    }
    const mean = drops.reduce((a, b) => a + b, 0) / repeats;
    const std = Math.sqrt(drops.reduce((a, d) => a + (d - mean) ** 2, 0) / repeats);
    groups.push({ name, features: [...features], mean, std, drops });
  }
  return { baselineScore, repeats, seed, groups };
}

function checkShape(X: Float32Array, featureCount: number): number {
  if (!Number.isInteger(featureCount) || featureCount < 1) {
    throw new MetricsError('bad-argument', `featureCount is ${featureCount}; expected a positive integer`);
  }
  if (X.length === 0) throw new MetricsError('empty-input', 'X is empty; expected at least one row');
  if (X.length % featureCount !== 0) {
    throw new MetricsError('length-mismatch', `X has ${X.length} values, not a multiple of featureCount ${featureCount}`);
  }
  return X.length / featureCount;
}

function checkGroup(group: FeatureGroup, featureCount: number): void {
  if (group.features.length === 0) {
    throw new MetricsError('bad-argument', `Feature group "${group.name}" is empty; expected at least one feature index`);
  }
  for (const f of group.features) {
    if (!Number.isInteger(f) || f < 0 || f >= featureCount) {
      const expected = `expected an integer in 0..${featureCount - 1}`;
      throw new MetricsError('bad-argument', `Feature group "${group.name}" has feature index ${f}; ${expected}`);
    }
  }
}
