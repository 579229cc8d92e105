/**
 * @file Factories for model-registry storage tests: a completed training run holding the model artifacts a real
 * training job writes (`model.json`, weights, featurizer, signature, evaluation), through the real repositories.
 */
import type { RunStatus } from '../protocol/run';
import { putArtifact } from '../storage/artifacts';
import type { RunRecord } from '../storage/records';
import { transitionRun } from '../storage/run-status';
import type { WorkspaceDb } from '../storage/workspace-schema';
import { makeTestRun } from './storage-run-fixtures';

/** The `signature.json` of a three-class classifier over four numeric columns (the shape `saveModelArtifacts` writes). */
export const TEST_RUN_SIGNATURE = Object.freeze({
  version: 1,
  task: 'multiclass',
  inputs: [
    { name: 'sepal_length', type: 'number' },
    { name: 'sepal_width', type: 'number' },
    { name: 'petal_length', type: 'number' },
    { name: 'petal_width', type: 'number' },
  ],
  target: { name: 'species', type: 'category' },
  featureCount: 4,
  output: { kind: 'probabilities', shape: [3], classes: ['setosa', 'versicolor', 'virginica'] },
});

const json = (value: unknown) => new Blob([JSON.stringify(value)], { type: 'application/json' });

/**
 * A run walked to `status` (completed by default, with a summary) whose model artifacts are stored. `weights`
 * seeds the weight bytes so two runs' models differ.
 */
export async function makeTrainedRun(db: WorkspaceDb, options: { status?: RunStatus; kind?: 'train' | 'trial'; parentId?: string; weights?: number; withArtifacts?: boolean } = {}): Promise<RunRecord> {
  const run = await makeTestRun(db, { kind: options.kind ?? 'train', ...(options.parentId ? { parentId: options.parentId } : {}) }, 'running');
  if (options.withArtifacts !== false) {
    const modelJson = { format: 'layers-model', generatedBy: 'TensorFlow.js tfjs-layers v4.22.0', convertedBy: null, modelTopology: {}, weightsManifest: [{ paths: ['model.weights.bin'], weights: [{ name: 'w', shape: [2], dtype: 'float32' }] }] };
    await putArtifact(db, { runId: run.id, name: 'model.json', mediaType: 'application/json', data: json(modelJson) });
    await putArtifact(db, { runId: run.id, name: 'model.weights.bin', mediaType: 'application/octet-stream', data: Float32Array.of(options.weights ?? 1, -2).buffer });
    await putArtifact(db, { runId: run.id, name: 'featurizer.json', mediaType: 'application/json', data: json({ version: 1, pipeline: {} }) });
    await putArtifact(db, { runId: run.id, name: 'signature.json', mediaType: 'application/json', data: json(TEST_RUN_SIGNATURE) });
    await putArtifact(db, { runId: run.id, name: 'evaluation.json', mediaType: 'application/json', data: json({ version: 1, split: 'test' }) });
  }
  const status = options.status ?? 'completed';
  if (status === 'running') return run;
  return transitionRun(db, run.id, status, status === 'completed' ? { summary: [{ key: 'test_accuracy', value: 0.96 }, { key: 'val_loss', value: 0.12 }] } : status === 'failed' ? { error: { message: 'test failure' } } : {});
}
