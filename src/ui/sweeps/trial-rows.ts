/**
 * @file The trial table of a sweep: trial runs → rows (number, status with "stopped early" and its reason, each
 * parameter, the primary metric, epochs run, duration) and their order by any column. Pure, so the table re-sorts
 * without another storage query.
 */
import type { JsonValue } from '../../protocol/sweep';
import type { RunRecord } from '../../storage/records';
import { canonicalJson } from '../../core/tune/space';

/** What a row is made from: a trial run as storage holds it. */
export type TrialRun = Pick<RunRecord, 'id' | 'name' | 'status' | 'trial' | 'progress' | 'summary' | 'createdAt' | 'startedAt' | 'endedAt' | 'error'>;

/** A trial's state in the table: a run status, or `stopped` when an early-termination policy ended it. */
export type TrialStatus = RunRecord['status'] | 'stopped';

/** One row of the trial table. */
export interface TrialRow {
  runId: string;
  /** 0-based trial number, shown as it is (trial runs are named `<sweep> · trial <number>`). */
  number: number;
  status: TrialStatus;
  /** Why the policy stopped it (`stopped`), or why it failed. */
  reason?: string;
  params: Readonly<Record<string, JsonValue>>;
  /** The primary metric: the trial's recorded value, else its summary value; undefined before it has one. */
  value?: number;
  epochs: number;
  epochsPlanned: number;
  /** Milliseconds from start to end; undefined until the trial has ended. */
  durationMs?: number;
}

/** A sortable column: a fixed one or a parameter (`param:<path>`). */
export type TrialColumn = 'number' | 'status' | 'value' | 'epochs' | 'duration' | `param:${string}`;

/** The order of the table. */
export interface TrialOrder {
  by: TrialColumn;
  direction: 'asc' | 'desc';
}

/** Labels of trial states; `stopped` is the early-termination one. */
export const TRIAL_STATUS_LABELS: Readonly<Record<TrialStatus, string>> = Object.freeze({
  queued: 'Queued',
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  canceled: 'Canceled',
  interrupted: 'Interrupted',
  stopped: 'Stopped early',
});

/** Rows of `trials` (runs without trial info are not trials and are left out), by trial number. */
export function trialRows(trials: readonly TrialRun[], metricKey: string): TrialRow[] {
  const rows: TrialRow[] = [];
  for (const run of trials) {
    const info = run.trial;
    if (!info) continue;
    const stopped = info.stoppedEarly !== undefined;
    const summaryValue = run.summary.find((m) => m.key === metricKey)?.value;
    const value = info.value ?? summaryValue;
    const reason = stopped ? info.stoppedEarly : run.status === 'failed' ? run.error?.message : undefined;
    rows.push({
      runId: run.id,
      number: info.number,
      status: stopped ? 'stopped' : run.status,
      ...(reason === undefined ? {} : { reason }),
      params: info.params,
      ...(value === undefined ? {} : { value }),
      epochs: run.progress.epoch,
      epochsPlanned: run.progress.epochs,
      ...(run.startedAt !== undefined && run.endedAt !== undefined ? { durationMs: Math.max(0, run.endedAt - run.startedAt) } : {}),
    });
  }
  return rows.sort((a, b) => a.number - b.number);
}

/** What a cell sorts by: a number, a string, or nothing (sorted last whatever the direction). */
type SortKey = number | string | undefined;

/** Order of states when sorting by status: the active ones first, then the finished ones from best to worst. */
const STATUS_RANK: Readonly<Record<TrialStatus, number>> = { running: 0, queued: 1, completed: 2, stopped: 3, interrupted: 4, canceled: 5, failed: 6 };

function sortKey(row: TrialRow, column: TrialColumn): SortKey {
  switch (column) {
    case 'number':
      return row.number;
    case 'status':
      return STATUS_RANK[row.status];
    case 'value':
      return row.value === undefined || Number.isNaN(row.value) ? undefined : row.value;
    case 'epochs':
      return row.epochs;
    case 'duration':
      return row.durationMs;
    default: {
      const path = column.slice('param:'.length);
      if (!Object.prototype.hasOwnProperty.call(row.params, path)) return undefined;
      const value = row.params[path];
      if (typeof value === 'number') return value;
      return typeof value === 'string' ? value : canonicalJson(value);
    }
  }
}

/**
 * `rows` ordered by `order.by`. Missing values (an inactive parameter, a trial without a metric yet) come last in
 * either direction; numbers sort numerically and before text; ties keep trial-number order.
 */
export function orderTrialRows(rows: readonly TrialRow[], order: TrialOrder): TrialRow[] {
  const sign = order.direction === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = sortKey(a, order.by);
    const y = sortKey(b, order.by);
    if (x === undefined || y === undefined) return Number(x === undefined) - Number(y === undefined) || a.number - b.number;
    if (typeof x === 'number' && typeof y === 'number') return sign * (x - y) || a.number - b.number;
    if (typeof x === 'number' || typeof y === 'number') return typeof x === 'number' ? -1 : 1;
    return sign * x.localeCompare(y) || a.number - b.number;
  });
}

/** How a parameter value reads in a cell: numbers with 4 significant digits, strings as they are, the rest as JSON. */
export function formatParamValue(value: JsonValue | undefined): string {
  if (value === undefined) return '–';
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return String(value);
    // 1e-4, not 1.00e-4: the mantissa's trailing zeros go.
    if (value !== 0 && (Math.abs(value) < 1e-3 || Math.abs(value) >= 1e6)) return value.toExponential(2).replace(/\.?0+e/, 'e');
    return String(Number(value.toPrecision(4)));
  }
  if (typeof value === 'string') return value;
  const json = canonicalJson(value);
  return json.length > 40 ? `${json.slice(0, 39)}…` : json;
}

/** Containers a short label leaves out: `model.layers[0].units` reads `layers[0].units`. */
const CONTAINERS = /^(?:model|optimizer|featurization|data)\.(?=.)/;

/** A parameter path short enough for a column header or an axis: without its container (`learningRate`, `layers[0].units`). */
export function shortParamLabel(path: string): string {
  return path.replace(CONTAINERS, '');
}
