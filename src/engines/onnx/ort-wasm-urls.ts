/**
 * @file URL of onnxruntime-web's wasm binary, bundled by Vite (`?url`) and served from the app's own origin: a
 * session never fetches anything from the internet. The service worker caches it on first use (it ends in .wasm).
 * Imported by the ONNX worker only (Node resolves the binary from the installed package itself).
 *
 * The default `onnxruntime-web` entry is the JSEP build (WebGPU and wasm in one binary); its JavaScript glue is
 * inside the bundle, so only the binary needs a URL.
 */
import jsepWasm from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';
import type { OrtSetup } from './session';

/** onnxruntime-web's files as `env.wasm.wasmPaths` takes them. */
export const ORT_WASM_PATHS: NonNullable<OrtSetup['wasmPaths']> = Object.freeze({ wasm: new URL(jsepWasm, import.meta.url).href });
