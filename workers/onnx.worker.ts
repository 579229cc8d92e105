/**
 * @file ONNX worker: validates, loads and runs ONNX models, and exports runs' TF.js models to ONNX, off the main
 * thread. Logic lives in src/jobs/onnx-job.ts (tested without a Worker); the page reaches it through
 * src/runtime/onnx-client.ts, which terminates this worker when a call outlives its deadline.
 */
import { expose, transfer } from 'comlink';
import { version } from '../package.json';
import { ORT_WASM_PATHS } from '../src/engines/onnx/ort-wasm-urls';
import { createOnnxJob } from '../src/jobs/onnx-job';
import type { OnnxWorkerApi } from '../src/protocol/onnx';

const job = createOnnxJob({ appVersion: version, ort: { wasmPaths: ORT_WASM_PATHS, numThreads: 1 } });

/** The distinct buffers behind typed arrays (a transfer list may name each only once). */
const buffersOf = (arrays: unknown[]): Transferable[] => [...new Set(arrays.flatMap((a) => (ArrayBuffer.isView(a) ? [a.buffer as ArrayBuffer] : [])))];

// Results are transferred, not cloned: they are fresh arrays this worker never touches again.
const api: OnnxWorkerApi = {
  inspect: (bytes, limits) => job.inspect(bytes, limits),
  load: (bytes, options) => job.load(bytes, options),
  run: async (sessionId, feeds) => {
    const result = await job.run(sessionId, feeds);
    return transfer(result, buffersOf(Object.values(result.outputs).map((o) => o.data)));
  },
  runRows: async (sessionId, rows, rowCount, output) => {
    const result = await job.runRows(sessionId, rows, rowCount, output);
    return transfer(result, buffersOf([result.values]));
  },
  release: (sessionId) => job.release(sessionId),
  exportRun: async (workspaceId, runId) => {
    const result = await job.exportRun(workspaceId, runId);
    return transfer(result, buffersOf([result.bytes]));
  },
};

expose(api);
