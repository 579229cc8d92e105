import { beforeEach, describe, expect, it } from 'vitest';
import { AUTOML_MODEL_FILE, type AutoMLTrialInfo } from '../protocol/automl';
import { putArtifact, getArtifactByName } from './artifacts';
import { addAutoMLTrial, clearAutoMLTrials, createAutoMLRun, getAutoMLRun, listAutoMLTrials, updateAutoMLInfo } from './automl-runs';
import { transitionRun } from './run-status';
import { deleteRun, getRun } from './runs';
import type { WorkspaceDb } from './workspace-schema';
import { makeWorkspaceDb, resetStorage } from '../test/storage-fixtures';
import { makeTestRun, TEST_ENVIRONMENT, testTrainSpec } from '../test/storage-run-fixtures';

let db: WorkspaceDb;

beforeEach(async () => {
  await resetStorage();
  ({ db } = await makeWorkspaceDb());
});

const SPEC = { target: 'survived', budget: { trials: 6 }, seed: 3 };

function trialInfo(number: number, mean: number, family = 'logistic'): AutoMLTrialInfo {
  return { number, family, params: { l2: 0.1 * number }, foldScores: [mean - 0.01, mean + 0.01], mean, std: 0.01, trainMs: 12 };
}

async function runningAutoML(metric: 'accuracy' | 'rmse' = 'accuracy') {
  const run = await createAutoMLRun(db, { spec: testTrainSpec({ seed: 3 }), automl: SPEC, environment: TEST_ENVIRONMENT, name: 'titanic automl' });
  await transitionRun(db, run.id, 'running');
  return updateAutoMLInfo(db, run.id, { task: metric === 'rmse' ? 'regression' : 'binary', metric });
}

