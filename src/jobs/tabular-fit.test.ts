import { readFileSync } from 'node:fs';
import { expose } from 'comlink';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fitFoldInProcess } from '../core/automl/fit-trial';
import type { RawColumn } from '../core/automl/guardrails';
import { runAutoML, type FoldFitRequest } from '../core/automl/search';
import { createTabularFitter, type TabularFitWorkerApi } from './tabular-fit';
import { createTabularFitPool } from './tabular-fit-pool';

function iris(): RawColumn[] {
  const [header, ...lines] = readFileSync('public/datasets/iris.csv', 'utf8').trim().split(/\r?\n/);
  const names = header.split(',');
  const rows = lines.map((l) => l.split(','));
  return names.map((name, j) => ({ name, values: rows.map((r) => r[j]) }));
}

/** A stand-in for a fit worker: the real fitter exposed on one end of a MessageChannel (copies, as a Worker does). */
function fakeWorkers() {
  const log = { started: 0, terminated: 0, setFold: 0 };
  const start = () => {
    const { port1, port2 } = new MessageChannel();
    const fitter = createTabularFitter();
    const api: TabularFitWorkerApi = {
      setFold: (i, fold) => {
        log.setFold++;
        fitter.setFold(i, fold);
      },
      fitFold: (request) => fitter.fitFold(request),
    };
    expose(api, port2);
    log.started++;
    return Object.assign(port1, {
      terminate: () => {
        log.terminated++;
        port1.close();
        port2.close();
      },
    }) as unknown as Worker;
  };
  return { log, start };
}

afterEach(() => vi.unstubAllGlobals());

describe('tabular fit worker pool', () => {
  it('refuses a fold it was not sent', async () => {
    const fitter = createTabularFitter();
    await expect(fitter.fitFold({ trial: 1, family: 'knn', params: {}, foldIndex: 0, nFeatures: 1, task: 'regression', nClasses: 1, seed: 0 })).rejects.toThrow(/Fold 0 was not sent/);
  });

  it('gives the in-process leaderboard, sends each fold once per worker and closes its workers', async () => {
    if (typeof Worker === 'undefined') vi.stubGlobal('Worker', class {});
    const { log, start } = fakeWorkers();
    const pool = createTabularFitPool(2, start);
    if (!pool) throw new Error('no pool');
    const spec = { target: 'species', budget: { trials: 6 }, seed: 2, concurrency: 2 };
    const pooled = await runAutoML(iris(), spec, { fitFold: pool.fitFold });
    pool.close();
    const plain = await runAutoML(iris(), spec);
    const strip = (r: typeof plain) => r.leaderboard.map(({ trainMs: _t, ...rest }) => rest);
    expect(strip(pooled)).toEqual(strip(plain));
    expect(pool.maxBusy).toBe(2);
    expect(log.started).toBe(2);
    expect(log.setFold).toBe(2 * 5); // 5 folds, once per worker
    expect(log.terminated).toBe(2);
  }, 30_000);

  it('terminates the worker of an aborted fit and starts a fresh one for the next', async () => {
    if (typeof Worker === 'undefined') vi.stubGlobal('Worker', class {});
    const { log, start } = fakeWorkers();
    const pool = createTabularFitPool(1, start);
    if (!pool) throw new Error('no pool');
    const train = Uint32Array.from({ length: 20 }, (_, i) => i);
    const validation = Uint32Array.from([20, 21]);
    const fold = { train, validation, Xtrain: Float64Array.from(train), Xval: Float64Array.from([20, 21]), ytrain: Float64Array.from(train, (x) => 2 * x) };
    const request: FoldFitRequest = { trial: 1, family: 'knn', params: {}, foldIndex: 0, fold, nFeatures: 1, task: 'regression', nClasses: 1, seed: 0 };
    const controller = new AbortController();
    const first = pool.fitFold(request, controller.signal);
    controller.abort(new Error('time up'));
    await expect(first).rejects.toThrow('time up');
    expect(log.terminated).toBe(1);
    const pred = await pool.fitFold(request, new AbortController().signal);
    expect(Array.from(pred)).toEqual(Array.from(await fitFoldInProcess(request, new AbortController().signal)));
    expect(log.started).toBe(2);
    pool.close();
  });
});
