/**
 * @file Builds and compiles a `tf.LayersModel` from a spec's model and the feature pipeline's row layout.
 *
 * Every model reads one flat float32 row of `featureCount` values (the pipeline's output), so training, export and
 * prediction handle all families alike: a CNN reshapes the row to its image, a text model embeds the token ids.
 * Initialisers are seeded from the spec's seed through the core Rng (one draw per layer, in build order), so the
 * same spec and seed give identical weights. Layers get fixed names, so weight names are stable across builds.
 *
 * Outputs and losses: binary = 1 sigmoid unit + binary cross-entropy (labels 0/1); multiclass = softmax + sparse
 * categorical cross-entropy (labels are class indices 0..k-1, not one-hot); regression = 1 linear unit + mse,
 * mae or huber (delta 1).
 */
import * as tf from '@tensorflow/tfjs';
import type { FeatureSegment } from '../../core/features/pipeline';
import { Rng } from '../../core/random/rng';
import type { Activation, LossName, ModelSpec, OptimizerSpec, TrainTask } from '../../protocol/train';
import type { ModelNeeds } from './backends';
import { createOptimizer } from './optimizer';

/** The row layout a model reads: a `FeaturePipeline` or its saved equivalent. */
export interface ModelInputs {
  featureCount: number;
  segments: readonly FeatureSegment[];
}

/** The parts of a training spec a model is built from. */
export interface ModelBuildSpec {
  task: TrainTask;
  model: ModelSpec;
  optimizer: OptimizerSpec;
  loss: LossName;
  seed: number;
}

/** A compiled model and the optimizer it trains with (dispose both). */
export interface BuiltModel {
  model: tf.LayersModel;
  optimizer: tf.Optimizer;
}

/** The kernels a model family needs beyond dense layers (input of `chooseBackend`). */
export function modelNeeds(model: ModelSpec): ModelNeeds {
  return {
    conv: model.family === 'cnn' || (model.family === 'text' && model.architecture === 'conv1d'),
    embedding: model.family === 'text',
  };
}

/** Huber loss (delta 1) per sample, as Keras defines it. */
export function huberLoss(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const error = tf.abs(tf.sub(yPred, yTrue));
    const quadratic = tf.minimum(error, 1);
    const linear = tf.sub(error, quadratic);
    return tf.mean(tf.add(tf.mul(0.5, tf.square(quadratic)), linear), -1);
  });
}

