/**
 * @file The training job spec: what a `train` run reads, builds and optimizes. Types only; the valibot schema that
 * validates a spec at every boundary (UI, CLI, share link, bundle, sync) is `src/core/jobs/train-spec.ts`.
 * A spec is plain JSON and complete: every default is written into it, so a stored spec alone reproduces the run.
 */

/** What the model predicts: one of two classes, one of several classes, or a number. */
export type TrainTask = 'binary' | 'multiclass' | 'regression';

/** Numeric columns (integer, number, boolean as 0/1, datetime as epoch ms) scaled with training-split statistics. */
export interface NumericFeaturization {
  /** `standard`: (x - mean) / std; `minmax`: into [0, 1]; `none`: as is. */
  scaling: 'standard' | 'minmax' | 'none';
  /** Value put in place of a missing one, computed on the training split (`constant` uses `imputeValue`). */
  impute: 'mean' | 'median' | 'constant';
  /** The value used when `impute` is `constant`. */
  imputeValue: number;
  /** Add a 0/1 "was missing" input for each column with missing values in the training split. */
  missingIndicator: boolean;
}

/** Category columns: one-hot over the most frequent training-split categories; the rest and unseen ones share an "other" slot. */
export interface CategoricalFeaturization {
  encoding: 'one-hot';
  /** Categories kept (most frequent first), not counting the "other" slot. */
  maxCategories: number;
}

/** Text as a hashed bag of words: a fixed-width vector for MLP, linear and logistic models. */
export interface HashedBagOfWords {
  method: 'hashed-bow';
  /** Width of the hashed vector. */
  buckets: number;
  /** Longest n-gram: 1 (words) or 2 (words and word pairs). */
  ngram: 1 | 2;
  /** Presence (1) instead of counts. */
  binary: boolean;
}

/** Text as a sequence of token ids (vocabulary from the training split; 0 pads, 1 is unknown): input of the text models. */
export interface TokenIds {
  method: 'token-ids';
  vocabSize: number;
  /** Sequences are cut or padded to this many tokens. */
  maxLength: number;
}

/** How a text column becomes numbers. */
export type TextFeaturization = HashedBagOfWords | TokenIds;

/** Images are decoded, resized to `width` x `height` and given `channels` channels. */
export interface ImageFeaturization {
  width: number;
  height: number;
  channels: 1 | 3;
  /** Scale pixels from 0..255 to 0..1. */
  normalize: boolean;
}

/** Featurization per column type; `data.columns` overrides it for single columns. */
export interface Featurization {
  numeric: NumericFeaturization;
  categorical: CategoricalFeaturization;
  text: TextFeaturization;
  image: ImageFeaturization;
}

/** The featurization of one column, overriding its type's default (e.g. an integer code read as a category). */
export type ColumnFeaturization =
  | ({ column: string; kind: 'numeric' } & NumericFeaturization)
  | ({ column: string; kind: 'categorical' } & CategoricalFeaturization)
  | ({ column: string; kind: 'text' } & TextFeaturization)
  | ({ column: string; kind: 'image' } & ImageFeaturization);

/** Fractions of the rows (after dropping rows without a target) given to each split; they sum to 1. */
export interface SplitSpec {
  train: number;
  validation: number;
  test: number;
  /** Keep class proportions in every split (classification only). The split is seeded by the spec's `seed`. */
  stratify: boolean;
}

/** Which rows and columns a run reads. */
export interface TrainData {
  datasetId: string;
  versionId: string;
  /** SHA-256 of the dataset version (lower-case hex): the run's lineage. */
  contentHash: string;
  /** The column predicted. */
  target: string;
  /** Input column names, in order; never the target. */
  features: string[];
  split: SplitSpec;
  /** Per-column featurization overrides; each names a column of `features` once. */
  columns?: ColumnFeaturization[];
}

/** An activation function of a layer. */
export type Activation = 'relu' | 'tanh' | 'sigmoid' | 'gelu' | 'linear';

/** Linear regression: one dense output (regression only). */
export interface LinearModel {
  family: 'linear';
  /** L2 penalty on the weights. */
  l2: number;
}

/** Logistic regression: one dense layer with sigmoid (binary) or softmax (multiclass) output. */
export interface LogisticModel {
  family: 'logistic';
  l2: number;
}

/** One hidden dense layer of an MLP. */
export interface MlpLayer {
  units: number;
  activation: Activation;
  /** Dropout rate after the layer, 0 to 0.9. */
  dropout: number;
  /** Batch normalization before the activation. */
  batchNorm: boolean;
}

