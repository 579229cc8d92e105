/**
 * @file The Train form's pure logic: which model families fit the data, and the spec edits behind the controls that
 * change more than one field (target, family, optimizer, split, early stopping, features). Each edit takes a complete
 * spec and returns a new complete one; validation stays with `parseTrainSpec`, whose issue paths `fieldIdForPath`
 * maps back to the control that fixes them.
 */
import type { ColumnSchema } from '../../protocol/dataset';
import type { ModelFamily, ModelSpec, OptimizerSpec, TrainSpec, TrainTask } from '../../protocol/train';
import { defaultTrainSpec, type DefaultSpecDataset } from '../../core/jobs/train-defaults';
import { detectTask } from '../../core/jobs/task-detection';

/** What the form knows about the dataset version it trains on. */
export interface TrainFormContext {
  dataset: DefaultSpecDataset;
  datasetName: string;
}

/** Human names of the model families, as the form offers them. */
export const FAMILY_LABELS: Readonly<Record<ModelFamily, string>> = Object.freeze({
  linear: 'Linear regression',
  logistic: 'Logistic regression',
  mlp: 'Neural network (MLP)',
  cnn: 'Convolutional network (images)',
  text: 'Text network (word embeddings)',
});

/** Optimizers, as the form offers them. */
export const OPTIMIZER_LABELS: Readonly<Record<OptimizerSpec['name'], string>> = Object.freeze({
  adam: 'Adam',
  sgd: 'SGD',
  momentum: 'SGD with momentum',
  rmsprop: 'RMSprop',
});

/** Compute backends, as the form offers them. */
export const BACKEND_LABELS: Readonly<Record<TrainSpec['backend'], string>> = Object.freeze({
  auto: 'Automatic (fastest available)',
  webgpu: 'WebGPU',
  webgl: 'WebGL',
  wasm: 'WebAssembly',
  cpu: 'CPU (plain JavaScript)',
});

/** The families that can train on this data for this task, simplest first. */
export function familyOptions(task: TrainTask, columns: readonly ColumnSchema[], target: string): ModelFamily[] {
  const inputs = columns.filter((c) => c.name !== target);
  const families: ModelFamily[] = [task === 'regression' ? 'linear' : 'logistic', 'mlp'];
  if (inputs.some((c) => c.type === 'image')) families.push('cnn');
  if (inputs.some((c) => c.type === 'text')) families.push('text');
  return families;
}

/** The column type a single-column family reads (`cnn`: an image, `text`: text); null for the others. */
export function singleColumnType(family: ModelFamily): 'image' | 'text' | null {
  return family === 'cnn' ? 'image' : family === 'text' ? 'text' : null;
}

/** A complete model of `family` with the starting values the form offers. */
export function defaultModel(family: ModelFamily): ModelSpec {
  switch (family) {
    case 'linear':
    case 'logistic':
      return { family, l2: 0 };
    case 'mlp':
      return { family, layers: [mlpLayer(64), mlpLayer(32)] };
    case 'cnn':
      return { family, blocks: [cnnBlock(16), cnnBlock(32)], denseUnits: 64, dropout: 0.25 };
    case 'text':
      return { family, architecture: 'embedding-pool', embeddingDim: 32, pooling: 'mean', denseUnits: 32, dropout: 0 };
  }
}

/** A hidden layer of `units` relu units. */
export function mlpLayer(units: number): Extract<ModelSpec, { family: 'mlp' }>['layers'][number] {
  return { units, activation: 'relu', dropout: 0, batchNorm: false };
}

function cnnBlock(filters: number): Extract<ModelSpec, { family: 'cnn' }>['blocks'][number] {
  return { filters, kernelSize: 3, pool: 'max', dropout: 0, batchNorm: false };
}

/**
 * The spec with another model family: the family's starting model, the one column a `cnn` or `text` model reads
 * (the first of its type), or for the other families the columns the defaults would pick; text is featurized as
 * token ids for the text model and as a hashed bag of words otherwise.
 */
export function withFamily(spec: TrainSpec, family: ModelFamily, context: TrainFormContext): TrainSpec {
  if (spec.model.family === family) return spec;
  const columns = context.dataset.columns.filter((c) => c.name !== spec.data.target);
  const single = singleColumnType(family);
  let features = spec.data.features;
  if (single) {
    const first = columns.find((c) => c.type === single);
    features = first ? [first.name] : [];
  } else if (singleColumnType(spec.model.family)) {
    features = tableFeatures(context, spec.data.target, spec.seed);
  }
  const text: TrainSpec['featurization']['text'] =
    family === 'text'
      ? { method: 'token-ids', vocabSize: 10_000, maxLength: 128 }
      : spec.featurization.text.method === 'token-ids'
        ? { method: 'hashed-bow', buckets: 4096, ngram: 1, binary: true }
        : spec.featurization.text;
  return {
    ...spec,
    data: dataWith(spec.data, features, undefined),
    featurization: { ...spec.featurization, text },
    model: defaultModel(family),
  };
}

