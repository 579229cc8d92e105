/**
 * @file The tabular fit job a fit worker exposes (`workers/tabular-fit.worker.ts`): it keeps the folds an AutoML search
 * sent it (by fold index, each sent once per worker) and fits one trial's fold on request, returning its predictions
 * on the fold's validation rows. Tested without a Worker.
 */
import { fitFoldInProcess, type FoldFitRequest, type FoldMatrices } from '../core/automl/fit-trial';

/** A fold fit as it crosses to a fit worker: the request without its matrices, which the worker already holds. */
export type RemoteFoldFitRequest = Omit<FoldFitRequest, 'fold'>;

/** The API a tabular fit worker exposes (comlink). */
export interface TabularFitWorkerApi {
  /** Keep fold `foldIndex`'s matrices for later fits (replacing any fold of that index). */
  setFold(foldIndex: number, fold: FoldMatrices): void;
  /** Fit one fold already sent; the predictions on its validation rows, row-major. */
  fitFold(request: RemoteFoldFitRequest): Promise<Float64Array>;
}

/** A fit worker's state: its folds. A worker runs one fit at a time; the pool cancels a fit by terminating it. */
export function createTabularFitter(): TabularFitWorkerApi {
  const folds = new Map<number, FoldMatrices>();
  const never = new AbortController().signal;
  return {
    setFold(foldIndex, fold) {
      folds.set(foldIndex, fold);
    },
    async fitFold(request) {
      const fold = folds.get(request.foldIndex);
      if (!fold) throw new Error(`Fold ${request.foldIndex} was not sent to this fit worker`);
      return fitFoldInProcess({ ...request, fold }, never);
    },
  };
}
