/**
 * @file Fixtures for the sync runner tests (imported by tests only): a network switch, polling until storage shows
 * what a test waits for, and a runner started on a fresh workspace against the MLflow test server.
 */
import { startMlflowServer, type MlflowServerOptions, type MlflowTestServer } from '../../e2e/fixtures/mlflow-server.mjs';
import type { SyncQueueRecord } from '../storage/records';
import { writeSyncSettings } from '../storage/sync-settings';
import type { WorkspaceDb } from '../storage/workspace-schema';
import { makeWorkspaceDb } from '../test/storage-fixtures';
import { SyncRunner, type NetworkStatus, type SyncRunnerEvent } from './sync-runner';

/** The canary token: it must never show up anywhere but the Authorization header. */
export const RUNNER_CANARY = 'canary-TOKEN-123';

/** A network switch for tests. */
export class FakeNetwork implements NetworkStatus {
  isOnline = true;
  readonly #listeners = new Set<(online: boolean) => void>();
  online(): boolean {
    return this.isOnline;
  }
  subscribe(listener: (online: boolean) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  set(online: boolean): void {
    this.isOnline = online;
    for (const listener of this.#listeners) listener(online);
  }
}

/** Polls `read` every 20 ms until `ok` holds; throws, showing the last value, after `timeoutMs`. */
export async function until<T, U extends T = T>(read: () => Promise<T>, ok: ((value: T) => value is U) | ((value: T) => boolean), what: string, timeoutMs = 10_000): Promise<U> {
  const start = Date.now();
  for (;;) {
    const value = await read();
    if (ok(value)) return value as U;
    if (Date.now() - start > timeoutMs) throw new Error(`Timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Reads queue item `id`. */
export const itemOf = (db: WorkspaceDb, id: string) => () => db.syncQueue.get(id);

/** Whether an item exists and is in one of `states`. */
export const stateIs =
  (...states: SyncQueueRecord['state'][]) =>
  (item: SyncQueueRecord | undefined): item is SyncQueueRecord =>
    item !== undefined && states.includes(item.state);

/** A started runner on a fresh workspace, its test server, and what it did; `close()` stops both. */
export interface RunnerLab {
  db: WorkspaceDb;
  server: MlflowTestServer;
  runner: SyncRunner;
  network: FakeNetwork;
  events: SyncRunnerEvent[];
  token: { value: string | undefined };
  close(): Promise<void>;
}

/** Starts a test server and a runner with auto-sync on (fast retries), on a new workspace. */
export async function startRunnerLab(options: { server?: MlflowServerOptions; online?: boolean; autoSync?: boolean; timeoutMs?: number } = {}): Promise<RunnerLab> {
  const { db, workspaceId } = await makeWorkspaceDb();
  const server = await startMlflowServer({ token: RUNNER_CANARY, metricDedupe: false, ...options.server });
  await writeSyncSettings(db, { trackingUri: server.url, experimentName: 'iris', autoSync: options.autoSync ?? true }, 0);
  const network = new FakeNetwork();
  network.isOnline = options.online ?? true;
  const events: SyncRunnerEvent[] = [];
  const token = { value: RUNNER_CANARY as string | undefined };
  const runner = new SyncRunner({
    db,
    workspaceId,
    readToken: async () => token.value,
    network,
    retry: { baseMs: 20, maxMs: 100, maxAttempts: 10 },
    transport: { timeoutMs: options.timeoutMs ?? 2000, backoff: { baseMs: 5, maxMs: 20, maxAttempts: 3 }, seed: 3, page: {} },
    onEvent: (event) => events.push(event),
  });
  runner.start();
  return {
    db,
    server,
    runner,
    network,
    events,
    token,
    async close() {
      await runner.stop();
      await server.close();
    },
  };
}
