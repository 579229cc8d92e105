import * as tf from '@tensorflow/tfjs';
import { beforeEach, describe, expect, it } from 'vitest';
import { FeaturePipeline } from '../core/features/pipeline';
import { evaluateClassification } from '../core/metrics/evaluate-classification';
import type { ClassificationReport, RegressionReport } from '../core/metrics/evaluation-report';
import { importModel, predictRows } from '../engines/tfjs/model-export';
import { getArtifactByName, listArtifacts } from '../storage/artifacts';
import { checkpointEpochs } from '../storage/checkpoints';
import { logsTail } from '../storage/logs';
import { metricKeys, metricSeries } from '../storage/metrics';
import { requireRun } from '../storage/run-status';
import type { WorkspaceDb } from '../storage/workspace-schema';
import { binaryCsv, importCsv, jobSpec, progressLog, queueRun, regressionCsv } from '../test/jobs-fixtures';
import { makeWorkspaceDb, resetStorage } from '../test/storage-fixtures';
import { loadModelArtifacts } from './model-artifacts';
import { prepareTrainData } from './train-data';
import type { EvaluationArtifact } from './train-evaluation';
import { createTrainJob } from './train-job';

const job = createTrainJob({ appVersion: '9.9.9-test', buildHash: 'abc123', probe: async () => [{ name: 'cpu', ok: true }] });

let workspaceId: string;
let db: WorkspaceDb;

beforeEach(async () => {
  await resetStorage();
  ({ workspaceId, db } = await makeWorkspaceDb());
});

async function artifactJson<T>(runId: string, name: string): Promise<T> {
  const artifact = await getArtifactByName(db, runId, name);
  if (!artifact) throw new Error(`no artifact ${name}`);
  const data = artifact.data instanceof Blob ? await artifact.data.arrayBuffer() : artifact.data;
  return JSON.parse(new TextDecoder().decode(data)) as T;
}

/** Every metric point of a run, without times. */
async function allMetrics(runId: string) {
  const keys = await metricKeys(db, runId);
  return Object.fromEntries(await Promise.all(keys.map(async (k) => [k, (await metricSeries(db, runId, k)).map((p) => [p.step, p.value])])));
}

