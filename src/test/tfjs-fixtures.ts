/**
 * @file Tiny synthetic datasets and specs for the TF.js engine's tests (imported by tests only).
 */
import type { FeatureSegment } from '../core/features/pipeline';
import { Rng } from '../core/random/rng';
import type { ModelSpec, OptimizerSpec, TrainTask } from '../protocol/train';
import type { ModelBuildSpec, ModelInputs } from '../engines/tfjs/model-builder';
import type { LabeledRows } from '../engines/tfjs/train-loop';

/** A dataset: its row layout and train/validation rows. */
export interface SyntheticData {
  inputs: ModelInputs;
  train: LabeledRows;
  validation: LabeledRows;
  classCount?: number;
}

function numericInputs(features: number): ModelInputs {
  const segments: FeatureSegment[] = Array.from({ length: features }, (_, i) => ({ column: `x${i}`, type: 'numeric', offset: i, width: 1 }));
  return { featureCount: features, segments };
}

function rows(n: number, features: number, rng: Rng, label: (x: Float32Array) => number): LabeledRows {
  const x = new Float32Array(n * features);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const row = x.subarray(i * features, (i + 1) * features);
    for (let j = 0; j < features; j++) row[j] = rng.next() * 2 - 1;
    y[i] = label(row);
  }
  return { x, y };
}

/** Tabular data: binary (x0 + x1 > 0), multiclass (3 classes by the sign pattern) or regression (2 x0 - x1 + 0.5). */
export function tabularData(task: TrainTask, n = 96, seed = 1): SyntheticData {
  const rng = new Rng(seed);
  const features = 4;
  const label =
    task === 'binary'
      ? (x: Float32Array) => (x[0] + x[1] > 0 ? 1 : 0)
      : task === 'multiclass'
        ? (x: Float32Array) => (x[0] > 0.3 ? 2 : x[0] + x[1] > 0 ? 1 : 0)
        : (x: Float32Array) => 2 * x[0] - x[1] + 0.5;
  return {
    inputs: numericInputs(features),
    train: rows(n, features, rng, label),
    validation: rows(Math.ceil(n / 3), features, rng, label),
    classCount: task === 'multiclass' ? 3 : undefined,
  };
}

/** 4x4 grey images: label 1 when the top half is brighter. */
export function imageData(n = 48, seed = 2): SyntheticData {
  const rng = new Rng(seed);
  const make = (count: number): LabeledRows => rows(count, 16, rng, (x) => (x.subarray(0, 8).reduce((a, b) => a + b, 0) > x.subarray(8).reduce((a, b) => a + b, 0) ? 1 : 0));
  return { inputs: { featureCount: 16, segments: [{ column: 'image', type: 'image', offset: 0, width: 16, shape: [4, 4, 1] }] }, train: make(n), validation: make(n / 2) };
}

/** Token ids (length 6, ids 0..9): label 1 when the text contains id 5. */
export function textData(n = 48, seed = 3): SyntheticData {
  const rng = new Rng(seed);
  const make = (count: number): LabeledRows => {
    const x = new Float32Array(count * 6);
    const y = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      for (let j = 0; j < 6; j++) x[i * 6 + j] = rng.int(10);
      y[i] = x.subarray(i * 6, i * 6 + 6).includes(5) ? 1 : 0;
    }
    return { x, y };
  };
  return { inputs: { featureCount: 6, segments: [{ column: 'text', type: 'token-ids', offset: 0, width: 6, inputDim: 10 }] }, train: make(n), validation: make(n / 2) };
}

/** Optimizer specs with TF.js-like defaults. */
export const OPTIMIZERS: Record<OptimizerSpec['name'], OptimizerSpec> = {
  sgd: { name: 'sgd', learningRate: 0.1 },
  momentum: { name: 'momentum', learningRate: 0.05, momentum: 0.9, nesterov: true },
  adam: { name: 'adam', learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
  rmsprop: { name: 'rmsprop', learningRate: 0.01, decay: 0.9, momentum: 0.1, epsilon: 1e-7, centered: true },
};

/** An MLP with batch norm and dropout: exercises every stateful piece. */
export const MLP: ModelSpec = {
  family: 'mlp',
  layers: [
    { units: 8, activation: 'relu', dropout: 0.2, batchNorm: true },
    { units: 6, activation: 'tanh', dropout: 0, batchNorm: false },
  ],
};

/** A build spec with adam and cross-entropy (or mse for regression) unless overridden. */
export function buildSpec(overrides: Partial<ModelBuildSpec> = {}): ModelBuildSpec {
  const task = overrides.task ?? 'binary';
  return { task, model: MLP, optimizer: OPTIMIZERS.adam, loss: task === 'regression' ? 'mse' : 'crossentropy', seed: 42, ...overrides };
}