/** Columns a table model (linear, logistic, MLP) reads by default: the defaults' choice, or every other column. */
function tableFeatures(context: TrainFormContext, target: string, seed: number): string[] {
  try {
    const { spec } = defaultTrainSpec({ dataset: context.dataset, target, seed });
    if (!singleColumnType(spec.model.family)) return spec.data.features;
  } catch {
    // fall through: every column but the target
  }
  return context.dataset.columns.filter((c) => c.name !== target).map((c) => c.name);
}

/** The outcome of choosing a target: a new spec with notes on the defaults, or why the column cannot be one. */
export type RetargetResult = { ok: true; spec: TrainSpec; notes: string[] } | { ok: false; message: string };

/**
 * The spec for predicting `target`: the defaults for it (task, features, split stratification, early-stopping
 * metric), keeping what the user set that still applies: epochs, batch size, optimizer, backend, seed, split
 * fractions, patience, and the model when its family still fits.
 */
export function withTarget(previous: TrainSpec | null, target: string, context: TrainFormContext, seed: number): RetargetResult {
  let made: ReturnType<typeof defaultTrainSpec>;
  try {
    made = defaultTrainSpec({ dataset: context.dataset, target, seed: previous?.seed ?? seed });
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
  const { spec: fresh, notes } = made;
  if (!previous) return { ok: true, spec: fresh, notes };
  const family = previous.model.family;
  const keepModel =
    family === fresh.model.family ||
    (!singleColumnType(family) && !singleColumnType(fresh.model.family) && familyOptions(fresh.task, context.dataset.columns, target).includes(family));
  const { validation, test } = previous.data.split;
  const spec: TrainSpec = {
    ...fresh,
    data: { ...fresh.data, split: { ...fresh.data.split, train: roundFraction(1 - validation - test), validation, test } },
    model: keepModel ? previous.model : fresh.model,
    optimizer: previous.optimizer,
    epochs: previous.epochs,
    batchSize: previous.batchSize,
    checkpointEvery: previous.checkpointEvery,
    metricsEveryBatches: previous.metricsEveryBatches,
    backend: previous.backend,
  };
  if (keepModel && singleColumnType(family) === null && family !== fresh.model.family) {
    spec.featurization = { ...fresh.featurization, text: previous.featurization.text };
  }
  if (!previous.earlyStopping) delete spec.earlyStopping;
  else if (spec.earlyStopping) spec.earlyStopping = { ...spec.earlyStopping, patience: previous.earlyStopping.patience };
  return { ok: true, spec, notes };
}

/** The spec with another optimizer: the same learning rate, TF.js's defaults for the rest. */
export function withOptimizer(spec: TrainSpec, name: OptimizerSpec['name']): TrainSpec {
  if (spec.optimizer.name === name) return spec;
  const { learningRate } = spec.optimizer;
  const optimizer: OptimizerSpec =
    name === 'sgd'
      ? { name, learningRate }
      : name === 'momentum'
        ? { name, learningRate, momentum: 0.9, nesterov: false }
        : name === 'adam'
          ? { name, learningRate, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }
          : { name, learningRate, decay: 0.9, momentum: 0, epsilon: 1e-7, centered: false };
  return { ...spec, optimizer };
}

/** The spec with validation and test fractions (null: the field is empty); training gets the rest. */
export function withSplit(spec: TrainSpec, validation: number | null, test: number | null): TrainSpec {
  const train = validation === null || test === null ? null : roundFraction(1 - validation - test);
  // null stays null so that validation names the empty field
  return { ...spec, data: { ...spec.data, split: { ...spec.data.split, train, validation, test } as TrainSpec['data']['split'] } };
}

/** `1 - 0.15 - 0.15` is 0.7000000000000001; fractions are kept to 10 decimals. */
export function roundFraction(x: number): number {
  return Number(x.toFixed(10));
}

/** The spec with early stopping on (watching validation loss, patience 5) or off. */
export function withEarlyStopping(spec: TrainSpec, on: boolean): TrainSpec {
  if (on === Boolean(spec.earlyStopping)) return spec;
  if (!on) {
    const next = { ...spec };
    delete next.earlyStopping;
    return next;
  }
  return { ...spec, earlyStopping: { metric: 'val_loss', patience: 5, minDelta: 0, mode: 'min', restoreBest: true } };
}

/** The spec with `column` added to or removed from the features, keeping the dataset's column order. */
export function withFeature(spec: TrainSpec, column: string, included: boolean, columns: readonly ColumnSchema[]): TrainSpec {
  const chosen = new Set(spec.data.features);
  if (included) chosen.add(column);
  else chosen.delete(column);
  const known = new Set(columns.map((c) => c.name));
  // Features the dataset does not have (a cloned spec) stay at the end, so validation still names them.
  const features = [...columns.map((c) => c.name).filter((n) => chosen.has(n)), ...[...chosen].filter((n) => !known.has(n))];
  const overrides = spec.data.columns?.filter((c) => chosen.has(c.column));
  return { ...spec, data: dataWith(spec.data, features, overrides) };
}

/** `data` with other features and per-column overrides (left out when there are none). */
function dataWith(data: TrainSpec['data'], features: string[], columns: TrainSpec['data']['columns']): TrainSpec['data'] {
  const next: TrainSpec['data'] = { ...data, features };
  if (columns?.length) next.columns = columns;
  else delete next.columns;
  return next;
}

/** Ids of the form's controls, shared by the components and `fieldIdForPath`. */
export const FIELD_IDS = Object.freeze({
  name: 'train-name',
  target: 'train-target',
  features: 'train-features',
  family: 'train-family',
  l2: 'train-l2',
  layers: 'train-layers',
  blocks: 'train-blocks',
  denseUnits: 'train-dense-units',
  dropout: 'train-dropout',
  architecture: 'train-architecture',
  embeddingDim: 'train-embedding-dim',
  pooling: 'train-pooling',
  filters: 'train-filters',
  kernelSize: 'train-kernel-size',
  vocabSize: 'train-vocab-size',
  maxLength: 'train-max-length',
  imageWidth: 'train-image-width',
  imageHeight: 'train-image-height',
  epochs: 'train-epochs',
  batchSize: 'train-batch-size',
  optimizer: 'train-optimizer',
  learningRate: 'train-learning-rate',
  earlyStopping: 'train-early-stopping',
  patience: 'train-patience',
  validation: 'train-validation',
  test: 'train-test',
  seed: 'train-seed',
  backend: 'train-backend',
  json: 'train-json',
});

/** Id of a field of the `index`-th MLP layer or CNN block. */
export function itemFieldId(list: 'layer' | 'block', index: number, field: string): string {
  return `train-${list}-${index}-${field}`;
}

const EXACT_FIELDS: Readonly<Record<string, string>> = {
  'data.target': FIELD_IDS.target,
  'data.split.test': FIELD_IDS.test,
  'model.family': FIELD_IDS.family,
  'model.l2': FIELD_IDS.l2,
  'model.layers': FIELD_IDS.layers,
  'model.blocks': FIELD_IDS.blocks,
  'model.denseUnits': FIELD_IDS.denseUnits,
  'model.dropout': FIELD_IDS.dropout,
  'model.architecture': FIELD_IDS.architecture,
  'model.embeddingDim': FIELD_IDS.embeddingDim,
  'model.pooling': FIELD_IDS.pooling,
  'model.filters': FIELD_IDS.filters,
  'model.kernelSize': FIELD_IDS.kernelSize,
  'featurization.text.vocabSize': FIELD_IDS.vocabSize,
  'featurization.text.maxLength': FIELD_IDS.maxLength,
  'featurization.image.width': FIELD_IDS.imageWidth,
  'featurization.image.height': FIELD_IDS.imageHeight,
  epochs: FIELD_IDS.epochs,
  batchSize: FIELD_IDS.batchSize,
  optimizer: FIELD_IDS.optimizer,
  'optimizer.name': FIELD_IDS.optimizer,
  'optimizer.learningRate': FIELD_IDS.learningRate,
  'earlyStopping.patience': FIELD_IDS.patience,
  seed: FIELD_IDS.seed,
  backend: FIELD_IDS.backend,
};

const ITEM_FIELD = /^model\.(layers|blocks)\[(\d+)\]\.(units|activation|dropout|filters|kernelSize)$/;

/** The id of the control that fixes an issue at `path`, or null when only the JSON editor can. */
export function fieldIdForPath(path: string): string | null {
  const exact = EXACT_FIELDS[path];
  if (exact) return exact;
  const item = ITEM_FIELD.exec(path);
  if (item) return itemFieldId(item[1] === 'layers' ? 'layer' : 'block', Number(item[2]), item[3]);
  if (/^data\.features(\[|$)/.test(path)) return FIELD_IDS.features;
  if (/^data\.split(\.|$)/.test(path)) return FIELD_IDS.validation;
  if (/^earlyStopping(\.|$)/.test(path)) return FIELD_IDS.earlyStopping;
  return null;
}

/** A validation message as shown next to an empty field: `expected X, got null` reads `Enter X`. */
export function fieldMessage(message: string): string {
  const empty = /^expected (.*), got null$/.exec(message);
  return empty ? `Enter ${empty[1]}` : message;
}

const SUFFIX = / \((?:re-run|edited)\)$/;

/** The name of a re-run of the run named `name`: `Iris · mlp (re-run)`, never `(re-run) (re-run)`. */
export function rerunName(name: string): string {
  return clipName(`${name.replace(SUFFIX, '')} (re-run)`);
}

/** The starting name of a run cloned from the run named `name`: `Iris · mlp (edited)`. */
export function cloneName(name: string): string {
  return clipName(`${name.replace(SUFFIX, '')} (edited)`);
}

/** The name of a new run: `<dataset> · <family>`, as the one-click Train names it. */
export function newRunName(datasetName: string, family: ModelFamily): string {
  return clipName(`${datasetName} · ${family}`);
}

/** Run names are at most 200 characters. */
function clipName(name: string): string {
  return name.length <= 200 ? name : `${name.slice(0, 199)}…`;
}

/** A fresh uint32 seed. */
export function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0];
}

