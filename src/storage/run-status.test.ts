import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunStatus } from '../protocol/run';
import { makeWorkspaceDb, resetStorage } from '../test/storage-fixtures';
import { makeTestRun } from '../test/storage-run-fixtures';
import { RUN_STATUSES, RUN_TRANSITIONS, RunTransitionError, canTransition, transitionRun, updateRunningRun } from './run-status';
import { getRun } from './runs';
import type { WorkspaceDb } from './workspace-schema';

let db: WorkspaceDb;
let clock = 1_000;
beforeEach(async () => {
  await resetStorage();
  db = (await makeWorkspaceDb()).db;
  vi.spyOn(Date, 'now').mockImplementation(() => ++clock);
});
afterEach(() => vi.restoreAllMocks());

describe('run status', () => {
  it('allows exactly the lifecycle transitions', () => {
    expect(RUN_STATUSES).toEqual(['queued', 'running', 'interrupted', 'completed', 'failed', 'canceled']);
    const allowed = RUN_STATUSES.flatMap((from) => RUN_STATUSES.filter((to) => canTransition(from, to)).map((to) => `${from}>${to}`));
    expect(allowed).toEqual([
      'queued>running', 'queued>canceled',
      'running>interrupted', 'running>completed', 'running>failed', 'running>canceled',
      'interrupted>queued', 'interrupted>canceled',
    ]);
  });

  it('starts, records the backend, ends with a summary; times are set once', async () => {
    const run = await makeTestRun(db);
    const started = await transitionRun(db, run.id, 'running', { environment: { backend: 'wasm' } });
    expect(started).toMatchObject({ status: 'running', startedAt: started.updatedAt, environment: { appVersion: '0.1.0', backend: 'wasm' } });
    expect(started.environment.libraries).toHaveLength(1);
    const progressed = await updateRunningRun(db, run.id, { progress: { epoch: 3, epochs: 50, step: 30, etaMs: 1200 } });
    expect(progressed.progress).toEqual({ epoch: 3, epochs: 50, step: 30, etaMs: 1200 });
    const done = await transitionRun(db, run.id, 'completed', { summary: [{ key: 'val_loss', value: 0.25 }], outputs: [{ kind: 'artifact', id: 'a1' }] });
    expect(done).toMatchObject({ status: 'completed', startedAt: started.startedAt, endedAt: done.updatedAt, summary: [{ key: 'val_loss', value: 0.25 }] });
    expect(await getRun(db, run.id)).toEqual(done);
    await expect(updateRunningRun(db, run.id, { progress: { epoch: 4, epochs: 50 } })).rejects.toThrow(
      `Run "${run.id}" is completed; progress is written only while it is running`,
    );
  });

  it('interrupts and resumes: queued again keeps progress and first start time', async () => {
    const run = await makeTestRun(db, {}, 'running');
    await updateRunningRun(db, run.id, { progress: { epoch: 7, epochs: 50 } });
    const interrupted = await transitionRun(db, run.id, 'interrupted');
    expect(interrupted).not.toHaveProperty('endedAt');
    const queued = await transitionRun(db, run.id, 'queued');
    expect(queued).toMatchObject({ status: 'queued', progress: { epoch: 7 }, startedAt: run.startedAt });
    expect((await transitionRun(db, run.id, 'running')).startedAt).toBe(run.startedAt);
  });

  it('records the error of a failed run, and requires one', async () => {
    const run = await makeTestRun(db, {}, 'running');
    await expect(transitionRun(db, run.id, 'failed')).rejects.toThrow('cannot be marked failed without an error message');
    const failed = await transitionRun(db, run.id, 'failed', { error: { message: 'Target "y" has one class', code: 'SpecError' } });
    expect(failed).toMatchObject({ status: 'failed', error: { message: 'Target "y" has one class' } });
  });

  it('refuses every other transition, naming from and to', async () => {
    const cases: [RunStatus, RunStatus, string][] = [
      ['queued', 'completed', 'cannot go from queued to completed; from queued it can go to: running, canceled'],
      ['queued', 'interrupted', 'cannot go from queued to interrupted'],
      ['running', 'queued', 'cannot go from running to queued; from running it can go to: completed, failed, canceled, interrupted'],
      ['running', 'running', 'cannot go from running to running'],
      ['completed', 'running', 'cannot go from completed to running; completed is final'],
      ['canceled', 'queued', 'cannot go from canceled to queued; canceled is final'],
      ['interrupted', 'running', 'cannot go from interrupted to running; from interrupted it can go to: queued, canceled'],
    ];
    for (const [from, to, message] of cases) {
      const run = await makeTestRun(db, {}, from);
      const attempt = transitionRun(db, run.id, to, to === 'failed' ? { error: { message: 'x' } } : {});
      await expect(attempt).rejects.toThrow(RunTransitionError);
      await expect(transitionRun(db, run.id, to)).rejects.toThrow(`Run "${run.id}" ${message}`);
      expect((await getRun(db, run.id))?.status).toBe(from);
    }
    expect(Object.keys(RUN_TRANSITIONS)).toHaveLength(6);
    await expect(transitionRun(db, 'nope', 'running')).rejects.toThrow('Run "nope" does not exist');
  });
});
