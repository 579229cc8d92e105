/**
 * @file Factories for bundle tests: a workspace holding a dataset version (the test columns, which round-trip as CSV),
 * finished runs on it with metrics, logs and model artifacts, a finished sweep with trials, and a registered model
 * version, all through the real repositories.
 */
import { unzipSync, zipSync } from 'fflate';
import type { RunStatus } from '../protocol/run';
import { putArtifact } from '../storage/artifacts';
import { appendLogs } from '../storage/logs';
import { appendMetrics } from '../storage/metrics';
import { registerModelVersion } from '../storage/model-registration';
import type { RunRecord } from '../storage/records';
import { transitionRun } from '../storage/run-status';
import { createRun, type NewRun } from '../storage/runs';
import { createSweepRun, createTrialRuns } from '../storage/sweeps';
import type { WorkspaceDb } from '../storage/workspace-schema';
import { TEST_RUN_SIGNATURE } from './storage-model-fixtures';
import { addTestVersion, makeWorkspaceDb } from './storage-fixtures';
import { TEST_ENVIRONMENT, testTrainSpec } from './storage-run-fixtures';
import { FIXTURE_HASH } from './train-spec-fixture';
import { testSweepSpec } from './sweep-spec-fixture';

/** A workspace with one dataset version (content hash `FIXTURE_HASH`, the hash the test specs name). */
export interface BundleLab {
  workspaceId: string;
  db: WorkspaceDb;
  datasetId: string;
  versionId: string;
}

/** A new workspace named `name` holding the test dataset version (`rows` rows). */
export async function makeBundleLab(name = 'Lab A', rows = 10): Promise<BundleLab> {
  const { workspaceId, db } = await makeWorkspaceDb(name);
  const { datasetId, versionId } = await addTestVersion(db, { contentHash: FIXTURE_HASH, rows, chunkRows: rows > 1000 ? 65_536 : 4, datasetName: 'Test data' });
  return { workspaceId, db, datasetId, versionId };
}

const json = (value: unknown) => new Blob([JSON.stringify(value)], { type: 'application/json' });

/**
 * A run on the lab's version walked to `status` (completed by default) with metrics (a NaN among them), two log lines
 * and the model artifacts a training job writes; `weights` seeds the weight bytes.
 */
export async function makeFinishedRun(lab: BundleLab, init: Partial<NewRun> = {}, options: { status?: RunStatus; weights?: number } = {}): Promise<RunRecord> {
  const { db } = lab;
  const spec = testTrainSpec({ datasetId: lab.datasetId, versionId: lab.versionId });
  let run = await createRun(db, { spec, environment: TEST_ENVIRONMENT, ...init });
  run = await transitionRun(db, run.id, 'running');
  const w = options.weights ?? 1;
  await appendMetrics(db, [
    { runId: run.id, key: 'loss', step: 1, value: 0.9 * w, time: 1000, split: 'train' },
    { runId: run.id, key: 'loss', step: 2, value: NaN, time: 1001, split: 'train' },
    { runId: run.id, key: 'val_loss', step: 1, value: 0.5 / w, time: 1002, split: 'validation' },
  ]);
  await appendLogs(db, run.id, [
    { level: 'info', message: `epoch 1, weights ${w}`, time: 1003 },
    { level: 'warn', message: '<b>not bold</b>', time: 1004 },
  ]);
  await putArtifact(db, { runId: run.id, name: 'model.json', mediaType: 'application/json', data: json({ format: 'layers-model', weightsManifest: [{ paths: ['model.weights.bin'], weights: [{ name: 'w', shape: [2], dtype: 'float32' }] }] }) });
  await putArtifact(db, { runId: run.id, name: 'model.weights.bin', mediaType: 'application/octet-stream', data: Float32Array.of(w, -2).buffer });
  await putArtifact(db, { runId: run.id, name: 'featurizer.json', mediaType: 'application/json', data: json({ version: 1, pipeline: {} }) });
  await putArtifact(db, { runId: run.id, name: 'signature.json', mediaType: 'application/json', data: json(TEST_RUN_SIGNATURE) });
  const status = options.status ?? 'completed';
  if (status === 'running') return run;
  return transitionRun(db, run.id, status, status === 'completed' ? { summary: [{ key: 'test_accuracy', value: 0.9 }, { key: 'val_loss', value: 0.5 / w }] } : status === 'failed' ? { error: { message: 'test failure' } } : {});
}

/** A completed sweep with `trials` completed trials (their weights 1, 2, ...). */
export async function makeFinishedSweep(lab: BundleLab, trials = 2): Promise<{ sweep: RunRecord; trials: RunRecord[] }> {
  const { db } = lab;
  const base = testTrainSpec({ datasetId: lab.datasetId, versionId: lab.versionId });
  let sweep = await createSweepRun(db, { spec: testSweepSpec({ maxTrials: trials }, base), environment: TEST_ENVIRONMENT, name: 'Test sweep' });
  sweep = await transitionRun(db, sweep.id, 'running');
  const created = await createTrialRuns(
    db,
    sweep.id,
    Array.from({ length: trials }, (_, n) => ({ number: n, params: { 'optimizer.learningRate': 0.01 * (n + 1) }, spec: base, name: `trial ${n}` })),
  );
  const finished: RunRecord[] = [];
  for (const [n, trial] of created.entries()) {
    const run = await transitionRun(db, trial.id, 'running');
    await appendMetrics(db, [{ runId: run.id, key: 'val_loss', step: 1, value: 0.4 + n, time: 2000 + n }]);
    await putArtifact(db, { runId: run.id, name: 'model.weights.bin', mediaType: 'application/octet-stream', data: Float32Array.of(n + 1, 3).buffer });
    finished.push(await transitionRun(db, run.id, 'completed', { summary: [{ key: 'val_loss', value: 0.4 + n }] }));
  }
  sweep = await transitionRun(db, sweep.id, 'completed');
  return { sweep, trials: finished };
}

/** Registers the model of a finished run as `modelName` (a version with the `champion` alias). */
export async function registerTestModel(lab: BundleLab, runId: string, modelName = 'iris-classifier') {
  return registerModelVersion(lab.db, { modelName, source: { kind: 'run', runId }, description: 'Test model', aliases: ['champion'] });
}

/** The entries of a zip. */
export async function unzipBlob(blob: Blob): Promise<Record<string, Uint8Array>> {
  return unzipSync(new Uint8Array(await blob.arrayBuffer()));
}

/** A zip of `entries` as a Blob (for hand-made and altered bundles). */
export function zipBlob(entries: Record<string, Uint8Array>): Blob {
  return new Blob([zipSync(entries) as Uint8Array<ArrayBuffer>], { type: 'application/zip' });
}
