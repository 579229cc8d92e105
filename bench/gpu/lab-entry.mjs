// The lab's own code the GPU bench runs (bundled by `npm run bundle` into bench/gpu/lab.bundle.mjs, git-ignored, TF.js and
// onnxruntime left external so they resolve to bench/gpu/node_modules at run time).
export { buildModel } from '../../src/engines/tfjs/model-builder.ts';
export { initBackend, describeBackend } from '../../src/engines/tfjs/backend-setup.ts';
export { exportLayersModelToOnnx } from '../../src/engines/onnx/export-from-tfjs.ts';
