/**
 * @file Scoring worker: answers endpoint invocations and runs batch scoring jobs off the main thread.
 * Logic lives in src/jobs/score-job.ts (tested without a Worker); the page reaches it through
 * src/runtime/score-client.ts, which terminates this worker when a call outlives its deadline.
 */
import { expose } from 'comlink';
import { ORT_WASM_PATHS } from '../src/engines/onnx/ort-wasm-urls';
import { canDecodeImagesHere, decodeImageInBrowser } from '../src/jobs/image-decoder';
import { createScoreJob } from '../src/jobs/score-job';
import { TFJS_WASM_PATHS } from '../src/jobs/wasm-paths';
import type { ScoreWorkerApi } from '../src/protocol/scoring';

const job = createScoreJob({
  wasmPaths: TFJS_WASM_PATHS,
  ort: { wasmPaths: ORT_WASM_PATHS, numThreads: 1 },
  ...(canDecodeImagesHere() ? { decodeImage: decodeImageInBrowser } : {}),
});

const api: ScoreWorkerApi = {
  // Request bodies arrive as text and answers leave as small JSON-like objects: cloned, nothing to transfer.
  invoke: (workspaceId, modelVersionId, body, bodyType) => job.invoke(workspaceId, modelVersionId, body, bodyType),
  // Progress goes back through a comlink proxy (a few small messages per chunk); the rows go to storage.
  scoreDataset: (request, onProgress) => job.scoreDataset(request, onProgress),
};

expose(api);
