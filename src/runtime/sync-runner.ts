/**
 * @file The leader's MLflow sync runner: pushes the workspace's sync queue to the tracking server. It exists only in
 * the tab that leads the job queue (`JobRuntime` starts it), and keeps nothing that storage does not have: a new
 * leader carries on from each item's stored push state, so an interrupted push is resumed, never repeated.
 *
 * On every change to the runs, the model versions, the queue or the sync settings (a `liveQuery`), one pass:
 * - with auto-sync on and a valid tracking URI, finished train and trial runs and their parents (sweeps, AutoML jobs;
 *   ended after auto-sync was turned on) and model versions registered from a run are queued; a pushed item whose
 *   target changed since is queued again;
 * - while the browser says it is online, due items are pushed one at a time, runs before model versions (a version
 *   is registered from its run's files): `pushRun` / `pushModelVersion`, which are idempotent. A trial waits for its
 *   parent's MLflow run (queuing the parent if needed) and is pushed nested under it (`mlflow.parentRunId`); a model
 *   version's aliases removed here since its last push are deleted on the server;
 * - a failure is recorded per item (`sync-outcome.ts`): retried with backoff and `Retry-After`, or blocked on the
 *   token / CORS / a changed parameter, or failed; a timer wakes the runner for the next due item.
 * Going offline pauses it; coming back online tries at once the items that were waiting out a network failure.
 */
import { liveQuery, type Subscription } from 'dexie';
import { getMetaDb } from '../storage/connections';
import type { RunRecord, SyncPushState, SyncQueueRecord } from '../storage/records';
import { readSyncSettings, readSyncToken, SyncSettingKey, type SyncSettings } from '../storage/sync-settings';
import {
  deferSyncItem,
  dueSyncItems,
  enqueueSyncItem,
  failSyncPush,
  finishSyncPush,
  nextSyncAttemptAt,
  requeueInterruptedSyncItems,
  retryNetworkWaits,
  saveSyncPushState,
  startSyncPush,
  syncItemId,
} from '../storage/sync-queue';
import type { WorkspaceDb } from '../storage/workspace-schema';
import { Backoff } from '../sync/backoff';
import { MlflowClient } from '../sync/client';
import { aliasProblem } from '../sync/mlflow-limits';
import { pushRun } from '../sync/push';
import { pushArtifacts } from '../sync/push-artifacts';
import { pushModelVersion } from '../sync/push-model';
import { SyncError } from '../sync/sync-error';
import { normalizeTrackingUri } from '../sync/tracking-uri';
import type { TransportOptions } from '../sync/transport';
import { DEFAULT_SYNC_RETRY, syncAttemptOutcome, toBackoffPolicy, type SyncRetryPolicy } from './sync-outcome';
import { FINAL_RUN_STATUSES, isSyncableRun, loadModelVersion, loadRunSnapshot, MODEL_ARTIFACT_FOLDER, modelVersionLabel, modelVersionSources } from './sync-snapshots';

/** Whether the browser has a network, and news when that changes. */
export interface NetworkStatus {
  online(): boolean;
  /** Calls `listener` on every change; returns the unsubscribe. */
  subscribe(listener: (online: boolean) => void): () => void;
}

/** `navigator.onLine` and the `online`/`offline` events of this global scope; always online where there are none. */
export function browserNetworkStatus(): NetworkStatus {
  const scope = globalThis as { navigator?: { onLine?: boolean }; addEventListener?: typeof addEventListener; removeEventListener?: typeof removeEventListener };
  return {
    online: () => scope.navigator?.onLine !== false,
    subscribe(listener) {
      if (typeof scope.addEventListener !== 'function' || typeof scope.removeEventListener !== 'function') return () => {};
      const on = (): void => listener(true);
      const off = (): void => listener(false);
      scope.addEventListener('online', on);
      scope.addEventListener('offline', off);
      return () => {
        scope.removeEventListener?.('online', on);
        scope.removeEventListener?.('offline', off);
      };
    },
  };
}

