/**
 * @file An onnxruntime-web session over a validated file: providers tried in order (WebGPU, then wasm) with a
 * deadline each, inputs and outputs introspected, runs on named tensors or on plain rows with every feed checked
 * against the model first (names, element types, ranks, fixed sizes, a size cap).
 *
 * Deadlines here catch asynchronous hangs (a GPU adapter that never answers). A synchronous wasm loop blocks the
 * worker itself, so the page-side client (`src/runtime/onnx-client.ts`) keeps its own deadline and terminates
 * the worker: the tab never waits on a model.
 */
import * as ort from 'onnxruntime-web';
import type { OnnxLimits, OnnxLoadOptions, OnnxModelInfo, OnnxProvider, OnnxRowsResult, OnnxRunResult, OnnxTensorArray, OnnxTensorData, OnnxValueSpec } from '../../protocol/onnx';
import { DEFAULT_ONNX_LIMITS, inspectOnnx } from './inspect';
import { OnnxInputError, OnnxRuntimeError, OnnxTimeoutError, runtimeReason, withDeadline } from './onnx-errors';

/** Where onnxruntime-web finds its wasm files, and how many threads it may use. */
export interface OrtSetup {
  /** URLs of the `.mjs` glue and `.wasm` binary, served from the app itself (never a CDN). */
  wasmPaths?: { mjs?: string; wasm?: string };
  /** Threads for the wasm provider; 1 by default (no nested workers; small models gain nothing from more). */
  numThreads?: number;
}

/** Configures onnxruntime-web's environment; call before the first session. */
export function configureOrt(setup: OrtSetup = {}): void {
  if (setup.wasmPaths) ort.env.wasm.wasmPaths = setup.wasmPaths;
  ort.env.wasm.numThreads = setup.numThreads ?? 1;
  ort.env.logLevel = 'error';
}

/** The version of onnxruntime-web in use. */
export const ORT_VERSION: string = ort.env.versions.web ?? ort.env.versions.common;

const DEFAULT_PROVIDERS: readonly OnnxProvider[] = Object.freeze(['webgpu', 'wasm']);
const DEFAULT_PROVIDER_TIMEOUT_MS = 20_000;

/** Why WebGPU cannot serve here, or undefined when it can. */
async function webgpuUnavailable(allowSoftware: boolean, timeoutMs: number): Promise<string | undefined> {
  const gpu = (globalThis.navigator as Navigator & { gpu?: { requestAdapter(): Promise<{ info?: { isFallbackAdapter?: boolean }; isFallbackAdapter?: boolean } | null> } } | undefined)?.gpu;
  if (!gpu) return 'WebGPU is not available here';
  let adapter;
  try {
    adapter = await withDeadline(gpu.requestAdapter(), Math.min(timeoutMs, 5_000), 'Asking for a WebGPU adapter');
  } catch (err) {
    return `no WebGPU adapter (${err instanceof Error ? err.message : String(err)})`;
  }
  if (!adapter) return 'no WebGPU adapter';
  const software = adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false;
  if (software && !allowSoftware) return 'the WebGPU adapter is a software fallback (SwiftShader), slower than wasm';
  return undefined;
}

function tensorSpec(meta: ort.InferenceSession.ValueMetadata, declared: OnnxValueSpec | undefined): OnnxValueSpec {
  if (!meta.isTensor) return { name: meta.name, kind: declared?.kind ?? 'unknown', type: declared?.type ?? 'unknown', shape: declared?.shape ?? null };
  return { name: meta.name, kind: 'tensor', type: meta.type, shape: meta.shape.length === 0 && declared?.shape === null ? null : [...meta.shape] };
}

