import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EarlyStoppingSpec, OptimizerSpec } from '../../protocol/train';
import { initBackend } from './backend-setup';
import { encodeModelWeights } from './checkpoint';
import { buildModel, type ModelBuildSpec } from './model-builder';
import { buildSpec, OPTIMIZERS, tabularData, type SyntheticData } from '../../test/tfjs-fixtures';
import { trainModel, type TrainingCheckpoint, type TrainLoopOptions, type TrainProgress } from './train-loop';

beforeAll(() => initBackend('cpu'));

const EARLY: EarlyStoppingSpec = { metric: 'val_loss', patience: 3, minDelta: 0, mode: 'min', restoreBest: true };

/** Builds, trains and disposes; returns the events, result and final weights. */
async function run(spec: ModelBuildSpec, data: SyntheticData, options: Partial<TrainLoopOptions> = {}) {
  const { model, optimizer } = buildModel(spec, data.inputs, data.classCount);
  const events: TrainProgress[] = [];
  try {
    const result = await trainModel({
      model,
      optimizer,
      task: spec.task,
      loss: spec.loss,
      classCount: data.classCount,
      train: data.train,
      validation: data.validation,
      epochs: 4,
      batchSize: 16,
      seed: spec.seed,
      ...options,
      onProgress: async (event) => {
        events.push(event);
        await options.onProgress?.(event);
      },
    });
    return { result, events, weights: new Uint8Array((await encodeModelWeights(model)).data) };
  } finally {
    model.dispose();
    optimizer.dispose();
  }
}

