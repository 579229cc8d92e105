/**
 * @file The effectful half of the backend table (`backends.ts`): probing what this machine offers, making a backend
 * TF.js's current one, and describing it for the run's environment record. Nothing here loads from the internet:
 * the wasm binaries' URLs come from the caller (Vite `?url` imports in the app; the package folder under Node).
 */
import * as tf from '@tensorflow/tfjs';
import { BACKEND_NAMES, missingTrainingKernels, type BackendName, type BackendProbe } from './backends';

/** URLs of the TF.js wasm binaries, by file name (as `setWasmPaths` takes them), or one folder prefix. */
export type WasmPaths =
  | string
  | Partial<Record<'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm', string>>;

/** Options of {@link initBackend} and {@link probeBackends}. */
export interface BackendSetupOptions {
  /** Where the wasm binaries are served; required for `wasm` in a browser, optional under Node. */
  wasmPaths?: WasmPaths;
}

/** The GPU adapter facts a run records (from `GPUAdapter.info`). */
export interface GpuAdapterInfo {
  vendor: string;
  architecture: string;
  description: string;
  isFallbackAdapter: boolean;
}

/** The backend a run used, as recorded in its environment. */
export interface BackendDescription {
  backend: string;
  /** WebGPU only. */
  adapter?: GpuAdapterInfo;
  tfjsVersion: string;
}

/** The minimal WebGPU surface used here (the DOM typings do not include WebGPU). */
interface GpuAdapterLike {
  info?: Partial<GpuAdapterInfo>;
  isFallbackAdapter?: boolean;
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'low-power' | 'high-performance' }): Promise<GpuAdapterLike | null>;
}

function gpu(): GpuLike | undefined {
  return (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu;
}

/** The adapter TF.js's WebGPU backend asks for (same power preference), or null. */
async function requestTfAdapter(): Promise<GpuAdapterLike | null> {
  const lowPower = tf.env().getBool('WEBGPU_USE_LOW_POWER_GPU');
  return (await gpu()?.requestAdapter({ powerPreference: lowPower ? 'low-power' : 'high-performance' })) ?? null;
}

function adapterInfo(adapter: GpuAdapterLike): GpuAdapterInfo {
  const info = adapter.info ?? {};
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    description: info.description ?? '',
    isFallbackAdapter: info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false,
  };
}

let wasmModule: Promise<typeof import('@tensorflow/tfjs-backend-wasm')> | undefined;
let webgpuModule: Promise<unknown> | undefined;

/** Imports a backend's package once (it registers the backend and its kernels). cpu and webgl come with tfjs. */
async function loadBackendPackage(name: BackendName): Promise<void> {
  if (name === 'wasm') await (wasmModule ??= import('@tensorflow/tfjs-backend-wasm'));
  if (name === 'wasm') (await import('./wasm-kernels')).registerWasmTrainingKernels();
  if (name === 'webgpu') await (webgpuModule ??= import('@tensorflow/tfjs-backend-webgpu'));
}

/** Whether a WebGL context can be made here, and whether its renderer is software (SwiftShader, llvmpipe). */
function probeWebgl(): { ok: boolean; software: boolean } {
  if (typeof OffscreenCanvas === 'undefined') return { ok: false, software: false };
  try {
    const canvas = new OffscreenCanvas(1, 1);
    const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext | null;
    if (!gl) return { ok: false, software: false };
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
    return { ok: true, software: /swiftshader|llvmpipe|softpipe|software/i.test(renderer) };
  } catch {
    return { ok: false, software: false };
  }
}

/** What each backend can do on this machine: the input of `chooseBackend`. Registers the backend packages. */
export async function probeBackends(): Promise<BackendProbe[]> {
  const probes: BackendProbe[] = [];
  for (const name of BACKEND_NAMES) {
    await loadBackendPackage(name);
    const missingKernels = missingTrainingKernels(name);
    if (name === 'webgpu') {
      const adapter = gpu() ? await requestTfAdapter().catch(() => null) : null;
      if (!adapter) probes.push({ name, ok: false, reason: gpu() ? 'no WebGPU adapter was returned' : 'navigator.gpu is missing', missingKernels });
      else probes.push({ name, ok: true, isFallbackAdapter: adapterInfo(adapter).isFallbackAdapter, missingKernels });
    } else if (name === 'webgl') {
      const webgl = probeWebgl();
      probes.push(webgl.ok ? { name, ok: true, isFallbackAdapter: webgl.software, missingKernels } : { name, ok: false, reason: 'no WebGL context can be created', missingKernels });
    } else if (name === 'wasm') {
      probes.push(typeof WebAssembly === 'object' ? { name, ok: true, missingKernels } : { name, ok: false, reason: 'WebAssembly is missing', missingKernels });
    } else {
      probes.push({ name, ok: true, missingKernels });
    }
  }
  return probes;
}

/**
 * Makes `name` TF.js's backend and waits until it is ready. For wasm: multithreading off (it hangs in minified
 * production builds) and the binaries' URLs from `options.wasmPaths`. Throws an Error naming the backend on failure.
 */
export async function initBackend(name: BackendName, options: BackendSetupOptions = {}): Promise<void> {
  if (!BACKEND_NAMES.includes(name)) {
    throw new Error(`Unknown backend ${JSON.stringify(name)}; expected one of ${BACKEND_NAMES.map((n) => `"${n}"`).join(', ')}`);
  }
  await loadBackendPackage(name);
  if (name === 'wasm') {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    if (options.wasmPaths !== undefined) {
      const wasm = await (wasmModule as Promise<typeof import('@tensorflow/tfjs-backend-wasm')>);
      wasm.setWasmPaths(options.wasmPaths);
    }
  }
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
  } catch (err) {
    throw new Error(`Backend "${name}" failed to start: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (!ok || tf.getBackend() !== name) throw new Error(`Backend "${name}" failed to start on this machine`);
  await tf.ready();
}

/** The current backend, its GPU adapter (WebGPU) and the TF.js version, for the run's environment record. */
export async function describeBackend(): Promise<BackendDescription> {
  const backend = tf.getBackend();
  const description: BackendDescription = { backend, tfjsVersion: tf.version.tfjs };
  if (backend === 'webgpu') {
    const adapter = await requestTfAdapter().catch(() => null);
    if (adapter) description.adapter = adapterInfo(adapter);
  }
  return description;
}
