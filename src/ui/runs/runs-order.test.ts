import { describe, expect, it } from 'vitest';
import type { RunStatus } from '../../protocol/run';
import type { RunRecord } from '../../storage/records';
import { testTrainSpec } from '../../test/storage-run-fixtures';
import { orderRuns, summaryKeys } from './runs-order';

function run(id: string, createdAt: number, status: RunStatus, summary: Record<string, number>): RunRecord {
  return {
    id,
    createdAt,
    status,
    summary: Object.entries(summary).map(([key, value]) => ({ key, value })),
    spec: testTrainSpec(),
  } as RunRecord;
}

const runs = [
  run('a', 1, 'completed', { test_accuracy: 0.8, loss: 0.5 }),
  run('b', 2, 'completed', { test_accuracy: 0.9, loss: 0.3 }),
  run('c', 3, 'running', { val_accuracy: 0.7 }),
  run('d', 4, 'failed', {}),
  run('e', 5, 'completed', { test_accuracy: Number.NaN }),
];

const ids = (list: RunRecord[]) => list.map((r) => r.id);

describe('orderRuns', () => {
  it('orders by creation time, newest first by default', () => {
    expect(ids(orderRuns(runs, { order: { by: 'createdAt', direction: 'desc' }, metric: { kind: 'primary' } }))).toEqual(['e', 'd', 'c', 'b', 'a']);
    expect(ids(orderRuns(runs, { order: { by: 'createdAt', direction: 'asc' }, metric: { kind: 'primary' } }))).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('orders by the primary metric with missing and NaN values last in both directions', () => {
    expect(ids(orderRuns(runs, { order: { by: 'metric', direction: 'desc' }, metric: { kind: 'primary' } }))).toEqual(['b', 'a', 'c', 'e', 'd']);
    expect(ids(orderRuns(runs, { order: { by: 'metric', direction: 'asc' }, metric: { kind: 'primary' } }))).toEqual(['c', 'a', 'b', 'e', 'd']);
  });

  it('orders by one summary key and filters by status', () => {
    expect(ids(orderRuns(runs, { order: { by: 'metric', direction: 'asc' }, metric: { kind: 'key', key: 'loss' } }))).toEqual(['b', 'a', 'e', 'd', 'c']);
    expect(ids(orderRuns(runs, { status: 'completed', order: { by: 'createdAt', direction: 'desc' }, metric: { kind: 'primary' } }))).toEqual(['e', 'b', 'a']);
    expect(summaryKeys(runs)).toEqual(['loss', 'test_accuracy', 'val_accuracy']);
  });
});
