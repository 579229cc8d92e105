/**
 * @file Pure helpers of the runs list and the compare page: tag lists, legend labels, compared metric keys.
 */
import type { RunRecord } from '../../storage/records';
import { taskScore } from './run-format';

/** Every tag of `runs`, once each, sorted. */
export function allTags(runs: readonly RunRecord[]): string[] {
  return [...new Set(runs.flatMap((run) => run.tags))].sort((a, b) => a.localeCompare(b));
}

/** Legend labels for runs named `names`: the names, numbered (`name (#2)`) where two runs share a name. */
export function legendLabels(names: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  return names.map((name, i) => ((counts.get(name) ?? 0) > 1 ? `${name} (#${i + 1})` : name));
}

/** The compared curves: validation loss, then each run task's validation score, once each. */
export function compareKeys(runs: readonly Pick<RunRecord, 'spec'>[]): string[] {
  return [...new Set(['val_loss', ...runs.map((run) => `val_${taskScore(run.spec.task)}`)])];
}

/** Every summary metric key of `runs`, sorted. */
export function summaryKeysOf(runs: readonly Pick<RunRecord, 'summary'>[]): string[] {
  return [...new Set(runs.flatMap((run) => run.summary.map((m) => m.key)))].sort();
}
