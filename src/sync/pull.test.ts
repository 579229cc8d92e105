import { afterEach, describe, expect, it } from 'vitest';
import type { MlflowTestServer } from '../../e2e/fixtures/mlflow-server.mjs';
import { pushRun } from './push';
import { pullMetricHistory, pullRunHistories, pullRuns } from './pull';
import { SyncError } from './sync-error';
import { metricSeries, serverAndClient, syncRun } from './sync-test-fixtures';

let server: MlflowTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('pullRuns', () => {
  it('reads every run of an experiment page by page, always with max_results', async () => {
    const ctx = await serverAndClient();
    server = ctx.server;
    for (let i = 0; i < 7; i++) {
      const run = syncRun({ id: `run-${i}`, name: `run ${i}`, startedAt: 1_700_000_000_000 + i * 1000 });
      await pushRun(ctx.client, { run, experimentName: 'titanic', metrics: metricSeries(run.id, ['loss'], 3) });
    }
    const pulled = await pullRuns(ctx.client, { experimentName: 'titanic', pageSize: 3 });
    expect(pulled.truncated).toBe(false);
    expect(pulled.runs.map((r) => r.name)).toEqual(['run 6', 'run 5', 'run 4', 'run 3', 'run 2', 'run 1', 'run 0']);
    const searches = server.requests.filter((r) => r.path.endsWith('/runs/search') && r.body?.order_by?.[0] === 'attributes.start_time DESC');
    expect(searches.map((r) => r.body?.max_results)).toEqual([3, 3, 3]);
    expect(searches.map((r) => r.body?.page_token === undefined)).toEqual([true, false, false]);

    const run = pulled.runs[0];
    expect(run.benchtopRunId).toBe('run-6');
    expect(run.status).toBe('FINISHED');
    expect(run.params.find((p) => p.key === 'optimizer.learningRate')?.value).toBe('0.001');
    expect(run.latestMetrics.map((m) => m.key)).toEqual(['loss', 'test_accuracy', 'val_loss']);
    expect(run.datasets).toEqual([{ name: 'titanic', digest: 'ab'.repeat(16), sourceType: 'benchtop', context: 'training' }]);
  });

  it('stops at maxRuns and says so', async () => {
    const ctx = await serverAndClient();
    server = ctx.server;
    for (let i = 0; i < 5; i++) await pushRun(ctx.client, { run: syncRun({ id: `run-${i}` }), experimentName: 'titanic', metrics: [] });
    const pulled = await pullRuns(ctx.client, { experimentName: 'titanic', pageSize: 2, maxRuns: 3 });
    expect(pulled.runs).toHaveLength(3);
    expect(pulled.truncated).toBe(true);
  });

  it('says which experiment is missing', async () => {
    const ctx = await serverAndClient();
    server = ctx.server;
    const error = await pullRuns(ctx.client, { experimentName: 'nope' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyncError);
    expect((error as SyncError).kind).toBe('not-found');
    expect((error as SyncError).message).toContain('"nope"');
  });
});

describe('pullMetricHistory', () => {
  it('reads a long series in pages, ordered by step, NaN included', async () => {
    const ctx = await serverAndClient();
    server = ctx.server;
    const run = syncRun({ summary: [] });
    const points = metricSeries(run.id, ['loss'], 120);
    points[5].value = Number.NaN;
    const pushed = await pushRun(ctx.client, { run, experimentName: 'titanic', metrics: points });
    const series = await pullMetricHistory(ctx.client, pushed.remoteRunId, 'loss', { pageSize: 50 });
    expect(series.truncated).toBe(false);
    expect(series.points).toHaveLength(120);
    expect(series.points.map((p) => p.step)).toEqual(points.map((p) => p.step));
    expect(series.points[5].value).toBeNaN();
    expect(series.points[6]).toEqual({ step: 6, value: points[6].value, timestamp: points[6].time });
    const pages = server.requests.filter((r) => r.path.endsWith('/metrics/get-history') && r.url.includes('metric_key=loss&max_results=50'));
    expect(pages).toHaveLength(3);

    const capped = await pullMetricHistory(ctx.client, pushed.remoteRunId, 'loss', { pageSize: 50, maxPoints: 60 });
    expect(capped.points).toHaveLength(60);
    expect(capped.truncated).toBe(true);

    const pulled = await pullRuns(ctx.client, { experimentName: 'titanic' });
    const all = await pullRunHistories(ctx.client, pulled.runs[0]);
    expect(all.map((s) => [s.key, s.points.length])).toEqual([['loss', 120]]);
  });
});
