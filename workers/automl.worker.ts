/**
 * @file AutoML worker: runs one AutoML job (search, refit, explanation) off the main thread.
 * Logic lives in src/jobs/automl-job.ts (tested without a Worker).
 */
import { expose } from 'comlink';
import { version } from '../package.json';
import { createAutoMLJob } from '../src/jobs/automl-job';
import type { AutoMLWorkerApi } from '../src/protocol/automl-worker';

const job = createAutoMLJob({ appVersion: version });

const api: AutoMLWorkerApi = {
  // Progress goes back through a comlink proxy (a few small messages per trial); trials and the model go to storage.
  runAutoML: (workspaceId, runId, onProgress) => job.runAutoML(workspaceId, runId, onProgress),
  cancel: (runId) => job.cancel(runId),
};

expose(api);
