/**
 * @file Checkpoints of a model and its optimizer as plain data (ArrayBuffers + TF.js weight specs), so a run resumed
 * from one continues exactly as if it had not stopped: on the CPU backend the numbers are bit-identical.
 *
 * TF.js's `AdamOptimizer.setWeights` recomputes its bias-correction powers as `beta ** (t + 1)`, while training
 * multiplies them step by step; the two differ in the last bit, so Adam's powers are saved and put back as well.
 */
import * as tf from '@tensorflow/tfjs';

/** Tensors as bytes: the format of TF.js weight files (`weightData` + `weightSpecs`). Structured-cloneable. */
export interface EncodedTensors {
  data: ArrayBuffer;
  specs: tf.io.WeightsManifestEntry[];
}

/** A model's weights (by name, in `model.weights` order) and its optimizer's state (in `getWeights()` order). */
export interface ModelCheckpoint {
  weights: EncodedTensors;
  optimizer: EncodedTensors;
  /** Which optimizer wrote `optimizer` (its `getClassName()`), checked on restore. */
  optimizerClass: string;
}

/** Adam's private bias-correction state, reached through a narrow structural type. */
interface AdamPowers {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
}

function adamPowers(optimizer: tf.Optimizer): AdamPowers | null {
  // Not `instanceof`: TF.js optimizers answer it by duck typing, so every optimizer "is" an AdamOptimizer.
  return optimizer.getClassName() === tf.AdamOptimizer.className ? (optimizer as unknown as AdamPowers) : null;
}

/** Encodes named tensors (the tensors are not disposed). */
export async function encodeTensors(tensors: readonly { name: string; tensor: tf.Tensor }[]): Promise<EncodedTensors> {
  const { data, specs } = await tf.io.encodeWeights([...tensors]);
  return { data, specs };
}

/** Decodes tensors in spec order; the caller owns (and disposes) them. */
export function decodeTensors(encoded: EncodedTensors): tf.Tensor[] {
  // Names are made unique first: decodeWeights returns a map keyed by name.
  const specs = encoded.specs.map((spec, i) => ({ ...spec, name: `${i}` }));
  const map = tf.io.decodeWeights(encoded.data, specs);
  return specs.map((spec) => map[spec.name]);
}

/** The model's current weights (trainable and not: batch-norm statistics too), encoded. */
export async function encodeModelWeights(model: tf.LayersModel): Promise<EncodedTensors> {
  const values = model.getWeights();
  return encodeTensors(model.weights.map((w, i) => ({ name: w.originalName, tensor: values[i] })));
}

/** Puts encoded weights back into `model`; an Error names the first weight whose name or shape does not fit. */
export function restoreModelWeights(model: tf.LayersModel, encoded: EncodedTensors): void {
  const weights = model.weights;
  if (encoded.specs.length !== weights.length) {
    throw new Error(`The checkpoint holds ${encoded.specs.length} weights; this model has ${weights.length}`);
  }
  weights.forEach((w, i) => {
    const spec = encoded.specs[i];
    if (spec.name !== w.originalName || spec.shape.join('x') !== w.shape.join('x')) {
      throw new Error(`Checkpoint weight ${i} is "${spec.name}" [${spec.shape.join(', ')}]; this model expects "${w.originalName}" [${w.shape.join(', ')}]`);
    }
  });
  const tensors = decodeTensors(encoded);
  try {
    model.setWeights(tensors);
  } finally {
    tf.dispose(tensors);
  }
}

/** Saves the model's weights and the optimizer's state (Adam: moments, step count and bias-correction powers). */
export async function saveCheckpoint(model: tf.LayersModel, optimizer: tf.Optimizer): Promise<ModelCheckpoint> {
  const state = await optimizer.getWeights();
  const adam = adamPowers(optimizer);
  if (adam) state.push({ name: 'adam/acc_beta1', tensor: adam.accBeta1 }, { name: 'adam/acc_beta2', tensor: adam.accBeta2 });
  try {
    return { weights: await encodeModelWeights(model), optimizer: await encodeTensors(state), optimizerClass: optimizer.getClassName() };
  } finally {
    // getWeights() returns the live state variables plus a fresh step-count scalar: dispose only the latter.
    tf.dispose(state.filter((s) => !(s.tensor instanceof tf.Variable)).map((s) => s.tensor));
  }
}

/**
 * Restores a checkpoint into a freshly built model and a fresh optimizer of the same kind (one that has not
 * trained yet: TF.js does not dispose state it replaces). Throws an Error naming any mismatch.
 */
export async function restoreCheckpoint(model: tf.LayersModel, optimizer: tf.Optimizer, checkpoint: ModelCheckpoint): Promise<void> {
  if (checkpoint.optimizerClass !== optimizer.getClassName()) {
    throw new Error(`The checkpoint was written by a ${checkpoint.optimizerClass} optimizer; this run uses ${optimizer.getClassName()}`);
  }
  if (optimizer.iterations > 0) throw new Error('restoreCheckpoint needs a fresh optimizer; this one has already trained');
  restoreModelWeights(model, checkpoint.weights);
  const tensors = decodeTensors(checkpoint.optimizer);
  try {
    const named = tensors.map((tensor, i) => ({ name: checkpoint.optimizer.specs[i].name, tensor }));
    const adam = adamPowers(optimizer);
    const powers = adam ? named.splice(-2, 2) : [];
    await optimizer.setWeights(named);
    if (adam) {
      adam.accBeta1.assign(powers[0].tensor as tf.Scalar);
      adam.accBeta2.assign(powers[1].tensor as tf.Scalar);
    }
  } finally {
    // setWeights() and assign() keep their own references to the data; the decoded handles can go.
    tf.dispose(tensors);
  }
}
