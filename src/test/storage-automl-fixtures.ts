/**
 * @file Factories for registering AutoML models in storage tests: an AutoML parent run (through the real
 * repositories) walked to a status, with its refit model stored as the `automl-model.json` artifact.
 */
import { AUTOML_MODEL_FILE, type AutoMLBest, type AutoMLModelFile } from '../protocol/automl';
import type { RunStatus } from '../protocol/run';
import { putArtifact } from '../storage/artifacts';
import { createAutoMLRun, updateAutoMLInfo } from '../storage/automl-runs';
import type { RunRecord } from '../storage/records';
import { transitionRun } from '../storage/run-status';
import type { WorkspaceDb } from '../storage/workspace-schema';
import { TEST_ENVIRONMENT, testTrainSpec } from './storage-run-fixtures';

/**
 * The header of a binary AutoML model over three columns (what registration reads: task, target, classes, inputs).
 * Its featurizer and members are placeholders: enough for the registry, not for scoring.
 */
export const TEST_AUTOML_MODEL: AutoMLModelFile = Object.freeze({
  format: 'benchtop-tabular',
  version: 1,
  task: 'binary',
  target: 'survived',
  classes: ['no', 'yes'],
  inputs: [
    { name: 'age', type: 'number' },
    { name: 'class', type: 'category' },
    { name: 'boarded', type: 'datetime' },
  ],
  featurizer: { actions: [], fitted: [], names: [] },
  members: [{ weight: 1, family: 'logistic', trial: 2, model: {} }],
}) as AutoMLModelFile;

/** Options of {@link makeAutoMLModelRun}. */
export interface AutoMLModelRunOptions {
  status?: RunStatus;
  /** The model file stored as the artifact; `false`: none (the job has not saved one). */
  model?: AutoMLModelFile | false;
  /** Dataset and version the run reads (the test spec's by default). */
  datasetId?: string;
  versionId?: string;
  best?: AutoMLBest;
}

/** An AutoML parent run walked to `status` (completed by default) holding `model` as its `automl-model.json`. */
export async function makeAutoMLModelRun(db: WorkspaceDb, options: AutoMLModelRunOptions = {}): Promise<RunRecord> {
  const spec = testTrainSpec({ seed: 5, ...(options.datasetId ? { datasetId: options.datasetId } : {}), ...(options.versionId ? { versionId: options.versionId } : {}) });
  const run = await createAutoMLRun(db, { spec, automl: { target: 'survived', budget: { trials: 4 }, seed: 5 }, environment: TEST_ENVIRONMENT, name: 'titanic automl' });
  const status = options.status ?? 'completed';
  if (status !== 'queued') await transitionRun(db, run.id, 'running');
  await updateAutoMLInfo(db, run.id, { task: 'binary', metric: 'accuracy' });
  await db.runs.update(run.id, { summary: [{ key: 'accuracy', value: 0.8 }, { key: 'accuracy_std', value: 0.03 }, { key: 'log-loss', value: Number.NaN }] });
  if (options.model !== false) {
    const artifact = await putArtifact(db, { runId: run.id, name: AUTOML_MODEL_FILE, mediaType: 'application/json', data: new Blob([JSON.stringify(options.model ?? TEST_AUTOML_MODEL)], { type: 'application/json' }) });
    await updateAutoMLInfo(db, run.id, { modelArtifactId: artifact.id, ...(options.best ? { best: options.best } : {}) });
  }
  if (status !== 'running' && status !== 'queued') await transitionRun(db, run.id, status, status === 'failed' ? { error: { message: 'test failure' } } : {});
  return (await db.runs.get(run.id)) as RunRecord;
}
