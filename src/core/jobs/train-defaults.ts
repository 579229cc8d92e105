/**
 * @file The training spec a newcomer gets from a dataset and a target without touching a setting.
 *
 * - Task: `detectTask` on the target.
 * - Features: every column but the target, minus columns with no values, constant columns, ID-like columns
 *   (see `isIdLike`) and datetime columns; each left-out column is reported in `notes` with its reason.
 * - Tables (numbers, categories, text as hashed bags of words): an MLP 64-32 relu, adam 1e-3, 50 epochs, batch 32.
 * - Images (any image column): a small CNN (16 and 32 filters, 3x3, max pooling, dense 64) on the first image
 *   column alone, resized to its largest size up to 64 px, 20 epochs, batch 32.
 * - Split 70/15/15, stratified for classification; early stopping on validation loss, patience 5.
 * The result is passed through `assertTrainSpec`, so it is valid and complete by construction.
 */
import type { ColumnProfile, ColumnSchema } from '../../protocol/dataset';
import type { TrainSpec, TrainTask } from '../../protocol/train';
import { detectTask } from './task-detection';
import { assertTrainSpec } from './train-spec';
import type { TrainSpecInput } from './train-spec-schema';

/** The seed of a default spec (the UI may pass a fresh one); fixed so that the same clicks give the same run. */
export const DEFAULT_SEED = 42;
/** Largest side, in pixels, a default CNN resizes images to. */
export const DEFAULT_IMAGE_SIDE_LIMIT = 64;

/** The dataset version a default spec is made for. */
export interface DefaultSpecDataset {
  id: string;
  versionId: string;
  contentHash: string;
  columns: readonly ColumnSchema[];
  profiles: readonly ColumnProfile[];
  rows: number;
}

/** A default spec and human-readable notes on the choices made (task, columns left out and why). */
export interface DefaultTrainSpec {
  spec: TrainSpec;
  notes: string[];
}

/**
 * A sensible, valid spec for predicting `target` from `dataset`. Throws a `TaskDetectionError` when the target
 * cannot be learned, and an Error naming every column's reason when no column can be a feature.
 */
export function defaultTrainSpec(options: { dataset: DefaultSpecDataset; target: string; seed?: number }): DefaultTrainSpec {
  const { dataset, target, seed = DEFAULT_SEED } = options;
  const profiles = new Map(dataset.profiles.map((p) => [p.name, p]));
  const targetSchema = dataset.columns.find((c) => c.name === target);
  const targetProfile = profiles.get(target);
  if (!targetSchema || !targetProfile) {
    throw new Error(`No column ${JSON.stringify(target)} in this dataset; columns are ${dataset.columns.map((c) => JSON.stringify(c.name)).join(', ')}`);
  }
  const task = detectTask(targetSchema, targetProfile, dataset.rows);
  const notes = [taskNote(task, targetSchema, targetProfile)];
  if (targetProfile.missing > 0) {
    notes.push(`${targetProfile.missing.toLocaleString('en-US')} rows without a ${JSON.stringify(target)} value are left out`);
  }

  const kept: ColumnSchema[] = [];
  const leftOut: string[] = [];
  for (const column of dataset.columns) {
    if (column.name === target) continue;
    const reason = exclusionReason(column, profiles.get(column.name), dataset.rows);
    if (reason) leftOut.push(`Left out ${JSON.stringify(column.name)}: ${reason}`);
    else kept.push(column);
  }
  if (kept.length === 0) {
    throw new Error(`No column can be a feature for ${JSON.stringify(target)}:\n${leftOut.join('\n') || 'the dataset has no other column'}`);
  }

  const image = kept.find((c) => c.type === 'image');
  const features = image ? [image] : kept;
  if (image) {
    for (const c of kept) if (c !== image) leftOut.push(`Left out ${JSON.stringify(c.name)}: the image model reads only the image column ${JSON.stringify(image.name)}`);
  }
  notes.push(...leftOut);
  const text = features.filter((c) => c.type === 'text');
  if (text.length > 0) notes.push(`Text columns ${text.map((c) => JSON.stringify(c.name)).join(', ')} are read as hashed bags of words`);

  const input: TrainSpecInput = {
    specVersion: 1,
    kind: 'train',
    data: {
      datasetId: dataset.id,
      versionId: dataset.versionId,
      contentHash: dataset.contentHash,
      target,
      features: features.map((c) => c.name),
      split: { train: 0.7, validation: 0.15, test: 0.15, stratify: task !== 'regression' },
    },
    task,
    model: image
      ? {
          family: 'cnn',
          blocks: [
            { filters: 16, kernelSize: 3, pool: 'max' },
            { filters: 32, kernelSize: 3, pool: 'max' },
          ],
          denseUnits: 64,
          dropout: 0.25,
        }
      : { family: 'mlp', layers: [{ units: 64, activation: 'relu' }, { units: 32, activation: 'relu' }] },
    optimizer: { name: 'adam', learningRate: 1e-3 },
    epochs: image ? 20 : 50,
    batchSize: 32,
    earlyStopping: { metric: 'val_loss', patience: 5, minDelta: 0, mode: 'min', restoreBest: true },
    checkpointEvery: 5,
    seed,
    backend: 'auto',
    metricsEveryBatches: 10,
  };
  if (image) input.featurization = { image: imageSize(profiles.get(image.name)) };
  return { spec: assertTrainSpec(input, { columns: dataset.columns, contentHash: dataset.contentHash }), notes };
}

