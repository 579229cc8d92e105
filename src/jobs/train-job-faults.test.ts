import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { describeBackend, initBackend } from '../engines/tfjs/backend-setup';
import type { BackendProbe } from '../engines/tfjs/backends';
import type { GpuDeviceLike, GpuDeviceLostInfo } from '../engines/tfjs/device-loss';
import { listArtifacts } from '../storage/artifacts';
import { checkpointEpochs } from '../storage/checkpoints';
import { logsTail } from '../storage/logs';
import { metricKeys, metricSeries } from '../storage/metrics';
import { markInterruptedRuns } from '../storage/run-recovery';
import { requireRun } from '../storage/run-status';
import type { WorkspaceDb } from '../storage/workspace-schema';
import { binaryCsv, importCsv, jobSpec, numericVersion, queueRun } from '../test/jobs-fixtures';
import { makeWorkspaceDb, resetStorage } from '../test/storage-fixtures';
import type { BackendPlatform } from './train-backend';
import { createTrainJob, TrainJobAbandoned } from './train-job';

// No progress throttle: the tests act on the first message of an epoch.
const job = createTrainJob({ appVersion: '0.0.0-test', probe: async () => [{ name: 'cpu', ok: true }], progressIntervalMs: 0 });

let workspaceId: string;
let db: WorkspaceDb;

beforeEach(async () => {
  await resetStorage();
  ({ workspaceId, db } = await makeWorkspaceDb());
});

async function allMetrics(runId: string) {
  const keys = await metricKeys(db, runId);
  return Object.fromEntries(await Promise.all(keys.map(async (k) => [k, (await metricSeries(db, runId, k)).map((p) => [p.step, p.value])])));
}

/** Rows of a numeric table: x1, x2 uniform-ish, y = x1 > x2 (two classes), or as `change` edits them. */
function numbers(rows: number, change: (row: { x1: number; x2: number; y: number }, i: number) => void = () => undefined) {
  const table = { x1: [] as number[], x2: [] as number[], y: [] as number[] };
  for (let i = 0; i < rows; i++) {
    const row = { x1: ((i * 37) % 23) / 23, x2: ((i * 53) % 29) / 29, y: 0 };
    row.y = row.x1 > row.x2 ? 1 : 0;
    change(row, i);
    table.x1.push(row.x1);
    table.x2.push(row.x2);
    table.y.push(row.y);
  }
  return table;
}

/** Queues a run over hand-made numbers and runs it; returns the outcome and the stored run. */
async function trainOn(table: Record<string, number[]>, task: 'binary' | 'regression' = 'binary') {
  const version = await numericVersion(db, table);
  const run = await queueRun(db, jobSpec(version, { task, target: 'y', epochs: 2, loss: task === 'regression' ? 'mse' : 'crossentropy' }));
  const outcome = await job.runTrain(workspaceId, run.id, () => undefined);
  return { outcome, run: await requireRun(db, run.id) };
}

describe('canceling and resuming a training run', () => {
  it('cancels mid-run: the run ends canceled, the metrics so far are kept, no model is stored', async () => {
    const version = await importCsv(workspaceId, db, binaryCsv());
    const run = await queueRun(db, jobSpec(version));
    const tensorsBefore = tf.memory().numTensors;
    const outcome = await job.runTrain(workspaceId, run.id, (p) => {
      if (p.status === 'training' && p.epoch === 3) void job.cancel(run.id);
    });
    expect(outcome).toEqual({ status: 'canceled' });
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    const canceled = await requireRun(db, run.id);
    expect(canceled.status).toBe('canceled');
    expect(canceled.endedAt).toBeTypeOf('number');
    expect((await metricSeries(db, run.id, 'val_loss')).map((p) => p.step)).toEqual([1, 2]);
    expect(await listArtifacts(db, run.id)).toEqual([]);
    expect((await logsTail(db, run.id, 1))[0].message).toBe('Canceled');
  });

  it('resumes a run killed mid-training from its checkpoint and ends with the same metrics as an uninterrupted run', async () => {
    const version = await importCsv(workspaceId, db, binaryCsv());
    const reference = await queueRun(db, jobSpec(version));
    await job.runTrain(workspaceId, reference.id, () => undefined);

    const run = await queueRun(db, jobSpec(version));
    // Kill it in epoch 4 (checkpoints after epochs 2, 4, 6): no status change, as a closed tab or dead worker leaves it.
    const killed = job.runTrain(workspaceId, run.id, (p) => {
      if (p.status === 'training' && p.epoch === 4 && p.batch > 0) job.abandon(run.id);
    });
    await expect(killed).rejects.toBeInstanceOf(TrainJobAbandoned);
    expect((await requireRun(db, run.id)).status).toBe('running');
    expect(await checkpointEpochs(db, run.id)).toEqual([2]);
    expect((await metricSeries(db, run.id, 'val_loss')).map((p) => p.step)).toEqual([1, 2, 3]);

    expect(await markInterruptedRuns(db, () => false)).toEqual([run.id]);
    expect((await requireRun(db, run.id)).status).toBe('interrupted');
    expect(await job.runTrain(workspaceId, run.id, () => undefined)).toEqual({ status: 'completed' });
    expect((await logsTail(db, run.id, 100)).map((l) => l.message)).toContain('Resuming from the checkpoint after epoch 2');

    const resumed = await requireRun(db, run.id);
    expect(resumed.summary).toEqual((await requireRun(db, reference.id)).summary);
    expect(await allMetrics(run.id)).toEqual(await allMetrics(reference.id));
  });
});