const ARRAY_TYPES: Readonly<Record<string, (data: OnnxTensorArray) => boolean>> = Object.freeze({
  float32: (d) => d instanceof Float32Array,
  float64: (d) => d instanceof Float64Array,
  float16: (d) => d instanceof Uint16Array,
  int8: (d) => d instanceof Int8Array,
  uint8: (d) => d instanceof Uint8Array,
  int16: (d) => d instanceof Int16Array,
  uint16: (d) => d instanceof Uint16Array,
  int32: (d) => d instanceof Int32Array,
  uint32: (d) => d instanceof Uint32Array,
  int64: (d) => d instanceof BigInt64Array,
  uint64: (d) => d instanceof BigUint64Array,
  bool: (d) => d instanceof Uint8Array,
  string: (d) => Array.isArray(d),
});

/** A loaded model. */
export class OnnxSession {
  readonly provider: OnnxProvider;
  readonly skipped: string[];
  readonly model: OnnxModelInfo;
  readonly inputs: OnnxValueSpec[];
  readonly outputs: OnnxValueSpec[];
  readonly loadMs: number;
  readonly #session: ort.InferenceSession;
  readonly #limits: OnnxLimits;

  private constructor(session: ort.InferenceSession, provider: OnnxProvider, skipped: string[], model: OnnxModelInfo, limits: OnnxLimits, loadMs: number) {
    this.#session = session;
    this.provider = provider;
    this.skipped = skipped;
    this.model = model;
    this.#limits = limits;
    this.loadMs = loadMs;
    this.inputs = session.inputMetadata.map((meta) => tensorSpec(meta, model.inputs.find((i) => i.name === meta.name)));
    this.outputs = session.outputMetadata.map((meta) => tensorSpec(meta, model.outputs.find((o) => o.name === meta.name)));
  }

  /**
   * Validates `bytes` ({@link inspectOnnx}) and creates a session on the first provider that loads it. Throws an
   * `OnnxModelError` for a refused file, an {@link OnnxRuntimeError} with onnxruntime's reason when no provider
   * loads it, an {@link OnnxTimeoutError} when the last provider runs out of time.
   */
  static async create(bytes: Uint8Array, options: OnnxLoadOptions = {}): Promise<OnnxSession> {
    const started = performance.now();
    const limits: OnnxLimits = { ...DEFAULT_ONNX_LIMITS, ...options.limits };
    const model = inspectOnnx(bytes, limits);
    const providers = options.providers ?? DEFAULT_PROVIDERS;
    if (providers.length === 0) throw new OnnxInputError('No execution provider to try; expected "webgpu", "wasm" or both');
    const timeoutMs = options.providerTimeoutMs ?? DEFAULT_PROVIDER_TIMEOUT_MS;
    const skipped: string[] = [];
    let lastError: unknown;
    for (const provider of providers) {
      if (provider === 'webgpu') {
        const reason = await webgpuUnavailable(options.allowSoftwareWebgpu === true, timeoutMs);
        if (reason) {
          skipped.push(`webgpu: ${reason}`);
          continue;
        }
      } else if (provider !== 'wasm') {
        throw new OnnxInputError(`Unknown execution provider ${JSON.stringify(provider)}; expected "webgpu" or "wasm"`);
      }
      try {
        const session = await withDeadline(ort.InferenceSession.create(bytes, { executionProviders: [provider], graphOptimizationLevel: 'all' }), timeoutMs, `Loading the model on ${provider}`);
        return new OnnxSession(session, provider, skipped, model, limits, performance.now() - started);
      } catch (err) {
        lastError = err;
        skipped.push(`${provider}: ${err instanceof OnnxTimeoutError ? err.message : runtimeReason(err)}`);
      }
    }
    if (lastError instanceof OnnxTimeoutError) throw lastError;
    throw new OnnxRuntimeError(`ONNX Runtime could not load the model: ${skipped.join('; ')}`);
  }

