/**
 * The sync runner with parents and children, against the MLflow test server: a sweep's and an AutoML job's trials
 * pushed nested under their parent's MLflow run (`mlflow.parentRunId`), the parent first and once, and a model
 * alias removed here deleted there.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUTOML_MODEL_FILE } from '../protocol/automl';
import { addAutoMLTrial } from '../storage/automl-runs';
import { removeModelAlias } from '../storage/model-aliases';
import { registerModelVersion } from '../storage/model-registration';
import type { SyncQueueRecord } from '../storage/records';
import { transitionRun } from '../storage/run-status';
import { makeFinishedSweep } from '../test/bundle-fixtures';
import { makeAutoMLModelRun } from '../test/storage-automl-fixtures';
import { makeTrainedRun } from '../test/storage-model-fixtures';
import { addTestVersion, resetStorage } from '../test/storage-fixtures';
import { FIXTURE_HASH } from '../test/train-spec-fixture';
import { itemOf, startRunnerLab, stateIs, until, type RunnerLab } from './sync-runner-fixtures';

let lab: RunnerLab | undefined;

beforeEach(resetStorage);
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

/** The server's runs by their `benchtop.run_id` tag. */
function remoteByLocalId(server: RunnerLab['server']) {
  return new Map([...server.tracking.runs.values()].map((run) => [run.tags.get('benchtop.run_id'), run]));
}

describe('sync runner: nested runs', () => {
  it('pushes a sweep and its trials once, each trial nested under the sweep', async () => {
    lab = await startRunnerLab();
    const { server } = lab;
    const { datasetId, versionId } = await addTestVersion(lab.db, { contentHash: FIXTURE_HASH, rows: 10, chunkRows: 4, datasetName: 'Sweep data' });
    const { sweep, trials } = await makeFinishedSweep({ workspaceId: 'runner', db: lab.db, datasetId, versionId }, 3);
    for (const run of [sweep, ...trials]) await until(itemOf(lab.db, `run:${run.id}`), stateIs('done'), `run ${run.name} to be pushed`);

    const remote = remoteByLocalId(server);
    expect(server.tracking.runs.size).toBe(4);
    const parent = remote.get(sweep.id)!;
    expect(parent.tags.get('benchtop.kind')).toBe('sweep');
    expect(parent.tags.get('mlflow.parentRunId')).toBeUndefined();
    expect(parent.params.get('sweep.maxTrials')).toBe('3');
    expect(parent.params.get('sweep.metric.key')).toBe('val_loss');
    for (const trial of trials) {
      const child = remote.get(trial.id)!;
      expect(child.tags.get('mlflow.parentRunId')).toBe(parent.info.run_id);
      expect(child.info.experiment_id).toBe(parent.info.experiment_id);
    }
    const creates = server.requests.filter((r) => r.path.endsWith('/runs/create') && r.status === 200);
    expect(creates).toHaveLength(4);
    // The parent was created before any of its trials.
    const firstCreate = creates[0].body?.tags?.find((t) => t.key === 'benchtop.run_id')?.value;
    expect(firstCreate).toBe(sweep.id);
    expect(server.leaks).toEqual([]);
  });

  it('queues a running parent for its finished trial, then pushes the parent again when it ends', async () => {
    lab = await startRunnerLab();
    const { db, server } = lab;
    const automl = await makeAutoMLModelRun(db, { status: 'running' });
    const { trial } = await addAutoMLTrial(db, automl.id, { number: 1, family: 'logistic', params: { C: 0.5, penalty: 'l2' }, foldScores: [0.8, 0.7, 0.9], mean: 0.8, std: 0.08, trainMs: 42 });
    const trialItem = await until(itemOf(db, `run:${trial.id}`), stateIs('done'), 'the trial to be pushed');
    const parentItem = await until(itemOf(db, `run:${automl.id}`), stateIs('done'), 'its parent to be pushed');
    let remote = remoteByLocalId(server);
    const parent = remote.get(automl.id)!;
    expect(parent.info.status).toBe('RUNNING');
    expect(remote.get(trial.id)!.tags.get('mlflow.parentRunId')).toBe(parentItem.pushState.remoteRunId);
    expect(trialItem.pushState.remoteRunId).toBe(remote.get(trial.id)!.info.run_id);

    // AutoML parent: the AutoML spec as params, benchtop.automl.* tags, its model file under model/.
    expect(parent.params.get('target')).toBe('survived');
    expect(parent.params.get('budget.trials')).toBe('4');
    expect(parent.tags.get('benchtop.kind')).toBe('automl');
    expect(parent.tags.get('benchtop.automl.metric')).toBe('accuracy');
    expect([...server.artifacts.keys()].some((path) => path.includes(parentItem.pushState.remoteRunId!) && path.endsWith(`/model/${AUTOML_MODEL_FILE}`))).toBe(true);
    // AutoML trial: its family and hyperparameters as params, its leaderboard metric and fold scores.
    const child = remote.get(trial.id)!;
    expect(Object.fromEntries(child.params)).toEqual({ C: '0.5', family: 'logistic', penalty: 'l2' });
    expect(child.metrics.find((m) => m.key === 'accuracy')?.value).toBe(0.8);
    expect(child.metrics.filter((m) => m.key === 'accuracy_fold').map((m) => [m.step, m.value])).toEqual([
      [1, 0.8],
      [2, 0.7],
      [3, 0.9],
    ]);

    await transitionRun(db, automl.id, 'completed');
    await until(itemOf(db, `run:${automl.id}`), (i): i is SyncQueueRecord => i?.state === 'done' && (i.pushedAt ?? 0) > (parentItem.pushedAt ?? 0), 'the ended parent to be pushed again');
    remote = remoteByLocalId(server);
    expect(server.tracking.runs.size).toBe(2);
    expect(remote.get(automl.id)!.info.status).toBe('FINISHED');
    expect(remote.get(automl.id)!.metrics.filter((m) => m.key === 'leaderboard_accuracy').map((m) => [m.step, m.value])).toEqual([[1, 0.8]]);
  });
});

