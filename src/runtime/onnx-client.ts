/**
 * @file The page's way to ONNX: `workers/onnx.worker.ts` behind comlink, with a deadline on every call. A call
 * that outlives its deadline terminates the worker (a wasm loop cannot be interrupted any other way), rejects
 * with an `OnnxTimeoutError`, and the next call starts a fresh worker; sessions of the stopped worker are gone,
 * and using one says so. The page itself never runs a model, so a bad model cannot freeze the tab.
 */
import { releaseProxy, transfer, wrap, type Remote } from 'comlink';
import { DEFAULT_ONNX_LIMITS } from '../engines/onnx/inspect';
import { OnnxModelError, OnnxTimeoutError } from '../engines/onnx/onnx-errors';
import type { OnnxExportResult, OnnxLimits, OnnxLoadOptions, OnnxModelInfo, OnnxRowsResult, OnnxRunResult, OnnxSessionInfo, OnnxTensorData, OnnxWorkerApi } from '../protocol/onnx';

/** Deadlines per kind of call, in milliseconds. */
export interface OnnxDeadlines {
  inspect: number;
  /** The first load also compiles onnxruntime's wasm (a few seconds on a slow machine). */
  load: number;
  run: number;
  export: number;
}

/** Default deadlines: 15 s to inspect, 60 s to load, 30 s per run, 120 s to export and check a run's model. */
export const DEFAULT_ONNX_DEADLINES: Readonly<OnnxDeadlines> = Object.freeze({ inspect: 15_000, load: 60_000, run: 30_000, export: 120_000 });

/** A session loaded in the client's worker. */
export interface OnnxSessionHandle extends OnnxSessionInfo {
  /** The worker it lives in; a restarted worker makes the handle stale. */
  readonly workerGeneration: number;
}

interface LiveWorker {
  generation: number;
  worker: Worker;
  remote: Remote<OnnxWorkerApi>;
  /** Rejects when the worker dies or is stopped; every call races it. */
  lost: Promise<never>;
  stop(error: Error): void;
}

/** Options of a client (tests pass their own worker factory or shorter deadlines). */
export interface OnnxClientOptions {
  deadlines?: Partial<OnnxDeadlines>;
  createWorker?: () => Worker;
}

const defaultWorker = () => new Worker(new URL('../../workers/onnx.worker.ts', import.meta.url), { type: 'module', name: 'benchtop-onnx' });

/** ONNX in a worker, with deadlines. */
export class OnnxClient {
  readonly #deadlines: OnnxDeadlines;
  readonly #createWorker: () => Worker;
  #live: LiveWorker | undefined;
  #generation = 0;

  constructor(options: OnnxClientOptions = {}) {
    this.#deadlines = { ...DEFAULT_ONNX_DEADLINES, ...options.deadlines };
    this.#createWorker = options.createWorker ?? defaultWorker;
  }

