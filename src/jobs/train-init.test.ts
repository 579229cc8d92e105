import * as tf from '@tensorflow/tfjs';
import { beforeEach, describe, expect, it } from 'vitest';
import { logsTail } from '../storage/logs';
import { registerModelVersion } from '../storage/model-registration';
import { requireRun } from '../storage/run-status';
import type { WorkspaceDb } from '../storage/workspace-schema';
import { binaryCsv, importCsv, jobSpec, progressLog, queueRun } from '../test/jobs-fixtures';
import { makeWorkspaceDb, resetStorage } from '../test/storage-fixtures';
import { loadModelArtifacts } from './model-artifacts';
import { createTrainJob } from './train-job';

const job = createTrainJob({ appVersion: '9.9.9-test', probe: async () => [{ name: 'cpu', ok: true }] });

let workspaceId: string;
let db: WorkspaceDb;

beforeEach(async () => {
  await resetStorage();
  ({ workspaceId, db } = await makeWorkspaceDb());
});

/** The stored weights of a completed run, decoded, in save order. */
async function runWeights(runId: string): Promise<Float32Array[]> {
  const { saved } = await loadModelArtifacts(db, runId);
  const named = tf.io.decodeWeights(saved.weightData as ArrayBuffer, saved.weightSpecs);
  const out = saved.weightSpecs.map((s) => named[s.name].dataSync() as Float32Array);
  tf.dispose(Object.values(named));
  return out;
}

function maxAbsDiff(a: Float32Array[], b: Float32Array[]): number {
  let max = 0;
  a.forEach((w, i) => w.forEach((x, k) => (max = Math.max(max, Math.abs(x - b[i][k])))));
  return max;
}

/** Trains the base model and registers it; returns its version and the dataset version. */
async function registeredBase() {
  const dataset = await importCsv(workspaceId, db, binaryCsv());
  const base = await queueRun(db, jobSpec(dataset));
  expect(await job.runTrain(workspaceId, base.id, progressLog().onProgress)).toEqual({ status: 'completed' });
  const { version } = await registerModelVersion(db, { modelName: 'base', source: { kind: 'run', runId: base.id } });
  return { dataset, base, version };
}

describe('fine-tuning (spec.init)', () => {
  it('starts from the registered version\'s weights and records it as an input', async () => {
    const { dataset, base, version } = await registeredBase();
    // A learning rate so small that training cannot move the weights visibly: what is saved is what was loaded.
    const still = { optimizer: { name: 'sgd', learningRate: 1e-9 }, epochs: 1, seed: 99 };
    const tuned = await queueRun(db, jobSpec(dataset, { ...still, init: { kind: 'model-version', modelVersionId: version.id } }));
    const fresh = await queueRun(db, jobSpec(dataset, still));
    const tensorsBefore = tf.memory().numTensors;
    expect(await job.runTrain(workspaceId, tuned.id, progressLog().onProgress)).toEqual({ status: 'completed' });
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(await job.runTrain(workspaceId, fresh.id, progressLog().onProgress)).toEqual({ status: 'completed' });

    const baseWeights = await runWeights(base.id);
    expect(maxAbsDiff(await runWeights(tuned.id), baseWeights)).toBeLessThan(1e-5);
    expect(maxAbsDiff(await runWeights(fresh.id), baseWeights)).toBeGreaterThan(1e-2);

    const done = await requireRun(db, tuned.id);
    expect(done.inputs).toEqual([{ kind: 'datasetVersion', id: dataset.id }, { kind: 'modelVersion', id: version.id }]);
    const log = (await logsTail(db, tuned.id, 50)).map((l) => l.message);
    expect(log).toContain(`Fine-tuning: starting from the weights of model version 1 (${version.id}) (${baseWeights.length} tensors)`);
  }, 60_000);

  it('fails naming the first weight whose shape differs', async () => {
    const { dataset, version } = await registeredBase();
    const wider = await queueRun(db, jobSpec(dataset, { model: { family: 'mlp', layers: [{ units: 16, activation: 'relu' }] }, init: { kind: 'model-version', modelVersionId: version.id } }));
    const outcome = await job.runTrain(workspaceId, wider.id, progressLog().onProgress);
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toMatch(/^init: weight 1 \(".*kernel"\) of the spec's model has shape \[8, 16\], but model version 1 \(.*\) has \[8, 8\] there/);
    expect((await requireRun(db, wider.id)).status).toBe('failed');

    const deeper = await queueRun(db, jobSpec(dataset, { model: { family: 'mlp', layers: [{ units: 8, activation: 'relu' }, { units: 8, activation: 'relu' }] }, init: { kind: 'model-version', modelVersionId: version.id } }));
    const deeperOutcome = await job.runTrain(workspaceId, deeper.id, progressLog().onProgress);
    expect(deeperOutcome.error).toMatch(/^init: weight 3 .* has shape \[8, 8\], but .* has \[8, 1\] there/);
  }, 60_000);

  it('fails naming a version that is not in the registry', async () => {
    const dataset = await importCsv(workspaceId, db, binaryCsv());
    const run = await queueRun(db, jobSpec(dataset, { init: { kind: 'model-version', modelVersionId: 'no-such-version' } }));
    const outcome = await job.runTrain(workspaceId, run.id, progressLog().onProgress);
    expect(outcome).toEqual({ status: 'failed', error: 'init.modelVersionId: model version "no-such-version" is not in this workspace\'s registry' });
  }, 30_000);
});
