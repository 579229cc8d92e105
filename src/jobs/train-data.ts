/**
 * @file The data half of a training job: a dataset version's stored chunks → whole columns → a seeded
 * train/validation/test split → a feature pipeline fitted on the training rows only → float32 rows and labels for
 * the training loop. Every problem is an Error naming the column (and row) at fault.
 */
import { decodeImageColumn, type ImageDecoder } from '../core/features/image';
import type { FeatureColumns, FeatureInput } from '../core/features/featurizer';
import { FeaturePipeline } from '../core/features/pipeline';
import { ClassLabels, encodeRegressionTarget } from '../core/features/target';
import { splitRows, type RowSplit, type SplitFractions } from '../core/data/split';
import type { ColumnValues } from '../core/table/column-values';
import { materializeColumn } from '../core/table/materialize';
import type { LabeledRows } from '../engines/tfjs/train-loop';
import type { ChunkData } from '../protocol/dataset';
import type { TrainSpec } from '../protocol/train';
import { readColumn } from '../storage/chunks';
import type { DatasetVersionRecord } from '../storage/records';
import type { WorkspaceDb } from '../storage/workspace-schema';
import { canDecodeImagesHere, decodeImageInBrowser } from './image-decoder';
import { planFeatures } from './train-features';

/** Options of {@link prepareTrainData}. */
export interface TrainDataOptions {
  /** Decodes image cells; default `createImageBitmap` + `OffscreenCanvas` where they exist (not under Node). */
  decodeImage?: ImageDecoder;
  /** Checked between columns. */
  signal?: AbortSignal;
}

/** The featurized splits of a run, and what was fitted on the training rows (saved with the model). */
export interface PreparedData {
  pipeline: FeaturePipeline;
  /** Classification: the class list (index i of a prediction is `classes[i]`). */
  classLabels?: ClassLabels;
  /** Model outputs: 2 for binary (one sigmoid unit), the class count for multiclass, 1 for regression. */
  classCount: number;
  train: LabeledRows;
  validation: LabeledRows;
  test: LabeledRows;
  /** Rows dropped because their target is missing. */
  missingTarget: number;
  /** Warnings for the run log (unparseable values, unsupported options). */
  notes: string[];
}

const SPLITS = ['train', 'validation', 'test'] as const;

/** Reads, splits and featurizes the rows `spec` names from `version` (already validated against the spec). */
export async function prepareTrainData(db: WorkspaceDb, version: DatasetVersionRecord, spec: TrainSpec, options: TrainDataOptions = {}): Promise<PreparedData> {
  const { target: targetName, features } = spec.data;
  const plan = planFeatures(spec, version.columns);
  const notes = [...plan.notes];
  const values = new Map<string, ColumnValues>();
  for (const name of [targetName, ...features]) {
    options.signal?.throwIfAborted();
    values.set(name, await loadColumn(db, version, name, notes));
  }
  const target = values.get(targetName) as ColumnValues;
  const classification = spec.task !== 'regression';
  if (classification) checkClasses(targetName, target, spec.task);
  else checkSomeTarget(targetName, target);

  const split = splitWithEmptyShares(target, {
    task: classification ? 'classification' : 'regression',
    seed: spec.seed,
    column: targetName,
    stratify: classification && spec.data.split.stratify,
    fractions: spec.data.split,
  });
  const used = Uint32Array.from([...split.train, ...split.validation, ...split.test]);

  const columns = new Map<string, FeatureInput>();
  for (const featureSpec of plan.specs) {
    options.signal?.throwIfAborted();
    const column = values.get(featureSpec.column) as ColumnValues;
    if (featureSpec.type === 'image') {
      if (column.kind !== 'image') throw new Error(`Column "${featureSpec.column}" holds ${column.kind} values; the image featurizer needs images`);
      columns.set(featureSpec.column, await decodeImageColumn(column, imageDecoder(options, featureSpec.column), used));
    } else {
      columns.set(featureSpec.column, column);
    }
  }
  const pipeline = FeaturePipeline.fit(plan.specs, columns as FeatureColumns, split.train);
  const classLabels = classification ? ClassLabels.fit(targetName, target, split.train) : undefined;
  const rowsOf = (rows: Uint32Array): LabeledRows => ({
    x: pipeline.transform(columns as FeatureColumns, rows),
    y: classLabels ? Float32Array.from(classLabels.encode(target, rows)) : encodeRegressionTarget(targetName, target, rows),
  });
  return {
    pipeline,
    ...(classLabels ? { classLabels } : {}),
    classCount: classLabels ? (spec.task === 'binary' ? 2 : classLabels.classes.length) : 1,
    train: rowsOf(split.train),
    validation: rowsOf(split.validation),
    test: rowsOf(split.test),
    missingTarget: split.missingTarget,
    notes,
  };
}

