import { beforeEach, describe, expect, it } from 'vitest';
import type { WorkspaceDb } from '../storage/workspace-schema';
import { makeWorkspaceDb, resetStorage } from '../test/storage-fixtures';
import { makeTestRun } from '../test/storage-run-fixtures';
import { recordOutcome } from './run-settlement';

let db: WorkspaceDb;

beforeEach(async () => {
  await resetStorage();
  ({ db } = await makeWorkspaceDb());
});

describe('recordOutcome: a worker that answered "interrupted" (its GPU device was lost)', () => {
  const message = 'GPU device lost twice during this run (last: Device was destroyed.); the run is interrupted: Resume continues from the checkpoint after epoch 4';

  it('leaves a run the worker already interrupted as it is', async () => {
    const run = await makeTestRun(db, {}, 'interrupted');
    expect(await recordOutcome(db, run.id, { status: 'interrupted', error: message })).toEqual(run);
  });

  it('interrupts a running run the worker did not write, keeping its message: resumable, never completed or failed', async () => {
    const run = await makeTestRun(db, {}, 'running');
    expect(await recordOutcome(db, run.id, { status: 'interrupted', error: message })).toMatchObject({ status: 'interrupted', error: { message, code: 'TrainInterrupted' } });
  });

  it('says why when the worker gave no message', async () => {
    const run = await makeTestRun(db, {}, 'running');
    expect((await recordOutcome(db, run.id, { status: 'interrupted' }))?.error?.message).toBe(
      'The training job stopped without a result; Resume continues from its last checkpoint',
    );
  });

  it('takes a queued run through running, so the reason is recorded', async () => {
    const run = await makeTestRun(db, {}, 'queued');
    expect(await recordOutcome(db, run.id, { status: 'interrupted', error: message })).toMatchObject({ status: 'interrupted', error: { message } });
  });

  it('does not reopen a run that ended meanwhile', async () => {
    const run = await makeTestRun(db, {}, 'canceled');
    expect((await recordOutcome(db, run.id, { status: 'interrupted', error: message }))?.status).toBe('canceled');
  });
});
