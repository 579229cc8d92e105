/**
 * Registering AutoML runs: the refit model file copied as a `tabular` version, its signature read from the file,
 * metrics from the run, and the refusals (no model yet, an invalid file, a run in the wrong state).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { AUTOML_MODEL_FILE } from '../protocol/automl';
import { addTestVersion, makeWorkspaceDb, resetStorage } from '../test/storage-fixtures';
import { makeAutoMLModelRun, TEST_AUTOML_MODEL } from '../test/storage-automl-fixtures';
import { putArtifact } from './artifacts';
import { registerModelVersion, REGISTRABLE_RUN_KINDS } from './model-registration';
import { getModelFiles, readModelFile } from './model-versions';
import { deleteRun } from './runs';
import { getWorkspaceDb } from './connections';
import { exportWorkspace, importWorkspace } from './workspace-archive';
import type { WorkspaceDb } from './workspace-schema';

let db: WorkspaceDb;
let workspaceId: string;

beforeEach(async () => {
  await resetStorage();
  ({ db, workspaceId } = await makeWorkspaceDb());
});

const register = (runId: string, modelName = 'titanic-classifier') => registerModelVersion(db, { modelName, source: { kind: 'run', runId } });

describe('registering an AutoML run', () => {
  it('lists automl among the registrable run kinds', () => {
    expect(REGISTRABLE_RUN_KINDS).toEqual(['train', 'trial', 'automl']);
  });

  it('copies automl-model.json as a tabular version with the signature, metrics and lineage of the run', async () => {
    const run = await makeAutoMLModelRun(db, { best: { kind: 'ensemble', weights: [{ trial: 2, weight: 0.5 }, { trial: 3, weight: 0.5 }], mean: 0.83, std: 0.02 } });
    const { version, createdModel } = await register(run.id);
    expect(createdModel).toBe(true);
    expect(version).toMatchObject({ format: 'tabular', version: 1, sourceRunId: run.id, source: { kind: 'run', runId: run.id, runName: 'titanic automl', runKind: 'automl' } });
    expect(version.featurizerFile).toBeUndefined();
    expect(version.files.map((f) => [f.name, f.mediaType])).toEqual([[AUTOML_MODEL_FILE, 'application/json']]);
    expect(version.signature).toEqual({
      task: 'binary',
      inputs: [
        { name: 'age', type: 'number' },
        { name: 'class', type: 'category' },
        { name: 'boarded', type: 'datetime' },
      ],
      outputs: [{ name: 'survived', kind: 'probabilities', shape: [2], classes: ['no', 'yes'] }],
      target: { name: 'survived', type: 'category' },
    });
    // The recommended model (here the ensemble) gives the metric; NaN summary values are left out.
    expect(version.metrics).toEqual([{ key: 'accuracy', value: 0.83 }, { key: 'accuracy_std', value: 0.02 }]);
    expect(version.lineage).toEqual({ runId: run.id, datasetId: run.datasetId, datasetVersionId: run.datasetVersionId, contentHash: run.contentHash });
    expect(version.card.trainingData).toContain('Target column "survived"');
    expect((await db.runs.get(run.id))?.outputs).toContainEqual({ kind: 'modelVersion', id: version.id });
    expect(JSON.parse(new TextDecoder().decode(await readModelFile(db, version.id, AUTOML_MODEL_FILE)))).toEqual(TEST_AUTOML_MODEL);
    // A copy: the version keeps its file when the run goes.
    await deleteRun(db, run.id);
    expect((await getModelFiles(db, version.id)).map((f) => f.sha256)).toEqual(version.files.map((f) => f.sha256));
  });

  it('takes the metrics of the summary before the job chose a model, and the target type from the dataset version', async () => {
    const data = await addTestVersion(db);
    const model = { ...TEST_AUTOML_MODEL, task: 'regression' as const, target: 'n', classes: [], inputs: [{ name: 'label', type: 'category' }] };
    const run = await makeAutoMLModelRun(db, { model, datasetId: data.datasetId, versionId: data.versionId });
    const { version } = await register(run.id, 'n-regressor');
    expect(version.signature.outputs).toEqual([{ name: 'n', kind: 'value', shape: [1] }]);
    expect(version.signature.target).toEqual({ name: 'n', type: 'integer' });
    expect(version.metrics).toEqual([{ key: 'accuracy', value: 0.8 }, { key: 'accuracy_std', value: 0.03 }]);
    expect(version.card.trainingData).toMatch(/^Dataset "Test data", version imported from test\.csv \(10 rows\)/);
  });

  it('registers an AutoML run canceled after it saved its model, and refuses one without a model, saying why', async () => {
    const canceled = await makeAutoMLModelRun(db, { status: 'canceled' });
    expect((await register(canceled.id)).version.format).toBe('tabular');
    const searching = await makeAutoMLModelRun(db, { status: 'running', model: false });
    await expect(register(searching.id)).rejects.toThrow(/is running; only a completed run \(or an AutoML run canceled after it saved its model\) can be registered/);
    const early = await makeAutoMLModelRun(db, { status: 'canceled', model: false });
    await expect(register(early.id)).rejects.toThrow(`AutoML run "titanic automl" has no model yet (no ${AUTOML_MODEL_FILE} artifact): the recommended model is saved when the search ends, and this run was canceled before that`);
    const failed = await makeAutoMLModelRun(db, { status: 'failed' });
    await expect(register(failed.id)).rejects.toThrow(/is failed; only a completed run/);
    expect(await db.modelVersions.count()).toBe(1);
  });

  it('refuses a model file that is not JSON, or not an AutoML model, naming the field', async () => {
    const run = await makeAutoMLModelRun(db);
    await putArtifact(db, { runId: run.id, name: AUTOML_MODEL_FILE, mediaType: 'application/json', data: new Blob(['{"format":']) });
    await expect(register(run.id)).rejects.toThrow(`The ${AUTOML_MODEL_FILE} of run "titanic automl" is not valid JSON`);
    await putArtifact(db, { runId: run.id, name: AUTOML_MODEL_FILE, mediaType: 'application/json', data: new Blob([JSON.stringify({ ...TEST_AUTOML_MODEL, inputs: [] })]) });
    await expect(register(run.id)).rejects.toThrow(/^The AutoML model file is not valid: inputs: /);
    await putArtifact(db, { runId: run.id, name: AUTOML_MODEL_FILE, mediaType: 'application/json', data: new Blob([JSON.stringify({ ...TEST_AUTOML_MODEL, classes: ['only'] })]) });
    await expect(register(run.id)).rejects.toThrow('The AutoML model file is not valid: a binary model needs at least 2 classes; it lists 1');
    expect(await db.modelVersions.count()).toBe(0);
  });

  it('accepts a tabular model as uploaded files only with its automl-model.json', async () => {
    const file = new Blob([JSON.stringify(TEST_AUTOML_MODEL)]);
    const signature = { inputs: [{ name: 'age', type: 'number' }], outputs: [{ name: 'survived', kind: 'probabilities' as const, shape: [2], classes: ['no', 'yes'] }] };
    const { version } = await registerModelVersion(db, { modelName: 'uploaded', source: { kind: 'files', format: 'tabular', files: [{ name: AUTOML_MODEL_FILE, data: file }], signature } });
    expect(version.format).toBe('tabular');
    await expect(registerModelVersion(db, { modelName: 'uploaded', source: { kind: 'files', format: 'tabular', files: [{ name: 'other.json', data: file }], signature } })).rejects.toThrow(`A tabular model needs its ${AUTOML_MODEL_FILE} file`);
  });

  it('keeps a tabular version through a workspace archive', async () => {
    const run = await makeAutoMLModelRun(db);
    const { version } = await register(run.id);
    const copy = getWorkspaceDb((await importWorkspace(await exportWorkspace(workspaceId))).id);
    expect((await copy.modelVersions.get(version.id))?.format).toBe('tabular');
    expect(JSON.parse(new TextDecoder().decode(await readModelFile(copy, version.id, AUTOML_MODEL_FILE)))).toEqual(TEST_AUTOML_MODEL);
  });
});