describe('sync runner: orphans', () => {
  it('pushes a trial whose parent was deleted here as a run of its own, saying so', async () => {
    lab = await startRunnerLab({ online: false });
    const { db, server, network } = lab;
    const automl = await makeAutoMLModelRun(db, { status: 'running' });
    const { trial } = await addAutoMLTrial(db, automl.id, { number: 1, family: 'knn', params: { k: 3 }, foldScores: [0.7], mean: 0.7, std: 0, trainMs: 5 });
    await until(itemOf(db, `run:${trial.id}`), stateIs('queued'), 'the trial to be queued offline');
    await db.runs.delete(automl.id);
    network.set(true);
    const item = await until(itemOf(db, `run:${trial.id}`), stateIs('done'), 'the orphan trial to be pushed');
    expect(item.warnings?.[0]).toMatch(/parent run .* was deleted from this workspace: pushed as a run of its own/);
    expect(server.tracking.runs.size).toBe(1);
    expect([...server.tracking.runs.values()][0].tags.has('mlflow.parentRunId')).toBe(false);
    expect(await db.syncQueue.get(`run:${automl.id}`)).toBeUndefined();
  });
});

describe('sync runner: alias removal', () => {
  it('deletes on the server an alias removed here', async () => {
    lab = await startRunnerLab();
    const { db, server } = lab;
    const run = await makeTrainedRun(db);
    const { version } = await registerModelVersion(db, { modelName: 'iris-classifier', source: { kind: 'run', runId: run.id }, aliases: ['champion', 'staging'] });
    const pushed = await until(itemOf(db, `modelVersion:${version.id}`), stateIs('done'), 'the version to be pushed');
    const model = server.registry.models.get('iris-classifier')!;
    expect(Object.fromEntries(model.aliases)).toEqual({ champion: '1', staging: '1' });

    await removeModelAlias(db, version.id, 'staging');
    const after = await until(itemOf(db, `modelVersion:${version.id}`), (i): i is SyncQueueRecord => i?.state === 'done' && (i.pushedAt ?? 0) > (pushed.pushedAt ?? 0), 'the removal to be pushed');
    expect(Object.fromEntries(model.aliases)).toEqual({ champion: '1' });
    expect(after.pushState.aliases).toEqual(['champion']);
    expect(server.requests.filter((r) => r.method === 'DELETE').map((r) => r.body)).toEqual([{ name: 'iris-classifier', alias: 'staging' }]);
    expect(model.versions.size).toBe(1);
  });
});
