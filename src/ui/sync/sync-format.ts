/**
 * @file Words for sync queue items, sync badges and pulled runs (pure).
 */
import type { RemoteRunOrigin, SyncItemState, SyncQueueRecord } from '../../storage/records';

/** Each item state in a word or two. */
export const SYNC_STATE_LABELS: Readonly<Record<SyncItemState, string>> = Object.freeze({
  queued: 'Queued',
  pushing: 'Pushing',
  done: 'Synced',
  failed: 'Failed',
  blocked: 'Blocked',
});

/** "in 20 s", "in 3 min". */
export function formatWait(ms: number): string {
  if (ms < 1000) return 'now';
  if (ms < 90_000) return `in ${Math.round(ms / 1000)} s`;
  if (ms < 90 * 60_000) return `in ${Math.round(ms / 60_000)} min`;
  return `in ${Math.round(ms / 3_600_000)} h`;
}

/** The one line the queue list shows about an item: its error, its next try, or what was pushed. */
export function syncItemDetail(item: SyncQueueRecord, now: number): string {
  const error = item.lastError ? `${item.lastError.message}` : '';
  switch (item.state) {
    case 'queued': {
      const wait = item.nextAttemptAt > now ? `next try ${formatWait(item.nextAttemptAt - now)}` : 'waiting to be pushed';
      return error ? `${error} (attempt ${item.attempts}; ${wait})` : wait;
    }
    case 'pushing':
      return 'pushing now…';
    case 'blocked':
      return `${error} Fix it, then Save the settings or press Retry.`;
    case 'failed':
      return error;
    case 'done': {
      const where = item.kind === 'modelVersion' && item.pushState.remoteVersion ? `registered as MLflow version ${item.pushState.remoteVersion}` : item.pushState.remoteRunId ? `MLflow run ${item.pushState.remoteRunId}` : 'pushed';
      const warnings = item.warnings?.length ? ` ${item.warnings.join(' ')}` : '';
      return `${where}${item.pushedAt ? `, ${new Date(item.pushedAt).toLocaleString()}` : ''}.${warnings}`;
    }
  }
}

/** The badge text of a run's sync state. */
export function syncBadgeText(state: SyncItemState): string {
  return state === 'done' ? 'synced' : state === 'pushing' ? 'syncing' : `sync ${SYNC_STATE_LABELS[state].toLowerCase()}`;
}

/** "2 queued · 1 synced", states in a fixed order. */
export function syncCounts(items: readonly Pick<SyncQueueRecord, 'state'>[]): string {
  const order: SyncItemState[] = ['pushing', 'queued', 'blocked', 'failed', 'done'];
  return order
    .map((state) => [state, items.filter((item) => item.state === state).length] as const)
    .filter(([, n]) => n > 0)
    .map(([state, n]) => `${n} ${SYNC_STATE_LABELS[state].toLowerCase()}`)
    .join(' · ');
}

/** Where a pulled run came from, in words: `http://mlflow.example:5000`, experiment “iris”. */
export function pulledFromText(remote: Pick<RemoteRunOrigin, 'trackingUri' | 'experimentName'>): string {
  return `${remote.trackingUri}, experiment “${remote.experimentName}”`;
}

/**
 * The MLflow UI page of a pulled run (`<tracking URI>/#/experiments/<id>/runs/<run id>`), or undefined when the stored
 * URI is not http(s) (a record from an imported file is not trusted to hold a safe link).
 */
export function remoteRunPageUrl(remote: Pick<RemoteRunOrigin, 'trackingUri' | 'experimentId' | 'runId'>): string | undefined {
  let base: URL;
  try {
    base = new URL(remote.trackingUri);
  } catch {
    return undefined;
  }
  if ((base.protocol !== 'http:' && base.protocol !== 'https:') || base.username !== '' || base.password !== '') return undefined;
  const root = `${base.origin}${base.pathname.replace(/\/+$/, '')}`;
  return `${root}/#/experiments/${encodeURIComponent(remote.experimentId)}/runs/${encodeURIComponent(remote.runId)}`;
}
