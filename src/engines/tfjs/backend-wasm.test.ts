import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelSpec } from '../../protocol/train';
import { describeBackend, initBackend } from './backend-setup';
import { buildModel } from './model-builder';
import { buildSpec, imageData, tabularData, textData } from '../../test/tfjs-fixtures';
import { trainModel } from './train-loop';

afterAll(() => initBackend('cpu'));

const CNN: ModelSpec = { family: 'cnn', blocks: [{ filters: 2, kernelSize: 3, pool: 'max', dropout: 0, batchNorm: false }], denseUnits: 0, dropout: 0 };
const TEXT: ModelSpec = { family: 'text', architecture: 'conv1d', embeddingDim: 4, filters: 3, kernelSize: 3, denseUnits: 0, dropout: 0 };

describe('the wasm backend under Node (binaries from the package folder)', () => {
  it('trains an MLP, a CNN and a text model (the CNN and text gradients are the lab\'s kernels, registered by initBackend)', async () => {
    await initBackend('wasm');
    expect(await describeBackend()).toEqual({ backend: 'wasm', tfjsVersion: '4.22.0' });
    expect(tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT')).toBe(false);

    const data = tabularData('binary');
    const mlp = buildModel(buildSpec(), data.inputs);
    const result = await trainModel({ ...mlp, task: 'binary', loss: 'crossentropy', train: data.train, epochs: 1, batchSize: 16, seed: 1 });
    expect(Number.isFinite(result.history[0].train.loss)).toBe(true);
    mlp.model.dispose();
    mlp.optimizer.dispose();

    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeDefined();
    for (const [model, data] of [
      [CNN, imageData()],
      [TEXT, textData()],
    ] as const) {
      const built = buildModel(buildSpec({ model }), data.inputs);
      const trained = await trainModel({ ...built, task: 'binary', loss: 'crossentropy', train: data.train, epochs: 1, batchSize: 16, seed: 1 });
      expect(tf.getBackend()).toBe('wasm');
      expect(Number.isFinite(trained.history[0].train.loss)).toBe(true);
      built.model.dispose();
      built.optimizer.dispose();
    }
  });
});
