import { describe, expect, it } from 'vitest';
import { goodCount, parameterGroups, rankableTrials, rankTrials, splitTrials } from './tpe-history';

describe('TPE history', () => {
  it('ranks complete trials, then pruned ones, then running ones under the constant liar; failed ones never', () => {
    const trials = [
      { params: { x: 1 }, state: 'complete' as const, value: 3 },
      { params: { x: 2 }, state: 'pruned' as const, value: 1 },
      { params: { x: 3 }, state: 'failed' as const },
      { params: { x: 4 }, state: 'running' as const },
      { params: { x: 5 }, state: 'complete' as const, value: 2 },
      { params: { x: 6 }, state: 'complete' as const, value: NaN },
    ];
    expect(rankTrials(rankableTrials(trials, 'minimize', false)).map((t) => t.number)).toEqual([4, 0, 1]);
    expect(rankTrials(rankableTrials(trials, 'maximize', true)).map((t) => t.number)).toEqual([0, 4, 1, 3]);
  });

  it('splits off the best min(ceil(0.1 n), 25), both halves in trial order', () => {
    expect([1, 10, 11, 100, 250, 1000].map((n) => goodCount(n, 0.1, 25))).toEqual([1, 1, 2, 10, 25, 25]);
    const ranked = rankableTrials(
      [5, 1, 4, 2, 3].map((value) => ({ params: {}, state: 'complete' as const, value })),
      'minimize',
      false,
    );
    const { below, above } = splitTrials(rankTrials(ranked), new Set(ranked), 2);
    expect(below.map((t) => t.number)).toEqual([1, 3]);
    expect(above.map((t) => t.number)).toEqual([0, 2, 4]);
  });

  it('decomposes conditional spaces into groups of parameters that always occur together', () => {
    const groups = parameterGroups([
      ['layers', 'lr', 'd0'],
      ['layers', 'lr', 'd0', 'd1'],
      ['layers', 'lr', 'd0', 'd1', 'd2'],
      ['layers', 'lr', 'd0'],
    ]);
    expect(groups.map((g) => [...g].sort()).sort()).toEqual([['d0', 'layers', 'lr'], ['d1'], ['d2']]);
    expect(parameterGroups([])).toEqual([]);
  });
});
