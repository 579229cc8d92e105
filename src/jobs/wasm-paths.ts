/**
 * @file URLs of the TF.js wasm binaries, bundled by Vite (`?url`) and served from the app's own origin: the
 * wasm backend never loads anything from the internet. Imported by the train worker only (not under Node).
 */
import type { WasmPaths } from '../engines/tfjs/backend-setup';
import wasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

/**
 * The binaries by the file names `setWasmPaths` expects. It insists on all three, although multithreading is
 * switched off (it hangs in minified builds), so the threaded binary is listed but never fetched.
 */
export const TFJS_WASM_PATHS: WasmPaths = Object.freeze({
  'tfjs-backend-wasm.wasm': wasm,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
});