  /** Checks one feed against the model's input; returns it as an onnxruntime tensor. */
  #feed(name: string, value: OnnxTensorData): ort.Tensor {
    const spec = this.inputs.find((input) => input.name === name);
    if (!spec) throw new OnnxInputError(`The model has no input "${name}"; its inputs are ${this.inputs.map((i) => JSON.stringify(i.name)).join(', ')}`);
    if (spec.kind !== 'tensor') throw new OnnxInputError(`Input "${name}" is a ${spec.kind}; only tensor inputs can be fed here`);
    if (spec.type !== value.type) throw new OnnxInputError(`Input "${name}" takes ${spec.type} values; got ${value.type}`);
    if (!ARRAY_TYPES[value.type]?.(value.data)) throw new OnnxInputError(`Input "${name}": the data of a ${value.type} tensor must be its typed array; got ${value.data.constructor.name}`);
    if (!value.dims.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new OnnxInputError(`Input "${name}" has dims [${value.dims.join(', ')}]; expected sizes of 0 or more`);
    const count = value.dims.reduce((a, b) => a * b, 1);
    if (count > this.#limits.maxElements) throw new OnnxInputError(`Input "${name}" has ${count.toLocaleString('en-US')} elements; the limit is ${this.#limits.maxElements.toLocaleString('en-US')}`);
    if (count !== value.data.length) throw new OnnxInputError(`Input "${name}" has dims [${value.dims.join(', ')}] (${count} values) but ${value.data.length} values`);
    if (spec.shape) {
      const shape = spec.shape;
      if (shape.length !== value.dims.length) throw new OnnxInputError(`Input "${name}" has rank ${shape.length} ([${shape.join(', ')}]); got dims [${value.dims.join(', ')}]`);
      shape.forEach((dim, i) => {
        if (typeof dim === 'number' && dim !== value.dims[i]) throw new OnnxInputError(`Input "${name}" has size ${dim} on axis ${i} ([${shape.join(', ')}]); got dims [${value.dims.join(', ')}]`);
      });
    }
    return new ort.Tensor(value.type, value.data as never, value.dims);
  }

  /** Runs the model on named tensors; every input without a default must be fed. */
  async run(feeds: Record<string, OnnxTensorData>): Promise<OnnxRunResult> {
    const tensors: Record<string, ort.Tensor> = {};
    for (const [name, value] of Object.entries(feeds)) tensors[name] = this.#feed(name, value);
    const missing = this.inputs.filter((input) => !(input.name in feeds));
    if (missing.length > 0) throw new OnnxInputError(`Missing input${missing.length > 1 ? 's' : ''} ${missing.map((i) => JSON.stringify(i.name)).join(', ')}`);
    const started = performance.now();
    let results: ort.InferenceSession.OnnxValueMapType;
    try {
      results = await this.#session.run(tensors);
    } catch (err) {
      throw new OnnxRuntimeError(`ONNX Runtime could not run the model: ${runtimeReason(err)}`);
    }
    const ms = performance.now() - started;
    const outputs: Record<string, OnnxTensorData> = {};
    for (const [name, value] of Object.entries(results)) {
      const tensor = value as ort.Tensor;
      // Read back to the CPU (a WebGPU output may live on the GPU), then free the runtime's copy.
      const data = (await tensor.getData(true)) as OnnxTensorArray;
      outputs[name] = { type: tensor.type as OnnxTensorData['type'], dims: [...tensor.dims], data };
    }
    return { outputs, ms };
  }

  /**
   * Runs `rowCount` rows (row-major floats) through the model's single 2-D input, `batchSize` rows at a time
   * (a model with a fixed batch size runs in batches of that size, the last padded), returning `output`'s values.
   */
  async runRows(rows: Float32Array, rowCount: number, output?: string, batchSize = 1024): Promise<OnnxRowsResult> {
    const tensorInputs = this.inputs.filter((input) => input.kind === 'tensor');
    if (tensorInputs.length !== 1 || this.inputs.length !== 1) {
      throw new OnnxInputError(`Rows fit a model with one tensor input; this one has ${this.inputs.length}: ${this.inputs.map((i) => JSON.stringify(i.name)).join(', ')}`);
    }
    const input = tensorInputs[0];
    if (input.shape && input.shape.length !== 2) throw new OnnxInputError(`Rows fit a 2-D input ([rows, features]); input "${input.name}" has shape [${input.shape.join(', ')}]`);
    if (!Number.isSafeInteger(rowCount) || rowCount < 1) throw new OnnxInputError(`Expected 1 or more rows; got ${rowCount}`);
    if (rows.length % rowCount !== 0) throw new OnnxInputError(`${rows.length} values do not split into ${rowCount} rows`);
    const width = rows.length / rowCount;
    const declaredWidth = input.shape?.[1];
    if (typeof declaredWidth === 'number' && declaredWidth !== width) throw new OnnxInputError(`Input "${input.name}" takes rows of ${declaredWidth} values; got ${width}`);
    const outputName = output ?? this.outputs[0]?.name;
    if (!this.outputs.some((o) => o.name === outputName)) throw new OnnxInputError(`The model has no output "${outputName}"; its outputs are ${this.outputs.map((o) => JSON.stringify(o.name)).join(', ')}`);
    const fixedBatch = typeof input.shape?.[0] === 'number' ? (input.shape[0] as number) : undefined;
    const step = fixedBatch ?? Math.max(1, Math.min(batchSize, Math.floor(this.#limits.maxElements / Math.max(width, 1))));
    const parts: Float32Array[] = [];
    let rest: number[] = [];
    let ms = 0;
    for (let start = 0; start < rowCount; start += step) {
      const size = Math.min(step, rowCount - start);
      const batch = fixedBatch ?? size;
      const chunk = new Float32Array(batch * width);
      chunk.set(rows.subarray(start * width, (start + size) * width));
      const result = await this.run({ [input.name]: { type: input.type as OnnxTensorData['type'], dims: [batch, width], data: castRows(chunk, input.type, input.name) } });
      ms += result.ms;
      const out = result.outputs[outputName as string];
      if (out.dims[0] !== batch) throw new OnnxInputError(`Output "${outputName}" has dims [${out.dims.join(', ')}]; expected one entry per row (${batch})`);
      rest = out.dims.slice(1);
      const perRow = rest.reduce((a, b) => a * b, 1);
      parts.push(toFloat32(out, outputName as string).subarray(0, size * perRow));
    }
    const values = new Float32Array(parts.reduce((sum, p) => sum + p.length, 0));
    let offset = 0;
    for (const part of parts) {
      values.set(part, offset);
      offset += part.length;
    }
    return { output: outputName as string, values, shape: [rowCount, ...rest], ms };
  }

  /** Frees the runtime's memory for this session. */
  async release(): Promise<void> {
    await this.#session.release();
  }
}

/** Rows as the input's element type (token ids fed to an int64 input, for instance). */
function castRows(rows: Float32Array, type: string, name: string): OnnxTensorArray {
  switch (type) {
    case 'float32':
      return rows;
    case 'float64':
      return Float64Array.from(rows);
    case 'int32':
      return Int32Array.from(rows, Math.trunc);
    case 'int64':
      return BigInt64Array.from(rows, (v) => BigInt(Math.trunc(v)));
    default:
      throw new OnnxInputError(`Rows are numbers; input "${name}" takes ${type} values`);
  }
}

/** An output's values as float32 (numbers only). */
function toFloat32(tensor: OnnxTensorData, name: string): Float32Array {
  const { data } = tensor;
  if (data instanceof Float32Array) return data;
  if (Array.isArray(data)) throw new OnnxInputError(`Output "${name}" holds strings; rows need a numeric output`);
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return Float32Array.from(data, (v) => Number(v));
  if (tensor.type === 'float16') throw new OnnxInputError(`Output "${name}" is float16; rows need float32, float64 or an integer output`);
  return Float32Array.from(data as ArrayLike<number>);
}
