/**
 * @file The spec's optimizer as a TF.js optimizer. Its state (Adam's moments, ...) lives in tensors the model does
 * not own: dispose the optimizer with the model, and checkpoint it (`checkpoint.ts`) to resume exactly.
 */
import * as tf from '@tensorflow/tfjs';
import type { OptimizerSpec } from '../../protocol/train';

/** A fresh optimizer for `spec`, with the spec's learning rate and parameters (TF.js meanings). */
export function createOptimizer(spec: OptimizerSpec): tf.Optimizer {
  if (!(spec.learningRate > 0) || !Number.isFinite(spec.learningRate)) {
    throw new Error(`Learning rate ${spec.learningRate} is not a positive number; expected e.g. 0.001`);
  }
  switch (spec.name) {
    case 'sgd':
      return tf.train.sgd(spec.learningRate);
    case 'momentum':
      return tf.train.momentum(spec.learningRate, spec.momentum, spec.nesterov);
    case 'adam':
      return tf.train.adam(spec.learningRate, spec.beta1, spec.beta2, spec.epsilon);
    case 'rmsprop':
      return tf.train.rmsprop(spec.learningRate, spec.decay, spec.momentum, spec.epsilon, spec.centered);
    default:
      throw new Error(`Unknown optimizer ${JSON.stringify((spec as { name: unknown }).name)}; expected "sgd", "momentum", "adam" or "rmsprop"`);
  }
}
