import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelSpec } from '../../protocol/train';
import { initBackend } from './backend-setup';
import { buildModel } from './model-builder';
import { exportModel, importModel, predictRows, type SavedLayersModel } from './model-export';
import { buildSpec, imageData, tabularData, textData, type SyntheticData } from '../../test/tfjs-fixtures';
import { trainModel } from './train-loop';

beforeAll(() => initBackend('cpu'));

const CNN: ModelSpec = { family: 'cnn', blocks: [{ filters: 3, kernelSize: 3, pool: 'max', dropout: 0.1, batchNorm: true }], denseUnits: 4, dropout: 0.1 };
const TEXT: ModelSpec = { family: 'text', architecture: 'conv1d', embeddingDim: 3, filters: 2, kernelSize: 2, denseUnits: 3, dropout: 0.1 };

describe('exportModel / importModel', () => {
  it.each([
    ['an MLP (batch norm, dropout), multiclass', buildSpec({ task: 'multiclass' }), tabularData('multiclass')],
    ['a CNN', buildSpec({ model: CNN }), imageData()],
    ['a conv1d text model', buildSpec({ model: TEXT }), textData()],
  ] as [string, ReturnType<typeof buildSpec>, SyntheticData][])('round-trips %s with identical predictions', async (_name, spec, data) => {
    const start = tf.memory().numTensors;
    const { model, optimizer } = buildModel(spec, data.inputs, data.classCount);
    await trainModel({ model, optimizer, task: spec.task, loss: spec.loss, classCount: data.classCount, train: data.train, epochs: 2, batchSize: 16, seed: 1 });
    const saved = await exportModel(model);
    // What storage or a worker boundary does to it.
    const copy: SavedLayersModel = structuredClone(saved);
    expect(copy.weightData).toBeInstanceOf(ArrayBuffer);
    expect(JSON.stringify(copy.modelTopology)).toContain('"class_name":"Dropout"');
    const loaded = await importModel(copy);
    const before = await predictRows(model, data.validation.x, 7);
    const after = await predictRows(loaded, data.validation.x, 64);
    expect(after).toEqual(before);
    expect(before.length).toBe(data.validation.y.length * (data.classCount ?? 1));
    model.dispose();
    optimizer.dispose();
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('rejects something that is not a saved model, and rows that do not fit', async () => {
    await expect(importModel({ format: 'graph-model' } as unknown as SavedLayersModel)).rejects.toThrow('Not a saved TF.js layers model (format "graph-model")');
    const { model, optimizer } = buildModel(buildSpec(), tabularData('binary').inputs);
    await expect(predictRows(model, new Float32Array(5))).rejects.toThrow("Got 5 feature values; expected a multiple of the model's 4 inputs");
    model.dispose();
    optimizer.dispose();
  });
});
