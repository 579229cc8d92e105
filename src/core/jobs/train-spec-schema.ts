/**
 * @file The valibot schema of a training job spec (`TrainSpec`, version 1): the shape and range of every field.
 * Checks between fields (model fits task, loss fits task, split sums to 1, ...) are in `train-spec-checks.ts`.
 * Optional parameters get their defaults here, so a parsed spec is complete.
 */
import * as v from 'valibot';
import { finite, flag, intRange, name, numberRange, oneOf, strict, tagged } from './spec-fields';

/** Limits of the numeric fields, shared with the UI's editors. */
export const TRAIN_LIMITS = Object.freeze({
  epochs: [1, 10_000],
  batchSize: [1, 65_536],
  units: [1, 4096],
  layers: [1, 16],
  blocks: [1, 8],
  filters: [1, 1024],
  kernelSize: [1, 15],
  embeddingDim: [1, 1024],
  denseUnits: [0, 4096],
  maxCategories: [1, 10_000],
  buckets: [16, 262_144],
  vocabSize: [16, 200_000],
  maxLength: [1, 4096],
  imageSide: [8, 512],
  patience: [1, 1000],
  checkpointEvery: [1, 10_000],
  metricsEveryBatches: [0, 1_000_000],
  seed: [0, 4_294_967_295],
  features: [1, 100_000],
} as const satisfies Record<string, readonly [number, number]>);

const L = TRAIN_LIMITS;
const dropout = numberRange(0, 0.9);

function list<T extends v.GenericSchema>(item: T, [min, max]: readonly [number, number], what: string) {
  const message = `expected a list of ${min === max ? min : `${min} to ${max}`} ${what}`;
  return v.pipe(
    v.array(item, message),
    v.check((a) => a.length >= min && a.length <= max, message),
  );
}

const numericEntries = {
  scaling: v.optional(oneOf(['standard', 'minmax', 'none']), 'standard'),
  impute: v.optional(oneOf(['mean', 'median', 'constant']), 'median'),
  imputeValue: v.optional(finite(), 0),
  missingIndicator: v.optional(flag(), true),
};
const categoricalEntries = {
  encoding: v.optional(oneOf(['one-hot']), 'one-hot'),
  maxCategories: v.optional(intRange(...L.maxCategories), 50),
};
const hashedBowEntries = {
  method: v.literal('hashed-bow'),
  buckets: v.optional(intRange(...L.buckets), 4096),
  ngram: v.optional(oneOf([1, 2]), 1),
  binary: v.optional(flag(), true),
};
const tokenIdsEntries = {
  method: v.literal('token-ids'),
  vocabSize: v.optional(intRange(...L.vocabSize), 10_000),
  maxLength: v.optional(intRange(...L.maxLength), 128),
};
const imageEntries = {
  width: intRange(...L.imageSide),
  height: intRange(...L.imageSide),
  channels: v.optional(oneOf([1, 3]), 3),
  normalize: v.optional(flag(), true),
};

const TextFeaturizationSchema = tagged('method', [strict(hashedBowEntries), strict(tokenIdsEntries)]);

/** Featurization per column type. */
export const FeaturizationSchema = strict({
  numeric: v.optional(strict(numericEntries), {}),
  categorical: v.optional(strict(categoricalEntries), {}),
  text: v.optional(TextFeaturizationSchema, { method: 'hashed-bow' }),
  image: v.optional(strict(imageEntries), { width: 32, height: 32 }),
});

const column = { column: name() };
const ColumnFeaturizationSchema = tagged('kind', [
  strict({ ...column, kind: v.literal('numeric'), ...numericEntries }),
  strict({ ...column, kind: v.literal('categorical'), ...categoricalEntries }),
  tagged('method', [
    strict({ ...column, kind: v.literal('text'), ...hashedBowEntries }),
    strict({ ...column, kind: v.literal('text'), ...tokenIdsEntries }),
  ]),
  strict({ ...column, kind: v.literal('image'), ...imageEntries }),
]);

const SplitSchema = strict({
  train: numberRange(0, 1, { minExclusive: true }),
  validation: numberRange(0, 1, { maxExclusive: true }),
  test: numberRange(0, 1, { maxExclusive: true }),
  stratify: flag(),
});

const DataSchema = strict({
  datasetId: name(),
  versionId: name(),
  contentHash: v.pipe(
    v.string('expected a SHA-256 digest: 64 lower-case hex digits'),
    v.regex(/^[0-9a-f]{64}$/, 'expected a SHA-256 digest: 64 lower-case hex digits'),
  ),
  target: name(),
  features: list(name(), L.features, 'column names'),
  split: SplitSchema,
  columns: v.optional(v.array(ColumnFeaturizationSchema, 'expected a list of column featurizations')),
});

