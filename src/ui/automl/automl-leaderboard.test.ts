import { describe, expect, it } from 'vitest';
import type { AutoMLTrialInfo } from '../../protocol/automl';
import type { AutoMLTrialRecord } from '../../storage/automl-runs';
import { automlMetricLabel, familyLabel, leaderboardRows, orderFindings, orderLeaderboard, paramsSummary } from './automl-leaderboard';

function trial(number: number, family: string, mean: number, extra: Partial<AutoMLTrialInfo> = {}): AutoMLTrialRecord {
  return { id: `t${number}`, automlTrial: { number, family, params: {}, foldScores: [mean], mean, std: 0.01, trainMs: 100 * number, ...extra } } as unknown as AutoMLTrialRecord;
}

describe('AutoML leaderboard', () => {
  const trials = [trial(1, 'knn', 0.9), trial(2, 'random-forest', 0.95), trial(3, 'logistic', 0.9), trial(4, 'decision-tree', Number.NaN)];

  it('ranks best first on a higher-is-better metric; ties go to the earlier trial; NaN last', () => {
    expect(leaderboardRows(trials, 'accuracy').map((r) => [r.rank, r.trial])).toEqual([
      [1, 2],
      [2, 1],
      [3, 3],
      [4, 4],
    ]);
  });

  it('ranks lowest first on a loss', () => {
    expect(leaderboardRows(trials, 'log-loss').map((r) => r.trial)).toEqual([1, 3, 2, 4]);
    expect(leaderboardRows([trial(1, 'linear', 3), trial(2, 'knn', 2)], 'rmse')[0]).toMatchObject({ trial: 2, rank: 1, familyLabel: 'k-nearest neighbours' });
  });

  it('sorts by any column, both ways', () => {
    const rows = leaderboardRows(trials, 'accuracy');
    expect(orderLeaderboard(rows, { by: 'trial', direction: 'desc' }).map((r) => r.trial)).toEqual([4, 3, 2, 1]);
    expect(orderLeaderboard(rows, { by: 'metric', direction: 'asc' }).map((r) => r.trial)).toEqual([2, 1, 3, 4]);
    expect(orderLeaderboard(rows, { by: 'trainMs', direction: 'desc' }).map((r) => r.trial)).toEqual([4, 3, 2, 1]);
    expect(orderLeaderboard(rows, { by: 'family', direction: 'asc' }).map((r) => r.family)).toEqual(['decision-tree', 'knn', 'logistic', 'random-forest']);
  });

  it('summarises parameters, flattening nested ones and cutting long values', () => {
    expect(paramsSummary({ maxDepth: 6, learningRate: 0.123456, nested: { b: true, a: 'x'.repeat(30) } })).toBe(`learningRate 0.1235, maxDepth 6, nested.a ${'x'.repeat(23)}…, nested.b true`);
    expect(paramsSummary({})).toBe('');
  });

  it('names metrics and families', () => {
    expect(automlMetricLabel('r2')).toBe('R²');
    expect(automlMetricLabel(undefined)).toBe('Score');
    expect(familyLabel('hist-gradient-boosting')).toBe('Histogram gradient boosting');
    expect(familyLabel('<b>x</b>')).toBe('<b>x</b>');
  });

  it('puts warnings first and shows a repeated finding once', () => {
    const info = { code: 'a', severity: 'info' as const, message: 'scaled' };
    const warning = { code: 'b', severity: 'warning' as const, column: 'id', message: 'ID-like, dropped' };
    expect(orderFindings([info, warning, info])).toEqual([warning, info]);
  });
});
