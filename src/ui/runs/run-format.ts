/**
 * @file How runs read on screen: status labels, metric names and values, durations, and the one metric that
 * stands for a run in lists (its primary metric).
 */
import type { MetricValue, RunStatus } from '../../protocol/run';
import type { TrainTask } from '../../protocol/train';

/** Every run status, in the order the status filter lists them. */
export const RUN_STATUSES: readonly RunStatus[] = Object.freeze(['queued', 'running', 'completed', 'failed', 'canceled', 'interrupted'] as const);

/** Human label of a status. */
export function statusLabel(status: RunStatus): string {
  return status.charAt(0).toUpperCase() + status.slice(1);
}

/** True while a run may still change (queued or running). */
export function isActive(status: RunStatus | undefined): boolean {
  return status === 'queued' || status === 'running';
}

const METRIC_LABELS: Readonly<Record<string, string>> = Object.freeze({
  loss: 'Loss',
  accuracy: 'Accuracy',
  rmse: 'RMSE',
  mae: 'MAE',
  r2: 'R²',
  f1_macro: 'Macro F1',
  roc_auc: 'ROC AUC',
  log_loss: 'Log loss',
  epochs: 'Epochs trained',
  best_epoch: 'Best epoch',
});

/** `val_accuracy` → "Validation accuracy", `test_rmse` → "Test RMSE"; unknown keys are shown as they are. */
export function metricLabel(key: string): string {
  const match = /^(val_|test_|batch_)?(.+)$/.exec(key);
  const prefix = match?.[1] ?? '';
  const base = match?.[2] ?? key;
  const name = METRIC_LABELS[base];
  if (!name) return key;
  const split = prefix === 'val_' ? 'Validation' : prefix === 'test_' ? 'Test' : prefix === 'batch_' ? 'Batch' : '';
  if (!split) return name;
  // "Macro F1" → "Test macro F1"; acronyms (RMSE, R², ROC AUC) keep their capitals.
  return `${split} ${/^[A-Z][A-Z²]/.test(name) ? name : name.charAt(0).toLowerCase() + name.slice(1)}`;
}

/** A metric value with 4 significant digits; NaN and infinities spelled out; `–` for a missing one; float noise as 0. */
export function formatMetric(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  // Float noise (a score drop of -3.7e-17) reads as the zero it is.
  if (Math.abs(value) < 1e-12) return '0';
  if (value !== 0 && (Math.abs(value) >= 1e6 || Math.abs(value) < 1e-4)) return value.toExponential(3);
  return String(Number(value.toPrecision(4)));
}

/** "45 s", "3 min 05 s", "2 h 04 min"; under a second reads "<1 s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const seconds = Math.round(ms / 1000);
  if (seconds < 1) return '<1 s';
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** The score a task is judged by: accuracy for classifiers, RMSE for regressors. */
export function taskScore(task: TrainTask): 'accuracy' | 'rmse' {
  return task === 'regression' ? 'rmse' : 'accuracy';
}

/**
 * The metric that stands for a run in lists: its task's score on the test split, else on the validation split,
 * else on the training split; undefined when the run has none yet.
 */
export function primaryMetric(task: TrainTask, summary: readonly MetricValue[]): MetricValue | undefined {
  const score = taskScore(task);
  for (const key of [`test_${score}`, `val_${score}`, score]) {
    const found = summary.find((m) => m.key === key);
    if (found) return found;
  }
  return undefined;
}

/** Whether a larger value of `key` is better (accuracy, F1, AUC, R²) or worse (losses and errors). */
export function higherIsBetter(key: string): boolean {
  return /(accuracy|f1|auc|r2|precision|recall)/.test(key);
}