/** The TF.js loss for a task; an Error for a loss the task cannot use. */
function lossFor(task: TrainTask, loss: LossName): string | ((yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor) {
  if (task !== 'regression') {
    if (loss !== 'crossentropy') throw new Error(`Loss "${loss}" does not fit a ${task} task; expected "crossentropy"`);
    return task === 'binary' ? 'binaryCrossentropy' : 'sparseCategoricalCrossentropy';
  }
  if (loss === 'mse') return 'meanSquaredError';
  if (loss === 'mae') return 'meanAbsoluteError';
  if (loss === 'huber') return huberLoss;
  throw new Error(`Loss "${loss}" does not fit a regression task; expected "mse", "mae" or "huber"`);
}

/** Builds layers with fixed names and seeded initialisers. */
class LayerFactory {
  readonly #rng: Rng;
  readonly #counts = new Map<string, number>();

  constructor(seed: number) {
    this.#rng = new Rng(seed).fork('init');
  }

  /** A nonzero seed (TF.js treats 0 as "unseeded"). */
  seed(): number {
    return this.#rng.uint32() || 1;
  }

  name(kind: string): string {
    const n = (this.#counts.get(kind) ?? 0) + 1;
    this.#counts.set(kind, n);
    return `${kind}_${n}`;
  }

  dense(units: number, activation: Activation | 'softmax', options: { l2?: number; useBias?: boolean; name?: string } = {}): tf.layers.Layer {
    return tf.layers.dense({
      units,
      activation,
      useBias: options.useBias ?? true,
      kernelInitializer: tf.initializers.glorotUniform({ seed: this.seed() }),
      biasInitializer: 'zeros',
      kernelRegularizer: options.l2 ? tf.regularizers.l2({ l2: options.l2 }) : undefined,
      name: options.name ?? this.name('dense'),
    });
  }

  /** `dense` (no activation when batch-normalised), batch norm, activation, dropout. */
  denseBlock(x: tf.SymbolicTensor, units: number, activation: Activation, dropout: number, batchNorm: boolean): tf.SymbolicTensor {
    x = this.dense(units, batchNorm ? 'linear' : activation, { useBias: !batchNorm }).apply(x) as tf.SymbolicTensor;
    if (batchNorm) x = this.normalizeAndActivate(x, activation);
    return this.dropout(x, dropout);
  }

  normalizeAndActivate(x: tf.SymbolicTensor, activation: Activation): tf.SymbolicTensor {
    x = tf.layers.batchNormalization({ name: this.name('batch_norm') }).apply(x) as tf.SymbolicTensor;
    return tf.layers.activation({ activation, name: this.name('activation') }).apply(x) as tf.SymbolicTensor;
  }

  /** Dropout with a seed; the training loop re-seeds it every batch (a fixed seed would repeat one mask). */
  dropout(x: tf.SymbolicTensor, rate: number): tf.SymbolicTensor {
    if (!(rate > 0)) return x;
    return tf.layers.dropout({ rate, seed: this.seed(), name: this.name('dropout') }).apply(x) as tf.SymbolicTensor;
  }
}

function onlySegment(inputs: ModelInputs, type: FeatureSegment['type'], family: string): FeatureSegment {
  const [segment, ...rest] = inputs.segments;
  if (!segment || rest.length > 0 || segment.type !== type || segment.width !== inputs.featureCount) {
    const found = inputs.segments.map((s) => `${JSON.stringify(s.column)} (${s.type})`).join(', ') || 'none';
    throw new Error(`The ${family} model reads exactly one ${type} feature column; found ${found}`);
  }
  return segment;
}

/** The hidden part of the network (everything before the output layer). */
function body(spec: ModelSpec, inputs: ModelInputs, input: tf.SymbolicTensor, f: LayerFactory): tf.SymbolicTensor {
  switch (spec.family) {
    case 'linear':
    case 'logistic':
      return input;
    case 'mlp':
      return spec.layers.reduce((x, layer) => f.denseBlock(x, layer.units, layer.activation, layer.dropout, layer.batchNorm), input);
    case 'cnn': {
      const { shape } = onlySegment(inputs, 'image', 'cnn');
      if (!shape) throw new Error('The cnn model needs the image shape of its feature column; the pipeline gave none');
      let x = tf.layers.reshape({ targetShape: shape, name: 'image' }).apply(input) as tf.SymbolicTensor;
      for (const block of spec.blocks) {
        const conv = tf.layers.conv2d({
          filters: block.filters,
          kernelSize: block.kernelSize,
          padding: 'same',
          activation: block.batchNorm ? 'linear' : 'relu',
          useBias: !block.batchNorm,
          kernelInitializer: tf.initializers.glorotUniform({ seed: f.seed() }),
          name: f.name('conv'),
        });
        x = conv.apply(x) as tf.SymbolicTensor;
        if (block.batchNorm) x = f.normalizeAndActivate(x, 'relu');
        // 'same' pooling keeps at least 1x1, so deep stacks on small images still build.
        if (block.pool === 'max') x = tf.layers.maxPooling2d({ poolSize: 2, padding: 'same', name: f.name('max_pool') }).apply(x) as tf.SymbolicTensor;
        if (block.pool === 'avg') x = tf.layers.averagePooling2d({ poolSize: 2, padding: 'same', name: f.name('avg_pool') }).apply(x) as tf.SymbolicTensor;
        x = f.dropout(x, block.dropout);
      }
      x = tf.layers.flatten({ name: 'flatten' }).apply(x) as tf.SymbolicTensor;
      if (spec.denseUnits > 0) x = f.dense(spec.denseUnits, 'relu').apply(x) as tf.SymbolicTensor;
      return f.dropout(x, spec.dropout);
    }
    case 'text': {
      const { inputDim } = onlySegment(inputs, 'token-ids', 'text');
      if (!inputDim) throw new Error('The text model needs the id space (inputDim) of its token-id column; the pipeline gave none');
      let x = tf.layers
        .embedding({
          inputDim,
          outputDim: spec.embeddingDim,
          embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: f.seed() }),
          name: 'embedding',
        })
        .apply(input) as tf.SymbolicTensor;
      if (spec.architecture === 'conv1d') {
        const conv = tf.layers.conv1d({
          filters: spec.filters,
          kernelSize: spec.kernelSize,
          padding: 'same',
          activation: 'relu',
          kernelInitializer: tf.initializers.glorotUniform({ seed: f.seed() }),
          name: f.name('conv'),
        });
        x = tf.layers.globalMaxPooling1d({ name: 'pool' }).apply(conv.apply(x)) as tf.SymbolicTensor;
      } else {
        // Mean pooling includes padding ids (TF.js layers have no masking here); max pooling is less affected.
        const pool = spec.pooling === 'max' ? tf.layers.globalMaxPooling1d({ name: 'pool' }) : tf.layers.globalAveragePooling1d({ name: 'pool' });
        x = pool.apply(x) as tf.SymbolicTensor;
      }
      if (spec.denseUnits > 0) x = f.dense(spec.denseUnits, 'relu').apply(x) as tf.SymbolicTensor;
      return f.dropout(x, spec.dropout);
    }
    default:
      throw new Error(`Unknown model family ${JSON.stringify((spec as { family: unknown }).family)}; expected "linear", "logistic", "mlp", "cnn" or "text"`);
  }
}

