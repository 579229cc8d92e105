/**
 * @file Hash worker: SHA-256 of an imported file, started by the import worker so hashing runs on a second
 * core beside the parse. Logic lives in src/core/ingest/content-hash.ts.
 */
import { expose } from 'comlink';
import type { HashWorkerApi } from '../src/protocol/import';
import { hashBlob } from '../src/core/ingest/content-hash';

// The Blob arrives structured-cloned: a handle to the same bytes, not a copy.
const api: HashWorkerApi = { hashBlob: (blob) => hashBlob(blob) };
expose(api);
