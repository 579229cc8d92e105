/**
 * @file Import worker: parses files and writes dataset versions off the main thread.
 * Logic lives in src/storage/dataset-import.ts (tested without a Worker).
 */
import { expose } from 'comlink';
import type { ImportWorkerApi } from '../src/protocol/import';
import { importDataset, retypeColumns } from '../src/storage/dataset-import';
import { parallelHasher } from '../src/runtime/parallel-hash';

const hashBlob = parallelHasher();

const api: ImportWorkerApi = {
  // Progress goes back through a comlink proxy: one small message per update, no shared state.
  importDataset: (request, onProgress) => importDataset(request, onProgress, hashBlob ? { hashBlob } : {}),
  retypeColumns,
};

expose(api);
