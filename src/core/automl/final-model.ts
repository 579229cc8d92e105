/**
 * @file The model an AutoML job leaves behind: the recommended configuration (the best trial, or every member of
 * the kept ensemble with its weight) refit with the featurizer on the chosen rows (all rows with a target by
 * default), saved as one JSON file ({@link AutoMLModelFile}), and loaded back from untrusted JSON into a model that
 * scores raw columns: featurizer, then the members' predictions averaged by weight.
 */
import { fitTabularModel, tabularModelFromJson } from '../../engines/tabular/families';
import type { TabularFamilyName, TabularModel } from '../../engines/tabular/tabular-model';
import type { AutoMLColumnAction, AutoMLModelFile, AutoMLTaskName } from '../../protocol/automl';
import { featurizerFromState, fitFeaturizer } from './featurize';
import type { ColumnAction, RawColumn } from './guardrails';
import { parseAutoMLModelFile } from './model-file';
import type { AutoMLResult } from './search';

/** Options of {@link refitAutoMLModel}. */
export interface RefitOptions {
  /** The target column's name (recorded in the file). */
  target: string;
  /**
   * Dataset column types of the raw columns (`number`, `category`, `text`, `datetime`...), recorded as the model's
   * inputs; a column not listed gets a type from its featurization (numeric → `number`, datetime → `datetime`, text
   * hashing → `text`, else `category`).
   */
  inputTypes: readonly { name: string; type: string }[];
  /** Indices into the result's kept rows to fit on; default all of them. */
  rows?: ArrayLike<number>;
  seed: number;
  signal?: AbortSignal;
}

/** A loaded AutoML model: scores raw columns. */
export interface LoadedAutoMLModel {
  task: AutoMLTaskName;
  target: string;
  /** Class labels in output order (classification); empty for regression. */
  classes: string[];
  /** Raw columns the model reads, with their dataset types. */
  inputs: { name: string; type: string }[];
  /** What the featurizer does with each raw column (for explanations). */
  actions: AutoMLColumnAction[];
  /** Outputs per row: the number of classes, or 1. */
  width: number;
  /**
   * `nRows × width` row-major predictions of raw rows (columns matched by name; a missing input column throws
   * naming it): class probabilities, or regression values; the weighted mean over the members.
   */
  predict(columns: readonly RawColumn[], nRows: number): Float64Array;
}

function typeOf(action: ColumnAction, given: ReadonlyMap<string, string>): string {
  const type = given.get(action.column);
  if (type !== undefined) return type;
  return action.kind === 'numeric' ? 'number' : action.kind === 'datetime' ? 'datetime' : action.kind === 'text-hashing' ? 'text' : 'category';
}

/**
 * Refits the recommended model of `result` on raw `columns` (the same columns `runAutoML` was given): the featurizer
 * and each member model are fitted on the chosen kept rows only. Rejects with the signal's reason when aborted.
 */
export async function refitAutoMLModel(columns: readonly RawColumn[], result: AutoMLResult, options: RefitOptions): Promise<AutoMLModelFile> {
  const best = result.best;
  if (!best) throw new Error('The AutoML job has no recommended model to refit (no trial finished)');
  options.signal?.throwIfAborted();
  const kept = result.keptRows;
  const data: RawColumn[] = columns.map((c) => {
    if (c.values.length < (kept.length === 0 ? 0 : kept[kept.length - 1] + 1)) throw new Error(`Column "${c.name}" has ${c.values.length} values; the AutoML job read more rows`);
    return { name: c.name, values: Array.from(kept, (i) => c.values[i]) };
  });
  const rows = options.rows ? Uint32Array.from(options.rows) : Uint32Array.from({ length: kept.length }, (_, i) => i);
  if (rows.length === 0) throw new Error('Refit needs at least one row');
  for (const r of rows) if (r >= kept.length) throw new Error(`Refit row ${r} is out of range: the job kept ${kept.length} rows`);
  const task = result.task;
  const nClasses = task === 'regression' ? 1 : result.classes.length;
  const featurizer = fitFeaturizer(data, result.actions, rows, result.y, task, nClasses);
  const nFeatures = featurizer.names.length;
  const X = featurizer.transform(rows);
  const y = Float64Array.from(rows, (r) => result.y[r]);
  const picks = best.kind === 'single' ? [{ trial: best.trial, weight: 1 }] : best.weights;
  const members: AutoMLModelFile['members'] = [];
  for (const { trial, weight } of picks) {
    const row = result.leaderboard.find((r) => r.trial === trial);
    if (!row) throw new Error(`Trial ${trial} of the recommended model is not on the leaderboard`);
    const model = await fitTabularModel(row.family as TabularFamilyName, { X, nRows: rows.length, nFeatures, y, task, ...(task === 'regression' ? {} : { nClasses }) }, row.params, {
      seed: options.seed,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    members.push({ weight, family: row.family, trial, model: model.toJSON() });
  }
  const types = new Map(options.inputTypes.map((t) => [t.name, t.type]));
  const state = featurizer.state();
  return {
    format: 'benchtop-tabular',
    version: 1,
    task,
    target: options.target,
    classes: task === 'regression' ? [] : [...result.classes],
    inputs: result.actions.filter((a) => a.kind !== 'drop').map((a) => ({ name: a.column, type: typeOf(a, types) })),
    featurizer: state,
    members,
  };
}

/**
 * Loads an AutoML model file from untrusted JSON: the file's shape, the featurizer state and every member model are
 * checked (an Error says what is wrong); the result scores raw columns.
 */
export function loadAutoMLModel(input: unknown): LoadedAutoMLModel {
  const file = parseAutoMLModelFile(input);
  const featurizer = featurizerFromState(file.featurizer);
  const width = file.task === 'regression' ? 1 : file.classes.length;
  const members = file.members.map((m, i): { weight: number; model: TabularModel } => {
    let model: TabularModel;
    try {
      model = tabularModelFromJson(m.model);
    } catch (err) {
      throw new Error(`AutoML model member ${i + 1} (${m.family}): ${err instanceof Error ? err.message : String(err)}`);
    }
    const where = `AutoML model member ${i + 1} (${m.family})`;
    if (model.family !== m.family) throw new Error(`${where} holds a ${model.family} model`);
    if (model.task !== file.task) throw new Error(`${where} is a ${model.task} model; the file's task is ${file.task}`);
    if (model.nFeatures !== featurizer.names.length) throw new Error(`${where} reads ${model.nFeatures} features; the featurizer gives ${featurizer.names.length}`);
    if (model.nClasses !== width) throw new Error(`${where} has ${model.nClasses} outputs; expected ${width}`);
    return { weight: m.weight, model };
  });
  return {
    task: file.task,
    target: file.target,
    classes: [...file.classes],
    inputs: file.inputs.map((i) => ({ ...i })),
    actions: file.featurizer.actions.map((a) => ({ ...a })),
    width,
    predict(columns, nRows) {
      const X = featurizer.transformColumns(columns, nRows);
      const out = new Float64Array(nRows * width);
      if (nRows === 0) return out;
      for (const { weight, model } of members) {
        const p = file.task === 'regression' ? model.predict(X, nRows) : model.predictProba(X, nRows);
        for (let i = 0; i < out.length; i++) out[i] += weight * p[i];
      }
      return out;
    },
  };
}
