import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelSpec } from '../../protocol/train';
import { buildSpec, imageData, tabularData, type SyntheticData } from '../../test/tfjs-fixtures';
import { initBackend } from './backend-setup';
import type { BackendName } from './backends';
import { buildModel, type ModelBuildSpec } from './model-builder';
import { CROSS_BACKEND_TOLERANCE, withinTolerance } from '../../core/jobs/reproducibility';
import { trainModel } from './train-loop';

/** Trains from scratch on `backend`; returns the validation loss and accuracy after every epoch. */
async function train(backend: BackendName, spec: ModelBuildSpec, data: SyntheticData): Promise<number[]> {
  await initBackend(backend);
  const { model, optimizer } = buildModel(spec, data.inputs, data.classCount);
  const values: number[] = [];
  await trainModel({
    model,
    optimizer,
    task: spec.task,
    loss: spec.loss,
    classCount: data.classCount,
    train: data.train,
    validation: data.validation,
    epochs: 5,
    batchSize: 16,
    seed: spec.seed,
    metricsEveryBatches: 0,
    onProgress: (e) => {
      if (e.status === 'epoch-end') values.push(e.record.validation?.loss ?? Number.NaN, e.record.validation?.accuracy ?? Number.NaN);
    },
  });
  model.dispose();
  optimizer.dispose();
  return values;
}

const CNN: ModelSpec = { family: 'cnn', blocks: [{ filters: 3, kernelSize: 3, pool: 'max', dropout: 0, batchNorm: true }], denseUnits: 0, dropout: 0 };

describe('the same spec and seed on cpu and wasm', () => {
  afterAll(() => initBackend('cpu'));

  it.each([
    ['MLP (dropout, batch norm)', buildSpec(), tabularData('binary')],
    ['CNN (conv, max pool, batch norm)', buildSpec({ model: CNN }), imageData()],
  ] as [string, ModelBuildSpec, SyntheticData][])('%s: validation metrics agree within the cross-backend tolerance', async (_name, spec, data) => {
    const cpu = await train('cpu', spec, data);
    const wasm = await train('wasm', spec, data);
    expect(tf.getBackend()).toBe('wasm');
    expect(wasm.length).toBe(cpu.length);
    const drift = Math.max(...cpu.map((v, i) => Math.abs(v - wasm[i])).filter(Number.isFinite));
    console.info(`${_name}: largest cpu/wasm difference over 5 epochs ${drift.toExponential(2)}`);
    cpu.forEach((v, i) => expect(withinTolerance(v, wasm[i], CROSS_BACKEND_TOLERANCE), `metric ${i}: cpu ${v} vs wasm ${wasm[i]}`).toBe(true));
  });

  it('withinTolerance: exact, relative, NaN', () => {
    expect(withinTolerance(1, 1, { absolute: 0, relative: 0 })).toBe(true);
    expect(withinTolerance(100, 100.09, CROSS_BACKEND_TOLERANCE)).toBe(true);
    expect(withinTolerance(1, 1.1, CROSS_BACKEND_TOLERANCE)).toBe(false);
    expect(withinTolerance(Number.NaN, Number.NaN, CROSS_BACKEND_TOLERANCE)).toBe(true);
    expect(withinTolerance(Number.NaN, 1, CROSS_BACKEND_TOLERANCE)).toBe(false);
  });
});
