/**
 * @file Checks between the fields of a well-formed training spec, and against the dataset version it names when
 * that is known: the model fits the task and the columns, the loss fits the task, the split sums to 1, the target
 * is not a feature. Each finding is a `{ path, message }` naming the field, what was expected and what was found.
 */
import type { ColumnSchema, ColumnType } from '../../protocol/dataset';
import type { ColumnFeaturization, SpecIssue, TrainSpec, TrainTask } from '../../protocol/train';
import { show } from './spec-fields';

/** What is known about the dataset version a spec names; lets validation check columns and their types. */
export interface TrainDatasetContext {
  columns: readonly ColumnSchema[];
  /** The version's SHA-256; when given, the spec's `data.contentHash` must match it. */
  contentHash?: string;
}

/** Losses that fit each task; the first is the default. */
export const LOSSES_BY_TASK: Readonly<Record<TrainTask, readonly TrainSpec['loss'][]>> = Object.freeze({
  binary: ['crossentropy'],
  multiclass: ['crossentropy'],
  regression: ['mse', 'mae', 'huber'],
});

const METRICS_BY_TASK: Readonly<Record<TrainTask, readonly string[]>> = {
  binary: ['val_loss', 'val_accuracy'],
  multiclass: ['val_loss', 'val_accuracy'],
  regression: ['val_loss', 'val_rmse', 'val_mae', 'val_r2'],
};

const FAMILIES_BY_TASK: Readonly<Record<TrainTask, readonly string[]>> = {
  binary: ['logistic', 'mlp', 'cnn', 'text'],
  multiclass: ['logistic', 'mlp', 'cnn', 'text'],
  regression: ['linear', 'mlp', 'cnn', 'text'],
};

/** Column types each override kind can read. */
const OVERRIDE_TYPES: Readonly<Record<ColumnFeaturization['kind'], readonly ColumnType[]>> = {
  numeric: ['integer', 'number', 'boolean', 'datetime'],
  categorical: ['integer', 'number', 'boolean', 'category', 'text'],
  text: ['category', 'text'],
  image: ['image'],
};

const SUM_TOLERANCE = 1e-9;

/** Every cross-field problem of `spec` (already shape-checked); with `dataset`, also problems against its columns. */
export function checkTrainSpec(spec: TrainSpec, dataset?: TrainDatasetContext): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });
  const { data, task, model } = spec;

  const { train, validation, test } = data.split;
  const sum = train + validation + test;
  if (Math.abs(sum - 1) > SUM_TOLERANCE) {
    add('data.split', `expected train + validation + test to sum to 1, got ${train} + ${validation} + ${test} = ${round(sum)}`);
  }
  if (data.split.stratify && task === 'regression') {
    add('data.split.stratify', 'a stratified split needs a classification task; expected false for a regression task, got true');
  }

  const firstIndex = new Map<string, number>();
  data.features.forEach((feature, i) => {
    if (feature === data.target) add(`data.features[${i}]`, `${show(feature)} is the target (data.target); a feature cannot also be the target`);
    const first = firstIndex.get(feature);
    if (first !== undefined) add(`data.features[${i}]`, `${show(feature)} is listed twice (first at data.features[${first}])`);
    else firstIndex.set(feature, i);
  });

  const overridden = new Map<string, number>();
  (data.columns ?? []).forEach((override, i) => {
    const first = overridden.get(override.column);
    if (first !== undefined) add(`data.columns[${i}].column`, `${show(override.column)} already has a featurization (data.columns[${first}])`);
    else overridden.set(override.column, i);
    if (!firstIndex.has(override.column)) add(`data.columns[${i}].column`, `expected one of data.features, got ${show(override.column)}`);
  });

  if (!FAMILIES_BY_TASK[task].includes(model.family)) {
    add('model.family', `${show(model.family)} does not fit a ${task} task; expected one of ${FAMILIES_BY_TASK[task].map(show).join(', ')}`);
  }
  if (!LOSSES_BY_TASK[task].includes(spec.loss)) {
    add('loss', `expected ${listOf(LOSSES_BY_TASK[task])} for a ${task} task, got ${show(spec.loss)}`);
  }

  if (spec.earlyStopping) {
    const { metric, mode } = spec.earlyStopping;
    if (!METRICS_BY_TASK[task].includes(metric)) {
      add('earlyStopping.metric', `expected ${listOf(METRICS_BY_TASK[task])} for a ${task} task, got ${show(metric)}`);
    }
    const wanted = metric === 'val_accuracy' || metric === 'val_r2' ? 'max' : 'min';
    if (mode !== wanted) add('earlyStopping.mode', `${show(metric)} improves ${wanted === 'max' ? 'upward' : 'downward'}; expected ${show(wanted)}, got ${show(mode)}`);
    if (validation === 0) add('earlyStopping', 'early stopping watches the validation split, but data.split.validation is 0; give it a share or remove earlyStopping');
  }

  if ((model.family === 'cnn' || model.family === 'text') && data.features.length !== 1) {
    const what = model.family === 'cnn' ? 'image' : 'text';
    add('data.features', `the ${model.family} model reads exactly one ${what} column; expected 1 feature, got ${data.features.length}`);
  }
  if (model.family === 'text') {
    const override = data.columns?.find((c) => c.column === data.features[0]);
    if (override?.kind === 'text' && override.method !== 'token-ids') {
      add(`data.columns[${overridden.get(override.column)}].method`, `the text model reads token ids; expected "token-ids", got ${show(override.method)}`);
    } else if (!override && spec.featurization.text.method !== 'token-ids') {
      add('featurization.text.method', `the text model reads token ids; expected "token-ids", got ${show(spec.featurization.text.method)}`);
    }
  }

  if (dataset) checkAgainstDataset(spec, dataset, overridden, add);
  return issues;
}