describe('bad input ends the run failed, with a message naming the problem', () => {
  it('a target with one class', async () => {
    const { outcome, run } = await trainOn(numbers(30, (row) => (row.y = 1)));
    expect(outcome).toEqual({ status: 'failed', error: 'Target column "y" has one class ("1"); need at least two' });
    expect(run).toMatchObject({ status: 'failed', error: { message: outcome.error } });
    expect((await logsTail(db, run.id, 1))[0]).toMatchObject({ level: 'error', message: outcome.error });
  });

  it('a target that is all missing', async () => {
    const { outcome } = await trainOn(numbers(30, (row) => (row.y = Number.NaN)), 'regression');
    expect(outcome.error).toBe('Target column "y" has no values (all 30 rows are missing); choose another target');
  });

  it('an infinite feature value', async () => {
    const { outcome } = await trainOn(numbers(30, (row, i) => i === 7 && (row.x2 = Number.POSITIVE_INFINITY)));
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toMatch(/"x2".*row 8/);
  });

  it('missing (NaN) feature values are imputed, not an error', async () => {
    const { outcome, run } = await trainOn(numbers(40, (row, i) => i % 5 === 0 && (row.x1 = Number.NaN)));
    expect(outcome).toEqual({ status: 'completed' });
    expect(run.summary.find((m) => m.key === 'test_accuracy')).toBeDefined();
  });

  it('no rows left once rows without a target are dropped', async () => {
    const { outcome } = await trainOn(numbers(30, (row, i) => i >= 6 && (row.y = Number.NaN)));
    expect(outcome.error).toBe('Only 6 rows have a target in column "y" (24 missing); need at least 10 to split into train, validation and test');
  });

  it('a spec that does not fit the dataset version', async () => {
    const version = await numericVersion(db, numbers(30));
    const spec = { ...jobSpec(version, { target: 'y' }), data: { ...jobSpec(version, { target: 'y' }).data, features: ['x1', 'price'] } };
    const run = await queueRun(db, spec);
    const outcome = await job.runTrain(workspaceId, run.id, () => undefined);
    expect(outcome.error).toMatch(/data\.features\[1\]: no column "price" in this dataset version/);
  });

  it('refuses to start a run that is not queued or interrupted', async () => {
    const { run } = await trainOn(numbers(30));
    await expect(job.runTrain(workspaceId, run.id, () => undefined)).rejects.toThrow(`Run "${run.id}" is completed; only a queued or interrupted run can start`);
  });
});

