import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../storage/records';
import { allTags, compareKeys, legendLabels, summaryKeysOf } from './run-compare';

describe('run-compare helpers', () => {
  it('lists tags once, sorted', () => {
    expect(allTags([{ tags: ['b', 'a'] }, { tags: ['a', 'c'] }] as RunRecord[])).toEqual(['a', 'b', 'c']);
  });

  it('numbers runs that share a name', () => {
    expect(legendLabels(['Iris', 'Wine', 'Iris'])).toEqual(['Iris (#1)', 'Wine', 'Iris (#3)']);
    expect(legendLabels(['<b>x</b>'])).toEqual(['<b>x</b>']);
  });

  it('compares validation loss and each task score', () => {
    const spec = (task: string) => ({ spec: { task } }) as unknown as RunRecord;
    expect(compareKeys([spec('multiclass'), spec('binary')])).toEqual(['val_loss', 'val_accuracy']);
    expect(compareKeys([spec('multiclass'), spec('regression')])).toEqual(['val_loss', 'val_accuracy', 'val_rmse']);
  });

  it('collects summary keys', () => {
    expect(summaryKeysOf([{ summary: [{ key: 'b', value: 1 }] }, { summary: [{ key: 'a', value: 2 }, { key: 'b', value: 3 }] }])).toEqual(['a', 'b']);
  });
});
