import { beforeEach, describe, expect, it } from 'vitest';
import { makeWorkspaceDb, resetStorage } from '../test/storage-fixtures';
import { makeTestRun } from '../test/storage-run-fixtures';
import { appendMetrics, latestMetric, metricKeys, metricSeries } from './metrics';
import type { MetricRecord } from './records';
import type { WorkspaceDb } from './workspace-schema';

let db: WorkspaceDb;
let runId: string;
beforeEach(async () => {
  await resetStorage();
  db = (await makeWorkspaceDb()).db;
  runId = (await makeTestRun(db, {}, 'running')).id;
});

const point = (key: string, step: number, value: number, extra: Partial<MetricRecord> = {}): MetricRecord => ({ runId, key, step, value, time: 1000 + step, ...extra });

describe('metrics', () => {
  it('appends batches and reads one series ordered by step', async () => {
    await appendMetrics(db, [point('loss', 2, 0.5), point('val_loss', 0, 0.9, { split: 'validation' }), point('loss', 0, 1.0)]);
    await appendMetrics(db, [point('loss', 1, 0.7), point('loss', 10, NaN)]);
    const series = await metricSeries(db, runId, 'loss');
    expect(series.map((p) => [p.step, p.value])).toEqual([[0, 1.0], [1, 0.7], [2, 0.5], [10, NaN]]);
    expect((await metricSeries(db, runId, 'val_loss'))[0]).toEqual(point('val_loss', 0, 0.9, { split: 'validation' }));
    expect((await metricSeries(db, runId, 'loss', 2)).map((p) => p.step)).toEqual([2, 10]);
    expect(await metricKeys(db, runId)).toEqual(['loss', 'val_loss']);
    expect((await latestMetric(db, runId, 'loss'))?.step).toBe(10);
    expect(await metricSeries(db, 'other', 'loss')).toEqual([]);
    await appendMetrics(db, []);
  });

  it('replaces a point written again at the same step (a resumed run)', async () => {
    await appendMetrics(db, [point('loss', 3, 0.4)]);
    await appendMetrics(db, [point('loss', 3, 0.35)]);
    expect((await metricSeries(db, runId, 'loss')).map((p) => p.value)).toEqual([0.35]);
  });

  it('appends 10,000 points in one batch quickly', async () => {
    const batch = Array.from({ length: 10_000 }, (_, i) => point(i % 2 ? 'loss' : 'accuracy', Math.floor(i / 2), Math.random()));
    const start = performance.now();
    await appendMetrics(db, batch);
    const elapsed = performance.now() - start;
    // fake-indexeddb in Node is far slower than a browser's IndexedDB; this bounds the repository's overhead.
    expect(elapsed).toBeLessThan(5_000);
    expect(await db.metrics.where('runId').equals(runId).count()).toBe(10_000);
    const loss = await metricSeries(db, runId, 'loss');
    expect(loss).toHaveLength(5_000);
    expect(loss.every((p, i) => p.step === i)).toBe(true);
  });

  it('refuses bad points and points of a missing run, writing nothing', async () => {
    await expect(appendMetrics(db, [point('loss', 0, 1), { ...point('loss', 1, 1), runId: 'gone' }])).rejects.toThrow(
      'Run "gone" does not exist; its metrics were not written',
    );
    expect(await db.metrics.count()).toBe(0);
    await expect(appendMetrics(db, [point('loss', -1, 1)])).rejects.toThrow('has step -1; expected an integer ≥ 0');
    await expect(appendMetrics(db, [point('loss', 1.5, 1)])).rejects.toThrow('has step 1.5');
    await expect(appendMetrics(db, [point('', 0, 1)])).rejects.toThrow('has a key of 0 characters; expected 1 to 250');
    await expect(appendMetrics(db, [point('loss', 0, '1' as never)])).rejects.toThrow('has value 1; expected a number');
    await expect(appendMetrics(db, [point('loss', 0, 1, { split: 'holdout' as never })])).rejects.toThrow('has split "holdout"; expected train, validation or test');
  });
});
