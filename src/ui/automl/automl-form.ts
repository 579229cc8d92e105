/**
 * @file The AutoML form, pure: its draft, the choices it offers (tasks, metrics by task, families), the problems of a
 * draft (each named by its field), and the job spec a valid draft starts.
 */
import * as v from 'valibot';
import type { AutoMLJobSpec, AutoMLMetricName, AutoMLTaskName } from '../../protocol/automl';
import type { ColumnProfile, ColumnSchema } from '../../protocol/dataset';
import { AutoMLSpecSchema } from '../../core/automl/automl-spec';
import { detectTask, TaskDetectionError } from '../../core/jobs/task-detection';
import type { FormProblem } from '../train/train-form.svelte';

/** What the form edits. Numbers are null while their field is empty. */
export interface AutoMLDraft {
  name: string;
  target: string;
  /** `detect`: the job detects the task from the target column. */
  task: 'detect' | AutoMLTaskName;
  /** `default`: accuracy for classification, R² for regression. */
  metric: 'default' | AutoMLMetricName;
  budgetKind: 'time' | 'trials';
  seconds: number | null;
  trials: number | null;
  validationKind: 'cv' | 'holdout';
  folds: number | null;
  /** Percent of the rows held out (5 to 50). */
  holdoutPercent: number | null;
  seed: number | null;
  /** Trials fitted at once (1 to {@link maxTrialsAtOnce}). */
  concurrency: number | null;
  families: string[];
  ensemble: boolean;
}

/** The dataset version the form runs on. */
export interface AutoMLFormData {
  columns: readonly ColumnSchema[];
  profiles: readonly ColumnProfile[];
  rows: number;
}

/** Ids of the form's controls (the error summary links to them). */
export const AUTOML_FIELD_IDS = {
  name: 'automl-name',
  target: 'automl-target',
  task: 'automl-task',
  metric: 'automl-metric',
  seconds: 'automl-seconds',
  trials: 'automl-trials',
  folds: 'automl-folds',
  holdout: 'automl-holdout',
  seed: 'automl-seed',
  concurrency: 'automl-concurrency',
  families: 'automl-families',
} as const;

const FIELD_LABELS: Record<string, string> = {
  [AUTOML_FIELD_IDS.name]: 'Name',
  [AUTOML_FIELD_IDS.target]: 'Target column',
  [AUTOML_FIELD_IDS.task]: 'Task',
  [AUTOML_FIELD_IDS.metric]: 'Primary metric',
  [AUTOML_FIELD_IDS.seconds]: 'Time budget',
  [AUTOML_FIELD_IDS.trials]: 'Number of trials',
  [AUTOML_FIELD_IDS.folds]: 'Folds',
  [AUTOML_FIELD_IDS.holdout]: 'Holdout',
  [AUTOML_FIELD_IDS.seed]: 'Seed',
  [AUTOML_FIELD_IDS.concurrency]: 'Trials at once',
  [AUTOML_FIELD_IDS.families]: 'Model families',
};

/** The label of a field id, for the error summary. */
export function automlFieldLabel(fieldId: string): string | null {
  return FIELD_LABELS[fieldId] ?? null;
}

export const AUTOML_TASKS: readonly { value: AutoMLDraft['task']; label: string }[] = [
  { value: 'detect', label: 'Detect from the target' },
  { value: 'binary', label: 'Binary classification' },
  { value: 'multiclass', label: 'Multiclass classification' },
  { value: 'regression', label: 'Regression' },
];

const CLASSIFICATION_METRICS = [
  { value: 'accuracy', label: 'Accuracy (higher is better)' },
  { value: 'log-loss', label: 'Log loss (lower is better)' },
] as const;
const REGRESSION_METRICS = [
  { value: 'r2', label: 'R² (higher is better)' },
  { value: 'rmse', label: 'RMSE (lower is better)' },
] as const;

