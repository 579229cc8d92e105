import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelSpec } from '../../protocol/train';
import { initBackend } from './backend-setup';
import { encodeModelWeights } from './checkpoint';
import { buildModel, type ModelBuildSpec } from './model-builder';
import { buildSpec, imageData, tabularData, textData, type SyntheticData } from '../../test/tfjs-fixtures';
import { trainModel } from './train-loop';

beforeAll(() => initBackend('cpu'));

/** Trains from scratch; returns every reported loss and the final weights' bytes. */
async function train(spec: ModelBuildSpec, data: SyntheticData) {
  const { model, optimizer } = buildModel(spec, data.inputs, data.classCount);
  const losses: number[] = [];
  const dropoutSeeds: number[] = [];
  await trainModel({
    model,
    optimizer,
    task: spec.task,
    loss: spec.loss,
    classCount: data.classCount,
    train: data.train,
    validation: data.validation,
    epochs: 3,
    batchSize: 16,
    seed: spec.seed,
    metricsEveryBatches: 1,
    onProgress: (e) => {
      if (e.status === 'batch') {
        losses.push(e.loss);
        const dropout = model.layers.find((l) => l.getClassName() === 'Dropout');
        if (dropout) dropoutSeeds.push((dropout as unknown as { seed: number }).seed);
      }
      if (e.status === 'epoch-end') losses.push(e.record.validation?.loss ?? Number.NaN);
    },
  });
  const weights = new Uint8Array((await encodeModelWeights(model)).data);
  model.dispose();
  optimizer.dispose();
  return { losses, weights, dropoutSeeds };
}

const CNN: ModelSpec = { family: 'cnn', blocks: [{ filters: 3, kernelSize: 3, pool: 'avg', dropout: 0.2, batchNorm: true }], denseUnits: 0, dropout: 0 };
const TEXT: ModelSpec = { family: 'text', architecture: 'embedding-pool', embeddingDim: 3, pooling: 'max', denseUnits: 4, dropout: 0.3 };

describe('determinism on the CPU backend', () => {
  it.each([
    ['MLP (dropout, batch norm), adam', buildSpec(), tabularData('binary')],
    ['CNN, rmsprop', buildSpec({ model: CNN, optimizer: { name: 'rmsprop', learningRate: 0.01, decay: 0.9, momentum: 0, epsilon: 1e-7, centered: false } }), imageData()],
    ['text, momentum', buildSpec({ model: TEXT, optimizer: { name: 'momentum', learningRate: 0.05, momentum: 0.9, nesterov: false } }), textData()],
  ] as [string, ModelBuildSpec, SyntheticData][])('%s: the same spec and seed give bit-identical losses and weights', async (_name, spec, data) => {
    const a = await train(spec, data);
    const b = await train(spec, data);
    expect(a.losses.every(Number.isFinite)).toBe(true);
    expect(Object.is(a.losses.length, b.losses.length)).toBe(true);
    a.losses.forEach((loss, i) => expect(Object.is(loss, b.losses[i])).toBe(true));
    expect(a.weights).toEqual(b.weights);
    const c = await train({ ...spec, seed: spec.seed + 1 }, data);
    expect(c.weights).not.toEqual(a.weights);
  });

  it('re-seeds dropout every batch (a fixed seed would repeat one mask)', async () => {
    const { dropoutSeeds } = await train(buildSpec(), tabularData('binary'));
    expect(dropoutSeeds.length).toBe(18);
    expect(new Set(dropoutSeeds).size).toBe(18);
    expect(tf.getBackend()).toBe('cpu');
  });
});
