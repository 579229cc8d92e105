import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AutoMLInputError, runAutoML } from './search';
import type { RawColumn } from './guardrails';

function iris(): RawColumn[] {
  const [header, ...lines] = readFileSync('public/datasets/iris.csv', 'utf8').trim().split(/\r?\n/);
  const names = header.split(',');
  const rows = lines.map((l) => l.split(','));
  return names.map((name, j) => ({ name, values: rows.map((r) => r[j]) }));
}

function columns(n: number, make: (i: number) => Record<string, string | number | null>): RawColumn[] {
  const rows = Array.from({ length: n }, (_, i) => make(i));
  return Object.keys(rows[0]).map((name) => ({ name, values: rows.map((r) => r[name]) }));
}

describe('runAutoML', () => {
  it('gives the same leaderboard for the same seed and trial budget, and beats chance on iris', async () => {
    const spec = { target: 'species', budget: { trials: 8 }, seed: 0 };
    const a = await runAutoML(iris(), spec);
    const b = await runAutoML(iris(), spec);
    const strip = (r: typeof a) => r.leaderboard.map(({ trainMs: _t, ...rest }) => rest);
    expect(strip(a)).toEqual(strip(b));
    expect(a.leaderboard).toHaveLength(8);
    expect(a.task).toBe('multiclass');
    expect(a.leaderboard[0].mean).toBeGreaterThan(0.9);
    expect(a.leaderboard[0].foldScores).toHaveLength(5);
    // Low-cost starts: each family's first trial is its low-cost configuration.
    expect(new Set(a.leaderboard.map((r) => r.family)).size).toBeGreaterThan(1);
    const c = await runAutoML(iris(), { ...spec, seed: 1 });
    expect(strip(c)).not.toEqual(strip(a));
  }, 30_000);

  it('announces each trial before it runs and returns what a refit needs', async () => {
    const data = columns(40, (i) => ({ x: i % 5, c: ['a', 'b'][i % 2], y: i === 3 ? null : i % 2 }));
    const events: string[] = [];
    const result = await runAutoML(data, { target: 'y', budget: { trials: 3 }, validation: { kind: 'cv', folds: 3 } }, {
      onTrialStart: (t) => events.push(`start ${t.trial} ${t.family}`),
      onTrial: (t) => events.push(`end ${t.trial} ${t.family}`),
    });
    expect(events).toHaveLength(6);
    for (let i = 0; i < 3; i++) expect(events[2 * i].replace('start', 'end')).toBe(events[2 * i + 1]);
    expect(Array.from(result.keptRows)).toEqual(Array.from({ length: 40 }, (_, i) => i).filter((i) => i !== 3));
    expect(result.y).toHaveLength(39);
    expect(result.folds).toHaveLength(3);
    expect(result.folds.reduce((s, f) => s + f.validation.length, 0)).toBe(39);
    expect(result.actions.map((a) => a.column)).toEqual(['x', 'c']);
    expect(typeof result.classWeights).toBe('boolean');
  });

  it('refuses a target with one class', async () => {
    const data = columns(20, (i) => ({ x: i % 3, y: 'a' }));
    await expect(runAutoML(data, { target: 'y', budget: { trials: 2 } })).rejects.toThrow(/has one class \("a"\)/);
  });

  it('refuses more classes than rows', async () => {
    const data = columns(12, (i) => ({ x: i % 3, y: `c${i}` }));
    await expect(runAutoML(data, { target: 'y', task: 'multiclass', budget: { trials: 2 } })).rejects.toThrow(/more classes than rows/);
  });

  it('refuses data whose features are all constant', async () => {
    const data = columns(30, (i) => ({ a: 1, b: 'k', y: i % 2 }));
    const err = await runAutoML(data, { target: 'y', budget: { trials: 2 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AutoMLInputError);
    expect((err as AutoMLInputError).code).toBe('no-features');
    expect((err as Error).message).toMatch(/constant, empty or ID-like/);
  });

  it('runs on 200 columns and 50 rows with a wide-data warning', async () => {
    const data = columns(50, (i) => Object.fromEntries([...Array.from({ length: 200 }, (_, j) => [`f${j}`, Math.sin(i * (j + 1)) + (j === 0 ? i % 2 : 0)]), ['y', i % 2]]));
    const result = await runAutoML(data, { target: 'y', budget: { trials: 3 } });
    expect(result.leaderboard).toHaveLength(3);
    expect(result.findings.some((f) => f.code === 'wide-data')).toBe(true);
  });

  it('says so when the time budget is too short for one trial', async () => {
    let t = 0;
    const result = await runAutoML(iris(), { target: 'species', budget: { timeMs: 1 } }, { now: () => (t += 5) });
    expect(result.leaderboard).toHaveLength(0);
    expect(result.best).toBeUndefined();
    expect(result.message).toMatch(/too short for one trial/);
  });

  it('keeps the best finished trial when the time runs out', async () => {
    let t = 0;
    // Each clock read advances 10 ms: a budget of 400 ms fits a few trials.
    const result = await runAutoML(iris(), { target: 'species', budget: { timeMs: 400 } }, { now: () => (t += 10) });
    expect(result.stoppedBy).toBe('time');
    expect(result.leaderboard.length).toBeGreaterThan(0);
    expect(result.best).toBeDefined();
  });

  it('names the bad field of a spec', async () => {
    await expect(runAutoML(iris(), { target: 'species', budget: {} })).rejects.toThrow(/budget: give a trial budget/);
    await expect(runAutoML(iris(), { target: 'nope', budget: { trials: 1 } })).rejects.toThrow(/"nope" is not in the data/);
  });

  it('fits a regression and reports R²', async () => {
    const data = columns(80, (i) => ({ x: i / 10, z: (i * 7) % 5, y: 3 * (i / 10) + ((i * 7) % 5) + Math.sin(i) }));
    const result = await runAutoML(data, { target: 'y', budget: { trials: 6 } });
    expect(result.task).toBe('regression');
    expect(result.metric).toBe('r2');
    expect(result.leaderboard[0].mean).toBeGreaterThan(0.8);
  });
});
