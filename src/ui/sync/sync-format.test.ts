import { describe, expect, it } from 'vitest';
import type { SyncQueueRecord } from '../../storage/records';
import { formatWait, pulledFromText, remoteRunPageUrl, syncBadgeText, syncCounts, syncItemDetail } from './sync-format';

const item = (changes: Partial<SyncQueueRecord>): SyncQueueRecord => ({
  id: 'run:r1',
  kind: 'run',
  targetId: 'r1',
  label: 'iris',
  state: 'queued',
  attempts: 0,
  nextAttemptAt: 0,
  pushState: { metricMarks: [], artifacts: [] },
  sourceUpdatedAt: 1,
  createdAt: 1,
  updatedAt: 1,
  ...changes,
});

describe('sync words', () => {
  it('says what an item waits for, why it failed, or where it went', () => {
    expect(syncItemDetail(item({}), 0)).toBe('waiting to be pushed');
    expect(syncItemDetail(item({ attempts: 2, nextAttemptAt: 20_000, lastError: { kind: 'server', message: 'MLflow answered 500.' } }), 0)).toBe('MLflow answered 500. (attempt 2; next try in 20 s)');
    expect(syncItemDetail(item({ state: 'blocked', lastError: { kind: 'auth', message: 'Check the token.' } }), 0)).toBe('Check the token. Fix it, then Save the settings or press Retry.');
    expect(syncItemDetail(item({ state: 'done', pushState: { remoteRunId: 'abc', metricMarks: [], artifacts: [] } }), 0)).toBe('MLflow run abc.');
    expect(syncItemDetail(item({ kind: 'modelVersion', state: 'done', warnings: ['No files.'], pushState: { remoteVersion: '3', metricMarks: [], artifacts: [] } }), 0)).toBe('registered as MLflow version 3. No files.');
  });

  it('counts states in a fixed order, and words waits and badges', () => {
    expect(syncCounts([item({ state: 'done' }), item({}), item({ state: 'done' })])).toBe('1 queued · 2 synced');
    expect(formatWait(500)).toBe('now');
    expect(formatWait(5 * 60_000)).toBe('in 5 min');
    expect(syncBadgeText('done')).toBe('synced');
    expect(syncBadgeText('blocked')).toBe('sync blocked');
  });

  it('words where a pulled run came from, and links its MLflow page only over http(s)', () => {
    const remote = { trackingUri: 'https://mlflow.example/team/', experimentId: '4', experimentName: 'iris', runId: 'ab12' };
    expect(pulledFromText(remote)).toBe('https://mlflow.example/team/, experiment “iris”');
    expect(remoteRunPageUrl(remote)).toBe('https://mlflow.example/team/#/experiments/4/runs/ab12');
    expect(remoteRunPageUrl({ ...remote, trackingUri: 'http://127.0.0.1:5000' })).toBe('http://127.0.0.1:5000/#/experiments/4/runs/ab12');
    expect(remoteRunPageUrl({ ...remote, runId: '../x?y' })).toBe('https://mlflow.example/team/#/experiments/4/runs/..%2Fx%3Fy');
    for (const trackingUri of ['javascript:alert(1)', 'data:text/html,x', 'not a url', 'https://user:pw@mlflow.example']) expect(remoteRunPageUrl({ ...remote, trackingUri }), trackingUri).toBeUndefined();
  });
});
