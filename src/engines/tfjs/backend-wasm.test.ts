import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelSpec } from '../../protocol/train';
import { describeBackend, initBackend } from './backend-setup';
import { buildModel } from './model-builder';
import { buildSpec, imageData, tabularData } from '../../test/tfjs-fixtures';
import { trainModel } from './train-loop';

afterAll(() => initBackend('cpu'));

const CNN: ModelSpec = { family: 'cnn', blocks: [{ filters: 2, kernelSize: 3, pool: 'none', dropout: 0, batchNorm: false }], denseUnits: 0, dropout: 0 };

describe('the wasm backend under Node (binaries from the package folder)', () => {
  it('trains an MLP, and cannot train a CNN for the reason the table gives', async () => {
    await initBackend('wasm');
    expect(await describeBackend()).toEqual({ backend: 'wasm', tfjsVersion: '4.22.0' });
    expect(tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT')).toBe(false);

    const data = tabularData('binary');
    const mlp = buildModel(buildSpec(), data.inputs);
    const result = await trainModel({ ...mlp, task: 'binary', loss: 'crossentropy', train: data.train, epochs: 1, batchSize: 16, seed: 1 });
    expect(Number.isFinite(result.history[0].train.loss)).toBe(true);
    mlp.model.dispose();
    mlp.optimizer.dispose();

    const images = imageData();
    const cnn = buildModel(buildSpec({ model: CNN }), images.inputs);
    await expect(trainModel({ ...cnn, task: 'binary', loss: 'crossentropy', train: images.train, epochs: 1, batchSize: 16, seed: 1 })).rejects.toThrow(
      "Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'",
    );
    cnn.model.dispose();
    cnn.optimizer.dispose();
  });
});
