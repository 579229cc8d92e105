// Bundles (to bench/gpu/lab.bundle.mjs, git-ignored) the lab's TypeScript the GPU bench needs into one ES module; TF.js packages stay external.
export default {
  input: 'lab-entry.mjs',
  external: [/^@tensorflow\//, /^onnxruntime/, 'webgpu', /^node:/],
  platform: 'node',
  output: { file: 'lab.bundle.mjs', format: 'esm', codeSplitting: false },
};
