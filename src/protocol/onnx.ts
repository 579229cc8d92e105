/**
 * @file The ONNX worker's API (`workers/onnx.worker.ts`, reached through `src/runtime/onnx-client.ts`) and the
 * values that cross it: model descriptions, tensors, sessions, exports. Types only.
 */

/** Execution providers, in the order a session tries them by default. */
export type OnnxProvider = 'webgpu' | 'wasm';

/** A tensor element type, as onnxruntime-web names it (`float32`, `int64`, ...). */
export type OnnxElementType =
  | 'float32'
  | 'float64'
  | 'float16'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'bool'
  | 'string';

/** A dimension: a size, a symbolic name (`batch`), or null when the model does not say. */
export type OnnxDim = number | string | null;

/** A graph input or output as the file declares it. */
export interface OnnxValueSpec {
  name: string;
  /** `tensor` for every model we can run rows through; sequences and maps exist in ONNX-ML files. */
  kind: 'tensor' | 'sparse-tensor' | 'sequence' | 'map' | 'optional' | 'unknown';
  /** Element type name (`float32`), or `unknown(<n>)` for a type this build does not know. */
  type: string;
  /** Declared shape; null for an unranked tensor. */
  shape: OnnxDim[] | null;
}

/** What a valid ONNX file declares (read before any runtime sees it). */
export interface OnnxModelInfo {
  /** Size of the file in bytes. */
  bytes: number;
  irVersion: number;
  /** Version of the default (`ai.onnx`) operator set. */
  opset: number;
  opsets: { domain: string; version: number }[];
  producerName: string;
  producerVersion: string;
  docString: string;
  metadata: Record<string, string>;
  inputs: OnnxValueSpec[];
  outputs: OnnxValueSpec[];
  /** Operators used and how often (domain empty for the default one), most frequent first. */
  operators: { opType: string; domain: string; count: number }[];
  nodeCount: number;
  initializerCount: number;
  /** Elements in all initializers (the parameter count). */
  parameterCount: number;
}

/** Limits checked before a file reaches the runtime. */
export interface OnnxLimits {
  /** Largest file accepted, in bytes. */
  maxBytes: number;
  /** Largest tensor (elements) a file may declare or a caller may feed. */
  maxElements: number;
  /** Deepest nesting of subgraphs (If/Loop/Scan bodies). */
  maxGraphDepth: number;
  /** Most nodes in all graphs together. */
  maxNodes: number;
}

/** How a session is created. */
export interface OnnxLoadOptions {
  /** Providers to try in order (default `['webgpu', 'wasm']`); the first that loads the model wins. */
  providers?: readonly OnnxProvider[];
  /** Use a software WebGPU adapter (SwiftShader) too; off by default (wasm is much faster than one). */
  allowSoftwareWebgpu?: boolean;
  limits?: Partial<OnnxLimits>;
  /** Give up on a provider that has not loaded the model after this long (default 20 s). */
  providerTimeoutMs?: number;
}

/** A loaded session, as its creator sees it. */
export interface OnnxSessionInfo {
  sessionId: string;
  provider: OnnxProvider;
  /** Why providers before `provider` were not used, one line each (`webgpu: no WebGPU adapter`). */
  skipped: string[];
  inputs: OnnxValueSpec[];
  outputs: OnnxValueSpec[];
  model: OnnxModelInfo;
  /** Milliseconds to validate and create the session. */
  loadMs: number;
}

/** The typed arrays a tensor's data may be (bool as Uint8Array, string as a string array). */
export type OnnxTensorArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | string[];

/** A tensor crossing the worker boundary. */
export interface OnnxTensorData {
  type: OnnxElementType;
  dims: number[];
  data: OnnxTensorArray;
}

/** Outputs of one run. */
export interface OnnxRunResult {
  outputs: Record<string, OnnxTensorData>;
  /** Milliseconds inside the runtime. */
  ms: number;
}

/** Rows in, one output's values out (row-major, `shape[0]` rows). */
export interface OnnxRowsResult {
  output: string;
  values: Float32Array;
  shape: number[];
  ms: number;
}

/** How the exported file was checked: TF.js and onnxruntime on the same random rows. */
export interface OnnxExportCheck {
  rows: number;
  maxAbsDiff: number;
  tolerance: number;
  provider: OnnxProvider;
}

/** A run's model as an ONNX file. */
export interface OnnxExportResult {
  /** Suggested file name (`<run name>.onnx`). */
  fileName: string;
  bytes: Uint8Array;
  info: OnnxModelInfo;
  check: OnnxExportCheck;
}

/** The ONNX worker. Every method rejects with an Error whose message says what is wrong with the input. */
export interface OnnxWorkerApi {
  /** Validates a file and describes it, without loading it into a runtime. */
  inspect(bytes: Uint8Array, limits?: Partial<OnnxLimits>): Promise<OnnxModelInfo>;
  /** Validates and loads a file; the session stays in the worker until released. */
  load(bytes: Uint8Array, options?: OnnxLoadOptions): Promise<OnnxSessionInfo>;
  /** Runs a session on named tensors. */
  run(sessionId: string, feeds: Record<string, OnnxTensorData>): Promise<OnnxRunResult>;
  /**
   * Runs a session on `rowCount` rows of its single 2-D input (row-major floats, cast to the input's type),
   * returning `output` (default: the first).
   */
  runRows(sessionId: string, rows: Float32Array, rowCount: number, output?: string): Promise<OnnxRowsResult>;
  release(sessionId: string): Promise<void>;
  /** A completed run's stored TF.js model as an ONNX file, checked against TF.js on random rows. */
  exportRun(workspaceId: string, runId: string): Promise<OnnxExportResult>;
}