/** A GPUDevice stand-in whose `lost` promise resolves when `destroy()` is called, as Chromium's does. */
class FakeDevice implements GpuDeviceLike {
  readonly lost: Promise<GpuDeviceLostInfo>;
  #resolve!: (info: GpuDeviceLostInfo) => void;
  constructor() {
    this.lost = new Promise((resolve) => (this.#resolve = resolve));
  }
  destroy(): void {
    this.#resolve({ reason: 'destroyed', message: 'Device was destroyed.' });
  }
}

const ADAPTER = { vendor: 'fake', architecture: 'test', description: 'Fake GPU', isFallbackAdapter: false };

/**
 * A "webgpu" backend for Node: it computes on the cpu backend (so its numbers equal a cpu run's) and owns a fake
 * device that tests lose mid-run. The other backends are TF.js's real ones.
 */
class FakeGpu {
  readonly devices: FakeDevice[] = [];
  onWebgpu = false;
  forgotten = 0;
  /** A fresh device after the first one fails to start (the GPU is gone). */
  freshFails = false;

  constructor(readonly others: BackendProbe[]) {}

  get device(): FakeDevice {
    return this.devices[this.devices.length - 1];
  }

  platform(): Partial<BackendPlatform> {
    return {
      probe: async () => [{ name: 'webgpu', ok: true, isFallbackAdapter: false }, ...this.others],
      init: async (name, options) => {
        if (name !== 'webgpu') {
          this.onWebgpu = false;
          return initBackend(name, options);
        }
        if (this.freshFails && this.devices.length > 0) throw new Error('Backend "webgpu" failed to start on this machine');
        await initBackend('cpu');
        this.devices.push(new FakeDevice());
        this.onWebgpu = true;
      },
      describe: async () => (this.onWebgpu ? { backend: 'webgpu', adapter: ADAPTER, tfjsVersion: tf.version.tfjs } : describeBackend()),
      webgpuDevice: () => (this.onWebgpu ? this.device : undefined),
      forgetWebgpu: () => void this.forgotten++,
    };
  }
}

describe('a WebGPU device lost mid-run', () => {
  afterAll(() => initBackend('cpu'));

  /** A webgpu run over the binary CSV, with a cpu reference run of the same spec; `lose` decides when to destroy. */
  async function lossyRun(gpu: FakeGpu, lose: (epoch: number, batch: number, losses: number) => boolean) {
    const version = await importCsv(workspaceId, db, binaryCsv());
    const reference = await queueRun(db, jobSpec(version));
    await job.runTrain(workspaceId, reference.id, () => undefined);
    const run = await queueRun(db, jobSpec(version, { backend: 'webgpu' }));
    const gpuJob = createTrainJob({ appVersion: '0.0.0-test', platform: gpu.platform(), progressIntervalMs: 0 });
    let losses = 0;
    const tensorsBefore = tf.memory().numTensors;
    const outcome = await gpuJob.runTrain(workspaceId, run.id, (p) => {
      if (p.status === 'training' && p.batch > 0 && gpu.onWebgpu && lose(p.epoch, p.batch, losses)) {
        losses++;
        expect(gpuJob.loseDevice()).toBe(true);
      }
    });
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    const messages = (await logsTail(db, run.id, 200)).map((l) => l.message);
    return { outcome, run: await requireRun(db, run.id), reference: await requireRun(db, reference.id), messages, gpuJob };
  }

  it('resumes from the checkpoint on the next backend when no fresh GPU device starts, and ends as an uninterrupted run', async () => {
    const gpu = new FakeGpu([{ name: 'cpu', ok: true }]);
    gpu.freshFails = true;
    const { outcome, run, reference, messages } = await lossyRun(gpu, (epoch, _batch, losses) => epoch === 3 && losses === 0);

    expect(outcome).toEqual({ status: 'completed' });
    expect(run.status).toBe('completed');
    expect(run.progress).toMatchObject({ epoch: 6, epochs: 6 });
    expect(run.environment.backend).toBe('cpu');
    expect(run.environment.adapter).toBeUndefined();
    expect(run.environment.libraries.map((l) => l.name)).toEqual(expect.arrayContaining(['@tensorflow/tfjs-backend-webgpu', '@tensorflow/tfjs-backend-cpu']));
    expect(messages).toContain('After the GPU device loss, a fresh WebGPU device did not start (Backend "webgpu" failed to start on this machine); trying another backend');
    expect(messages).toContain('GPU device lost: Device was destroyed; resuming from checkpoint epoch 2 on cpu');
    expect(gpu.forgotten).toBe(2);
    // The epochs before the loss ran on the (cpu-computing) fake GPU, the rest on cpu: the same numbers as a cpu run.
    expect(run.summary).toEqual(reference.summary);
    expect(await allMetrics(run.id)).toEqual(await allMetrics(reference.id));
    expect((await metricSeries(db, run.id, 'val_loss')).map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('first tries a fresh WebGPU device, and records it', async () => {
    const gpu = new FakeGpu([{ name: 'cpu', ok: true }]);
    const { outcome, run, reference, messages } = await lossyRun(gpu, (epoch, _batch, losses) => epoch === 4 && losses === 0);
    expect(outcome).toEqual({ status: 'completed' });
    expect(gpu.devices).toHaveLength(2);
    expect(gpu.forgotten).toBe(2);
    expect(run.environment).toMatchObject({ backend: 'webgpu', adapter: ADAPTER });
    expect(messages).toContain('GPU device lost: Device was destroyed; resuming from checkpoint epoch 2 on webgpu');
    expect(run.summary).toEqual(reference.summary);
  });

  it('falls back to wasm (the auto choice without webgpu) and records it as the backend', async () => {
    const gpu = new FakeGpu([{ name: 'wasm', ok: true }, { name: 'cpu', ok: true }]);
    gpu.freshFails = true;
    const { outcome, run, messages } = await lossyRun(gpu, (epoch, batch, losses) => epoch === 5 && batch >= 2 && losses === 0);
    expect(outcome).toEqual({ status: 'completed' });
    expect(run.environment.backend).toBe('wasm');
    expect(run.environment.libraries.map((l) => l.name)).toEqual(expect.arrayContaining(['@tensorflow/tfjs-backend-webgpu', '@tensorflow/tfjs-backend-wasm']));
    expect(messages).toContain('GPU device lost: Device was destroyed; resuming from checkpoint epoch 4 on wasm');
    expect(run.summary.find((m) => m.key === 'epochs')?.value).toBe(6);
    expect((await metricSeries(db, run.id, 'val_loss')).map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(run.summary.find((m) => m.key === 'test_accuracy')?.value).toBeGreaterThan(0.8);
  });

  it('is interrupted, not failed, when no backend can take over', async () => {
    const gpu = new FakeGpu([]);
    gpu.freshFails = true;
    const { outcome, run } = await lossyRun(gpu, (epoch, _batch, losses) => epoch === 3 && losses === 0);
    expect(outcome.status).toBe('interrupted');
    expect(outcome.error).toMatch(
      /^GPU device lost: Device was destroyed; a fresh WebGPU device did not start \(Backend "webgpu" failed to start on this machine\), and no other backend could start \(No backend can train this model here \(webgpu: not available: its GPU device was lost during this run; .*\)\); the run is interrupted: Resume continues from the checkpoint after epoch 2$/,
    );
    expect(run).toMatchObject({ status: 'interrupted', error: { message: outcome.error, code: 'GpuDeviceLost' } });
    expect(run.summary).toEqual([]);
    expect(await listArtifacts(db, run.id)).toEqual([]);
    expect((await logsTail(db, run.id, 1))[0]).toMatchObject({ level: 'error', message: outcome.error });
  });

  it('is interrupted on the second loss, and a resume then completes it from the checkpoint', async () => {
    const gpu = new FakeGpu([{ name: 'cpu', ok: true }]);
    const { outcome, run, reference, gpuJob } = await lossyRun(gpu, (epoch, _batch, losses) => (epoch === 3 && losses === 0) || (epoch === 5 && losses === 1));
    expect(outcome).toEqual({
      status: 'interrupted',
      error: 'GPU device lost twice during this run (last: Device was destroyed); the run is interrupted: Resume continues from the checkpoint after epoch 4',
    });
    expect(run).toMatchObject({ status: 'interrupted', error: { code: 'GpuDeviceLost' } });
    expect(await metricKeys(db, run.id)).not.toContain('test_accuracy');
    expect(await listArtifacts(db, run.id)).toEqual([]);

    expect(await gpuJob.runTrain(workspaceId, run.id, () => undefined)).toEqual({ status: 'completed' });
    const resumed = await requireRun(db, run.id);
    expect(resumed.error).toBeUndefined();
    expect(resumed.summary).toEqual(reference.summary);
    expect((await logsTail(db, run.id, 100)).map((l) => l.message)).toContain('Resuming from the checkpoint after epoch 4');
  });
});