/**
 * Whether a column identifies rows rather than describing them: every row has a value, all values differ, and either
 * the name says so (`id`, `user_id`, `userId`, `uuid`, ...), or it is an integer run (1, 2, 3, ... in any order),
 * a category, or short text without spaces (codes like `C-1029`, UUIDs, file paths).
 */
export function isIdLike(column: ColumnSchema, profile: ColumnProfile, rows: number): boolean {
  const { type } = column;
  if (type !== 'integer' && type !== 'category' && type !== 'text') return false;
  if (rows < 2 || profile.count !== rows || profile.distinct !== rows) return false;
  if (ID_NAME.test(column.name) || CAMEL_ID_NAME.test(column.name)) return true;
  if (type === 'integer') return profile.numeric !== undefined && profile.numeric.max - profile.numeric.min + 1 === rows;
  if (type === 'category') return true;
  const short = profile.text !== undefined && profile.text.maxLength <= 64;
  return short && (profile.top ?? []).every((t) => !/\s/.test(t.value));
}

// `user_id`, `ID`, `uuid` in any case; `userId` in camel case only, so that `paid` and `valid` are not IDs
const ID_NAME = /^(id|uuid|guid|key|index|row|rownum|row_?id)$|[_\s.-]id$/i;
const CAMEL_ID_NAME = /[a-z]I[Dd]$/;

function exclusionReason(column: ColumnSchema, profile: ColumnProfile | undefined, rows: number): string | null {
  if (!profile) return 'it has no profile yet';
  if (profile.count === 0) return 'it has no values';
  if (column.type !== 'image' && profile.distinct < 2) {
    const value = profile.top?.[0]?.value ?? (profile.numeric ? String(profile.numeric.min) : undefined);
    return `it is constant${value === undefined ? '' : ` (${JSON.stringify(value)})`}`;
  }
  if (isIdLike(column, profile, rows)) return `it looks like an ID (all ${rows.toLocaleString('en-US')} values differ)`;
  if (column.type === 'datetime') return 'dates are not featurized by default; add it to the features to read it as a number';
  return null;
}

function taskNote(task: TrainTask, column: ColumnSchema, profile: ColumnProfile): string {
  const name = JSON.stringify(column.name);
  if (task === 'regression') return `Task: regression (${name} is a number with ${profile.distinct.toLocaleString('en-US')} distinct values)`;
  return `Task: ${task} classification (${name} has ${profile.distinct} classes)`;
}

function imageSize(profile: ColumnProfile | undefined): { width: number; height: number } {
  const side = (n: number | undefined) => Math.min(DEFAULT_IMAGE_SIDE_LIMIT, Math.max(8, n ?? 32));
  return { width: side(profile?.image?.maxWidth), height: side(profile?.image?.maxHeight) };
}
