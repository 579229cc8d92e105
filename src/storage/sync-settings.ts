/**
 * @file The MLflow sync settings of a workspace. The tracking URI, the experiment name and auto-sync live in the
 * workspace database (`settings` table: they travel with an exported workspace, and none of them is a secret). The
 * token does NOT: it is kept in the meta database under a per-workspace key, which no workspace archive exports, and
 * it is read only by the code that builds the `Authorization` header. Nothing here checks a URI's form: callers
 * normalise it first (`normalizeTrackingUri` in `src/sync/tracking-uri.ts`).
 */
import type { MetaDb } from './meta-db';
import { readSetting, writeSetting } from './meta-db';
import type { WorkspaceDb } from './workspace-schema';

/** Keys of the sync settings in a workspace database. */
export const SyncSettingKey = Object.freeze({
  trackingUri: 'sync.trackingUri',
  experimentName: 'sync.experimentName',
  autoSync: 'sync.autoSync',
  enabledAt: 'sync.enabledAt',
} as const);

/** Key of a workspace's token in the meta database. */
export function syncTokenKey(workspaceId: string): string {
  return `sync.token:${workspaceId}`;
}

/** The MLflow experiment runs go to when none was chosen. */
export const DEFAULT_SYNC_EXPERIMENT = 'benchtop';

/** Longest experiment name accepted (MLflow's own limit is 500). */
export const MAX_SYNC_EXPERIMENT_LENGTH = 500;

/** Longest token accepted: Entra access tokens run to a few thousand characters. */
export const MAX_SYNC_TOKEN_LENGTH = 16_384;

/** How a workspace syncs with MLflow. */
export interface SyncSettings {
  /** The normalised tracking URI; undefined until set. */
  trackingUri?: string;
  /** MLflow experiment the runs are pushed to (created when missing). */
  experimentName: string;
  /** Push finished runs and registered model versions by themselves (in the tab that leads the job queue). */
  autoSync: boolean;
  /** Epoch milliseconds auto-sync was last turned on: runs that ended before it are pushed only when asked. */
  enabledAt?: number;
}

/** What `writeSyncSettings` changes. */
export type SyncSettingsChange = Partial<Pick<SyncSettings, 'trackingUri' | 'experimentName' | 'autoSync'>>;

/** The sync settings of a workspace, with defaults for unset values. */
export async function readSyncSettings(db: WorkspaceDb): Promise<SyncSettings> {
  const [uri, experiment, auto, enabledAt] = await db.settings.bulkGet(Object.values(SyncSettingKey));
  return {
    ...(typeof uri?.value === 'string' && uri.value !== '' ? { trackingUri: uri.value } : {}),
    experimentName: typeof experiment?.value === 'string' && experiment.value.trim() !== '' ? experiment.value : DEFAULT_SYNC_EXPERIMENT,
    autoSync: auto?.value === true,
    ...(typeof enabledAt?.value === 'number' ? { enabledAt: enabledAt.value } : {}),
  };
}

/**
 * Changes sync settings; returns them all. Turning auto-sync on records when (`enabledAt`). An empty tracking URI
 * removes it. Throws a message naming a bad value.
 */
export async function writeSyncSettings(db: WorkspaceDb, changes: SyncSettingsChange, now: number = Date.now()): Promise<SyncSettings> {
  const { trackingUri, experimentName, autoSync } = changes;
  if (trackingUri !== undefined && typeof trackingUri !== 'string') throw new Error(`Tracking URI ${String(trackingUri)} is not text`);
  if (experimentName !== undefined) {
    const name = experimentName.trim();
    if (name.length === 0 || name.length > MAX_SYNC_EXPERIMENT_LENGTH) {
      throw new Error(`Experiment name has ${name.length} characters; expected 1 to ${MAX_SYNC_EXPERIMENT_LENGTH}`);
    }
  }
  if (autoSync !== undefined && typeof autoSync !== 'boolean') throw new Error(`Auto-sync ${String(autoSync)} is not allowed; expected true or false`);
  await db.transaction('rw', db.settings, async () => {
    if (trackingUri !== undefined) {
      if (trackingUri.trim() === '') await db.settings.delete(SyncSettingKey.trackingUri);
      else await writeSetting(db.settings, SyncSettingKey.trackingUri, trackingUri.trim());
    }
    if (experimentName !== undefined) await writeSetting(db.settings, SyncSettingKey.experimentName, experimentName.trim());
    if (autoSync !== undefined) {
      const was = (await readSetting<unknown>(db.settings, SyncSettingKey.autoSync)) === true;
      await writeSetting(db.settings, SyncSettingKey.autoSync, autoSync);
      if (autoSync && !was) await writeSetting(db.settings, SyncSettingKey.enabledAt, now);
    }
  });
  return readSyncSettings(db);
}

/** The workspace's token, or undefined. Only the sync runner and the connection test read it; never shown. */
export async function readSyncToken(meta: MetaDb, workspaceId: string): Promise<string | undefined> {
  const token = await readSetting<unknown>(meta.settings, syncTokenKey(workspaceId));
  return typeof token === 'string' && token !== '' ? token : undefined;
}

/** Whether the workspace has a token (what the settings page shows instead of the token). */
export async function hasSyncToken(meta: MetaDb, workspaceId: string): Promise<boolean> {
  return (await readSyncToken(meta, workspaceId)) !== undefined;
}

/** Stores the workspace's token (trimmed); an empty or undefined token removes it. */
export async function writeSyncToken(meta: MetaDb, workspaceId: string, token: string | undefined): Promise<void> {
  const trimmed = token?.trim() ?? '';
  if (trimmed.length > MAX_SYNC_TOKEN_LENGTH) throw new Error(`The token has ${trimmed.length} characters; expected at most ${MAX_SYNC_TOKEN_LENGTH}`);
  // A header value cannot hold line breaks or other control characters; say so here rather than fail on every push.
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) throw new Error('The token contains a line break or another control character; paste it on one line');
  if (trimmed === '') await meta.settings.delete(syncTokenKey(workspaceId));
  else await writeSetting(meta.settings, syncTokenKey(workspaceId), trimmed);
}
