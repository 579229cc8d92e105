import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../core/random/rng';
import type { ModelSpec } from '../../protocol/train';
import { buildSpec, textData, type SyntheticData } from '../../test/tfjs-fixtures';
import { initBackend } from './backend-setup';
import { buildModel, type ModelInputs } from './model-builder';
import { trainModel, type TrainProgress } from './train-loop';
import { FILTER_GRAD_CHUNK_FLOATS, MAX_SCRATCH_FLOATS } from './wasm-conv-grads';
import { registerWasmTrainingKernels, WASM_TRAINING_KERNELS } from './wasm-kernels';

afterAll(() => initBackend('cpu'));

/** Seeded values in [-1, 1); `levels` > 0 rounds them to that many steps per unit (ties for max pooling). */
function values(size: number, seed: number, levels = 0): Float32Array {
  const rng = new Rng(seed);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const v = rng.next() * 2 - 1;
    out[i] = levels > 0 ? Math.round(v * levels) / levels : v;
  }
  return out;
}

function randomTensor(shape: number[], seed: number, levels = 0): tf.Tensor {
  return tf.tensor(values(shape.reduce((a, b) => a * b, 1), seed, levels), shape);
}

/** Runs `fn` on cpu and on wasm; returns each output's values per backend. */
async function onBoth(fn: () => tf.Tensor[]): Promise<{ cpu: Float32Array[]; wasm: Float32Array[] }> {
  const run = async (backend: 'cpu' | 'wasm') => {
    await initBackend(backend);
    return tf.tidy(fn).map((t) => {
      const data = t.dataSync() as Float32Array;
      t.dispose();
      return Float32Array.from(data);
    });
  };
  return { cpu: await run('cpu'), wasm: await run('wasm') };
}

/** Every value within `rel` of the reference tensor's largest magnitude (plus a float32 floor). */
function expectClose(actual: Float32Array, expected: Float32Array, label: string, rel = 1e-4): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  const scale = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (!(err <= worst)) [worst, at] = [err, i];
  }
  expect(worst, `${label}: worst at ${at}: wasm ${actual[at]} vs cpu ${expected[at]} (scale ${scale})`).toBeLessThanOrEqual(rel * scale + 1e-6);
}

async function expectSameOnBoth(label: string, fn: () => tf.Tensor[]): Promise<void> {
  const { cpu, wasm } = await onBoth(fn);
  expect(wasm.length).toBe(cpu.length);
  cpu.forEach((expected, i) => expectClose(wasm[i], expected, `${label} output ${i}`));
}

describe('registerWasmTrainingKernels', () => {
  it('fills the gaps of the wasm package and replaces its MaxPoolGrad and Conv2DBackpropInput, once', async () => {
    await expect(async () => registerWasmTrainingKernels()).rejects.toThrow('import "@tensorflow/tfjs-backend-wasm" before');
    await import('@tensorflow/tfjs-backend-wasm');
    const maxPoolGrad = tf.getKernel('MaxPoolGrad', 'wasm');
    const backpropInput = tf.getKernel('Conv2DBackpropInput', 'wasm');
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeUndefined();
    const names = ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'MaxPoolGrad', 'UnsortedSegmentSum'];
    expect(registerWasmTrainingKernels().sort()).toEqual(names);
    expect([...WASM_TRAINING_KERNELS].sort()).toEqual(names);
    expect(tf.getKernel('MaxPoolGrad', 'wasm')).not.toBe(maxPoolGrad);
    // The replacement keeps the original's C++ binding (setupFunc), which it delegates NCHW to.
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')?.setupFunc).toBe(backpropInput?.setupFunc);
    expect(registerWasmTrainingKernels()).toEqual([]);
    // The lab's backend setup registers them too, harmlessly.
    await initBackend('wasm');
    expect(registerWasmTrainingKernels()).toEqual([]);
  });
});

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];
interface ConvCase {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number | [number, number];
  pad: Pad;
}

