/**
 * @file Tabular fit worker: fits one fold of an AutoML trial. Started by the AutoML worker (a nested worker, one per
 * trial that runs at once; `src/jobs/tabular-fit-pool.ts`). Logic lives in src/jobs/tabular-fit.ts.
 */
import { expose, transfer } from 'comlink';
import { createTabularFitter, type TabularFitWorkerApi } from '../src/jobs/tabular-fit';

const fitter = createTabularFitter();

const api: TabularFitWorkerApi = {
  setFold: (foldIndex, fold) => fitter.setFold(foldIndex, fold),
  // The predictions are this worker's own fresh array: transferred, not copied.
  fitFold: async (request) => {
    const pred = await fitter.fitFold(request);
    return transfer(pred, [pred.buffer]);
  },
};

expose(api);