const activation = oneOf(['relu', 'tanh', 'sigmoid', 'gelu', 'linear']);
const l2 = v.optional(numberRange(0, 10), 0);

const MlpLayerSchema = strict({
  units: intRange(...L.units),
  activation: v.optional(activation, 'relu'),
  dropout: v.optional(dropout, 0),
  batchNorm: v.optional(flag(), false),
});

const CnnBlockSchema = strict({
  filters: intRange(...L.filters),
  kernelSize: intRange(...L.kernelSize),
  pool: v.optional(oneOf(['max', 'avg', 'none']), 'max'),
  dropout: v.optional(dropout, 0),
  batchNorm: v.optional(flag(), false),
});

const textHead = {
  family: v.literal('text'),
  embeddingDim: intRange(...L.embeddingDim),
  denseUnits: v.optional(intRange(...L.denseUnits), 0),
  dropout: v.optional(dropout, 0),
};

/** The model, discriminated on `family` (text models also on `architecture`). */
export const ModelSchema = tagged('family', [
  strict({ family: v.literal('linear'), l2 }),
  strict({ family: v.literal('logistic'), l2 }),
  strict({ family: v.literal('mlp'), layers: list(MlpLayerSchema, L.layers, 'layers') }),
  strict({
    family: v.literal('cnn'),
    blocks: list(CnnBlockSchema, L.blocks, 'blocks'),
    denseUnits: intRange(...L.denseUnits),
    dropout: v.optional(dropout, 0),
  }),
  tagged('architecture', [
    strict({ ...textHead, architecture: v.literal('embedding-pool'), pooling: v.optional(oneOf(['mean', 'max']), 'mean') }),
    strict({ ...textHead, architecture: v.literal('conv1d'), filters: intRange(...L.filters), kernelSize: intRange(...L.kernelSize) }),
  ]),
]);

const learningRate = numberRange(0, 10, { minExclusive: true });
const beta = numberRange(0, 1, { maxExclusive: true });
const epsilon = v.optional(numberRange(0, 1, { minExclusive: true }), 1e-7);

/** The optimizer, discriminated on `name`; parameters other than the learning rate default to TF.js's. */
export const OptimizerSchema = tagged('name', [
  strict({ name: v.literal('sgd'), learningRate }),
  strict({ name: v.literal('momentum'), learningRate, momentum: v.optional(beta, 0.9), nesterov: v.optional(flag(), false) }),
  strict({ name: v.literal('adam'), learningRate, beta1: v.optional(beta, 0.9), beta2: v.optional(beta, 0.999), epsilon }),
  strict({
    name: v.literal('rmsprop'),
    learningRate,
    decay: v.optional(beta, 0.9),
    momentum: v.optional(beta, 0),
    epsilon,
    centered: v.optional(flag(), false),
  }),
]);

const EarlyStoppingSchema = strict({
  metric: oneOf(['val_loss', 'val_accuracy', 'val_rmse', 'val_mae', 'val_r2']),
  patience: intRange(...L.patience),
  minDelta: v.optional(numberRange(0, 1e6), 0),
  mode: oneOf(['min', 'max']),
  restoreBest: v.optional(flag(), true),
});

/** Fine-tuning: the registered model version whose weights a run starts from. */
const InitSchema = strict({
  kind: v.literal('model-version', 'expected "model-version" (weights of a registered model version)'),
  modelVersionId: name(200),
});

/** A training job spec as written (defaults not yet applied; `loss` may be left out and follows the task). */
export const TrainSpecSchema = strict({
  specVersion: v.literal(1, 'expected 1 (the only spec version)'),
  kind: v.literal('train', 'expected "train"'),
  data: DataSchema,
  featurization: v.optional(FeaturizationSchema, {}),
  task: oneOf(['binary', 'multiclass', 'regression']),
  model: ModelSchema,
  optimizer: OptimizerSchema,
  loss: v.optional(oneOf(['mse', 'mae', 'huber', 'crossentropy'])),
  epochs: intRange(...L.epochs),
  batchSize: intRange(...L.batchSize),
  earlyStopping: v.optional(EarlyStoppingSchema),
  checkpointEvery: v.optional(intRange(...L.checkpointEvery), 5),
  seed: intRange(...L.seed),
  backend: v.optional(oneOf(['auto', 'webgpu', 'webgl', 'wasm', 'cpu']), 'auto'),
  metricsEveryBatches: v.optional(intRange(...L.metricsEveryBatches), 10),
  init: v.optional(InitSchema),
});

/** What `TrainSpecSchema` accepts (defaults may be left out). */
export type TrainSpecInput = v.InferInput<typeof TrainSpecSchema>;