const CONV_CASES: ConvCase[] = [
  { x: [2, 7, 7, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { x: [2, 7, 7, 3], filter: [3, 3, 3, 4], strides: 2, pad: 'same' },
  { x: [3, 8, 5, 2], filter: [3, 2, 2, 5], strides: [2, 1], pad: 'valid' },
  { x: [2, 9, 9, 1], filter: [5, 5, 1, 8], strides: 2, pad: 'valid' },
  { x: [2, 6, 5, 3], filter: [1, 1, 3, 4], strides: 1, pad: 'valid' },
  { x: [1, 6, 6, 4], filter: [1, 1, 4, 2], strides: 2, pad: 'same' },
  { x: [2, 5, 6, 2], filter: [4, 3, 2, 3], strides: 1, pad: 'same' },
  { x: [2, 5, 5, 2], filter: [3, 3, 2, 3], strides: 1, pad: [[0, 0], [1, 2], [2, 0], [0, 0]] },
  { x: [2, 7, 6, 2], filter: [3, 3, 2, 2], strides: 2, pad: 1 },
  // Padding wider than the filter: dx cannot be one stride-1 Conv2D and goes through the matrix multiply.
  { x: [2, 4, 5, 3], filter: [1, 1, 3, 2], strides: 1, pad: [[0, 0], [1, 1], [0, 2], [0, 0]] },
];

describe('Conv2D gradients on wasm equal the cpu backend', () => {
  it.each(CONV_CASES)('x $x, filter $filter, strides $strides, pad $pad', async (c) => {
    await expectSameOnBoth('conv2d', () => {
      const x = randomTensor(c.x, 1) as tf.Tensor4D;
      const filter = randomTensor(c.filter, 2) as tf.Tensor4D;
      const forward = (a: tf.Tensor4D, w: tf.Tensor4D) => tf.conv2d(a, w, c.strides, c.pad, 'NHWC', 1, c.pad === 1 ? 'floor' : undefined);
      const r = randomTensor(forward(x, filter).shape, 3);
      const [dx, dw] = tf.grads((a, w) => tf.sum(tf.mul(forward(a as tf.Tensor4D, w as tf.Tensor4D), r)))([x, filter]);
      return [dx, dw];
    });
  });

  it('Conv1D (stride 1 same, stride 2 valid)', async () => {
    for (const [strides, pad] of [
      [1, 'same'],
      [2, 'valid'],
    ] as const) {
      await expectSameOnBoth(`conv1d ${strides} ${pad}`, () => {
        const x = randomTensor([3, 11, 4], 4) as tf.Tensor3D;
        const filter = randomTensor([3, 4, 5], 5) as tf.Tensor3D;
        const r = randomTensor(tf.conv1d(x, filter, strides, pad).shape, 6);
        return tf.grads((a, w) => tf.sum(tf.mul(tf.conv1d(a as tf.Tensor3D, w as tf.Tensor3D, strides, pad), r)))([x, filter]);
      });
    }
  });

  const run = (kernel: string, inputs: tf.NamedTensorMap, attrs: object) => tf.engine().runKernel(kernel, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;

  it('both kernels in NCHW', async () => {
    await expectSameOnBoth('NCHW', () => {
      const attrs = { strides: [2, 2], pad: 'same', dataFormat: 'NCHW' };
      return [
        run('Conv2DBackpropFilter', { x: randomTensor([2, 3, 7, 6], 7), dy: randomTensor([2, 4, 4, 3], 8) }, { ...attrs, filterShape: [3, 3, 3, 4] }),
        run('Conv2DBackpropInput', { dy: randomTensor([2, 4, 4, 3], 8), filter: randomTensor([3, 3, 3, 4], 9) }, { ...attrs, inputShape: [2, 3, 7, 6] }),
      ];
    });
  });

  it('both kernels in batch chunks when their scratch tensors would pass the limits (stride 1 and 2)', async () => {
    // dW: dy floats per chunk; dx at stride 2: the col2im matrix (filter taps x channels by batch x output pixels).
    expect(5 * 64 * 64 * 16).toBeGreaterThan(FILTER_GRAD_CHUNK_FLOATS);
    expect(5 * 32 * 32 * 64).toBeGreaterThan(FILTER_GRAD_CHUNK_FLOATS);
    expect(12 * 64 * 64 * 100).toBeGreaterThan(MAX_SCRATCH_FLOATS);
    await expectSameOnBoth('chunked', () => [
      run('Conv2DBackpropFilter', { x: randomTensor([5, 64, 64, 1], 9), dy: randomTensor([5, 64, 64, 16], 10) }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [2, 2, 1, 16] }),
      run('Conv2DBackpropFilter', { x: randomTensor([5, 63, 64, 2], 9), dy: randomTensor([5, 32, 32, 64], 10) }, { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: [1, 1, 2, 64] }),
      run('Conv2DBackpropInput', { dy: randomTensor([12, 64, 64, 2], 10), filter: randomTensor([5, 5, 4, 2], 11) }, { strides: 2, pad: 'same', dataFormat: 'NHWC', inputShape: [12, 128, 128, 4] }),
    ]);
  }, 60_000);
});

interface PoolCase {
  x: [number, number, number, number];
  size: number | [number, number];
  strides: number | [number, number];
  pad: 'same' | 'valid';
}

const POOL_CASES: PoolCase[] = [
  { x: [2, 7, 7, 3], size: 2, strides: 2, pad: 'same' },
  { x: [2, 8, 8, 3], size: 2, strides: 2, pad: 'valid' },
  { x: [2, 7, 6, 2], size: 3, strides: 1, pad: 'same' },
  { x: [1, 6, 5, 2], size: [2, 3], strides: [2, 1], pad: 'valid' },
];

describe('pooling gradients on wasm equal the cpu backend', () => {
  it.each(POOL_CASES)('MaxPoolGrad with ties, zero and negative windows: x $x, size $size, strides $strides, $pad', async (c) => {
    await expectSameOnBoth('maxPool', () => {
      // Steps of 0.5 in [-1, 1]: many ties; a ReLU'd copy adds all-zero windows, a shifted one all-negative windows.
      const x = randomTensor(c.x, 11, 2);
      const r = randomTensor(tf.maxPool(x as tf.Tensor4D, c.size, c.strides, c.pad).shape, 12);
      const grad = tf.grad((a) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, c.size, c.strides, c.pad), r)));
      return [grad(x), grad(tf.relu(x)), grad(tf.sub(tf.relu(x), 2)), grad(randomTensor(c.x, 13))];
    });
  });

  it.each(POOL_CASES)('AvgPoolGrad: x $x, size $size, strides $strides, $pad', async (c) => {
    await expectSameOnBoth('avgPool', () => {
      const x = randomTensor(c.x, 14);
      const r = randomTensor(tf.avgPool(x as tf.Tensor4D, c.size, c.strides, c.pad).shape, 15);
      return [tf.grad((a) => tf.sum(tf.mul(tf.avgPool(a as tf.Tensor4D, c.size, c.strides, c.pad), r)))(x)];
    });
  });
});