  #start(): LiveWorker {
    if (this.#live) return this.#live;
    const worker = this.#createWorker();
    const remote = wrap<OnnxWorkerApi>(worker);
    let reject!: (error: Error) => void;
    const lost = new Promise<never>((_, r) => (reject = r));
    // Nobody may be racing it when it rejects; that is not an unhandled rejection.
    lost.catch(() => undefined);
    const live: LiveWorker = {
      generation: ++this.#generation,
      worker,
      remote,
      lost,
      stop: (error) => {
        if (this.#live === live) this.#live = undefined;
        remote[releaseProxy]();
        worker.terminate();
        reject(error);
      },
    };
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      live.stop(new Error(`The ONNX worker stopped unexpectedly${event.message ? `: ${event.message}` : ''}`));
    });
    worker.addEventListener('messageerror', () => live.stop(new Error('The ONNX worker sent a message that could not be read')));
    this.#live = live;
    return live;
  }

  /** Runs `call` on the worker; past `ms`, stops the worker and rejects with an `OnnxTimeoutError`. */
  async #call<T>(what: string, ms: number, call: (remote: Remote<OnnxWorkerApi>) => Promise<T>, generation?: number): Promise<T> {
    if (generation !== undefined && this.#live?.generation !== generation) {
      throw new Error('This ONNX session is gone: its worker was stopped (a call ran out of time, or it failed); load the model again');
    }
    const live = this.#start();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new OnnxTimeoutError(`${what} took longer than ${Math.round(ms / 100) / 10} s, so it was stopped (the ONNX worker was restarted; load models again)`);
        live.stop(error);
        reject(error);
      }, ms);
    });
    try {
      return await Promise.race([call(live.remote), deadline, live.lost]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Validates a file and describes it (nothing is loaded). */
  async inspect(file: Blob | Uint8Array, limits?: Partial<OnnxLimits>, timeoutMs = this.#deadlines.inspect): Promise<OnnxModelInfo> {
    const bytes = await bytesOf(file, limits?.maxBytes);
    return this.#call('Reading the ONNX file', timeoutMs, (remote) => remote.inspect(bytes, limits));
  }

  /** Validates and loads a file into a session (WebGPU, else wasm, unless `options.providers` says otherwise). */
  async load(file: Blob | Uint8Array, options?: OnnxLoadOptions, timeoutMs = this.#deadlines.load): Promise<OnnxSessionHandle> {
    const bytes = await bytesOf(file, options?.limits?.maxBytes);
    const info = await this.#call('Loading the ONNX model', timeoutMs, (remote) => remote.load(bytes, options));
    return { ...info, workerGeneration: this.#live?.generation ?? -1 };
  }

  /** Runs a session on named tensors. */
  run(session: OnnxSessionHandle, feeds: Record<string, OnnxTensorData>, timeoutMs = this.#deadlines.run): Promise<OnnxRunResult> {
    // Feeds are cloned, not transferred: callers often reuse their input arrays.
    return this.#call('Running the ONNX model', timeoutMs, (remote) => remote.run(session.sessionId, feeds), session.workerGeneration);
  }

  /** Runs `rowCount` rows (row-major floats) through a session's single 2-D input. */
  runRows(session: OnnxSessionHandle, rows: Float32Array, rowCount: number, output?: string, timeoutMs = this.#deadlines.run): Promise<OnnxRowsResult> {
    return this.#call('Scoring rows with the ONNX model', timeoutMs, (remote) => remote.runRows(session.sessionId, rows, rowCount, output), session.workerGeneration);
  }

  /** Frees a session (a stale handle is already free). */
  async release(session: OnnxSessionHandle): Promise<void> {
    if (this.#live?.generation !== session.workerGeneration) return;
    await this.#call('Releasing the ONNX session', this.#deadlines.inspect, (remote) => remote.release(session.sessionId), session.workerGeneration);
  }

  /** A completed run's model as a checked ONNX file. */
  exportRun(workspaceId: string, runId: string, timeoutMs = this.#deadlines.export): Promise<OnnxExportResult> {
    return this.#call('Exporting the model to ONNX', timeoutMs, (remote) => remote.exportRun(workspaceId, runId));
  }

  /** Stops the worker; later calls start a new one. */
  dispose(): void {
    this.#live?.stop(new Error('The ONNX client was closed'));
  }
}

/**
 * A file's bytes for the worker. A Blob's bytes are read here and transferred (nobody else holds them); a
 * caller's array is cloned (the caller may keep using it, e.g. to store the file).
 */
async function bytesOf(file: Blob | Uint8Array, maxBytes = DEFAULT_ONNX_LIMITS.maxBytes): Promise<Uint8Array> {
  if (file instanceof Uint8Array) return file;
  // Refused before reading: a multi-gigabyte file is never pulled into the page's memory.
  if (file.size > maxBytes) throw new OnnxModelError('too-large', `The file is ${(file.size / 1024 / 1024).toFixed(1)} MiB; the limit is ${(maxBytes / 1024 / 1024).toFixed(1)} MiB`);
  const bytes = new Uint8Array(await file.arrayBuffer());
  return transfer(bytes, [bytes.buffer]);
}

let shared: OnnxClient | undefined;

/** The page's shared client (one ONNX worker, started on first use). */
export function getOnnxClient(): OnnxClient {
  shared ??= new OnnxClient();
  return shared;
}
