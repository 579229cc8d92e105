import { describe, expect, it } from 'vitest';
import { bestStepPath, optimizationHistory } from './best-so-far';
import type { TrialRow } from './trial-rows';

function row(number: number, status: TrialRow['status'], value?: number): TrialRow {
  return { runId: `r${number}`, number, status, params: {}, ...(value === undefined ? {} : { value }), epochs: 1, epochsPlanned: 1 };
}

describe('optimizationHistory', () => {
  it('keeps the running best of completed trials, in trial order, for either goal', () => {
    const rows = [row(2, 'completed', 0.5), row(0, 'completed', 0.9), row(1, 'completed', 0.7), row(3, 'completed', 0.6)];
    const min = optimizationHistory(rows, 'minimize');
    expect(min.points.map((p) => p.number)).toEqual([0, 1, 2, 3]);
    expect(min.best.map((b) => [b.number, b.value, b.bestNumber])).toEqual([
      [0, 0.9, 0],
      [1, 0.7, 1],
      [2, 0.5, 2],
      [3, 0.5, 2],
    ]);
    expect(min.bestPoint).toMatchObject({ number: 2, value: 0.5 });
    const max = optimizationHistory(rows, 'maximize');
    expect(max.best.map((b) => b.value)).toEqual([0.9, 0.9, 0.9, 0.9]);
    expect(max.bestPoint?.number).toBe(0);
  });

  it('draws stopped trials as points without letting them be the best, and skips the rest', () => {
    const rows = [row(0, 'completed', 0.8), row(1, 'stopped', 0.1), row(2, 'running', 0.05), row(3, 'failed'), row(4, 'completed', Number.NaN)];
    const history = optimizationHistory(rows, 'minimize');
    expect(history.points).toEqual([
      { number: 0, value: 0.8, kind: 'completed' },
      { number: 1, value: 0.1, kind: 'stopped' },
    ]);
    expect(history.bestPoint?.number).toBe(0);
    expect(optimizationHistory([row(0, 'stopped', 1)], 'minimize').bestPoint).toBeUndefined();
  });

  it('keeps the earlier trial on a tie', () => {
    expect(optimizationHistory([row(0, 'completed', 1), row(1, 'completed', 1)], 'minimize').bestPoint?.number).toBe(0);
  });
});

describe('bestStepPath', () => {
  it('steps where the best changes and runs on to the last trial', () => {
    const { best } = optimizationHistory([row(0, 'completed', 3), row(2, 'completed', 1), row(3, 'completed', 2)], 'minimize');
    expect(bestStepPath(best, 5, (n) => n * 10, (v) => v)).toBe('M0 3 L20 3 L20 1 L30 1 L50 1');
    expect(bestStepPath([], 5, (n) => n, (v) => v)).toBe('');
  });
});