/**
 * Builds and compiles the model for `spec` over rows laid out as `inputs`. `classCount` is required for multiclass
 * tasks (labels 0..classCount-1). Throws an Error naming the mismatch for a family, task or loss that do not fit.
 */
export function buildModel(spec: ModelBuildSpec, inputs: ModelInputs, classCount?: number): BuiltModel {
  const { task, model } = spec;
  if (!Number.isInteger(inputs.featureCount) || inputs.featureCount < 1) {
    throw new Error(`A model needs at least one feature per row; got featureCount ${inputs.featureCount}`);
  }
  if (model.family === 'linear' && task !== 'regression') throw new Error(`The linear model predicts numbers; task "${task}" needs "logistic" or another family`);
  if (model.family === 'logistic' && task === 'regression') throw new Error('The logistic model classifies; a regression task needs "linear" or another family');
  if (task === 'multiclass' && !(Number.isInteger(classCount) && (classCount as number) >= 2)) {
    throw new Error(`A multiclass model needs the number of classes (2 or more); got ${classCount}`);
  }
  const loss = lossFor(task, spec.loss);
  const optimizer = createOptimizer(spec.optimizer);
  const f = new LayerFactory(spec.seed);
  const input = tf.input({ shape: [inputs.featureCount], name: 'features' });
  let hidden: tf.SymbolicTensor;
  try {
    hidden = body(model, inputs, input, f);
  } catch (err) {
    optimizer.dispose();
    throw err;
  }
  const l2 = model.family === 'linear' || model.family === 'logistic' ? model.l2 : 0;
  const output =
    task === 'multiclass'
      ? f.dense(classCount as number, 'softmax', { l2, name: 'output' })
      : f.dense(1, task === 'binary' ? 'sigmoid' : 'linear', { l2, name: 'output' });
  const net = tf.model({ inputs: input, outputs: output.apply(hidden) as tf.SymbolicTensor, name: `benchtop_${model.family}` });
  net.compile({ optimizer, loss, metrics: [task === 'regression' ? 'mse' : 'accuracy'] });
  return { model: net, optimizer };
}