/** The metrics a task can optimise; `default` first. */
export function metricsFor(task: AutoMLDraft['task']): { value: AutoMLDraft['metric']; label: string }[] {
  const fallback = { value: 'default' as const, label: task === 'detect' ? 'Default for the task (accuracy or R²)' : task === 'regression' ? 'Default (R²)' : 'Default (accuracy)' };
  if (task === 'detect') return [fallback];
  return [fallback, ...(task === 'regression' ? REGRESSION_METRICS : CLASSIFICATION_METRICS)];
}

/** The tabular families AutoML searches, and the tasks each fits. */
export const AUTOML_FAMILIES: readonly { name: string; label: string; tasks: readonly AutoMLTaskName[] }[] = [
  { name: 'linear', label: 'Linear regression (ridge, elastic net)', tasks: ['regression'] },
  { name: 'logistic', label: 'Logistic regression', tasks: ['binary', 'multiclass'] },
  { name: 'knn', label: 'k-nearest neighbours', tasks: ['binary', 'multiclass', 'regression'] },
  { name: 'decision-tree', label: 'Decision tree', tasks: ['binary', 'multiclass', 'regression'] },
  { name: 'random-forest', label: 'Random forest', tasks: ['binary', 'multiclass', 'regression'] },
  { name: 'hist-gradient-boosting', label: 'Histogram gradient boosting', tasks: ['binary', 'multiclass', 'regression'] },
  { name: 'mlp', label: 'Neural network (small MLP)', tasks: ['binary', 'multiclass', 'regression'] },
];

/** The most trials the form lets run at once: the machine's logical cores (8 when unknown), at most 16. */
export function maxTrialsAtOnce(hardwareConcurrency: number | undefined = globalThis.navigator?.hardwareConcurrency): number {
  return Math.max(1, Math.min(16, hardwareConcurrency || 8));
}

/** The form's starting values: the dataset's target, a 60 s budget, 5-fold CV, 2 trials at once, every family, ensembling on. */
export function defaultDraft(options: { target: string | null; columns: readonly ColumnSchema[]; datasetName: string; seed: number }): AutoMLDraft {
  const target = options.target ?? options.columns.at(-1)?.name ?? '';
  return {
    name: `AutoML ${options.datasetName}`.slice(0, 200),
    target,
    task: 'detect',
    metric: 'default',
    budgetKind: 'time',
    seconds: 60,
    trials: 20,
    validationKind: 'cv',
    folds: 5,
    holdoutPercent: 20,
    seed: options.seed,
    concurrency: Math.min(2, maxTrialsAtOnce()),
    families: AUTOML_FAMILIES.map((f) => f.name),
    ensemble: true,
  };
}

/**
 * The task the target implies (from its profile), or why it cannot be a target. `undefined` when the target is not
 * a column of the data.
 */
export function targetTask(data: AutoMLFormData, target: string): { task: AutoMLTaskName; classes?: number } | { error: string } | undefined {
  const schema = data.columns.find((c) => c.name === target);
  const profile = data.profiles.find((p) => p.name === target);
  if (!schema || !profile) return undefined;
  try {
    const task = detectTask(schema, profile, data.rows);
    if (task !== 'binary' && task !== 'multiclass' && task !== 'regression') return { error: `Column ${JSON.stringify(target)} implies a ${task} task, which AutoML does not solve` };
    return task === 'regression' ? { task } : { task, classes: profile.distinct };
  } catch (err) {
    if (err instanceof TaskDetectionError) return { error: err.message };
    throw err;
  }
}

function isInt(value: number | null, min: number, max: number): value is number {
  return value !== null && Number.isInteger(value) && value >= min && value <= max;
}

