import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AutoMLInputError, runAutoML, type FoldExecutor } from './search';
import { fitFoldInProcess } from './fit-trial';
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
    const result = await runAutoML(data, { target: 'y', budget: { trials: 3 }, validation: { kind: 'cv', folds: 3 }, concurrency: 1 }, {
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

  it('with concurrency 1 finds exactly the sequential search\'s leaderboard', async () => {
    // Recorded from the sequential search (one trial at a time) before trials ran concurrently: [trial, family, mean].
    const sequential = [
      [3, 'knn', 0.966667], [9, 'knn', 0.966667], [5, 'logistic', 0.966667], [10, 'knn', 0.966667], [11, 'decision-tree', 0.96], [1, 'decision-tree', 0.953333],
      [4, 'hist-gradient-boosting', 0.953333], [7, 'knn', 0.953333], [8, 'knn', 0.946667], [6, 'mlp', 0.94], [2, 'random-forest', 0.926667], [12, 'decision-tree', 0.666667],
    ];
    const result = await runAutoML(iris(), { target: 'species', budget: { trials: 12 }, seed: 3, concurrency: 1 });
    expect(result.leaderboard.map((r) => [r.trial, r.family, Number(r.mean.toFixed(6))])).toEqual(sequential);
  }, 30_000);

  it('gives the same leaderboard with concurrency 2 whatever order the trials finish in', async () => {
    const spec = { target: 'species', budget: { trials: 10 }, seed: 5, concurrency: 2 };
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    let inFlight = 0;
    let maxInFlight = 0;
    const finished: number[] = [];
    // Each fold waits a random 0-15 ms before its fit, so trials of a batch finish in random order.
    const delayed: FoldExecutor = async (request, signal) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 15)));
        const pred = await fitFoldInProcess(request, signal);
        if (request.foldIndex === 4) finished.push(request.trial);
        return pred;
      } finally {
        inFlight--;
      }
    };
    const strip = (r: Awaited<ReturnType<typeof runAutoML>>) => r.leaderboard.map(({ trainMs: _t, ...rest }) => rest);
    const plain = await runAutoML(iris(), spec);
    const a = await runAutoML(iris(), spec, { fitFold: delayed });
    const orderA = finished.splice(0);
    const b = await runAutoML(iris(), spec, { fitFold: delayed });
    expect(maxInFlight).toBe(2);
    expect(orderA).not.toEqual(finished); // the timing did differ...
    expect(strip(a)).toEqual(strip(plain)); // ...the leaderboard did not
    expect(strip(b)).toEqual(strip(plain));
    expect(a.leaderboard.map((r) => r.trial).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(a.ensemble?.weights).toEqual(plain.ensemble?.weights);
    // A batch of two proposes two different families while more than one is live.
    const sorted = [...a.leaderboard].sort((x, y) => x.trial - y.trial);
    for (let t = 0; t + 1 < sorted.length; t += 2) expect(sorted[t].family).not.toBe(sorted[t + 1].family);
  }, 60_000);

  it('cancels running trials when the time is up and keeps the finished ones', async () => {
    let t = 0;
    const now = () => t;
    // Trial 1 finishes in 10 ms of the fake clock; trial 2 would need far longer than the budget.
    const executor: FoldExecutor = async (request, signal) => {
      if (request.trial % 2 === 0) {
        return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
      }
      t += 2;
      return fitFoldInProcess(request, signal);
    };
    const result = await runAutoML(iris(), { target: 'species', budget: { timeMs: 30 }, concurrency: 2 }, { now, fitFold: executor });
    expect(result.stoppedBy).toBe('time');
    expect(result.leaderboard.map((r) => r.trial)).toEqual([1]);
    expect(result.best).toBeDefined();
  });
});