describe('UnsortedSegmentSum on wasm equals the cpu backend', () => {
  it('sums repeated ids, leaves empty segments at zero and drops ids out of range', async () => {
    await expectSameOnBoth('unsortedSegmentSum', () => {
      const x = randomTensor([7, 3], 16);
      return [
        tf.unsortedSegmentSum(x, tf.tensor1d([0, 2, 2, 5, 0, 2, 1], 'int32'), 6),
        tf.unsortedSegmentSum(x, tf.tensor1d([0, -1, 2, 6, 9, 2, 1], 'int32'), 6),
        tf.unsortedSegmentSum(tf.reshape(x, [7, 3, 1]), tf.tensor1d([3, 3, 3, 3, 0, 0, 3], 'int32'), 4),
        tf.unsortedSegmentSum(randomTensor([4], 17), tf.tensor1d([1, 1, 0, 1], 'int32'), 2),
        tf.unsortedSegmentSum(randomTensor([3, 2, 2], 18), tf.tensor2d([[0, 1], [1, 1], [2, 0]], [3, 2], 'int32') as unknown as tf.Tensor1D, 3),
      ];
    });
    await initBackend('wasm');
    const summed = tf.unsortedSegmentSum(tf.tensor2d([[1, 2], [3, 4], [5, 6]]), tf.tensor1d([1, 1, 0], 'int32'), 3);
    expect(summed.shape).toEqual([3, 2]);
    expect(Array.from(summed.dataSync())).toEqual([5, 6, 4, 6, 0, 0]);
    summed.dispose();
  });

  it('is the gradient of an embedding lookup (gather with repeated ids)', async () => {
    await expectSameOnBoth('gather grad', () => {
      const table = randomTensor([10, 4], 19);
      const ids = tf.tensor2d([[1, 1, 3], [9, 0, 1]], [2, 3], 'int32');
      const r = randomTensor([2, 3, 4], 20);
      return [tf.grad((t) => tf.sum(tf.mul(tf.gather(t, ids), r)))(table)];
    });
  });
});

/** 9x9 two-channel images (odd sizes, so 'same' pooling pads). */
function imageInputs(): ModelInputs {
  return { featureCount: 162, segments: [{ column: 'image', type: 'image', offset: 0, width: 162, shape: [9, 9, 2] }] };
}

const CNN: ModelSpec = {
  family: 'cnn',
  blocks: [
    { filters: 4, kernelSize: 3, pool: 'max', dropout: 0, batchNorm: true },
    { filters: 3, kernelSize: 2, pool: 'avg', dropout: 0, batchNorm: false },
    { filters: 2, kernelSize: 1, pool: 'none', dropout: 0, batchNorm: false },
  ],
  denseUnits: 5,
  dropout: 0,
};
const TEXT_CONV: ModelSpec = { family: 'text', architecture: 'conv1d', embeddingDim: 6, filters: 4, kernelSize: 3, denseUnits: 0, dropout: 0 };
const TEXT_MEAN: ModelSpec = { family: 'text', architecture: 'embedding-pool', embeddingDim: 5, pooling: 'mean', denseUnits: 4, dropout: 0 };
const TEXT_MAX: ModelSpec = { family: 'text', architecture: 'embedding-pool', embeddingDim: 5, pooling: 'max', denseUnits: 0, dropout: 0 };

