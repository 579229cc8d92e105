/**
 * @file Seeded train/validation/test split: stratified by class for classification (each class spread in
 * proportion), a plain shuffle for regression. Rows whose target is missing are dropped and counted.
 */
import { Rng, type Seed } from '../random/rng';
import type { ColumnValues } from '../table/column-values';
import { groupRowsByTarget, type TaskKind } from './target-groups';

/** Shares of the rows for each split; each in (0, 1), summing to 1. */
export interface SplitFractions {
  train: number;
  validation: number;
  test: number;
}

/** The default split: 70% train, 15% validation, 15% test. */
export const DEFAULT_SPLIT: Readonly<SplitFractions> = Object.freeze({ train: 0.7, validation: 0.15, test: 0.15 });

/** Fewest rows with a target that {@link splitRows} accepts. */
export const MIN_SPLIT_ROWS = 10;

/** Options of {@link splitRows}. */
export interface SplitOptions {
  task: TaskKind;
  seed: Seed;
  /** Target column name, for error messages. */
  column: string;
  fractions?: SplitFractions;
  /** Spread each class proportionally; default true for classification (ignored for regression). */
  stratify?: boolean;
}

/** Row indices (0-based, ascending) of each split, and the rows left out because their target is missing. */
export interface RowSplit {
  train: Uint32Array;
  validation: Uint32Array;
  test: Uint32Array;
  missingTarget: number;
}

const SPLITS = ['train', 'validation', 'test'] as const;

/** Throws unless each fraction is in (0, 1) and they sum to 1 (within 1e-6). */
export function validateFractions(f: SplitFractions): void {
  const values = SPLITS.map((s) => f[s]);
  const sum = values.reduce((a, b) => a + b, 0);
  if (values.some((v) => !(v > 0 && v < 1)) || Math.abs(sum - 1) > 1e-6) {
    throw new Error(
      `Split fractions must each be between 0 and 1 and sum to 1; got train ${f.train}, validation ${f.validation}, test ${f.test} (sum ${+sum.toFixed(6)})`,
    );
  }
}

/**
 * Splits the rows of `target` into train, validation and test. The split sizes are the fractions of the rows with
 * a target, rounded by largest remainder, each at least 1. With stratification every class is spread over the
 * splits in proportion (within one row), and a class with too few rows keeps at least one in train.
 * Same target, options and seed: same split, on every platform.
 */
export function splitRows(target: ColumnValues, options: SplitOptions): RowSplit {
  const fractions = options.fractions ?? DEFAULT_SPLIT;
  validateFractions(fractions);
  const grouped = groupRowsByTarget(target, options);
  const n = grouped.rows;
  const needed = Math.max(MIN_SPLIT_ROWS, Math.ceil(1 / Math.min(fractions.train, fractions.validation, fractions.test) - 1e-9));
  if (n < needed) {
    const missing = grouped.missing > 0 ? ` (${grouped.missing} missing)` : '';
    throw new Error(
      `Only ${n} ${n === 1 ? 'row has' : 'rows have'} a target in column "${options.column}"${missing}; need at least ${needed} to split into train, validation and test`,
    );
  }
  const sizes = splitSizes(n, SPLITS.map((s) => fractions[s]));
  const rng = new Rng(options.seed).fork('split');
  const order = new Uint32Array(n);
  const groupStart: number[] = [];
  let at = 0;
  for (const group of grouped.groups) {
    groupStart.push(at);
    order.set(rng.shuffle(Uint32Array.from(group)), at);
    at += group.length;
  }
  // Walk the class-ordered rows, giving each to the split furthest behind its share (a multi-way Bresenham):
  // every split gets exactly its size, and every contiguous class block is split in proportion within one row.
  const assigned = new Uint8Array(n);
  const taken = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestDeficit = -Infinity;
    for (let k = 0; k < 3; k++) {
      const deficit = sizes[k] * (i + 1) - taken[k] * n;
      if (deficit > bestDeficit) {
        best = k;
        bestDeficit = deficit;
      }
    }
    assigned[i] = best;
    taken[best]++;
  }
  keepOneInTrain(assigned, groupStart, n);
  const out = SPLITS.map((_, k) => {
    const rows: number[] = [];
    for (let i = 0; i < n; i++) if (assigned[i] === k) rows.push(order[i]);
    return Uint32Array.from(rows).sort();
  });
  return { train: out[0], validation: out[1], test: out[2], missingTarget: grouped.missing };
}

/** Sizes by largest remainder, each at least 1 (taken from the largest split). */
export function splitSizes(n: number, fractions: readonly number[]): number[] {
  const exact = fractions.map((f) => f * n);
  const sizes = exact.map(Math.floor);
  let left = n - sizes.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((e, k) => [e - Math.floor(e), k] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let j = 0; left > 0; j = (j + 1) % sizes.length, left--) sizes[byRemainder[j][1]]++;
  for (let k = 0; k < sizes.length; k++) {
    if (sizes[k] > 0) continue;
    const largest = sizes.indexOf(Math.max(...sizes));
    sizes[largest]--;
    sizes[k]++;
  }
  return sizes;
}

/**
 * A class block with no row in train swaps one of its rows with a train row of the class holding the most train
 * rows (more than one), so split sizes stay the same.
 */
function keepOneInTrain(assigned: Uint8Array, groupStart: number[], n: number): void {
  const ends = [...groupStart.slice(1), n];
  const trainCount = groupStart.map((start, g) => {
    let c = 0;
    for (let i = start; i < ends[g]; i++) if (assigned[i] === 0) c++;
    return c;
  });
  groupStart.forEach((start, g) => {
    if (trainCount[g] > 0 || start === ends[g]) return;
    const donor = trainCount.indexOf(Math.max(...trainCount));
    if (trainCount[donor] < 2) return;
    let from = groupStart[donor];
    while (assigned[from] !== 0) from++;
    assigned[from] = assigned[start];
    assigned[start] = 0;
    trainCount[donor]--;
    trainCount[g]++;
  });
}
