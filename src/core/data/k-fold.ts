/**
 * @file Seeded k-fold cross-validation folds, stratified by class for classification.
 */
import { Rng, type Seed } from '../random/rng';
import type { ColumnValues } from '../table/column-values';
import { groupRowsByTarget, type TaskKind } from './target-groups';

/** One fold: its validation rows, and every other kept row for training (both 0-based, ascending). */
export interface Fold {
  train: Uint32Array;
  validation: Uint32Array;
}

/** Options of {@link kFolds}. */
export interface KFoldOptions {
  k: number;
  task: TaskKind;
  seed: Seed;
  /** Target column name, for error messages. */
  column: string;
  /** Default true for classification (ignored for regression). */
  stratify?: boolean;
  /** Only these rows take part (e.g. train and validation, leaving the test split out); default all rows. */
  rows?: ArrayLike<number>;
}

/**
 * Assigns every row with a target to one of `k` validation folds: each class is shuffled (seeded) and dealt
 * round-robin, continuing across classes, so fold sizes differ by at most one and each class is spread evenly.
 * Rows with a missing target take part in no fold.
 */
export function kFolds(target: ColumnValues, options: KFoldOptions): Fold[] {
  const { k } = options;
  if (!Number.isInteger(k) || k < 2) throw new Error(`Cross-validation needs an integer number of folds of at least 2; got ${k}`);
  const grouped = groupRowsByTarget(target, options);
  if (grouped.rows < k) {
    throw new Error(`Only ${grouped.rows} rows have a target in column "${options.column}"; need at least ${k} for ${k}-fold cross-validation`);
  }
  const rng = new Rng(options.seed).fork('k-fold');
  const members: number[][] = Array.from({ length: k }, () => []);
  let next = 0;
  for (const group of grouped.groups) {
    for (const row of rng.shuffle(Uint32Array.from(group))) {
      members[next].push(row);
      next = (next + 1) % k;
    }
  }
  const folds = members.map((m) => Uint32Array.from(m).sort());
  return folds.map((validation, f) => {
    const train = new Uint32Array(grouped.rows - validation.length);
    let at = 0;
    folds.forEach((other, g) => {
      if (g !== f) {
        train.set(other, at);
        at += other.length;
      }
    });
    return { train: train.sort(), validation };
  });
}