const FIELD_LABELS: Readonly<Record<string, string>> = {
  [FIELD_IDS.name]: 'Run name',
  [FIELD_IDS.target]: 'Target column',
  [FIELD_IDS.features]: 'Feature columns',
  [FIELD_IDS.family]: 'Model type',
  [FIELD_IDS.l2]: 'L2 penalty',
  [FIELD_IDS.layers]: 'Hidden layers',
  [FIELD_IDS.blocks]: 'Convolution blocks',
  [FIELD_IDS.denseUnits]: 'Dense units',
  [FIELD_IDS.dropout]: 'Dropout',
  [FIELD_IDS.architecture]: 'Architecture',
  [FIELD_IDS.embeddingDim]: 'Embedding size',
  [FIELD_IDS.pooling]: 'Pooling',
  [FIELD_IDS.filters]: 'Filters',
  [FIELD_IDS.kernelSize]: 'Kernel size',
  [FIELD_IDS.vocabSize]: 'Vocabulary size',
  [FIELD_IDS.maxLength]: 'Tokens per text',
  [FIELD_IDS.imageWidth]: 'Image width',
  [FIELD_IDS.imageHeight]: 'Image height',
  [FIELD_IDS.epochs]: 'Epochs',
  [FIELD_IDS.batchSize]: 'Batch size',
  [FIELD_IDS.optimizer]: 'Optimizer',
  [FIELD_IDS.learningRate]: 'Learning rate',
  [FIELD_IDS.earlyStopping]: 'Early stopping',
  [FIELD_IDS.patience]: 'Patience',
  [FIELD_IDS.validation]: 'Validation share',
  [FIELD_IDS.test]: 'Test share',
  [FIELD_IDS.seed]: 'Seed',
  [FIELD_IDS.backend]: 'Backend',
};

