/**
 * @file Metric series of runs. The worker appends points in batches (one transaction per batch);
 * pages read one series at a time, ordered by step, through the `[runId+key+step]` primary key.
 */
import { Dexie } from 'dexie';
import type { MetricRecord } from './records';
import type { WorkspaceDb } from './workspace-schema';

/** Longest metric key, in characters. */
export const MAX_METRIC_KEY_LENGTH = 250;

const SPLITS = new Set(['train', 'validation', 'test']);

/**
 * Writes a batch of points (of one run or several) in one transaction. Every run must exist, so a
 * late batch from a deleted run's worker is refused instead of leaving orphan points. A point with the
 * same run, key and step as a stored one replaces it (a resumed run recomputing an epoch).
 */
export async function appendMetrics(db: WorkspaceDb, batch: readonly MetricRecord[]): Promise<void> {
  if (batch.length === 0) return;
  batch.forEach(checkPoint);
  const runIds = [...new Set(batch.map((p) => p.runId))];
  await db.transaction('rw', db.runs, db.metrics, async () => {
    const runs = await db.runs.bulkGet(runIds);
    const missing = runIds.find((_, i) => runs[i] === undefined);
    if (missing !== undefined) throw new Error(`Run "${missing}" does not exist; its metrics were not written`);
    await db.metrics.bulkPut(batch as MetricRecord[]);
  });
}

/** The points of one series, ordered by step; from `fromStep` on (inclusive) when given, for incremental charts. */
export async function metricSeries(db: WorkspaceDb, runId: string, key: string, fromStep?: number): Promise<MetricRecord[]> {
  return db.metrics
    .where('[runId+key+step]')
    .between([runId, key, fromStep ?? Dexie.minKey], [runId, key, Dexie.maxKey], true, true)
    .toArray();
}

/** The metric keys a run has points for, sorted. Reads keys only, not values. */
export async function metricKeys(db: WorkspaceDb, runId: string): Promise<string[]> {
  // [runId] sorts before and [runId, []] after every [runId, key, step] (an array sorts after any string).
  // Not [runId, maxKey, maxKey]: a key holding the same array object twice is invalid in IndexedDB.
  const keys = await db.metrics.where('[runId+key+step]').between([runId], [runId, []]).primaryKeys();
  return [...new Set(keys.map(([, key]) => key))];
}

/** The last point (highest step) of one series, or `undefined`. */
export async function latestMetric(db: WorkspaceDb, runId: string, key: string): Promise<MetricRecord | undefined> {
  return db.metrics.where('[runId+key+step]').between([runId, key, Dexie.minKey], [runId, key, Dexie.maxKey]).last();
}

function checkPoint(point: MetricRecord, index: number): void {
  const where = `Metric point ${index} (run "${point.runId}", key "${String(point.key).slice(0, 80)}")`;
  if (typeof point.runId !== 'string' || point.runId.length === 0) throw new Error(`Metric point ${index} has no run id`);
  if (typeof point.key !== 'string' || point.key.length === 0 || point.key.length > MAX_METRIC_KEY_LENGTH) {
    throw new Error(`${where} has a key of ${String(point.key).length} characters; expected 1 to ${MAX_METRIC_KEY_LENGTH}`);
  }
  if (!Number.isSafeInteger(point.step) || point.step < 0) throw new Error(`${where} has step ${point.step}; expected an integer ≥ 0`);
  if (typeof point.value !== 'number') throw new Error(`${where} has value ${String(point.value)}; expected a number`);
  if (!Number.isFinite(point.time)) throw new Error(`${where} has time ${point.time}; expected epoch milliseconds`);
  if (point.split !== undefined && !SPLITS.has(point.split)) throw new Error(`${where} has split "${point.split}"; expected train, validation or test`);
}