function checkAgainstDataset(
  spec: TrainSpec,
  dataset: TrainDatasetContext,
  overridden: ReadonlyMap<string, number>,
  add: (path: string, message: string) => void,
): void {
  const { data, task, model } = spec;
  const types = new Map(dataset.columns.map((c) => [c.name, c.type] as const));
  const available = `columns are ${listOf(dataset.columns.map((c) => c.name), 12)}`;

  if (dataset.contentHash !== undefined && dataset.contentHash !== data.contentHash) {
    add('data.contentHash', `the spec names dataset content ${data.contentHash.slice(0, 12)}..., but this version is ${dataset.contentHash.slice(0, 12)}...`);
  }
  const targetType = types.get(data.target);
  if (targetType === undefined) add('data.target', `no column ${show(data.target)} in this dataset version; ${available}`);
  else if (task === 'regression' && targetType !== 'integer' && targetType !== 'number') {
    add('data.target', `a regression target must be numeric; column ${show(data.target)} is ${targetType}`);
  } else if (task !== 'regression' && !['integer', 'number', 'boolean', 'category'].includes(targetType)) {
    add('data.target', `a ${task} target must be a category, boolean or numeric column; column ${show(data.target)} is ${targetType}`);
  }

  data.features.forEach((feature, i) => {
    const type = types.get(feature);
    if (type === undefined) {
      add(`data.features[${i}]`, `no column ${show(feature)} in this dataset version; ${available}`);
      return;
    }
    const overrideIndex = overridden.get(feature);
    const override = overrideIndex === undefined ? undefined : data.columns![overrideIndex];
    if (override && !OVERRIDE_TYPES[override.kind].includes(type)) {
      const fits = (Object.keys(OVERRIDE_TYPES) as ColumnFeaturization['kind'][]).filter((k) => OVERRIDE_TYPES[k].includes(type));
      add(`data.columns[${overrideIndex}].kind`, `column ${show(feature)} is ${type}; expected ${listOf(fits)}, got ${show(override.kind)}`);
    }
    if (model.family === 'cnn' && type !== 'image') add(`data.features[${i}]`, `the cnn model reads an image column; ${show(feature)} is ${type}`);
    if (model.family === 'text' && type !== 'text' && type !== 'category') {
      add(`data.features[${i}]`, `the text model reads a text column; ${show(feature)} is ${type}`);
    }
    const readsText = override ? override.kind === 'text' : type === 'text';
    const method = override?.kind === 'text' ? override.method : spec.featurization.text.method;
    if (model.family !== 'text' && readsText && method === 'token-ids') {
      const path = override ? `data.columns[${overrideIndex}].method` : 'featurization.text.method';
      add(path, `token ids feed only the text model; the ${model.family} model reads text column ${show(feature)} as "hashed-bow", got "token-ids"`);
    }
  });
}

/** `"a"`, `"a" or "b"`, `one of "a", "b", "c"`; lists longer than `max` end with `(N more)`. */
function listOf(values: readonly string[], max = Infinity): string {
  const shown = values.slice(0, max).map(show);
  const more = values.length > max ? ` (${values.length - max} more)` : '';
  if (shown.length === 1) return shown[0] + more;
  if (shown.length === 2 && !more) return `${shown[0]} or ${shown[1]}`;
  return `one of ${shown.join(', ')}${more}`;
}

function round(x: number): number {
  return Number(x.toFixed(10));
}
