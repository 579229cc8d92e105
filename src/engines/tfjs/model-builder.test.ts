import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelSpec, OptimizerSpec } from '../../protocol/train';
import { initBackend } from './backend-setup';
import { encodeModelWeights } from './checkpoint';
import { buildModel, huberLoss, modelNeeds, type ModelBuildSpec, type ModelInputs } from './model-builder';
import { buildSpec, imageData, MLP, OPTIMIZERS, tabularData, textData } from '../../test/tfjs-fixtures';

beforeAll(() => initBackend('cpu'));

const CNN: ModelSpec = {
  family: 'cnn',
  blocks: [
    { filters: 4, kernelSize: 3, pool: 'max', dropout: 0.1, batchNorm: true },
    { filters: 4, kernelSize: 3, pool: 'avg', dropout: 0, batchNorm: false },
    { filters: 2, kernelSize: 2, pool: 'max', dropout: 0, batchNorm: false },
  ],
  denseUnits: 8,
  dropout: 0.2,
};
const POOL_TEXT: ModelSpec = { family: 'text', architecture: 'embedding-pool', embeddingDim: 4, pooling: 'mean', denseUnits: 4, dropout: 0.1 };
const CONV_TEXT: ModelSpec = { family: 'text', architecture: 'conv1d', embeddingDim: 4, filters: 3, kernelSize: 3, denseUnits: 0, dropout: 0 };

function outputShape(spec: ModelBuildSpec, inputs: ModelInputs, classCount?: number): number[] {
  const { model, optimizer } = buildModel(spec, inputs, classCount);
  const x = tf.zeros([3, inputs.featureCount]);
  const y = model.predict(x) as tf.Tensor;
  const shape = y.shape;
  tf.dispose([x, y]);
  model.dispose();
  optimizer.dispose();
  return shape;
}

async function weightBytes(spec: ModelBuildSpec, inputs: ModelInputs, classCount?: number): Promise<Uint8Array> {
  const { model, optimizer } = buildModel(spec, inputs, classCount);
  const encoded = await encodeModelWeights(model);
  model.dispose();
  optimizer.dispose();
  return new Uint8Array(encoded.data);
}

describe('buildModel', () => {
  const table = tabularData('binary').inputs;
  it.each([
    ['linear', 'regression', undefined, [3, 1]],
    ['logistic', 'binary', undefined, [3, 1]],
    ['logistic', 'multiclass', 4, [3, 4]],
    ['mlp', 'binary', undefined, [3, 1]],
    ['mlp', 'multiclass', 3, [3, 3]],
    ['mlp', 'regression', undefined, [3, 1]],
  ] as const)('%s for %s (classes: %s) gives outputs %j', (family, task, classCount, shape) => {
    const model: ModelSpec = family === 'mlp' ? MLP : { family, l2: 0.01 };
    expect(outputShape(buildSpec({ task, model }), table, classCount)).toEqual(shape);
  });

  it('builds a CNN over the image segment (3 pooling blocks on 4x4 still build) and text models over token ids', () => {
    expect(outputShape(buildSpec({ model: CNN, task: 'multiclass' }), imageData().inputs, 3)).toEqual([3, 3]);
    expect(outputShape(buildSpec({ model: POOL_TEXT }), textData().inputs)).toEqual([3, 1]);
    expect(outputShape(buildSpec({ model: CONV_TEXT, task: 'regression' }), textData().inputs)).toEqual([3, 1]);
  });

  it('reports what each family needs of a backend', () => {
    expect(modelNeeds(MLP)).toEqual({ conv: false, embedding: false });
    expect(modelNeeds(CNN)).toEqual({ conv: true, embedding: false });
    expect(modelNeeds(POOL_TEXT)).toEqual({ conv: false, embedding: true });
    expect(modelNeeds(CONV_TEXT)).toEqual({ conv: true, embedding: true });
  });

  it('gives identical weights for the same seed and different ones for another seed', async () => {
    for (const [model, inputs] of [
      [MLP, table],
      [CNN, imageData().inputs],
      [POOL_TEXT, textData().inputs],
    ] as const) {
      const a = await weightBytes(buildSpec({ model, seed: 7 }), inputs);
      const b = await weightBytes(buildSpec({ model, seed: 7 }), inputs);
      const c = await weightBytes(buildSpec({ model, seed: 8 }), inputs);
      expect(a).toEqual(b);
      expect(a).not.toEqual(c);
    }
  });

  it('names layers the same way in every build, so weight names are stable', () => {
    const names = () => {
      const { model, optimizer } = buildModel(buildSpec(), table);
      const out = model.weights.map((w) => w.originalName);
      model.dispose();
      optimizer.dispose();
      return out;
    };
    const first = names();
    expect(first).toContain('dense_1/kernel');
    expect(first).toContain('output/bias');
    expect(names()).toEqual(first);
  });

  it('rejects families, tasks, losses and inputs that do not fit, naming the problem (and leaks nothing)', () => {
    const before = tf.memory().numTensors;
    expect(() => buildModel(buildSpec({ model: { family: 'linear', l2: 0 } }), table)).toThrow('The linear model predicts numbers; task "binary"');
    expect(() => buildModel(buildSpec({ task: 'regression', model: { family: 'logistic', l2: 0 } }), table)).toThrow('The logistic model classifies');
    expect(() => buildModel(buildSpec({ loss: 'mse' }), table)).toThrow('Loss "mse" does not fit a binary task; expected "crossentropy"');
    expect(() => buildModel(buildSpec({ task: 'regression', loss: 'crossentropy' }), table)).toThrow('expected "mse", "mae" or "huber"');
    expect(() => buildModel(buildSpec({ task: 'multiclass' }), table)).toThrow('needs the number of classes');
    expect(() => buildModel(buildSpec({ model: CNN }), table)).toThrow('The cnn model reads exactly one image feature column; found "x0" (numeric)');
    expect(() => buildModel(buildSpec({ model: POOL_TEXT }), imageData().inputs)).toThrow('The text model reads exactly one token-ids feature column');
    expect(() => buildModel(buildSpec({ optimizer: { name: 'sgd', learningRate: 0 } }), table)).toThrow('Learning rate 0');
    expect(() => buildModel(buildSpec({ optimizer: { name: 'lbfgs', learningRate: 0.1 } as unknown as OptimizerSpec }), table)).toThrow('Unknown optimizer "lbfgs"');
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each(Object.keys(OPTIMIZERS) as OptimizerSpec['name'][])('trains a step with %s and lowers the loss', async (name) => {
    const data = tabularData('regression');
    const { model, optimizer } = buildModel(buildSpec({ task: 'regression', model: { family: 'linear', l2: 0 }, optimizer: OPTIMIZERS[name] }), data.inputs);
    const x = tf.tensor2d(data.train.x, [data.train.y.length, 4]);
    const y = tf.tensor2d(data.train.y, [data.train.y.length, 1]);
    const losses: number[] = [];
    for (let i = 0; i < 5; i++) losses.push(((await model.trainOnBatch(x, y)) as number[])[0]);
    expect(losses[4]).toBeLessThan(losses[0]);
    tf.dispose([x, y]);
    model.dispose();
    optimizer.dispose();
  });

  it('computes the huber loss like Keras (delta 1)', () => {
    const loss = huberLoss(tf.tensor2d([[0], [0], [0]]), tf.tensor2d([[0.5], [2], [-3]]));
    expect(Array.from(loss.dataSync())).toEqual([0.125, 1.5, 2.5]);
    loss.dispose();
  });
});
