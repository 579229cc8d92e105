import { beforeEach, describe, expect, it, vi } from 'vitest';
import { makeWorkspaceDb, resetStorage } from '../test/storage-fixtures';
import { makeTestRun } from '../test/storage-run-fixtures';
import { markInterruptedRuns, runLockName, runLockPredicate, withRunLock } from './run-recovery';
import { transitionRun } from './run-status';
import { getRun } from './runs';
import type { WorkspaceDb } from './workspace-schema';

let db: WorkspaceDb;
beforeEach(async () => {
  await resetStorage();
  db = (await makeWorkspaceDb()).db;
});

describe('run recovery', () => {
  it('names the lock of a run', () => {
    expect(runLockName('r1')).toBe('benchtop-run:r1');
  });

  it('marks running runs whose lock nobody holds as interrupted, and only those', async () => {
    const orphan = await makeTestRun(db, {}, 'running');
    const alive = await makeTestRun(db, {}, 'running');
    const queued = await makeTestRun(db);
    const done = await makeTestRun(db, {}, 'completed');
    const held = new Set([runLockName(alive.id)]);
    const asked: string[] = [];
    const marked = await markInterruptedRuns(db, async (runId) => {
      asked.push(runId);
      return held.has(runLockName(runId));
    });
    expect(marked).toEqual([orphan.id]);
    expect(asked.sort()).toEqual([orphan.id, alive.id].sort());
    expect((await getRun(db, orphan.id))?.status).toBe('interrupted');
    expect((await getRun(db, alive.id))?.status).toBe('running');
    expect((await getRun(db, queued.id))?.status).toBe('queued');
    expect((await getRun(db, done.id))?.status).toBe('completed');
    expect(await markInterruptedRuns(db, () => false)).toEqual([alive.id]);
  });

  it('leaves runs updated inside the grace period, and runs that finished meanwhile', async () => {
    const recent = await makeTestRun(db, {}, 'running');
    expect(await markInterruptedRuns(db, () => false, { updatedBefore: recent.updatedAt })).toEqual([]);
    const finishing = await makeTestRun(db, {}, 'running');
    const marked = await markInterruptedRuns(db, async (runId) => {
      if (runId === finishing.id) await transitionRun(db, runId, 'completed');
      return false;
    });
    expect(marked).toEqual([recent.id]);
    expect((await getRun(db, finishing.id))?.status).toBe('completed');
  });

  it('reads held and pending locks from one navigator.locks snapshot', async () => {
    const requested: string[] = [];
    vi.stubGlobal('navigator', {
      locks: {
        query: async () => ({ held: [{ name: runLockName('r1') }, { name: 'benchtop-import:r3' }], pending: [{ name: runLockName('r2') }] }),
        request: async (name: string, fn: () => Promise<unknown>) => (requested.push(name), fn()),
      },
    });
    try {
      const isLocked = await runLockPredicate();
      expect(['r1', 'r2', 'r3'].map(isLocked)).toEqual([true, true, false]);
      expect(await withRunLock('r1', async () => 7)).toBe(7);
      expect(requested).toEqual(['benchtop-run:r1']);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('without Web Locks (Node): nothing is locked and withRunLock just runs', async () => {
    vi.stubGlobal('navigator', undefined);
    try {
      expect((await runLockPredicate())('r1')).toBe(false);
      expect(await withRunLock('r1', async () => 7)).toBe(7);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
