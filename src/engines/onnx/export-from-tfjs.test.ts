import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../core/random/rng';
import type { ModelSpec, TrainTask } from '../../protocol/train';
import { buildSpec, imageData, tabularData, textData, type SyntheticData } from '../../test/tfjs-fixtures';
import { initBackend } from '../tfjs/backend-setup';
import { buildModel, type ModelInputs } from '../tfjs/model-builder';
import { exportModel, type SavedLayersModel } from '../tfjs/model-export';
import { compareWithTfjs, EXPORT_TOLERANCE } from './export-check';
import { EXPORT_OPSET, exportLayersModelToOnnx, exportSavedModelToOnnx } from './export-from-tfjs';
import { inspectOnnx } from './inspect';
import { configureOrt, OnnxSession } from './session';

beforeAll(async () => {
  await initBackend('cpu');
  configureOrt();
});

/** Replaces every weight with seeded random values (variances positive), so batch norm and biases matter. */
function randomizeWeights(model: tf.LayersModel, seed: number): void {
  const rng = new Rng(seed);
  const values = model.weights.map((w) => {
    const size = w.shape.reduce((a: number, b) => a * (b as number), 1);
    const positive = w.originalName.endsWith('moving_variance');
    return tf.tensor(Float32Array.from({ length: size }, () => (positive ? 0.5 + rng.next() * 1.5 : rng.next() * 2 - 1)), w.shape as number[]);
  });
  model.setWeights(values);
  tf.dispose(values);
}

const image7x7x3: ModelInputs = { featureCount: 147, segments: [{ column: 'image', type: 'image', offset: 0, width: 147, shape: [7, 7, 3] }] };

const CASES: [string, TrainTask, ModelSpec, ModelInputs, number?][] = [
  [
    'MLP: dense, relu, dropout, batch norm, tanh, softmax',
    'multiclass',
    { family: 'mlp', layers: [{ units: 8, activation: 'relu', dropout: 0.2, batchNorm: true }, { units: 6, activation: 'tanh', dropout: 0, batchNorm: false }] },
    tabularData('multiclass').inputs,
    3,
  ],
  [
    'CNN: conv2d, batch norm, max pool, avg pool, flatten, dense (7x7x3, odd sizes)',
    'binary',
    {
      family: 'cnn',
      blocks: [
        { filters: 4, kernelSize: 3, pool: 'max', dropout: 0.1, batchNorm: true },
        { filters: 3, kernelSize: 2, pool: 'avg', dropout: 0, batchNorm: false },
      ],
      denseUnits: 5,
      dropout: 0.1,
    },
    image7x7x3,
  ],
  [
    'regression MLP: gelu, sigmoid with batch norm, dropout',
    'regression',
    { family: 'mlp', layers: [{ units: 5, activation: 'gelu', dropout: 0, batchNorm: false }, { units: 4, activation: 'sigmoid', dropout: 0.3, batchNorm: true }] },
    tabularData('regression').inputs,
  ],
  ['logistic regression (binary)', 'binary', { family: 'logistic', l2: 0.01 }, tabularData('binary').inputs],
  ['logistic regression (multiclass)', 'multiclass', { family: 'logistic', l2: 0 }, tabularData('multiclass').inputs, 3],
  ['linear regression', 'regression', { family: 'linear', l2: 0 }, tabularData('regression').inputs],
  ['text: embedding + mean pooling', 'binary', { family: 'text', architecture: 'embedding-pool', embeddingDim: 4, pooling: 'mean', denseUnits: 3, dropout: 0.1 }, textData().inputs],
  ['text: embedding + max pooling', 'binary', { family: 'text', architecture: 'embedding-pool', embeddingDim: 4, pooling: 'max', denseUnits: 0, dropout: 0 }, textData().inputs],
  ['text: embedding + conv1d + global max pooling', 'binary', { family: 'text', architecture: 'conv1d', embeddingDim: 3, filters: 4, kernelSize: 3, denseUnits: 3, dropout: 0.1 }, textData().inputs],
];

const measured: string[] = [];
afterAll(() => console.info(`ONNX export vs TF.js (cpu), 64 random rows, onnxruntime-web wasm:\n${measured.join('\n')}`));