describe('AutoML runs', () => {
  it('creates a queued automl parent with its base spec and a fresh info', async () => {
    const run = await createAutoMLRun(db, { spec: testTrainSpec({ seed: 3 }), automl: SPEC, environment: TEST_ENVIRONMENT, tags: ['automl'] });
    expect(run).toMatchObject({ kind: 'automl', status: 'queued', seed: 3, tags: ['automl'], automl: { spec: SPEC, findings: [], trialsFinished: 0 }, progress: { epoch: 0, epochs: 6 } });
    expect(run.name).toMatch(/^automl [0-9a-f]{8}$/);
    expect(await getAutoMLRun(db, run.id)).toEqual(run);
    expect(await getAutoMLRun(db, 'missing')).toBeUndefined();
    const train = await makeTestRun(db);
    await expect(getAutoMLRun(db, train.id)).rejects.toThrow(`Run "${train.id}" is a train run, not an AutoML run`);
  });

  it('records finished trials as completed children and tracks the best on the parent', async () => {
    const parent = await runningAutoML();
    await addAutoMLTrial(db, parent.id, trialInfo(1, 0.7));
    const { trial, parent: after } = await addAutoMLTrial(db, parent.id, trialInfo(2, 0.8, 'random-forest'));
    expect(trial).toMatchObject({
      kind: 'trial',
      status: 'completed',
      parentId: parent.id,
      name: 'titanic automl · trial 2',
      spec: parent.spec,
      experimentId: parent.experimentId,
      trial: { number: 2, params: { l2: 0.2 }, value: 0.8 },
      automlTrial: trialInfo(2, 0.8, 'random-forest'),
      summary: [
        { key: 'accuracy', value: 0.8 },
        { key: 'accuracy_std', value: 0.01 },
      ],
    });
    expect(trial.endedAt).toBeGreaterThanOrEqual(trial.startedAt as number);
    expect(after.automl).toMatchObject({ trialsFinished: 2, bestTrial: { trial: 2, runId: trial.id, family: 'random-forest', mean: 0.8, std: 0.01 } });
    expect(after.progress.epoch).toBe(2);
    // A worse trial leaves the best alone.
    const third = await addAutoMLTrial(db, parent.id, trialInfo(3, 0.75));
    expect(third.parent.automl.bestTrial?.trial).toBe(2);
    expect(third.parent.automl.trialsFinished).toBe(3);
    expect((await listAutoMLTrials(db, parent.id)).map((t) => t.automlTrial.number)).toEqual([1, 2, 3]);
  });

  it('takes the lower value as better for an error metric', async () => {
    const parent = await runningAutoML('rmse');
    await addAutoMLTrial(db, parent.id, trialInfo(1, 2));
    const { parent: after } = await addAutoMLTrial(db, parent.id, trialInfo(2, 1.5));
    expect(after.automl.bestTrial?.trial).toBe(2);
    expect(after.summary).toEqual([
      { key: 'rmse', value: 1.5 },
      { key: 'rmse_std', value: 0.01 },
    ]);
  });

  it('refuses trials of a parent that is not running, has no metric, or already has that number', async () => {
    const queued = await createAutoMLRun(db, { spec: testTrainSpec(), automl: SPEC, environment: TEST_ENVIRONMENT });
    await expect(addAutoMLTrial(db, queued.id, trialInfo(1, 0.5))).rejects.toThrow('is queued; trials are recorded only while it is running');
    await transitionRun(db, queued.id, 'running');
    await expect(addAutoMLTrial(db, queued.id, trialInfo(1, 0.5))).rejects.toThrow('has no metric yet');
    const parent = await runningAutoML();
    await addAutoMLTrial(db, parent.id, trialInfo(1, 0.5));
    await expect(addAutoMLTrial(db, parent.id, trialInfo(1, 0.6))).rejects.toThrow('already has a trial 1');
    expect(await listAutoMLTrials(db, parent.id)).toHaveLength(1);
  });

  it('updates and removes info fields, keeping the spec and trial count', async () => {
    const parent = await runningAutoML();
    await addAutoMLTrial(db, parent.id, trialInfo(1, 0.5));
    const findings = [{ code: 'constant', severity: 'info' as const, column: 'x', message: 'Column "x" is constant' }];
    let run = await updateAutoMLInfo(db, parent.id, { findings, message: 'note', stoppedBy: 'trials' });
    expect(run.automl).toMatchObject({ spec: SPEC, trialsFinished: 1, findings, message: 'note', stoppedBy: 'trials', metric: 'accuracy' });
    run = await updateAutoMLInfo(db, parent.id, { message: null });
    expect(run.automl.message).toBeUndefined();
    expect(run.automl.stoppedBy).toBe('trials');
  });

  it('clears trials, the model artifact and the info for a restart', async () => {
    const parent = await runningAutoML();
    await addAutoMLTrial(db, parent.id, trialInfo(1, 0.5));
    await addAutoMLTrial(db, parent.id, trialInfo(2, 0.6));
    const artifact = await putArtifact(db, { runId: parent.id, name: AUTOML_MODEL_FILE, mediaType: 'application/json', data: new TextEncoder().encode('{}').buffer as ArrayBuffer });
    await updateAutoMLInfo(db, parent.id, { modelArtifactId: artifact.id, message: 'done' });
    const ids = await clearAutoMLTrials(db, parent.id);
    expect(ids).toHaveLength(2);
    expect(await listAutoMLTrials(db, parent.id)).toEqual([]);
    expect(await getArtifactByName(db, parent.id, AUTOML_MODEL_FILE)).toBeUndefined();
    const after = await getAutoMLRun(db, parent.id);
    expect(after?.automl).toEqual({ spec: SPEC, findings: [], trialsFinished: 0 });
    expect(after?.summary).toEqual([]);
    expect(after?.status).toBe('running');
  });

  it('is deleted with its trials', async () => {
    const parent = await runningAutoML();
    const { trial } = await addAutoMLTrial(db, parent.id, trialInfo(1, 0.5));
    await transitionRun(db, parent.id, 'completed');
    expect(await deleteRun(db, parent.id)).toEqual(expect.arrayContaining([parent.id, trial.id]));
    expect(await getRun(db, trial.id)).toBeUndefined();
  });
});