describe('trainModel', () => {
  it('learns a separable binary problem and reports epoch, batch, checkpoint and done events in order', async () => {
    const { result, events } = await run(buildSpec({ optimizer: { ...OPTIMIZERS.adam, learningRate: 0.05 } }), tabularData('binary'), {
      epochs: 6,
      metricsEveryBatches: 2,
      checkpointEvery: 3,
    });
    expect(result.status).toBe('completed');
    expect(result.history.at(-1)?.validation?.accuracy).toBeGreaterThan(0.85);
    const epoch1 = events.slice(0, events.findIndex((e) => e.status === 'epoch-end') + 1).map((e) => (e.status === 'batch' ? `batch ${e.batch}/${e.batches}` : e.status));
    expect(epoch1).toEqual(['epoch-start', 'batch 2/6', 'batch 4/6', 'batch 6/6', 'epoch-end']);
    expect(events.filter((e) => e.status === 'checkpoint').map((e) => e.epoch)).toEqual([3, 6]);
    expect(events.at(-1)).toEqual({ status: 'done', result });
    const batch = events.find((e) => e.status === 'batch');
    expect(batch?.status === 'batch' && batch.metric.name).toBe('accuracy');
    const lastEnd = events.findLast((e) => e.status === 'epoch-end');
    expect(lastEnd?.status === 'epoch-end' && lastEnd.etaSeconds).toBe(0);
  });

  it('reports RMSE, MAE and R² for regression and accuracy for multiclass', async () => {
    const regression = await run(buildSpec({ task: 'regression', loss: 'huber' }), tabularData('regression'), { epochs: 3 });
    const v = regression.result.history[2].validation;
    expect(Object.keys(v ?? {}).sort()).toEqual(['loss', 'mae', 'r2', 'rmse']);
    expect(regression.result.history[2].train.rmse).toBeGreaterThan(0);
    const multiclass = await run(buildSpec({ task: 'multiclass' }), tabularData('multiclass'), { epochs: 2 });
    expect(multiclass.result.history[1].validation?.accuracy).toBeGreaterThan(0);
  });

  it('stops early and restores the best epoch weights', async () => {
    const spec = buildSpec();
    const data = tabularData('binary');
    const { model, optimizer } = buildModel(spec, data.inputs);
    const perEpoch = new Map<number, Uint8Array>();
    // A huge minDelta: only epoch 1 counts as an improvement, so patience 2 stops after epoch 3.
    const result = await trainModel({
      ...{ model, optimizer, task: spec.task, loss: spec.loss, train: data.train, validation: data.validation },
      epochs: 10,
      batchSize: 16,
      seed: 1,
      earlyStopping: { ...EARLY, patience: 2, minDelta: 1e9 },
      onProgress: async (e) => {
        if (e.status === 'epoch-end') perEpoch.set(e.epoch, new Uint8Array((await encodeModelWeights(model)).data));
      },
    });
    expect(result).toMatchObject({ status: 'early-stopped', epochs: 3, bestEpoch: 1 });
    expect(new Uint8Array((await encodeModelWeights(model)).data)).toEqual(perEpoch.get(1));
    expect(perEpoch.get(3)).not.toEqual(perEpoch.get(1));
    model.dispose();
    optimizer.dispose();
  });

  it('cancels between batches and ends "canceled" with the completed epochs', async () => {
    const controller = new AbortController();
    const { result, events } = await run(buildSpec(), tabularData('binary'), {
      signal: controller.signal,
      metricsEveryBatches: 1,
      onProgress: (e) => {
        if (e.status === 'batch' && e.epoch === 2 && e.batch === 3) controller.abort();
      },
    });
    expect(result).toMatchObject({ status: 'canceled', epochs: 1 });
    expect(events.filter((e) => e.status === 'batch' && e.epoch === 2)).toHaveLength(3);
  });

  it('keeps the tensor count flat across epochs and frees everything when model and optimizer are disposed', async () => {
    const start = tf.memory().numTensors;
    const counts = new Map<number, number>();
    await run(buildSpec(), tabularData('binary'), {
      epochs: 5,
      earlyStopping: EARLY,
      metricsEveryBatches: 2,
      checkpointEvery: 1,
      onProgress: (e) => {
        if (e.status === 'epoch-end') counts.set(e.epoch, tf.memory().numTensors);
      },
    });
    expect(counts.get(5)).toBe(counts.get(2));
    expect(tf.memory().numTensors).toBe(start);
  });

  it.each(Object.keys(OPTIMIZERS) as OptimizerSpec['name'][])('resumes from a checkpoint bit-identically with %s (dropout, batch norm, early stopping)', async (name) => {
    const spec = buildSpec({ optimizer: OPTIMIZERS[name], seed: 11 });
    const data = tabularData('binary');
    const options: Partial<TrainLoopOptions> = { epochs: 5, earlyStopping: { ...EARLY, patience: 4 } };
    const whole = await run(spec, data, options);

    const controller = new AbortController();
    let saved: TrainingCheckpoint | undefined;
    const first = await run(spec, data, {
      ...options,
      checkpointEvery: 1,
      signal: controller.signal,
      onProgress: (e) => {
        // Epoch 3 = 18 Adam steps, where beta2 ** 19 and 18 float32 multiplications differ (see checkpoint.ts).
        if (e.status === 'checkpoint' && e.epoch === 3) {
          saved = structuredClone(e.checkpoint);
          controller.abort();
        }
      },
    });
    expect(first.result.status).toBe('canceled');
    const resumed = await run(spec, data, { ...options, resumeFrom: saved });
    expect(resumed.events[0]).toEqual({ status: 'epoch-start', epoch: 4, epochs: 5 });
    const losses = (h: typeof whole.result.history) => h.map((r) => [r.train.loss, r.validation?.loss]);
    expect(losses(resumed.result.history)).toEqual(losses(whole.result.history));
    expect(resumed.result.bestEpoch).toBe(whole.result.bestEpoch);
    expect(resumed.weights).toEqual(whole.weights);
  });

  it('rejects bad labels, mismatched rows and early stopping without validation, naming the problem', async () => {
    const data = tabularData('binary');
    const badLabel = { ...data, train: { x: data.train.x, y: data.train.y.map((v, i) => (i === 4 ? 2 : v)) } };
    await expect(run(buildSpec(), badLabel)).rejects.toThrow("The training split's label at row 5 is 2; expected a class index from 0 to 1");
    const short = { ...data, validation: { x: data.validation.x.subarray(1), y: data.validation.y } };
    await expect(run(buildSpec(), short)).rejects.toThrow('The validation split has 127 feature values for 32 labels');
    await expect(run(buildSpec(), data, { validation: undefined, earlyStopping: EARLY })).rejects.toThrow('Early stopping watches "val_loss", but there is no validation split');
    await expect(run(buildSpec(), data, { batchSize: 0 })).rejects.toThrow('Batch size 0');
  });
});