describe('the training job', () => {
  it('trains a binary classifier to completion: metrics, logs, checkpoints, evaluation and a model that reloads', async () => {
    const version = await importCsv(workspaceId, db, binaryCsv());
    const spec = jobSpec(version);
    const run = await queueRun(db, spec);
    const tensorsBefore = tf.memory().numTensors;
    const { messages, onProgress } = progressLog();

    expect(await job.runTrain(workspaceId, run.id, onProgress)).toEqual({ status: 'completed' });
    expect(tf.memory().numTensors).toBe(tensorsBefore);

    const done = await requireRun(db, run.id);
    expect(done.status).toBe('completed');
    expect(done.startedAt).toBeTypeOf('number');
    expect(done.environment).toMatchObject({ appVersion: '9.9.9-test', buildHash: 'abc123', backend: 'cpu' });
    expect(done.environment.libraries).toContainEqual({ name: '@tensorflow/tfjs', version: tf.version.tfjs });
    expect(done.progress).toMatchObject({ epoch: 6, epochs: 6 });
    const summary = Object.fromEntries(done.summary.map((m) => [m.key, m.value]));
    expect(Object.keys(summary)).toEqual(expect.arrayContaining(['loss', 'accuracy', 'val_loss', 'val_accuracy', 'test_accuracy', 'test_roc_auc', 'epochs']));
    expect(summary.test_accuracy).toBeGreaterThan(0.8);

    expect(await metricKeys(db, run.id)).toEqual(
      expect.arrayContaining(['accuracy', 'batch_accuracy', 'batch_loss', 'loss', 'test_accuracy', 'val_accuracy', 'val_loss']),
    );
    expect((await metricSeries(db, run.id, 'val_loss')).map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6]);
    // 72 training rows, batch 16: 5 batches per epoch; a point every 2 batches and at the epoch's end.
    expect((await metricSeries(db, run.id, 'batch_loss')).map((p) => p.step).slice(0, 3)).toEqual([2, 4, 5]);
    expect(await checkpointEpochs(db, run.id)).toEqual([4, 6]);
    const log = (await logsTail(db, run.id, 50)).map((l) => l.message);
    expect(log).toContain('Backend: cpu');
    expect(log.some((m) => /^Data: 72 training, 24 validation, 24 test rows; 8 features/.test(m))).toBe(true);

    expect(messages[0].status).toBe('preparing');
    expect(messages.some((m) => m.status === 'training' && m.epoch === 6)).toBe(true);
    expect(messages.at(-1)).toEqual({ status: 'done', outcome: 'completed' });

    expect((await listArtifacts(db, run.id)).map((a) => a.name)).toEqual(['evaluation.json', 'featurizer.json', 'model.json', 'model.weights.bin', 'signature.json']);
    const evaluation = await artifactJson<EvaluationArtifact>(run.id, 'evaluation.json');
    const report = evaluation.report as ClassificationReport;
    expect(report).toMatchObject({ task: 'classification', sampleCount: 24, classNames: ['cat', 'dog'] });
    expect(report.accuracy).toBe(summary.test_accuracy);
    expect(evaluation.importance.groups.map((g) => g.name)).toEqual(['x1', 'x2', 'color']);
    expect(evaluation.importance.groups[0].mean).toBeGreaterThan(evaluation.importance.groups[2].mean);
    expect(await artifactJson(run.id, 'signature.json')).toMatchObject({
      task: 'binary',
      inputs: [{ name: 'x1', type: 'number' }, { name: 'x2', type: 'number' }, { name: 'color', type: 'category' }],
      output: { kind: 'probability', classes: ['cat', 'dog'] },
    });

    // The stored model and featurizer, reloaded, predict the test rows exactly as the job did.
    const stored = await loadModelArtifacts(db, run.id);
    const model = await importModel(stored.saved);
    const pipeline = FeaturePipeline.fromJSON(stored.featurizer.pipeline);
    const data = await prepareTrainData(db, version, spec);
    expect(pipeline.toJSON()).toEqual(data.pipeline.toJSON());
    const p = await predictRows(model, data.test.x);
    model.dispose();
    const probabilities = Float32Array.from([...p].flatMap((q) => [1 - q, q]));
    const again = evaluateClassification({ yTrue: Int32Array.from(data.test.y), probabilities, classCount: 2, classNames: ['cat', 'dog'] });
    expect(again.accuracy).toBe(report.accuracy);
    expect(again.logLoss).toEqual(report.logLoss);
  });

  it('trains a regression model and evaluates RMSE, MAE and R² on the test split', async () => {
    const version = await importCsv(workspaceId, db, regressionCsv());
    const run = await queueRun(db, jobSpec(version, { task: 'regression', target: 'y', epochs: 20, batchSize: 8, loss: 'mse' }));
    expect(await job.runTrain(workspaceId, run.id, () => undefined)).toEqual({ status: 'completed' });
    const done = await requireRun(db, run.id);
    const keys = done.summary.map((m) => m.key);
    expect(keys).toEqual(expect.arrayContaining(['loss', 'rmse', 'val_rmse', 'val_r2', 'test_rmse', 'test_mae', 'test_r2']));
    const r2 = done.summary.find((m) => m.key === 'test_r2')?.value as number;
    expect(r2).toBeGreaterThan(0.8);
    const evaluation = await artifactJson<EvaluationArtifact>(run.id, 'evaluation.json');
    expect((evaluation.report as RegressionReport).task).toBe('regression');
    expect(evaluation.importance).toMatchObject({ score: 'rmse', higherIsBetter: false });
    expect(await artifactJson(run.id, 'signature.json')).toMatchObject({ task: 'regression', output: { kind: 'value', shape: [1] } });
  });

  it('gives identical metrics for the same spec and seed on the CPU backend', async () => {
    const version = await importCsv(workspaceId, db, binaryCsv());
    const first = await queueRun(db, jobSpec(version));
    const second = await queueRun(db, jobSpec(version));
    await job.runTrain(workspaceId, first.id, () => undefined);
    await job.runTrain(workspaceId, second.id, () => undefined);
    expect(await allMetrics(second.id)).toEqual(await allMetrics(first.id));
    expect((await requireRun(db, second.id)).summary).toEqual((await requireRun(db, first.id)).summary);
    const other = await queueRun(db, jobSpec(version, { seed: 12 }));
    await job.runTrain(workspaceId, other.id, () => undefined);
    expect(await allMetrics(other.id)).not.toEqual(await allMetrics(first.id));
  });

  it('records why other backends were skipped when probing this machine', async () => {
    const probing = createTrainJob({ appVersion: '0.0.0' });
    const version = await importCsv(workspaceId, db, binaryCsv(40));
    const run = await queueRun(db, jobSpec(version, { epochs: 1 }));
    expect(await probing.runTrain(workspaceId, run.id, () => undefined)).toEqual({ status: 'completed' });
    const log = (await logsTail(db, run.id, 50)).map((l) => l.message);
    expect(log).toContain('Backend webgpu not used: not available: navigator.gpu is missing');
    expect(log).toContain('Backend wasm not used: the job asks for "cpu"');
  });
});