const ITEM_LABELS: Readonly<Record<string, string>> = {
  units: 'units',
  activation: 'activation',
  dropout: 'dropout',
  filters: 'filters',
  kernelSize: 'kernel size',
};

/** The label of a control by id (`Layer 2 units` for an item field); null for an unknown id. */
export function fieldLabel(fieldId: string): string | null {
  const item = /^train-(layer|block)-(\d+)-(\w+)$/.exec(fieldId);
  if (item) return `${item[1] === 'layer' ? 'Layer' : 'Block'} ${Number(item[2]) + 1} ${ITEM_LABELS[item[3]] ?? item[3]}`;
  return FIELD_LABELS[fieldId] ?? null;
}

/**
 * The task in words and why: `multiclass classification`, `detected because "species" has 3 classes`; for a task set
 * by hand (in the JSON) that detection would not pick, the reason says so.
 */
export function describeTask(task: TrainTask, target: string, context: TrainFormContext): { label: string; why: string | null } {
  const label = task === 'regression' ? 'regression' : `${task} classification`;
  const { columns, profiles, rows } = context.dataset;
  const schema = columns.find((c) => c.name === target);
  const profile = profiles.find((p) => p.name === target);
  if (!schema || !profile) return { label, why: null };
  let detected: TrainTask | null = null;
  try {
    detected = detectTask(schema, profile, rows);
  } catch {
    // the spec names a target detection rejects; validation says why
  }
  if (detected !== task) return { label, why: detected ? `set in the spec; detection suggests ${detected}` : null };
  const distinct = profile.distinct.toLocaleString('en-US');
  const reason = task === 'regression' ? `${JSON.stringify(target)} is a number with ${distinct} distinct values` : `${JSON.stringify(target)} has ${distinct} classes`;
  return { label, why: `detected because ${reason}` };
}
