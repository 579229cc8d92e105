/**
 * @file Groups a table's rows by target value: the classes that stratified splits spread evenly, and the rows
 * dropped because their target is missing.
 */
import { describeKind, type ColumnValues } from '../table/column-values';

/** What a model predicts: a class, or a number. */
export type TaskKind = 'classification' | 'regression';

/** Rows with a target, grouped: each group's rows are ascending; groups are in first-seen row order. */
export interface TargetGroups {
  groups: Uint32Array[];
  /** Rows dropped because their target is missing. */
  missing: number;
  /** Rows kept (sum of the group sizes). */
  rows: number;
}

/**
 * Groups the rows of `target` (or only those listed in `rows`) by class for classification, or into one group for
 * regression (and when `stratify` is false). Missing targets (`NaN`, code `-1`, `null`) are dropped and counted.
 * Throws for an image target, which no task supports.
 */
export function groupRowsByTarget(
  target: ColumnValues,
  options: { task: TaskKind; column: string; stratify?: boolean; rows?: ArrayLike<number> },
): TargetGroups {
  if (target.kind === 'image') {
    throw new Error(`Target column "${options.column}" holds ${describeKind(target.kind)}; a target must be numbers, categories or text`);
  }
  const stratify = (options.stratify ?? options.task === 'classification') && options.task === 'classification';
  const key = keyReader(target);
  const total = target.kind === 'numeric' ? target.values.length : target.kind === 'categorical' ? target.codes.length : target.values.length;
  const count = options.rows ? options.rows.length : total;
  const byKey = new Map<string | number, number[]>();
  let missing = 0;
  let kept = 0;
  for (let j = 0; j < count; j++) {
    const row = options.rows ? options.rows[j] : j;
    const k = key(row);
    if (k === null) {
      missing++;
      continue;
    }
    const group = stratify ? k : 0;
    let list = byKey.get(group);
    if (!list) byKey.set(group, (list = []));
    list.push(row);
    kept++;
  }
  const groups = [...byKey.values()].map((list) => Uint32Array.from(list).sort());
  return { groups, missing, rows: kept };
}

/** A function giving a row's class key, or null where the target is missing. */
function keyReader(target: Exclude<ColumnValues, { kind: 'image' }>): (row: number) => string | number | null {
  switch (target.kind) {
    case 'numeric':
      return (row) => {
        const v = target.values[row];
        return v === v ? v : null;
      };
    case 'categorical':
      return (row) => (target.codes[row] < 0 ? null : target.codes[row]);
    case 'text':
      return (row) => target.values[row] ?? null;
  }
}