/** Something the runner did, for logs and tests (never with the token). */
export type SyncRunnerEvent =
  | { type: 'queued'; id: string }
  | { type: 'pushed'; id: string; created: boolean }
  | { type: 'deferred'; id: string; reason: string }
  | { type: 'attempt-failed'; id: string; state: SyncQueueRecord['state']; kind: string; message: string };

/** Options of {@link SyncRunner}; all but `db` and `workspaceId` have browser defaults. */
export interface SyncRunnerOptions {
  db: WorkspaceDb;
  workspaceId: string;
  /** The workspace's token (from the meta database by default). */
  readToken?: () => Promise<string | undefined>;
  network?: NetworkStatus;
  /** Spacing of an item's attempts. */
  retry?: Partial<SyncRetryPolicy>;
  /** Passed to every client (tests: `fetch`, `timeoutMs`, a fast `backoff`, `sleep`, `page`). */
  transport?: Partial<Omit<TransportOptions, 'trackingUri' | 'token' | 'signal'>>;
  now?: () => number;
  onEvent?: (event: SyncRunnerEvent) => void;
}

/** Drives the workspace's sync queue while this tab leads. `start()` once; `stop()` when leadership ends. */
export class SyncRunner {
  readonly #options: SyncRunnerOptions;
  readonly #db: WorkspaceDb;
  readonly #now: () => number;
  readonly #network: NetworkStatus;
  readonly #retry: SyncRetryPolicy;
  readonly #backoff: Backoff;
  readonly #abort = new AbortController();
  #watch: Subscription | undefined;
  #unsubscribeNetwork: (() => void) | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #pass: Promise<void> | undefined;
  #again = false;
  #stopped = false;
  #started = false;

  constructor(options: SyncRunnerOptions) {
    this.#options = options;
    this.#db = options.db;
    this.#now = options.now ?? Date.now;
    this.#network = options.network ?? browserNetworkStatus();
    this.#retry = { ...DEFAULT_SYNC_RETRY, ...options.retry };
    this.#backoff = new Backoff(toBackoffPolicy(this.#retry));
  }

