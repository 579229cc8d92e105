/**
 * @file What an AutoML search starts from: the spec checked, rows without a target left out, the task and metric
 * chosen, the target encoded, bad inputs refused with a clear message (a target with one class, more classes than
 * rows, no usable feature), the guardrail analysis and the seeded shared folds.
 */
import { kFolds, type Fold } from '../data/k-fold';
import { defaultMetric, parseAutoMLSpec, type AutoMLMetric, type AutoMLSpec } from './automl-spec';
import { analyseColumns, detectAutoMLTask, encodeTarget, isMissing, leakageFindings, type AutoMLTask, type GuardrailFinding, type GuardrailReport, type RawColumn } from './guardrails';

/** A bad input: the message says what is wrong and what to do. */
export class AutoMLInputError extends Error {
  constructor(
    readonly code: 'no-target' | 'target-one-class' | 'too-many-classes' | 'no-features' | 'too-few-rows' | 'bad-target',
    message: string,
  ) {
    super(message);
    this.name = 'AutoMLInputError';
  }
}

/** The checked input of a search. */
export interface PreparedAutoML {
  spec: AutoMLSpec;
  task: AutoMLTask;
  metric: AutoMLMetric;
  classes: string[];
  nClasses: number;
  /** Indices (into the given columns) of the rows that have a target: the rows the search uses. */
  keptRows: Uint32Array;
  /** The kept rows of every column, in order. */
  data: RawColumn[];
  /** Encoded targets of the kept rows. */
  y: Float64Array;
  /** Seeded folds over the kept rows. */
  folds: Fold[];
  report: GuardrailReport;
  findings: GuardrailFinding[];
}

/**
 * Checks `specInput` and `columns` and prepares a search; throws {@link AutoMLInputError} for bad input. `onFindings`
 * hears the guardrail findings as soon as they are known (before a no-usable-feature refusal).
 */
export function prepareAutoML(columns: readonly RawColumn[], specInput: unknown, onFindings?: (findings: GuardrailFinding[]) => void): PreparedAutoML {
  const spec = parseAutoMLSpec(specInput);
  const targetColumn = columns.find((c) => c.name === spec.target);
  if (!targetColumn) {
    throw new AutoMLInputError('no-target', `Target column "${spec.target}" is not in the data; columns: ${columns.map((c) => c.name).join(', ')}`);
  }
  // Rows without a target take no part.
  const keep: number[] = [];
  targetColumn.values.forEach((v, i) => {
    if (!isMissing(v)) keep.push(i);
  });
  const findings: GuardrailFinding[] = [];
  if (keep.length < targetColumn.values.length) {
    findings.push({ code: 'missing-values', severity: 'warning', column: spec.target, message: `${targetColumn.values.length - keep.length} rows have no target and were left out` });
  }
  const data = columns.map((c) => ({ name: c.name, values: keep.map((i) => c.values[i]) }));
  const target = data.find((c) => c.name === spec.target) as RawColumn;
  const nRows = keep.length;
  if (nRows === 0) throw new AutoMLInputError('too-few-rows', `Target column "${spec.target}" has no values`);
  const task: AutoMLTask = spec.task ?? detectAutoMLTask(target);
  const metric = spec.metric ?? defaultMetric(task);
  if ((task === 'regression') !== (metric === 'r2' || metric === 'rmse')) {
    throw new AutoMLInputError('bad-target', `Metric "${metric}" does not fit a ${task} task; use ${task === 'regression' ? 'r2 or rmse' : 'accuracy or log-loss'}`);
  }
  const { y, classes } = encodeTarget(target, task);
  const nClasses = task === 'regression' ? 1 : classes.length;
  if (task !== 'regression') {
    if (nClasses < 2) {
      throw new AutoMLInputError('target-one-class', `Target "${spec.target}" has one class (${JSON.stringify(classes[0])}) in all ${nRows} rows: there is nothing to learn. Pick another target or add rows of other classes`);
    }
    if (task === 'binary' && nClasses !== 2) throw new AutoMLInputError('bad-target', `Task binary needs 2 classes; target "${spec.target}" has ${nClasses}`);
    if (nClasses > nRows / 2) {
      throw new AutoMLInputError(
        'too-many-classes',
        `Target "${spec.target}" has ${nClasses} classes for ${nRows} rows: ${nClasses >= nRows ? 'more classes than rows' : 'fewer than two rows per class'}, so no model can be validated. Is it an ID or a numeric target (use task "regression")?`,
      );
    }
  }
  const folds = makeFolds(spec, y, task, nRows);
  const report = analyseColumns(data, spec.target, task, y);
  findings.push(...report.findings);
  findings.push(...leakageFindings(data, report.actions, y, task, folds[0].train));
  onFindings?.(findings);
  if (report.actions.every((a) => a.kind === 'drop')) {
    throw new AutoMLInputError('no-features', `No usable feature: every column other than "${spec.target}" is constant, empty or ID-like (${report.actions.map((a) => a.column).join(', ') || 'none'})`);
  }
  return { spec, task, metric, classes, nClasses, keptRows: Uint32Array.from(keep), data, y, folds, report, findings };
}

function makeFolds(spec: AutoMLSpec, y: Float64Array, task: AutoMLTask, nRows: number): Fold[] {
  const validation = spec.validation;
  const target =
    task === 'regression'
      ? { kind: 'numeric' as const, values: y }
      : { kind: 'categorical' as const, codes: Int32Array.from(y), categories: Array.from({ length: Math.max(...y) + 1 }, (_, i) => String(i)) };
  const k = validation.kind === 'cv' ? validation.folds : Math.max(2, Math.round(1 / validation.fraction));
  if (nRows < k) throw new AutoMLInputError('too-few-rows', `${nRows} rows are too few for ${validation.kind === 'cv' ? `${k}-fold cross-validation` : 'a holdout'}; need at least ${k}`);
  const folds = kFolds(target, { k, task: task === 'regression' ? 'regression' : 'classification', seed: spec.seed, column: spec.target, stratify: validation.stratified });
  return validation.kind === 'cv' ? folds : [folds[0]];
}
