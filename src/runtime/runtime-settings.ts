/**
 * @file The job runtime's settings, stored per workspace (`settings` table): how many jobs run at once, and
 * whether interrupted runs resume by themselves.
 */
import { readSetting, writeSetting } from '../storage/meta-db';
import type { WorkspaceDb } from '../storage/workspace-schema';

/** Keys of the runtime settings in a workspace database. */
export const RuntimeSettingKey = Object.freeze({
  concurrency: 'runtime.concurrency',
  autoResume: 'runtime.autoResume',
} as const);

/** How the job runtime behaves in a workspace. */
export interface RuntimeSettings {
  /** Jobs run at once, each in its own worker: 1 to the number of logical cores. */
  concurrency: number;
  /** Queue interrupted runs again as soon as a tab leads the queue; they resume from their last checkpoint. */
  autoResume: boolean;
}

/** Settings of a workspace that never changed them. */
export const DEFAULT_RUNTIME_SETTINGS: Readonly<RuntimeSettings> = Object.freeze({ concurrency: 1, autoResume: true });

/** Logical cores of this machine, as the browser reports them (1 where unknown). */
export function hardwareCores(): number {
  const cores = globalThis.navigator?.hardwareConcurrency;
  return typeof cores === 'number' && Number.isFinite(cores) && cores >= 1 ? Math.floor(cores) : 1;
}

/** `value` as a usable concurrency: an integer from 1 to `cores` (a stored value from a bigger machine is lowered). */
export function clampConcurrency(value: number, cores: number = hardwareCores()): number {
  if (!Number.isFinite(value)) return DEFAULT_RUNTIME_SETTINGS.concurrency;
  return Math.min(Math.max(1, Math.floor(cores)), Math.max(1, Math.floor(value)));
}

/** The runtime settings of a workspace, with defaults for unset or unusable values. */
export async function readRuntimeSettings(db: WorkspaceDb, cores: number = hardwareCores()): Promise<RuntimeSettings> {
  const concurrency = await readSetting<unknown>(db.settings, RuntimeSettingKey.concurrency);
  const autoResume = await readSetting<unknown>(db.settings, RuntimeSettingKey.autoResume);
  return {
    concurrency: clampConcurrency(typeof concurrency === 'number' ? concurrency : DEFAULT_RUNTIME_SETTINGS.concurrency, cores),
    autoResume: typeof autoResume === 'boolean' ? autoResume : DEFAULT_RUNTIME_SETTINGS.autoResume,
  };
}

/**
 * Changes runtime settings of a workspace; returns them all. A concurrency that is not an integer from 1 to
 * `cores` is an error naming the value and the range.
 */
export async function writeRuntimeSettings(
  db: WorkspaceDb,
  changes: Partial<RuntimeSettings>,
  cores: number = hardwareCores(),
): Promise<RuntimeSettings> {
  const { concurrency, autoResume } = changes;
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > cores)) {
    throw new Error(`Concurrency ${concurrency} is not allowed; expected a whole number from 1 to ${cores} (this machine's cores)`);
  }
  if (autoResume !== undefined && typeof autoResume !== 'boolean') throw new Error(`Auto-resume ${String(autoResume)} is not allowed; expected true or false`);
  await db.transaction('rw', db.settings, async () => {
    if (concurrency !== undefined) await writeSetting(db.settings, RuntimeSettingKey.concurrency, concurrency);
    if (autoResume !== undefined) await writeSetting(db.settings, RuntimeSettingKey.autoResume, autoResume);
  });
  return readRuntimeSettings(db, cores);
}
