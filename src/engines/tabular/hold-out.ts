/**
 * @file A seeded hold-out of a share of the training rows (the validation set of early stopping), stratified by
 * class for classification.
 */
import type { Rng } from '../../core/random/rng';
import type { TabularTask } from './tabular-model';

/**
 * Splits rows `0..nRows-1` into training and validation rows (both ascending): `ceil(fraction · nRows)` validation
 * rows (at least 1, leaving at least 1 for training); for classification each class contributes in proportion
 * (largest remainder).
 */
export function holdOutRows(
  y: ArrayLike<number>,
  nRows: number,
  task: TabularTask,
  fraction: number,
  rng: Rng,
): { train: Uint32Array; validation: Uint32Array } {
  if (nRows < 2) throw new Error(`Early stopping needs at least 2 training rows to hold some out; got ${nRows}`);
  const nValidation = Math.min(nRows - 1, Math.max(1, Math.ceil(fraction * nRows)));
  const groups: number[][] = [];
  if (task === 'regression') groups.push(Array.from({ length: nRows }, (_, i) => i));
  else {
    for (let i = 0; i < nRows; i++) (groups[y[i]] ??= []).push(i);
  }
  const present = groups.filter((g) => g !== undefined && g.length > 0);
  const quotas = present.map((g) => (nValidation * g.length) / nRows);
  const takes = quotas.map(Math.floor);
  let left = nValidation - takes.reduce((a, b) => a + b, 0);
  const byRemainder = quotas.map((q, i) => [q - Math.floor(q), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of byRemainder) {
    if (left === 0) break;
    takes[i]++;
    left--;
  }
  const validation: number[] = [];
  const train: number[] = [];
  present.forEach((group, i) => {
    const shuffled = rng.shuffle(Uint32Array.from(group));
    for (let j = 0; j < shuffled.length; j++) (j < takes[i] ? validation : train).push(shuffled[j]);
  });
  return { train: Uint32Array.from(train).sort(), validation: Uint32Array.from(validation).sort() };
}
