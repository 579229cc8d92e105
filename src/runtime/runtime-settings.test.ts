import { beforeEach, describe, expect, it } from 'vitest';
import { writeSetting } from '../storage/meta-db';
import type { WorkspaceDb } from '../storage/workspace-schema';
import { makeWorkspaceDb, resetStorage } from '../test/storage-fixtures';
import { clampConcurrency, readRuntimeSettings, RuntimeSettingKey, writeRuntimeSettings } from './runtime-settings';

let db: WorkspaceDb;
beforeEach(async () => {
  await resetStorage();
  db = (await makeWorkspaceDb()).db;
});

describe('runtime settings', () => {
  it('defaults to one job at a time with auto-resume', async () => {
    expect(await readRuntimeSettings(db, 8)).toEqual({ concurrency: 1, autoResume: true });
  });

  it('clamps concurrency to 1..cores, also for a value stored on a bigger machine', async () => {
    expect([clampConcurrency(0, 4), clampConcurrency(2.7, 4), clampConcurrency(16, 4), clampConcurrency(NaN, 4)]).toEqual([1, 2, 4, 1]);
    await writeSetting(db.settings, RuntimeSettingKey.concurrency, 16);
    expect((await readRuntimeSettings(db, 4)).concurrency).toBe(4);
  });

  it('writes valid changes and names a bad value', async () => {
    expect(await writeRuntimeSettings(db, { concurrency: 3, autoResume: false }, 4)).toEqual({ concurrency: 3, autoResume: false });
    await expect(writeRuntimeSettings(db, { concurrency: 1.5 }, 4)).rejects.toThrow('Concurrency 1.5 is not allowed; expected a whole number from 1 to 4');
    expect((await readRuntimeSettings(db, 4)).concurrency).toBe(3);
  });
});