describe('whole-model gradients of the model builder on wasm equal the cpu backend', () => {
  const text = textData(12, 5);
  const cases: [string, ModelSpec, ModelInputs, Float32Array][] = [
    ['cnn (batch norm, max and avg pooling, 1x1 conv)', CNN, imageInputs(), values(6 * 162, 21)],
    ['text conv1d', TEXT_CONV, text.inputs, text.train.x],
    ['text mean pooling', TEXT_MEAN, text.inputs, text.train.x],
    ['text max pooling', TEXT_MAX, text.inputs, text.train.x],
  ];
  it.each(cases)('%s', async (_name, model, inputs, rows) => {
    const n = rows.length / inputs.featureCount;
    const labels = Float32Array.from({ length: n }, (_, i) => i % 2);
    await expectSameOnBoth('model', () => {
      const built = buildModel(buildSpec({ model }), inputs);
      try {
        const x = tf.tensor2d(rows, [n, inputs.featureCount]);
        const y = tf.tensor2d(labels, [n, 1]);
        const variables = built.model.trainableWeights.map((w) => w.read() as tf.Variable);
        const { value, grads } = tf.variableGrads(() => tf.losses.sigmoidCrossEntropy(y, built.model.apply(x, { training: true }) as tf.Tensor), variables);
        return [value, ...variables.map((v) => grads[v.name])];
      } finally {
        built.model.dispose();
        built.optimizer.dispose();
      }
    });
  }, 30_000);
});

/** Trains on wasm; returns the training loss and the live tensor count at each epoch's end. */
async function trainOnWasm(model: ModelSpec, data: SyntheticData, epochs: number): Promise<{ losses: number[]; tensors: number[] }> {
  await initBackend('wasm');
  const built = buildModel(buildSpec({ model }), data.inputs, data.classCount);
  const losses: number[] = [];
  const tensors: number[] = [];
  try {
    const result = await trainModel({
      ...built,
      task: 'binary',
      loss: 'crossentropy',
      train: data.train,
      validation: data.validation,
      epochs,
      batchSize: 16,
      seed: 7,
      onProgress: (event: TrainProgress) => {
        if (event.status !== 'epoch-end') return;
        expect(tf.getBackend()).toBe('wasm');
        losses.push(event.record.train.loss);
        tensors.push(tf.memory().numTensors);
      },
    });
    expect(result.status).toBe('completed');
  } finally {
    built.model.dispose();
    built.optimizer.dispose();
  }
  return { losses, tensors };
}

/** 8x8 grey images: label 1 when the left half is brighter. */
function imageData(n: number, seed: number): SyntheticData {
  const make = (count: number, s: number) => {
    const x = values(count * 64, s);
    const y = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      let left = 0;
      for (let p = 0; p < 64; p++) left += (p % 8 < 4 ? 1 : -1) * x[i * 64 + p];
      y[i] = left > 0 ? 1 : 0;
    }
    return { x, y };
  };
  return { inputs: { featureCount: 64, segments: [{ column: 'image', type: 'image', offset: 0, width: 64, shape: [8, 8, 1] }] }, train: make(n, seed), validation: make(n / 4, seed + 1) };
}

describe('the model builder trains conv and text models on wasm', () => {
  it('a CNN: the loss goes down and no tensor leaks across epochs', async () => {
    const cnn: ModelSpec = {
      family: 'cnn',
      blocks: [
        { filters: 6, kernelSize: 3, pool: 'max', dropout: 0.1, batchNorm: true },
        { filters: 8, kernelSize: 3, pool: 'avg', dropout: 0, batchNorm: false },
      ],
      denseUnits: 8,
      dropout: 0.1,
    };
    const { losses, tensors } = await trainOnWasm(cnn, imageData(128, 30), 6);
    expect(losses.at(-1)).toBeLessThan(losses[0] * 0.8);
    expect(new Set(tensors).size).toBe(1);
  }, 30_000);

  it('text models (conv1d and mean pooling): the loss goes down and no tensor leaks across epochs', async () => {
    const data = textData(128, 31);
    for (const model of [TEXT_CONV, TEXT_MEAN]) {
      const { losses, tensors } = await trainOnWasm(model, data, 8);
      expect(losses.at(-1)).toBeLessThan(losses[0] * 0.9);
      expect(new Set(tensors).size).toBe(1);
    }
  }, 30_000);
});
