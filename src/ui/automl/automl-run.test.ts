import { describe, expect, it } from 'vitest';
import type { AutoMLRunInfo } from '../../protocol/automl';
import type { RunRecord } from '../../storage/records';
import { automlInfo, automlProgressText, budgetText, isAutoMLRun } from './automl-run';

function run(kind: RunRecord['kind'], automl?: Partial<AutoMLRunInfo>): RunRecord {
  return {
    kind,
    ...(automl ? { automl: { spec: { target: 'y', budget: { trials: 8 } }, findings: [], trialsFinished: 0, ...automl } } : {}),
  } as RunRecord;
}

describe('automl runs', () => {
  it('reads the info of an AutoML parent only', () => {
    expect(automlInfo(run('automl', { trialsFinished: 2 }))?.trialsFinished).toBe(2);
    expect(automlInfo(run('train', { trialsFinished: 2 }))).toBeUndefined();
    expect(isAutoMLRun(run('automl'))).toBe(false);
    expect(isAutoMLRun(run('automl', {}))).toBe(true);
  });

  it('words budgets and progress', () => {
    expect(budgetText({ trials: 1 })).toBe('1 trial');
    expect(budgetText({ trials: 8, timeMs: 45_000 })).toBe('8 trials or 45 s');
    expect(automlProgressText(run('automl', { trialsFinished: 3 }))).toBe('3/8 trials');
    expect(automlProgressText(run('automl', { trialsFinished: 1, spec: { target: 'y', budget: { timeMs: 60_000 } } }))).toBe('1 trial (1 min 00 s budget)');
    expect(automlProgressText(run('train'))).toBe('–');
  });
});