  /** Takes over items a closed leader left half-pushed, then watches storage and the network. */
  start(): void {
    if (this.#started || this.#stopped) return;
    this.#started = true;
    const db = this.#db;
    void requeueInterruptedSyncItems(db, this.#now())
      .catch((err: unknown) => console.error('Could not take over the sync queue', err))
      .finally(() => {
        if (this.#stopped) return;
        this.#unsubscribeNetwork = this.#network.subscribe((online) => {
          if (!online) return;
          void retryNetworkWaits(db, this.#now())
            .catch((err: unknown) => console.error('Could not resume the sync queue', err))
            .finally(() => this.wake());
        });
        this.#watch = liveQuery(async () => ({
          settings: await db.settings.bulkGet(Object.values(SyncSettingKey)),
          // Finished runs only, through the status index: a running run's progress writes do not wake the runner.
          runs: (await finishedRuns(db)).filter(isSyncableRun).map((r) => [r.id, r.updatedAt]),
          versions: await db.modelVersions.toArray(),
          queue: await db.syncQueue.toArray(),
        })).subscribe({
          next: () => this.wake(),
          error: (err: unknown) => console.error('Could not watch the sync queue', err),
        });
      });
  }

  /** Runs a pass now, or once more after the pass in progress. */
  wake(): void {
    if (this.#stopped || !this.#started) return;
    if (this.#pass) {
      this.#again = true;
      return;
    }
    this.#pass = (async () => {
      do {
        this.#again = false;
        await this.#runPass();
      } while (this.#again && !this.#stopped);
    })()
      .catch((err: unknown) => console.error('Could not push the sync queue', err))
      .finally(() => (this.#pass = undefined));
  }

  /** Resolves when the pass in progress (if any) is done (tests, orderly shutdown). */
  async idle(): Promise<void> {
    while (this.#pass) await this.#pass;
  }

  /** Stops watching and pushing; a push in flight is aborted and its item goes back to the queue, state kept. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#abort.abort();
    this.#watch?.unsubscribe();
    this.#unsubscribeNetwork?.();
    clearTimeout(this.#timer);
    await this.idle();
  }

  async #runPass(): Promise<void> {
    clearTimeout(this.#timer);
    const settings = await readSyncSettings(this.#db);
    const uri = settings.trackingUri === undefined ? undefined : normalizeTrackingUri(settings.trackingUri);
    if (!settings.autoSync || !uri?.ok) return;
    await this.#enqueueChanges(settings);
    if (!this.#network.online()) return;
    for (;;) {
      if (this.#stopped || !this.#network.online()) return;
      const [item] = await dueSyncItems(this.#db, this.#now());
      if (!item) break;
      await this.#attempt(item, uri.uri, settings);
    }
    const next = await nextSyncAttemptAt(this.#db);
    if (next !== undefined && !this.#stopped) {
      this.#timer = setTimeout(() => this.wake(), Math.min(Math.max(0, next - this.#now()), 2 ** 31 - 1));
    }
  }

  /** Queues finished runs and registered versions not yet queued, and pushed ones that changed since. */
  async #enqueueChanges(settings: SyncSettings): Promise<void> {
    const ids = await queueSyncTargets(this.#db, { since: settings.enabledAt ?? Number.POSITIVE_INFINITY, now: this.#now() });
    for (const id of ids) this.#options.onEvent?.({ type: 'queued', id });
  }

  async #attempt(queued: SyncQueueRecord, trackingUri: string, settings: SyncSettings): Promise<void> {
    const db = this.#db;
    const item = await startSyncPush(db, queued.id, this.#now());
    if (!item) return;
    const token = await (this.#options.readToken ?? (() => readSyncToken(getMetaDb(), this.#options.workspaceId)))();
    const client = new MlflowClient({ ...this.#options.transport, trackingUri, token, signal: this.#abort.signal });
    try {
      const outcome = item.kind === 'run' ? await this.#pushRun(client, item, settings) : await this.#pushModelVersion(client, item);
      if (outcome.deferUntil !== undefined) {
        await deferSyncItem(db, item.id, outcome.deferUntil, this.#now());
        this.#options.onEvent?.({ type: 'deferred', id: item.id, reason: outcome.reason ?? '' });
        return;
      }
      await finishSyncPush(db, item.id, { pushState: outcome.pushState, sourceUpdatedAt: outcome.sourceUpdatedAt, warnings: outcome.warnings }, this.#now());
      this.#options.onEvent?.({ type: 'pushed', id: item.id, created: outcome.created });
    } catch (error) {
      const decided = syncAttemptOutcome(error, item.attempts, { now: this.#now(), token, policy: this.#retry, backoff: this.#backoff });
      if (decided.action === 'defer' || this.#stopped) {
        await deferSyncItem(db, item.id, 0, this.#now());
        return;
      }
      await failSyncPush(db, item.id, decided, this.#now());
      this.#options.onEvent?.({ type: 'attempt-failed', id: item.id, state: decided.state, kind: decided.error.kind, message: decided.error.message });
    }
  }

  async #pushRun(client: MlflowClient, item: SyncQueueRecord, settings: SyncSettings): Promise<PushOutcome> {
    const db = this.#db;
    const snapshot = await loadRunSnapshot(db, item.targetId, settings.experimentName);
    if (!snapshot) throw new Error(`Run "${item.label}" was deleted from this workspace; remove this item`);
    if (snapshot.run.remote) throw new Error(`Run "${item.label}" was pulled from MLflow; it is not pushed back`);
    const { parent } = snapshot;
    const warnings: string[] = [];
    if (parent && !parent.remote) {
      // Nested as MLflow nests runs: the parent is pushed first, and the child carries its MLflow id.
      const parentItem = await db.syncQueue.get(syncItemId('run', parent.id));
      const remoteParentRunId = parentItem?.pushState.remoteRunId;
      if (remoteParentRunId === undefined) return this.#waitForParent(parent, parentItem);
      snapshot.remoteParentRunId = remoteParentRunId;
    } else if (snapshot.run.parentId !== undefined && !parent) {
      warnings.push(`Its parent run (${snapshot.run.parentId}) was deleted from this workspace: pushed as a run of its own, not nested.`);
    }
    const result = await pushRun(client, snapshot, { ...item.pushState }, {
      signal: this.#abort.signal,
      onState: (state) => saveSyncPushState(db, item.id, { ...item.pushState, ...state }, this.#now()),
    });
    return { pushState: { ...item.pushState, ...result.state }, sourceUpdatedAt: snapshot.run.updatedAt, warnings: [...warnings, ...result.warnings], created: result.created };
  }

  /**
   * A trial waits for its parent's MLflow run: the parent is queued if it is not (even while it still runs: it is
   * pushed as RUNNING, and again once it ends), and the trial is tried again shortly after the parent's turn.
   */
  async #waitForParent(parent: RunRecord, parentItem: SyncQueueRecord | undefined): Promise<PushOutcome> {
    const soon = this.#now() + PARENT_WAIT_MS;
    if (!parentItem) {
      await enqueueSyncItem(this.#db, { kind: 'run', targetId: parent.id, label: parent.name, sourceUpdatedAt: parent.updatedAt }, this.#now());
      return { deferUntil: soon, reason: `its parent “${parent.name}” was queued first` };
    }
    if (parentItem.state === 'failed' || parentItem.state === 'blocked') {
      throw new SyncError({ kind: 'invalid', message: `Its parent run “${parentItem.label}” could not be pushed: ${parentItem.lastError?.message ?? parentItem.state}. Retry the parent first.` });
    }
    return { deferUntil: Math.max(soon, parentItem.nextAttemptAt), reason: `waiting for its parent “${parentItem.label}”` };
  }

  async #pushModelVersion(client: MlflowClient, item: SyncQueueRecord): Promise<PushOutcome> {
    const db = this.#db;
    const loaded = await loadModelVersion(db, item.targetId);
    if (!loaded) throw new Error(`Model version "${item.label}" was deleted from this workspace; remove this item`);
    const { model, version } = loaded;
    if (version.source.kind !== 'run') throw new Error(`"${item.label}" was registered from uploaded files; only versions registered from a run are pushed (MLflow registers a run's model)`);
    const runId = version.source.runId;
    const runItem = await db.syncQueue.get(syncItemId('run', runId));
    const remoteRunId = runItem?.state === 'done' ? runItem.pushState.remoteRunId : undefined;
    if (remoteRunId === undefined) return this.#waitForRun(runId, runItem, item.label);

    const remoteRun = await client.getRun(remoteRunId);
    if (!remoteRun) throw new SyncError({ kind: 'not-found', code: 'REMOTE_RUN_DELETED', message: `MLflow run ${remoteRunId} of "${version.source.runName}" no longer exists on the server; push the run again (Retry on its item) before its model.` });
    const pushed = item.pushState.artifacts.length > 0 ? item.pushState.artifacts : (runItem?.pushState.artifacts ?? []);
    let state: SyncPushState = { ...item.pushState, remoteRunId, artifacts: pushed };
    const files = await pushArtifacts(client, remoteRun, modelVersionSources(db, version), pushed, {
      signal: this.#abort.signal,
      onPushed: async (artifacts) => {
        state = { ...state, artifacts };
        await saveSyncPushState(db, item.id, state, this.#now());
      },
    });
    const warnings = [...files.warnings];
    const aliases = version.aliases.filter((alias) => {
      const problem = aliasProblem(alias);
      if (problem !== undefined) warnings.push(`Alias "${alias}" was not set in MLflow: ${problem}.`);
      return problem === undefined;
    });
    const description = version.card.description.trim() || model.description;
    const result = await pushModelVersion(client, {
      modelName: model.name,
      modelVersionId: version.id,
      remoteRunId,
      artifactPath: MODEL_ARTIFACT_FOLDER,
      aliases,
      // Set by the last push: those removed here since are deleted on the server.
      previousAliases: item.pushState.aliases ?? [],
      ...(description ? { description } : {}),
      tags: [{ key: 'benchtop.model_version', value: String(version.version) }],
    }, { signal: this.#abort.signal });
    state = { ...state, artifacts: files.pushed, remoteVersion: result.version, aliases };
    return { pushState: state, sourceUpdatedAt: version.updatedAt, warnings, created: result.created };
  }

  /** A model version waits for its run: the run is queued if it is not, and the version tried when the run is due. */
  async #waitForRun(runId: string, runItem: SyncQueueRecord | undefined, label: string): Promise<PushOutcome> {
    const db = this.#db;
    if (!runItem) {
      const run = await db.runs.get(runId);
      if (!run) throw new Error(`The run "${label}" was registered from was deleted from this workspace; MLflow registers a version from its run, so it cannot be pushed`);
      await enqueueSyncItem(db, { kind: 'run', targetId: run.id, label: run.name, sourceUpdatedAt: run.updatedAt }, this.#now());
      return { deferUntil: this.#now(), reason: 'its run was queued first' };
    }
    if (runItem.state === 'failed' || runItem.state === 'blocked') {
      throw new SyncError({ kind: 'invalid', message: `Its run “${runItem.label}” could not be pushed: ${runItem.lastError?.message ?? runItem.state}. Retry the run first.` });
    }
    return { deferUntil: Math.max(this.#now() + 1000, runItem.nextAttemptAt), reason: `waiting for run “${runItem.label}”` };
  }
}

/** How long a trial waits before looking again for its parent's MLflow run (the parent goes first meanwhile). */
const PARENT_WAIT_MS = 250;

/** What one attempt on an item ended with (besides an error). */
type PushOutcome =
  | { deferUntil?: undefined; reason?: undefined; pushState: SyncPushState; sourceUpdatedAt: number; warnings: string[]; created: boolean }
  | { deferUntil: number; reason?: string };

/**
 * Queues what sync pushes: finished train, trial, sweep and AutoML runs made here and model versions registered from a run, those
 * that ended (or were registered) at or after `since` and have no item yet, plus pushed items whose target changed
 * since their push. Returns the ids of the items queued.
 */
export async function queueSyncTargets(db: WorkspaceDb, options: { since: number; now?: number }): Promise<string[]> {
  const now = options.now ?? Date.now();
  const items = new Map((await db.syncQueue.toArray()).map((item) => [item.id, item]));
  const wanted = (id: string, updatedAt: number, endedAt: number): boolean => {
    const item = items.get(id);
    return item === undefined ? endedAt >= options.since : item.state === 'done' && updatedAt > item.sourceUpdatedAt;
  };
  const queued: string[] = [];
  for (const run of (await finishedRuns(db)).filter(isSyncableRun)) {
    const id = syncItemId('run', run.id);
    if (!wanted(id, run.updatedAt, run.endedAt ?? run.updatedAt)) continue;
    await enqueueSyncItem(db, { kind: 'run', targetId: run.id, label: run.name, sourceUpdatedAt: run.updatedAt }, now);
    queued.push(id);
  }
  for (const version of await db.modelVersions.toArray()) {
    const id = syncItemId('modelVersion', version.id);
    if (version.source.kind !== 'run' || !wanted(id, version.updatedAt, version.createdAt)) continue;
    const model = await db.models.get(version.modelId);
    if (!model) continue;
    await enqueueSyncItem(db, { kind: 'modelVersion', targetId: version.id, label: modelVersionLabel(model, version), sourceUpdatedAt: version.updatedAt }, now);
    queued.push(id);
  }
  return queued;
}

/** Runs in a final status (the only ones pushed), read through the status index. */
function finishedRuns(db: WorkspaceDb) {
  return db.runs.where('status').anyOf([...FINAL_RUN_STATUSES]).toArray();
}
