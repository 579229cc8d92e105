/**
 * The model registry in storage: registration from runs and files, version numbering, aliases, cards, tags,
 * lineage, and deletion (asking first for aliased versions, refusing deployed ones).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { MODEL_ARTIFACTS } from '../jobs/model-artifacts';
import { makeWorkspaceDb, resetStorage } from '../test/storage-fixtures';
import { makeTrainedRun } from '../test/storage-model-fixtures';
import { makeTestRun } from '../test/storage-run-fixtures';
import { checkAlias, removeModelAlias, resolveModelAlias, setModelAlias } from './model-aliases';
import { RUN_MODEL_FILES, registerModelVersion } from './model-registration';
import {
  ModelVersionAliasedError,
  deleteModelVersion,
  findModelVersion,
  getModelFiles,
  listModelVersions,
  modelVersionsOfRun,
  readModelFile,
  setModelVersionTags,
  updateModelCard,
} from './model-versions';
import { deleteModel, getModelByName, listModels, renameModel, setModelTags } from './models';
import { deleteRun } from './runs';
import type { WorkspaceDb } from './workspace-schema';

beforeEach(resetStorage);

async function freshDb(): Promise<WorkspaceDb> {
  return (await makeWorkspaceDb()).db;
}

describe('registering a model version', () => {
  it('uses the artifact names the training job writes', () => {
    expect(RUN_MODEL_FILES).toEqual(MODEL_ARTIFACTS);
  });

  it('registers a completed run: copies its files, signature, metrics and lineage, and adds a run output', async () => {
    const db = await freshDb();
    const run = await makeTrainedRun(db);
    const { model, version, createdModel } = await registerModelVersion(db, { modelName: '  iris-classifier ', source: { kind: 'run', runId: run.id }, description: 'Predicts the species', tags: ['iris'] });
    expect(createdModel).toBe(true);
    expect(model).toMatchObject({ name: 'iris-classifier', description: 'Predicts the species', latestVersion: 1 });
    expect(version).toMatchObject({ modelId: model.id, version: 1, format: 'tfjs', sourceRunId: run.id, featurizerFile: 'featurizer.json', tags: ['iris'], aliases: [] });
    expect(version.source).toEqual({ kind: 'run', runId: run.id, runName: run.name, runKind: 'train' });
    expect(version.files.map((f) => f.name)).toEqual(['model.json', 'model.weights.bin', 'featurizer.json', 'signature.json', 'evaluation.json']);
    expect(version.signature.inputs.map((i) => i.name)).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
    expect(version.signature.outputs).toEqual([{ name: 'species', kind: 'probabilities', shape: [3], classes: ['setosa', 'versicolor', 'virginica'] }]);
    expect(version.signature.task).toBe('multiclass');
    expect(version.metrics).toEqual([{ key: 'test_accuracy', value: 0.96 }, { key: 'val_loss', value: 0.12 }]);
    expect(version.lineage).toEqual({ runId: run.id, datasetId: run.datasetId, datasetVersionId: run.datasetVersionId, contentHash: run.contentHash });
    expect(version.card.description).toBe('Predicts the species');
    expect(version.card.trainingData).toContain(run.contentHash.slice(0, 12));
    expect((await db.runs.get(run.id))?.outputs).toEqual([{ kind: 'modelVersion', id: version.id }]);
    expect(new Float32Array(await readModelFile(db, version.id, 'model.weights.bin'))).toEqual(Float32Array.of(1, -2));
  });

  it('keeps the copied files when the run is deleted', async () => {
    const db = await freshDb();
    const run = await makeTrainedRun(db, { weights: 7 });
    const { version } = await registerModelVersion(db, { modelName: 'm', source: { kind: 'run', runId: run.id } });
    await deleteRun(db, run.id);
    expect(await db.artifacts.count()).toBe(0);
    const files = await getModelFiles(db, version.id);
    expect(files.map((f) => f.name)).toEqual(version.files.map((f) => f.name));
    expect(new Float32Array(await readModelFile(db, version.id, 'model.weights.bin'))).toEqual(Float32Array.of(7, -2));
    expect(files.every((f, i) => f.sha256 === version.files[i].sha256 && f.sha256.length === 64)).toBe(true);
  });

  it('refuses a failed run, a running run, a sweep parent and a run without a model, naming why', async () => {
    const db = await freshDb();
    const failed = await makeTrainedRun(db, { status: 'failed' });
    await expect(registerModelVersion(db, { modelName: 'm', source: { kind: 'run', runId: failed.id } })).rejects.toThrow(/is failed; only a completed run/);
    const running = await makeTrainedRun(db, { status: 'running' });
    await expect(registerModelVersion(db, { modelName: 'm', source: { kind: 'run', runId: running.id } })).rejects.toThrow(/is running/);
    const sweep = await makeTestRun(db, { kind: 'sweep' }, 'completed');
    await expect(registerModelVersion(db, { modelName: 'm', source: { kind: 'run', runId: sweep.id } })).rejects.toThrow(/sweep run; only train and trial/);
    const empty = await makeTrainedRun(db, { withArtifacts: false });
    await expect(registerModelVersion(db, { modelName: 'm', source: { kind: 'run', runId: empty.id } })).rejects.toThrow(/no artifact "model.json"/);
    await expect(registerModelVersion(db, { modelName: 'm', source: { kind: 'run', runId: 'nope' } })).rejects.toThrow(/does not exist/);
    expect(await db.models.count()).toBe(0);
    expect(await db.modelFiles.count()).toBe(0);
  });

  it('numbers versions per model, never reusing a deleted number', async () => {
    const db = await freshDb();
    const runs = [await makeTrainedRun(db), await makeTrainedRun(db), await makeTrainedRun(db)];
    const a1 = await registerModelVersion(db, { modelName: 'a', source: { kind: 'run', runId: runs[0].id } });
    const a2 = await registerModelVersion(db, { modelName: 'a', source: { kind: 'run', runId: runs[1].id }, description: 'second' });
    const b1 = await registerModelVersion(db, { modelName: 'b', source: { kind: 'run', runId: runs[0].id } });
    expect([a1.version.version, a2.version.version, b1.version.version]).toEqual([1, 2, 1]);
    expect(a2.createdModel).toBe(false);
    expect(a2.model.id).toBe(a1.model.id);
    expect(a2.model.description).toBe('second');
    await deleteModelVersion(db, a2.version.id);
    const a3 = await registerModelVersion(db, { modelName: 'a', source: { kind: 'run', runId: runs[2].id } });
    expect(a3.version.version).toBe(3);
    expect((await listModelVersions(db, a1.model.id)).map((v) => v.version)).toEqual([3, 1]);
    expect((await modelVersionsOfRun(db, runs[0].id)).map((r) => `${r.model?.name} v${r.version.version}`)).toEqual(['a v1', 'b v1']);
  });

  it('registers uploaded ONNX files with a checked signature', async () => {
    const db = await freshDb();
    const onnx = new Blob([Uint8Array.of(8, 7, 18, 0)]);
    const { version } = await registerModelVersion(db, {
      modelName: 'imported',
      source: {
        kind: 'files', format: 'onnx', files: [{ name: 'model.onnx', data: onnx }],
        signature: { inputs: [{ name: 'input', type: 'float32', shape: [-1, 4] }], outputs: [{ name: 'probs', kind: 'tensor', shape: [-1, 3] }] },
        metrics: [{ key: 'accuracy', value: 0.9 }, { key: 'bad', value: NaN }],
      },
    });
    expect(version).toMatchObject({ format: 'onnx', source: { kind: 'files' }, metrics: [{ key: 'accuracy', value: 0.9 }] });
    expect(version.sourceRunId).toBeUndefined();
    expect(version.files).toEqual([{ name: 'model.onnx', mediaType: 'application/octet-stream', size: 4, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    const file = (source: object) => registerModelVersion(db, { modelName: 'x', source: { kind: 'files', format: 'onnx', files: [{ name: 'model.onnx', data: onnx }], signature: { inputs: [], outputs: [] }, ...source } as never });
    await expect(file({})).rejects.toThrow(/signature is not valid: outputs/);
    await expect(file({ format: 'tfjs', signature: { inputs: [], outputs: [{ name: 'y', kind: 'value', shape: [1] }] } })).rejects.toThrow(/needs a model.json/);
    await expect(file({ files: [{ name: 'a\u0000.onnx', data: onnx }] })).rejects.toThrow(/File name/);
    await expect(file({ files: [{ name: 'a.onnx', data: new Blob([]) }] })).rejects.toThrow(/is empty/);
  });

  it('refuses bad names and keeps hostile ones as plain strings', async () => {
    const db = await freshDb();
    const run = await makeTrainedRun(db);
    await expect(registerModelVersion(db, { modelName: '   ', source: { kind: 'run', runId: run.id } })).rejects.toThrow(/Model name/);
    await expect(registerModelVersion(db, { modelName: 'x'.repeat(201), source: { kind: 'run', runId: run.id } })).rejects.toThrow(/1 to 200/);
    const hostile = '<img src=x onerror=alert(1)>';
    const { model } = await registerModelVersion(db, { modelName: hostile, source: { kind: 'run', runId: run.id } });
    expect((await getModelByName(db, hostile))?.id).toBe(model.id);
  });
});

describe('aliases', () => {
  it('moves an alias between versions of one model, leaving other models alone', async () => {
    const db = await freshDb();
    const run = await makeTrainedRun(db);
    const v1 = (await registerModelVersion(db, { modelName: 'a', source: { kind: 'run', runId: run.id }, aliases: ['Champion'] })).version;
    const v2 = (await registerModelVersion(db, { modelName: 'a', source: { kind: 'run', runId: run.id } })).version;
    const other = (await registerModelVersion(db, { modelName: 'b', source: { kind: 'run', runId: run.id }, aliases: ['champion'] })).version;
    expect(v1.aliases).toEqual(['champion']);
    const move = await setModelAlias(db, v2.id, 'champion');
    expect(move).toEqual({ alias: 'champion', from: { versionId: v1.id, version: 1 }, to: { versionId: v2.id, version: 2 } });
    expect((await db.modelVersions.get(v1.id))?.aliases).toEqual([]);
    expect((await db.modelVersions.get(v2.id))?.aliases).toEqual(['champion']);
    expect((await db.modelVersions.get(other.id))?.aliases).toEqual(['champion']);
    expect((await resolveModelAlias(db, v1.modelId, 'champion'))?.id).toBe(v2.id);
    expect((await findModelVersion(db, 'a', { alias: 'champion' }))?.version.version).toBe(2);
    expect((await findModelVersion(db, 'a', 'latest'))?.version.version).toBe(2);
    expect((await findModelVersion(db, 'a', { version: 1 }))?.version.id).toBe(v1.id);
    // Setting it again where it is changes nothing.
    expect((await setModelAlias(db, v2.id, 'champion')).from).toBeUndefined();
    expect(await removeModelAlias(db, v2.id, 'champion')).toBe(true);
    expect(await resolveModelAlias(db, v1.modelId, 'champion')).toBeUndefined();
    const [item] = (await listModels(db, 'b'));
    expect(item.aliases).toEqual([{ alias: 'champion', version: 1, versionId: other.id }]);
  });

  it('refuses malformed and reserved aliases', () => {
    expect(checkAlias(' Challenger ')).toBe('challenger');
    expect(() => checkAlias('<b>')).toThrow(/not valid/);
    expect(() => checkAlias('1st')).toThrow(/not valid/);
    expect(() => checkAlias('latest')).toThrow(/reserved/);
    expect(() => checkAlias('v2')).toThrow(/reserved/);
  });
});

describe('editing and deleting', () => {
  it('updates the card and tags, searches, and renames', async () => {
    const db = await freshDb();
    const run = await makeTrainedRun(db);
    const { model, version } = await registerModelVersion(db, { modelName: 'iris', source: { kind: 'run', runId: run.id } });
    const card = await updateModelCard(db, version.id, { intendedUse: '  Teaching only  ', limitations: '<script>x</script>' });
    expect(card).toMatchObject({ intendedUse: 'Teaching only', limitations: '<script>x</script>' });
    expect(card.trainingData).toBe(version.card.trainingData);
    await expect(updateModelCard(db, version.id, { description: 'x'.repeat(20_001) })).rejects.toThrow(/at most 20000/);
    await setModelVersionTags(db, version.id, ['a', ' a ', 'b']);
    expect((await db.modelVersions.get(version.id))?.tags).toEqual(['a', 'b']);
    await setModelTags(db, model.id, ['flowers']);
    expect((await listModels(db, 'FLOW')).map((i) => i.model.name)).toEqual(['iris']);
    expect(await listModels(db, 'nothing')).toEqual([]);
    const other = await registerModelVersion(db, { modelName: 'other', source: { kind: 'run', runId: run.id } });
    await expect(renameModel(db, other.model.id, 'iris')).rejects.toThrow(/already exists/);
    expect((await renameModel(db, other.model.id, 'setosa')).name).toBe('setosa');
  });

  it('asks before deleting a version holding an alias, and refuses a deployed one', async () => {
    const db = await freshDb();
    const run = await makeTrainedRun(db);
    const { model, version } = await registerModelVersion(db, { modelName: 'iris', source: { kind: 'run', runId: run.id }, aliases: ['champion'] });
    const refused = await deleteModelVersion(db, version.id).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(ModelVersionAliasedError);
    expect((refused as ModelVersionAliasedError).aliases).toEqual(['champion']);
    expect(await db.modelVersions.count()).toBe(1);

    await db.endpoints.add({ id: 'e1', name: 'prod', createdAt: 1, updatedAt: 1 });
    await db.deployments.add({ id: 'd1', endpointId: 'e1', modelVersionId: version.id, trafficPercent: 100, createdAt: 1, updatedAt: 1 });
    await expect(deleteModelVersion(db, version.id, { force: true })).rejects.toThrow(/deployed to endpoint "prod"/);
    await expect(deleteModel(db, model.id, { force: true })).rejects.toThrow(/deployed to endpoint "prod"/);
    await db.deployments.delete('d1');

    expect(await deleteModelVersion(db, version.id, { force: true })).toBe(true);
    expect(await db.modelFiles.count()).toBe(0);
    expect((await db.runs.get(run.id))?.outputs).toEqual([]);
    expect((await db.models.get(model.id))?.latestVersion).toBe(1);
    expect(await deleteModelVersion(db, version.id)).toBe(false);
  });

  it('deletes a model with its versions, asking first when one holds an alias', async () => {
    const db = await freshDb();
    const run = await makeTrainedRun(db);
    const { model } = await registerModelVersion(db, { modelName: 'iris', source: { kind: 'run', runId: run.id }, aliases: ['challenger'] });
    await registerModelVersion(db, { modelName: 'iris', source: { kind: 'run', runId: run.id } });
    await expect(deleteModel(db, model.id)).rejects.toThrow(/has aliases \(challenger → version 1\)/);
    expect(await deleteModel(db, model.id, { force: true })).toHaveLength(2);
    expect([await db.models.count(), await db.modelVersions.count(), await db.modelFiles.count()]).toEqual([0, 0, 0]);
    expect((await db.runs.get(run.id))?.outputs).toEqual([]);
  });
});
