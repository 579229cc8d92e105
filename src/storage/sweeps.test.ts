import { beforeEach, describe, expect, it } from 'vitest';
import { appendMetrics } from './metrics';
import { transitionRun } from './run-status';
import { deleteRun, getRun, listRuns } from './runs';
import {
  cancelSweepRun,
  createSweepRun,
  createTrialRuns,
  getSweep,
  listTrials,
  markTrialStoppedEarly,
  trialCurves,
  trialSnapshot,
  trialStatus,
  updateSweepInfo,
  updateTrialInfo,
  type NewTrial,
} from './sweeps';
import type { WorkspaceDb } from './workspace-schema';
import { makeWorkspaceDb, resetStorage } from '../test/storage-fixtures';
import { makeTestRun, TEST_ENVIRONMENT } from '../test/storage-run-fixtures';
import { testSweepSpec } from '../test/sweep-spec-fixture';

let db: WorkspaceDb;

beforeEach(async () => {
  await resetStorage();
  ({ db } = await makeWorkspaceDb());
});

async function runningSweep() {
  const sweep = await createSweepRun(db, { spec: testSweepSpec(), environment: TEST_ENVIRONMENT, name: 'lr search' });
  await transitionRun(db, sweep.id, 'running');
  return sweep;
}

function newTrial(number: number): NewTrial {
  const spec = testSweepSpec().base;
  return { number, params: { 'optimizer.learningRate': 0.01 * (number + 1) }, spec: { ...spec, seed: number }, name: `lr search · trial ${number}` };
}