/** Every problem of a draft, in the form's order, each with the id of the control that fixes it. */
export function draftProblems(draft: AutoMLDraft, data: AutoMLFormData): FormProblem[] {
  const problems: FormProblem[] = [];
  const add = (fieldId: string, path: string, message: string) => problems.push({ fieldId, path, message });
  if (!draft.name.trim()) add(AUTOML_FIELD_IDS.name, 'name', 'Enter a name for the AutoML job');
  const detected = targetTask(data, draft.target);
  if (!draft.target || detected === undefined) {
    add(AUTOML_FIELD_IDS.target, 'target', draft.target ? `Column ${JSON.stringify(draft.target)} is not in this dataset; choose another` : 'Choose the column to predict');
  } else if ('error' in detected) {
    add(AUTOML_FIELD_IDS.target, 'target', detected.error);
  } else if (draft.task === 'binary' && detected.task === 'multiclass') {
    add(AUTOML_FIELD_IDS.task, 'task', `Binary classification needs 2 classes; ${JSON.stringify(draft.target)} has ${detected.classes ?? 'more'}`);
  }
  if (draft.budgetKind === 'time' && !isInt(draft.seconds, 1, 7 * 24 * 3600)) add(AUTOML_FIELD_IDS.seconds, 'budget.timeMs', 'Enter a whole number of seconds from 1 to 604800 (a week)');
  if (draft.budgetKind === 'trials' && !isInt(draft.trials, 1, 10_000)) add(AUTOML_FIELD_IDS.trials, 'budget.trials', 'Enter a whole number of trials from 1 to 10000');
  if (draft.validationKind === 'cv' && !isInt(draft.folds, 2, 20)) add(AUTOML_FIELD_IDS.folds, 'validation.folds', 'Enter a whole number of folds from 2 to 20');
  if (draft.validationKind === 'holdout' && (draft.holdoutPercent === null || !(draft.holdoutPercent >= 5 && draft.holdoutPercent <= 50))) {
    add(AUTOML_FIELD_IDS.holdout, 'validation.fraction', 'Enter a percentage of rows from 5 to 50');
  }
  if (!isInt(draft.seed, 0, 2 ** 32 - 1)) add(AUTOML_FIELD_IDS.seed, 'seed', 'Enter a whole number from 0 to 4294967295');
  const maxAtOnce = maxTrialsAtOnce();
  if (!isInt(draft.concurrency, 1, maxAtOnce)) add(AUTOML_FIELD_IDS.concurrency, 'concurrency', `Enter a whole number of trials at once from 1 to ${maxAtOnce}`);
  const task = draft.task !== 'detect' ? draft.task : detected && !('error' in detected) ? detected.task : undefined;
  if (draft.families.length === 0) add(AUTOML_FIELD_IDS.families, 'families', 'Choose at least one model family');
  else if (task && !draft.families.some((name) => AUTOML_FAMILIES.find((f) => f.name === name)?.tasks.includes(task))) {
    add(AUTOML_FIELD_IDS.families, 'families', `None of the chosen families fits a ${task} task; add another family`);
  }
  if (problems.length === 0) {
    // The job's own schema has the last word; a problem it finds that the checks above missed is still named.
    const result = v.safeParse(AutoMLSpecSchema, draftToSpec(draft));
    if (!result.success) {
      for (const issue of result.issues) problems.push({ fieldId: null, path: v.getDotPath(issue) ?? 'spec', message: issue.message });
    }
  }
  return problems;
}

/** The job spec of a draft (call after `draftProblems` found none). */
export function draftToSpec(draft: AutoMLDraft): AutoMLJobSpec {
  return {
    target: draft.target,
    ...(draft.task === 'detect' ? {} : { task: draft.task }),
    ...(draft.metric === 'default' || draft.task === 'detect' ? {} : { metric: draft.metric }),
    budget: draft.budgetKind === 'time' ? { timeMs: (draft.seconds ?? 0) * 1000 } : { trials: draft.trials ?? 0 },
    validation: draft.validationKind === 'cv' ? { kind: 'cv', folds: draft.folds ?? 5 } : { kind: 'holdout', fraction: (draft.holdoutPercent ?? 20) / 100 },
    seed: draft.seed ?? 0,
    concurrency: draft.concurrency ?? 2,
    // All families: left out, so the job picks every family that fits the task.
    ...(draft.families.length === AUTOML_FAMILIES.length ? {} : { families: [...draft.families] }),
    ensemble: draft.ensemble,
  };
}