/** One whole column of the version, read chunk by chunk, with the user's type override applied. */
async function loadColumn(db: WorkspaceDb, version: DatasetVersionRecord, name: string, notes: string[]): Promise<ColumnValues> {
  const index = version.columns.findIndex((c) => c.name === name);
  if (index < 0) throw new Error(`Column "${name}" is not in this dataset version; columns are ${version.columns.map((c) => `"${c.name}"`).join(', ')}`);
  const chunks: ChunkData[] = [];
  for await (const chunk of readColumn(db, version.id, index)) chunks.push(chunk);
  const column = materializeColumn(version.columns[index], chunks);
  if (column.unparseable > 0 && column.firstUnparseable) {
    const { row, value } = column.firstUnparseable;
    notes.push(`Column "${name}" has ${column.unparseable} values that are not ${version.columns[index].type} (first at row ${row + 1}: ${JSON.stringify(value.slice(0, 40))}); they count as missing`);
  }
  return column.values;
}

/** Distinct labels of a target (missing ones skipped), in first-seen order, and how many rows have one. */
function labelsOf(values: ColumnValues): { labels: string[]; present: number } {
  const seen = new Set<string>();
  let present = 0;
  const add = (label: string | null) => {
    if (label === null) return;
    present++;
    seen.add(label);
  };
  if (values.kind === 'numeric') for (const v of values.values) add(v === v ? String(v) : null);
  else if (values.kind === 'categorical') for (const c of values.codes) add(c < 0 ? null : values.categories[c]);
  else if (values.kind === 'text') for (const v of values.values) add(v);
  else throw new Error('A target column cannot hold images');
  return { labels: [...seen], present };
}

function rowTotal(values: ColumnValues): number {
  return values.kind === 'numeric' ? values.values.length : values.kind === 'categorical' ? values.codes.length : values.kind === 'text' ? values.values.length : values.items.length;
}

function checkSomeTarget(column: string, values: ColumnValues): void {
  if (values.kind === 'image') throw new Error(`Target column "${column}" holds images; a target must be numbers, categories or text`);
  if (labelsOf(values).present === 0) {
    const rows = rowTotal(values);
    throw new Error(`Target column "${column}" has no values (all ${rows} rows are missing); choose another target`);
  }
}

function checkClasses(column: string, values: ColumnValues, task: TrainSpec['task']): void {
  checkSomeTarget(column, values);
  const { labels } = labelsOf(values);
  const shown = labels.slice(0, 5).map((l) => JSON.stringify(l.slice(0, 40))).join(', ') + (labels.length > 5 ? `, and ${labels.length - 5} more` : '');
  if (labels.length === 1) throw new Error(`Target column "${column}" has one class (${shown}); need at least two`);
  if (task === 'binary' && labels.length > 2) {
    throw new Error(`Target column "${column}" has ${labels.length} classes (${shown}); a binary task needs exactly two. Choose the multiclass task`);
  }
}

/**
 * `splitRows` with zero shares allowed: a split with share 0 borrows part of the training share for the seeded
 * split, and its rows are then given back to training. Same target, fractions and seed: same rows.
 */
function splitWithEmptyShares(target: ColumnValues, options: Omit<Parameters<typeof splitRows>[1], 'fractions'> & { fractions: SplitFractions }): RowSplit {
  const { fractions } = options;
  const empty = SPLITS.filter((s) => s !== 'train' && fractions[s] === 0);
  if (empty.length === 0) return splitRows(target, options);
  const share = fractions.train / (empty.length + 1);
  const proxy: SplitFractions = { ...fractions, train: share };
  for (const s of empty) proxy[s] = share;
  const split = splitRows(target, { ...options, fractions: proxy });
  const train = Uint32Array.from([...split.train, ...empty.flatMap((s) => [...split[s]])]).sort();
  const none = new Uint32Array(0);
  return { ...split, train, ...Object.fromEntries(empty.map((s) => [s, none])) };
}

function imageDecoder(options: TrainDataOptions, column: string): ImageDecoder {
  if (options.decodeImage) return options.decodeImage;
  if (canDecodeImagesHere()) return decodeImageInBrowser;
  throw new Error(`Column "${column}" holds images, and this environment cannot decode them (no createImageBitmap and OffscreenCanvas); pass an image decoder`);
}