describe('sweep runs', () => {
  it('creates a queued sweep parent whose spec is the base spec', async () => {
    const spec = testSweepSpec();
    const sweep = await createSweepRun(db, { spec, environment: TEST_ENVIRONMENT, name: 'lr search', tags: ['hpo'] });
    expect(sweep).toMatchObject({ kind: 'sweep', status: 'queued', name: 'lr search', spec: spec.base, sweep: { spec, trialsStarted: 0 }, tags: ['hpo'] });
    expect(await getSweep(db, sweep.id)).toEqual(sweep);
    expect(await getSweep(db, 'missing')).toBeUndefined();
    const train = await makeTestRun(db);
    await expect(getSweep(db, train.id)).rejects.toThrow(`Run "${train.id}" is a train run, not a sweep`);
  });

  it('creates trials as queued child runs, numbers continuing without gaps, and counts them on the sweep', async () => {
    const sweep = await runningSweep();
    const created = await createTrialRuns(db, sweep.id, [newTrial(0), newTrial(1)]);
    expect(created.map((t) => [t.kind, t.status, t.parentId, t.trial.number, t.experimentId])).toEqual([
      ['trial', 'queued', sweep.id, 0, sweep.experimentId],
      ['trial', 'queued', sweep.id, 1, sweep.experimentId],
    ]);
    expect((await getSweep(db, sweep.id))?.sweep.trialsStarted).toBe(2);
    expect(created[1].createdAt).toBeGreaterThan(created[0].createdAt);
    await expect(createTrialRuns(db, sweep.id, [newTrial(1)])).rejects.toThrow('has started 2 trials; the next trials are 2, not 1');
    await createTrialRuns(db, sweep.id, [newTrial(2)]);
    expect((await listTrials(db, sweep.id)).map((t) => t.trial.number)).toEqual([0, 1, 2]);
    // Trials are children: they do not show among top-level runs.
    expect((await listRuns(db, { parentId: null })).map((r) => r.id)).toEqual([sweep.id]);
  });

  it('refuses trials for a sweep that is not running', async () => {
    const sweep = await createSweepRun(db, { spec: testSweepSpec(), environment: TEST_ENVIRONMENT });
    await expect(createTrialRuns(db, sweep.id, [newTrial(0)])).rejects.toThrow(`Sweep "${sweep.id}" is queued; trials are created only while it is running`);
    expect(await listTrials(db, sweep.id)).toEqual([]);
  });

  it('updates the best trial and the stop reason; null removes them', async () => {
    const sweep = await runningSweep();
    await updateSweepInfo(db, sweep.id, { best: { runId: 'r', trialNumber: 3, value: 0.25 }, stopReason: 'Reached the maximum of 6 trials' });
    expect((await getSweep(db, sweep.id))?.sweep).toMatchObject({ best: { runId: 'r', trialNumber: 3, value: 0.25 }, stopReason: 'Reached the maximum of 6 trials', trialsStarted: 0 });
    await updateSweepInfo(db, sweep.id, { best: null, stopReason: null });
    const info = (await getSweep(db, sweep.id))?.sweep;
    expect(info && 'best' in info).toBe(false);
    expect(info && 'stopReason' in info).toBe(false);
  });

  it('marks a trial stopped early only while it is active', async () => {
    const sweep = await runningSweep();
    const [running, done] = await createTrialRuns(db, sweep.id, [newTrial(0), newTrial(1)]);
    await transitionRun(db, running.id, 'running');
    await transitionRun(db, done.id, 'running');
    await transitionRun(db, done.id, 'completed');
    expect((await markTrialStoppedEarly(db, running.id, 'Stopped at epoch 3: worse than the median', 0.7))?.trial).toMatchObject({ stoppedEarly: 'Stopped at epoch 3: worse than the median', value: 0.7 });
    expect(await markTrialStoppedEarly(db, done.id, 'too late')).toBeUndefined();
    await transitionRun(db, running.id, 'canceled');
    const [pruned, completed] = await listTrials(db, sweep.id);
    expect([trialStatus(pruned), trialStatus(completed)]).toEqual(['pruned', 'complete']);
    expect(trialSnapshot(pruned)).toEqual({ number: 0, status: 'pruned', params: pruned.trial.params, value: 0.7 });
    expect((await updateTrialInfo(db, pruned.id, { stoppedEarly: null })).trial.stoppedEarly).toBeUndefined();
    expect(trialStatus((await listTrials(db, sweep.id))[0])).toBe('canceled');
    await expect(updateTrialInfo(db, sweep.id, { value: 1 })).rejects.toThrow('is a sweep run, not a trial');
  });

  it('maps run statuses to trial states; an interrupted trial still holds its slot', async () => {
    const sweep = await runningSweep();
    const trials = await createTrialRuns(db, sweep.id, [0, 1, 2, 3].map(newTrial));
    await transitionRun(db, trials[1].id, 'running');
    await transitionRun(db, trials[2].id, 'running');
    await transitionRun(db, trials[2].id, 'interrupted');
    await transitionRun(db, trials[3].id, 'running');
    await transitionRun(db, trials[3].id, 'failed', { error: { message: 'boom' } });
    expect((await listTrials(db, sweep.id)).map(trialStatus)).toEqual(['queued', 'running', 'running', 'failed']);
  });

  it('cancels a sweep and returns its active trials for the runtime to cancel', async () => {
    const sweep = await runningSweep();
    const trials = await createTrialRuns(db, sweep.id, [0, 1, 2, 3].map(newTrial));
    await transitionRun(db, trials[1].id, 'running');
    await transitionRun(db, trials[2].id, 'running');
    await transitionRun(db, trials[2].id, 'completed');
    await transitionRun(db, trials[3].id, 'running');
    await transitionRun(db, trials[3].id, 'interrupted');
    expect(await cancelSweepRun(db, sweep.id)).toEqual([trials[0].id, trials[1].id, trials[3].id]);
    expect((await getRun(db, sweep.id))?.status).toBe('canceled');
    // Canceling again changes nothing.
    expect(await cancelSweepRun(db, sweep.id)).toEqual([trials[0].id, trials[1].id, trials[3].id]);
  });

  it('reads each trial’s per-epoch curve of a metric', async () => {
    const sweep = await runningSweep();
    const [a, b] = await createTrialRuns(db, sweep.id, [newTrial(0), newTrial(1)]);
    const point = (runId: string, key: string, step: number, value: number) => ({ runId, key, step, value, time: 1 });
    await appendMetrics(db, [point(a.id, 'val_loss', 1, 0.9), point(a.id, 'val_loss', 2, 0.5), point(a.id, 'loss', 1, 2), point(b.id, 'val_loss', 2, Number.NaN)]);
    expect(await trialCurves(db, sweep.id, 'val_loss')).toEqual([
      { runId: a.id, trialNumber: 0, values: [0.9, 0.5] },
      { runId: b.id, trialNumber: 1, values: [undefined, Number.NaN] },
    ]);
  });

  it('deleting a sweep deletes its trials and their metrics; a running trial blocks it', async () => {
    const sweep = await runningSweep();
    const [a, b] = await createTrialRuns(db, sweep.id, [newTrial(0), newTrial(1)]);
    await appendMetrics(db, [{ runId: a.id, key: 'val_loss', step: 1, value: 1, time: 1 }]);
    await transitionRun(db, b.id, 'running');
    await expect(deleteRun(db, sweep.id)).rejects.toThrow('is running; cancel it before deleting');
    await cancelSweepRun(db, sweep.id);
    await transitionRun(db, b.id, 'canceled');
    expect((await deleteRun(db, sweep.id)).sort()).toEqual([sweep.id, a.id, b.id].sort());
    expect(await db.runs.count()).toBe(0);
    expect(await db.metrics.count()).toBe(0);
  });
});
