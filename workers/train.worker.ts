/**
 * @file Training worker: trains, evaluates and stores one run at a time off the main thread.
 * Logic lives in src/jobs/train-job.ts (tested without a Worker).
 */
import { expose } from 'comlink';
import { version } from '../package.json';
import type { TrainWorkerApi } from '../src/protocol/train-worker';
import { createTrainJob } from '../src/jobs/train-job';
import { TFJS_WASM_PATHS } from '../src/jobs/wasm-paths';

const job = createTrainJob({ appVersion: version, wasmPaths: TFJS_WASM_PATHS });

const api: TrainWorkerApi = {
  // Progress goes back through a comlink proxy (small messages, throttled to ~4/s); metrics go to storage.
  runTrain: (workspaceId, runId, onProgress) => job.runTrain(workspaceId, runId, onProgress),
  cancel: (runId) => job.cancel(runId),
};

expose(api);

// Fault injection for end-to-end tests (e2e/device-loss.e2e.ts reaches it with Playwright's `worker.evaluate`):
// destroys this worker's WebGPU device mid-run. Harmless in production: only this worker's own runs use it.
(globalThis as { __benchtopTest?: { loseDevice(): boolean } }).__benchtopTest = { loseDevice: () => job.loseDevice() };