/** Multi-layer perceptron over the concatenated featurized inputs. */
export interface MlpModel {
  family: 'mlp';
  layers: MlpLayer[];
}

/** One convolution block: conv (same padding, relu), optional batch norm, pooling, dropout. */
export interface CnnBlock {
  filters: number;
  kernelSize: number;
  /** 2x2 pooling after the convolution. */
  pool: 'max' | 'avg' | 'none';
  dropout: number;
  batchNorm: boolean;
}

/** Convolutional network over one image column. */
export interface CnnModel {
  family: 'cnn';
  blocks: CnnBlock[];
  /** Units of the dense layer after flattening; 0 for none. */
  denseUnits: number;
  /** Dropout before the output layer. */
  dropout: number;
}

/** Text classifier/regressor over one token-id column: an embedding, then pooling or a 1-D convolution. */
export type TextModel =
  | {
      family: 'text';
      architecture: 'embedding-pool';
      embeddingDim: number;
      pooling: 'mean' | 'max';
      /** Units of the dense layer after pooling; 0 for none. */
      denseUnits: number;
      dropout: number;
    }
  | {
      family: 'text';
      architecture: 'conv1d';
      embeddingDim: number;
      filters: number;
      kernelSize: number;
      denseUnits: number;
      dropout: number;
    };

/** The model, by family. */
export type ModelSpec = LinearModel | LogisticModel | MlpModel | CnnModel | TextModel;

/** Model family names. */
export type ModelFamily = ModelSpec['family'];

/** The optimizer; the extra parameters follow TF.js's `tf.train.*` meanings. */
export type OptimizerSpec =
  | { name: 'sgd'; learningRate: number }
  | { name: 'momentum'; learningRate: number; momentum: number; nesterov: boolean }
  | { name: 'adam'; learningRate: number; beta1: number; beta2: number; epsilon: number }
  | { name: 'rmsprop'; learningRate: number; decay: number; momentum: number; epsilon: number; centered: boolean };

/** Loss functions: `mse`, `mae`, `huber` for regression; `crossentropy` (binary or categorical) for classification. */
export type LossName = 'mse' | 'mae' | 'huber' | 'crossentropy';

/** Metrics early stopping can watch, all on the validation split. */
export type EarlyStoppingMetric = 'val_loss' | 'val_accuracy' | 'val_rmse' | 'val_mae' | 'val_r2';

/** Stop when `metric` has not improved by more than `minDelta` for `patience` epochs. */
export interface EarlyStoppingSpec {
  metric: EarlyStoppingMetric;
  patience: number;
  minDelta: number;
  /** `min` for losses and errors, `max` for accuracy and R². */
  mode: 'min' | 'max';
  /** Keep the weights of the best epoch at the end. */
  restoreBest: boolean;
}

/** Compute backend: `auto` picks the fastest one that can train the model on this machine. */
export type BackendChoice = 'auto' | 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/**
 * Weights a run starts from instead of its seeded initialization (fine-tuning): the TF.js weights of a registered
 * model version (e.g. a catalog model added to the registry). The spec's model must build the same layers, with
 * the same weight shapes (same features after featurization, same number of classes); the run fails naming the
 * first mismatch otherwise. A resumed run continues from its checkpoint, not from these weights.
 */
export interface InitSpec {
  kind: 'model-version';
  /** `ModelVersionRecord.id` of the version whose `model.json` and `model.weights.bin` are loaded. */
  modelVersionId: string;
}

/** A training job spec, version 1. */
export interface TrainSpec {
  specVersion: 1;
  kind: 'train';
  data: TrainData;
  featurization: Featurization;
  task: TrainTask;
  model: ModelSpec;
  optimizer: OptimizerSpec;
  loss: LossName;
  epochs: number;
  batchSize: number;
  earlyStopping?: EarlyStoppingSpec;
  /** Write a resumable checkpoint every this many epochs (and at the end). */
  checkpointEvery: number;
  /** uint32; the same spec and seed on the CPU backend give the same numbers. */
  seed: number;
  backend: BackendChoice;
  /** Record training metrics every this many batches; 0 records them once per epoch only. */
  metricsEveryBatches: number;
  /** Start from a registered model version's weights (fine-tuning) instead of a seeded initialization. */
  init?: InitSpec;
}

/** One problem found in a spec: a dotted path (`model.layers[1].units`, `(root)` for the whole spec) and a message. */
export interface SpecIssue {
  path: string;
  message: string;
}

/** The outcome of validating a spec. */
export type SpecParseResult<T> = { ok: true; spec: T } | { ok: false; issues: SpecIssue[] };
