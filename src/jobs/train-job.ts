/**
 * @file The training job as a worker exposes it: `runTrain` and `cancel` (the `TrainWorkerApi`), with one
 * AbortController per running run. The lifecycle itself is `train-run.ts`; the worker file only wires options in.
 */
import type { TrainWorkerApi } from '../protocol/train-worker';
import { backendPlatform } from './train-backend';
import { runTrainRun, TrainJobAbandoned, type TrainJobOptions } from './train-run';

export { TrainJobAbandoned, type TrainJobOptions } from './train-run';

/** The training job API, plus `abandon` for the runtime and tests. */
export interface TrainJob extends TrainWorkerApi {
  /**
   * Stops a run after the current batch without a final status, as a killed worker or closed tab would: the run
   * stays `running` (its lock released) until recovery marks it `interrupted`; `runTrain` rejects with
   * {@link TrainJobAbandoned}.
   */
  abandon(runId: string): void;
  /**
   * Fault injection for tests: destroys the GPU device of TF.js's webgpu backend, as a driver reset would lose
   * it; a run on it then recovers as from a real loss. Affects only this job's own runs (TF.js is per worker).
   * Returns false when the current backend is not webgpu.
   */
  loseDevice(): boolean;
}

/** A training job bound to its environment (app version, wasm paths, image decoder). */
export function createTrainJob(options: TrainJobOptions): TrainJob {
  const controllers = new Map<string, AbortController>();
  return {
    async runTrain(workspaceId, runId, onProgress) {
      if (controllers.has(runId)) throw new Error(`Run "${runId}" is already being trained here`);
      const controller = new AbortController();
      controllers.set(runId, controller);
      try {
        return await runTrainRun({ workspaceId, runId, onProgress, signal: controller.signal, options });
      } finally {
        controllers.delete(runId);
      }
    },
    async cancel(runId) {
      controllers.get(runId)?.abort();
    },
    abandon(runId) {
      controllers.get(runId)?.abort(new TrainJobAbandoned(runId));
    },
    loseDevice() {
      const device = backendPlatform(options).webgpuDevice();
      device?.destroy();
      return device !== undefined;
    },
  };
}
