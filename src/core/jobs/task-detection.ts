/**
 * @file Which task a target column implies: binary, multiclass or regression.
 *
 * Rules, in order:
 * - text, image and datetime columns are not targets (a text column of class labels should be retyped to category);
 * - a column with no values, or with one distinct value, cannot be learned;
 * - two distinct values of any type: binary;
 * - category: multiclass; number (non-integer values): regression;
 * - integer: multiclass when it has at most `INTEGER_CLASS_LIMIT` distinct values and either those are at most
 *   `INTEGER_CLASS_SHARE` of the rows with a value, or they are exactly the codes 0..k-1 or 1..k (labels like
 *   digits 0-9 in a small table); otherwise regression (counts, prices, years).
 */
import type { ColumnProfile, ColumnSchema } from '../../protocol/dataset';
import type { TrainTask } from '../../protocol/train';

/** Most distinct values an integer target may have to be read as classes. */
export const INTEGER_CLASS_LIMIT = 20;
/** Largest ratio of distinct values to rows with a value for an integer target to be read as classes. */
export const INTEGER_CLASS_SHARE = 0.05;

/** Why a column cannot be a target. */
export type TaskDetectionErrorCode = 'target-all-missing' | 'target-one-class' | 'target-type';

/** A column that cannot be a training target; the message says why and what to do. */
export class TaskDetectionError extends Error {
  readonly code: TaskDetectionErrorCode;

  constructor(code: TaskDetectionErrorCode, message: string) {
    super(message);
    this.name = 'TaskDetectionError';
    this.code = code;
  }
}

/**
 * The task a target column implies, from its schema and profile (`rows`: the dataset's row count).
 * Throws a `TaskDetectionError` for a text, image or datetime column, one with no values, or one with a single class.
 */
export function detectTask(targetSchema: ColumnSchema, targetProfile: ColumnProfile, rows: number): TrainTask {
  const { name, type } = targetSchema;
  const label = JSON.stringify(name);
  if (type === 'text' || type === 'image' || type === 'datetime') {
    const what =
      type === 'text'
        ? `is text (${targetProfile.distinct.toLocaleString('en-US')} distinct values)`
        : type === 'image'
          ? 'holds images'
          : 'holds dates and times';
    const hint = type === 'text' ? '; if its values are class labels, change its type to category' : '';
    throw new TaskDetectionError('target-type', `Column ${label} ${what}; a target must be a category, boolean or numeric column${hint}`);
  }
  const { count, distinct } = targetProfile;
  if (count === 0) {
    throw new TaskDetectionError('target-all-missing', `Column ${label} has no values (all ${rows.toLocaleString('en-US')} rows are missing); it cannot be a target`);
  }
  if (distinct < 2) {
    const value = targetProfile.top?.[0]?.value ?? (targetProfile.numeric ? String(targetProfile.numeric.min) : undefined);
    const shown = value === undefined ? '' : ` (${JSON.stringify(value)})`;
    throw new TaskDetectionError(
      'target-one-class',
      `Column ${label} has one value${shown} in all ${count.toLocaleString('en-US')} rows with a value; a target needs at least two classes or values`,
    );
  }
  if (distinct === 2) return 'binary';
  if (type === 'category') return 'multiclass';
  if (type === 'integer' && integerLooksLikeClasses(targetProfile)) return 'multiclass';
  return 'regression';
}

function integerLooksLikeClasses(profile: ColumnProfile): boolean {
  const { distinct, count, numeric } = profile;
  if (distinct > INTEGER_CLASS_LIMIT) return false;
  if (distinct <= INTEGER_CLASS_SHARE * count) return true;
  if (!numeric) return false;
  return (numeric.min === 0 || numeric.min === 1) && numeric.max - numeric.min + 1 === distinct;
}