describe('exportSavedModelToOnnx', () => {
  it.each(CASES)('%s: onnxruntime matches TF.js within 1e-4', async (name, task, model, inputs, classCount) => {
    const { model: net, optimizer } = buildModel(buildSpec({ task, model, loss: task === 'regression' ? 'mse' : 'crossentropy' }), inputs, classCount);
    randomizeWeights(net, name.length);
    const exported = await exportLayersModelToOnnx(net, { producerVersion: 'test', metadata: { 'benchtop.test': name } });
    const info = inspectOnnx(exported.bytes);
    expect(info.opset).toBe(EXPORT_OPSET);
    expect(info.inputs).toEqual([{ name: 'features', kind: 'tensor', type: 'float32', shape: ['batch', inputs.featureCount] }]);
    expect(info.outputs).toEqual([{ name: 'output', kind: 'tensor', type: 'float32', shape: ['batch', classCount ?? 1] }]);
    expect(info.metadata['benchtop.test']).toBe(name);
    // Every weight is in the file, except that batch norm's γ and variance fold into one scale vector; a few
    // small constants (a reshape's target shape, gelu's √2) come on top.
    const folded = net.layers.filter((layer) => layer.getClassName() === 'BatchNormalization').reduce((sum, layer) => sum + (layer.getWeights()[0]?.size ?? 0), 0);
    expect(info.parameterCount - (net.countParams() - folded)).toBeGreaterThanOrEqual(0);
    expect(info.parameterCount - (net.countParams() - folded)).toBeLessThanOrEqual(4);

    const session = await OnnxSession.create(exported.bytes, { providers: ['wasm'] });
    const comparison = await compareWithTfjs(net, session, exported, { rows: 64, seed: 7 });
    const started = performance.now();
    await session.runRows(new Float32Array(64 * inputs.featureCount), 64);
    measured.push(`  ${name}: max |diff| ${comparison.maxAbsDiff.toExponential(2)}; load ${session.loadMs.toFixed(1)} ms, 64 rows ${(performance.now() - started).toFixed(1)} ms; ops ${exported.operators.join(' ')}`);
    expect(comparison.maxAbsDiff).toBeLessThanOrEqual(EXPORT_TOLERANCE);
    // Outputs that vary: a model that ignored its input would pass a difference check trivially.
    expect(new Set(Array.from(comparison.onnx, (v) => v.toFixed(4))).size).toBeGreaterThan(4);
    await session.release();
    net.dispose();
    optimizer.dispose();
  });

  it('exports a trained model (batch norm statistics moved by training) within 1e-4', async () => {
    const data: SyntheticData = imageData();
    const spec = buildSpec({ model: { family: 'cnn', blocks: [{ filters: 3, kernelSize: 3, pool: 'max', dropout: 0.1, batchNorm: true }], denseUnits: 4, dropout: 0.1 } });
    const { model, optimizer } = buildModel(spec, data.inputs);
    await model.fit(tf.tensor2d(data.train.x, [data.train.y.length, 16]), tf.tensor2d(data.train.y, [data.train.y.length, 1]), { epochs: 3, batchSize: 8, verbose: 0 });
    const saved: SavedLayersModel = structuredClone(await exportModel(model));
    const exported = exportSavedModelToOnnx(saved);
    const session = await OnnxSession.create(exported.bytes, { providers: ['wasm'] });
    const { maxAbsDiff } = await compareWithTfjs(model, session, exported);
    expect(maxAbsDiff).toBeLessThanOrEqual(EXPORT_TOLERANCE);
    await session.release();
    model.dispose();
    optimizer.dispose();
  });

  it('names the layer it cannot convert, and refuses quantized weights', async () => {
    const input = tf.input({ shape: [4, 3] });
    const lstm = tf.model({ inputs: input, outputs: tf.layers.lstm({ units: 2, name: 'lstm_1' }).apply(input) as tf.SymbolicTensor });
    const saved = await exportModel(lstm);
    expect(() => exportSavedModelToOnnx(saved)).toThrow(/Cannot export layer "lstm_1" to ONNX: layer type LSTM is not supported; supported: Dense, Conv1D/);
    const dense = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], name: 'd' })] });
    const savedDense = await exportModel(dense);
    const quantized = { ...savedDense, weightSpecs: savedDense.weightSpecs.map((w) => ({ ...w, quantization: { dtype: 'uint8' as const, scale: 1, min: 0 } })) };
    expect(() => exportSavedModelToOnnx(quantized)).toThrow('weight "d/kernel" is quantized (uint8); expected float32 weights');
    lstm.dispose();
    dense.dispose();
  });

  it('exports a Sequential model with leaky ReLU, ELU and a softmax layer', async () => {
    const net = tf.sequential({
      layers: [
        tf.layers.dense({ units: 5, inputShape: [3], name: 'a' }),
        tf.layers.leakyReLU({ alpha: 0.2, name: 'leaky' }),
        tf.layers.dense({ units: 4, activation: 'elu', name: 'b' }),
        tf.layers.reLU({ maxValue: 0.5, name: 'capped' }),
        tf.layers.dense({ units: 3, name: 'c' }),
        tf.layers.softmax({ name: 'probabilities' }),
      ],
    });
    randomizeWeights(net, 3);
    const exported = await exportLayersModelToOnnx(net);
    expect(exported.inputs[0].name).toBe('a_input');
    expect(exported.outputs[0].name).toBe('probabilities');
    expect(exported.operators).toEqual(['Add', 'Clip', 'Elu', 'LeakyRelu', 'MatMul', 'Softmax']);
    const session = await OnnxSession.create(exported.bytes, { providers: ['wasm'] });
    const { maxAbsDiff } = await compareWithTfjs(net, session, exported);
    expect(maxAbsDiff).toBeLessThanOrEqual(EXPORT_TOLERANCE);
    await session.release();
    net.dispose();
  });

  it.each(['elu', 'hardSigmoid', 'relu6', 'selu', 'softplus', 'softsign', 'swish', 'mish', 'gelu', 'gelu_new'] as const)('exports the %s activation within 1e-4', async (activation) => {
    const net = tf.sequential({ layers: [tf.layers.dense({ units: 6, inputShape: [4], activation, name: 'hidden' }), tf.layers.dense({ units: 2, name: 'out' })] });
    randomizeWeights(net, activation.length);
    const exported = await exportLayersModelToOnnx(net);
    const session = await OnnxSession.create(exported.bytes, { providers: ['wasm'] });
    const { maxAbsDiff } = await compareWithTfjs(net, session, exported, { rows: 32 });
    expect(maxAbsDiff).toBeLessThanOrEqual(EXPORT_TOLERANCE);
    await session.release();
    net.dispose();
  });
});
