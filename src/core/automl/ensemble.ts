/**
 * @file Caruana et al. (2004) greedy ensemble selection with replacement over out-of-fold predictions: start empty,
 * repeatedly add the model (repeats allowed) whose addition to the running average scores best on the pooled
 * out-of-fold rows; keep the best prefix. The ensemble is kept only if it beats the best single model there.
 */
import type { AutoMLMetric } from './automl-spec';
import { higherIsBetter, meanStd, metricValue } from './leaderboard';

/** A candidate: its trial number and its out-of-fold predictions (`nRows × width`). */
export interface EnsembleCandidate {
  trial: number;
  oof: Float64Array;
}

export interface EnsembleResult {
  /** Trial number → weight (weights sum to 1). */
  weights: { trial: number; weight: number }[];
  /** The ensemble's score on all out-of-fold rows, and per fold. */
  score: number;
  foldScores: number[];
  mean: number;
  std: number;
  /** The best single candidate's score on all out-of-fold rows. */
  bestSingleScore: number;
  /** Whether the ensemble beats the best single model (and is kept). */
  kept: boolean;
}

/**
 * Greedy selection over `candidates` (the caller passes the top ones) for `rounds` rounds. `folds` are the
 * validation rows of each fold: scores are on their union, and per fold for the standard deviation.
 */
export function greedyEnsemble(
  candidates: readonly EnsembleCandidate[],
  y: ArrayLike<number>,
  width: number,
  folds: readonly ArrayLike<number>[],
  metric: AutoMLMetric,
  rounds = 50,
): EnsembleResult | undefined {
  if (candidates.length < 2) return undefined;
  const rows = Uint32Array.from(folds.flatMap((f) => Array.from(f))).sort();
  const better = higherIsBetter(metric) ? (a: number, b: number) => a > b + 1e-12 : (a: number, b: number) => a < b - 1e-12;
  const size = candidates[0].oof.length;
  const sum = new Float64Array(size);
  const trial = new Float64Array(size);
  const counts = new Array<number>(candidates.length).fill(0);
  let best: { score: number; counts: number[] } | undefined;
  const singles = candidates.map((c) => metricValue(metric, y, c.oof, width, rows));
  const bestSingleScore = singles.reduce((a, b) => (better(b, a) ? b : a));
  for (let round = 1; round <= rounds; round++) {
    let pick = -1;
    let pickScore = NaN;
    for (let c = 0; c < candidates.length; c++) {
      const oof = candidates[c].oof;
      for (let i = 0; i < size; i++) trial[i] = (sum[i] + oof[i]) / round;
      const score = metricValue(metric, y, trial, width, rows);
      if (pick < 0 || better(score, pickScore)) {
        pick = c;
        pickScore = score;
      }
    }
    const oof = candidates[pick].oof;
    for (let i = 0; i < size; i++) sum[i] += oof[i];
    counts[pick]++;
    if (!best || better(pickScore, best.score)) best = { score: pickScore, counts: [...counts] };
  }
  if (!best) return undefined;
  const total = best.counts.reduce((a, b) => a + b, 0);
  const blend = new Float64Array(size);
  best.counts.forEach((k, c) => {
    if (k > 0) for (let i = 0; i < size; i++) blend[i] += (k / total) * candidates[c].oof[i];
  });
  const foldScores = folds.map((f) => metricValue(metric, y, blend, width, f));
  const { mean, std } = meanStd(foldScores);
  return {
    weights: best.counts.flatMap((k, c) => (k > 0 ? [{ trial: candidates[c].trial, weight: k / total }] : [])),
    score: best.score,
    foldScores,
    mean,
    std,
    bestSingleScore,
    kept: better(best.score, bestSingleScore) && best.counts.filter((k) => k > 0).length > 1,
  };
}
