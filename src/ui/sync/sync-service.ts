/**
 * @file What the MLflow sync section does: save the settings (the token goes to the meta database and is never read
 * back into the page), test the connection, pull a remote experiment's runs, and act on queue items (Retry, Remove,
 * push earlier runs). Pushing itself is the leading tab's `SyncRunner`; this module only writes what it reads.
 */
import { getMetaDb, getWorkspaceDb } from '../../storage/connections';
import type { SyncQueueRecord } from '../../storage/records';
import { listSyncItems, removeSyncItem, retrySyncItem, unblockSyncItems } from '../../storage/sync-queue';
import { hasSyncToken, readSyncSettings, readSyncToken, writeSyncSettings, writeSyncToken, type SyncSettings } from '../../storage/sync-settings';
import { pullExperimentRuns, type PullReport } from '../../runtime/sync-pull';
import { queueSyncTargets } from '../../runtime/sync-runner';
import { MlflowClient } from '../../sync/client';
import { isSyncError, redactSecret } from '../../sync/sync-error';
import { normalizeTrackingUri, uriContainsSecret } from '../../sync/tracking-uri';
import { workspaceState } from '../settings/workspace-state.svelte';

function workspaceId(): string {
  const id = workspaceState.current?.id;
  if (!id) throw new Error('No workspace is open');
  return id;
}

function db() {
  return getWorkspaceDb(workspaceId());
}

/** The settings as the page may see them: whether a token is saved, never the token. */
export interface SyncSettingsView extends SyncSettings {
  hasToken: boolean;
}

/** What the settings form sends. `token` undefined keeps the saved token; `forgetToken` removes it. */
export interface SyncSettingsInput {
  trackingUri: string;
  experimentName: string;
  autoSync: boolean;
  token?: string;
  forgetToken?: boolean;
}

/** How a connection test went, in words for the page (token-free). */
export interface ConnectionReport {
  ok: boolean;
  /** `auth`, `cors`, `network`... when it failed. */
  kind?: string;
  message: string;
}

/** A checked URI, or an Error naming the problem. */
function checkedUri(input: string, token: string | undefined): string {
  const result = normalizeTrackingUri(input);
  if (!result.ok) throw new Error(result.message);
  if (token !== undefined && uriContainsSecret(result.uri, token)) throw new Error('The tracking URI contains the token; put the token in the token field only');
  return result.uri;
}

async function clientFor(trackingUri: string | undefined, typedToken: string | undefined): Promise<MlflowClient> {
  const token = typedToken?.trim() ? typedToken.trim() : await readSyncToken(getMetaDb(), workspaceId());
  if (trackingUri === undefined || trackingUri.trim() === '') throw new Error('Enter the MLflow tracking URI first, for example http://localhost:5000');
  return new MlflowClient({ trackingUri: checkedUri(trackingUri, token), token, timeoutMs: 15_000, backoff: { maxAttempts: 2 } });
}

/** The MLflow sync operations of the settings page. */
export const syncService = {
  async settings(): Promise<SyncSettingsView> {
    const settings = await readSyncSettings(db());
    return { ...settings, hasToken: await hasSyncToken(getMetaDb(), workspaceId()) };
  },

  /** Saves the settings; items blocked on the old settings (a token, CORS) are queued again. */
  async save(input: SyncSettingsInput): Promise<SyncSettingsView> {
    const id = workspaceId();
    const token = input.token?.trim() ? input.token.trim() : undefined;
    const trackingUri = input.trackingUri.trim() === '' ? '' : checkedUri(input.trackingUri, token ?? (await readSyncToken(getMetaDb(), id)));
    if (input.autoSync && trackingUri === '') throw new Error('Enter the MLflow tracking URI before turning sync on');
    if (input.forgetToken) await writeSyncToken(getMetaDb(), id, undefined);
    else if (token !== undefined) await writeSyncToken(getMetaDb(), id, token);
    await writeSyncSettings(db(), { trackingUri, experimentName: input.experimentName, autoSync: input.autoSync });
    await unblockSyncItems(db());
    return this.settings();
  },

  /**
   * Checks the connection with the URI and token given (or the saved ones): a search (a POST, so MLflow's origin
   * check applies as it will to pushes), then the experiment. Never throws; the report says what is wrong.
   */
  async testConnection(input: { trackingUri: string; experimentName: string; token?: string }): Promise<ConnectionReport> {
    let token: string | undefined;
    try {
      const client = await clientFor(input.trackingUri, input.token);
      token = input.token?.trim() || undefined;
      await client.searchExperiments({ maxResults: 1 });
      const experiment = await client.getExperimentByName(input.experimentName.trim());
      const where = experiment
        ? experiment.lifecycle_stage === 'deleted'
          ? `experiment “${experiment.name}” exists but was deleted; restore it or choose another name`
          : `experiment “${experiment.name}” exists (id ${experiment.experiment_id})`
        : `experiment “${input.experimentName.trim()}” does not exist yet; the first push creates it`;
      return { ok: true, message: `Connected to ${client.trackingUri}: ${where}.` };
    } catch (error) {
      const message = redactSecret(error instanceof Error ? error.message : String(error), token);
      return isSyncError(error) ? { ok: false, kind: error.kind, message } : { ok: false, message };
    }
  },

  /** Pulls the runs of `experimentName` from the saved server into this workspace. */
  async pull(experimentName: string): Promise<PullReport> {
    const settings = await readSyncSettings(db());
    const name = experimentName.trim();
    if (name === '') throw new Error('Enter the name of the MLflow experiment to pull');
    const client = await clientFor(settings.trackingUri, undefined);
    return pullExperimentRuns(db(), client, { experimentName: name });
  },

  /** Every queue item, oldest first (for `live`). */
  items(): Promise<SyncQueueRecord[]> {
    return listSyncItems(db());
  },

  /** The run items (for the sync badges of the runs list). */
  async runItems(): Promise<SyncQueueRecord[]> {
    return (await listSyncItems(db())).filter((item) => item.kind === 'run');
  },

  retry(id: string): Promise<void> {
    return retrySyncItem(db(), id);
  },

  remove(id: string): Promise<boolean> {
    return removeSyncItem(db(), id);
  },

  /** Queues every finished run and every version registered from a run, including those from before sync was on. */
  async pushExisting(): Promise<number> {
    return (await queueSyncTargets(db(), { since: Number.NEGATIVE_INFINITY })).length;
  },
};
