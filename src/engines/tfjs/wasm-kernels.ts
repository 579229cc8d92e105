/**
 * @file Training kernels for TF.js 4.22's wasm backend, so conv nets and text models train there instead of on the
 * much slower cpu backend: TypeScript loops over the wasm heap (inputs read with `typedArrayFromHeap`, outputs made
 * with `makeOutput`) that lean on the backend's own XNNPACK kernels where those do the heavy part.
 *
 * - `Conv2DBackpropFilter` (missing; the filter gradient of every Conv2D and Conv1D) and `Conv2DBackpropInput`
 *   (present, but a naive loop several times slower than XNNPACK): see `wasm-conv-grads.ts`.
 * - `UnsortedSegmentSum` (missing; the gradient of `GatherV2`, i.e. of embeddings): one pass over the rows, where the
 *   cpu backend makes one pass per segment.
 * - `MaxPoolGrad` (replaced): wasm's own starts each window's maximum at FLT_MIN, so a window with no positive value
 *   (all zeros after ReLU, or negatives) sends its gradient to element 0 of the whole tensor; ties also go to the last
 *   maximum where the cpu backend picks the first. This one matches the cpu backend: first strict maximum, from -inf.
 *
 * Semantics come from `backend_util`'s `computeConv2DInfo` / `computePool2DInfo`, as in the cpu backend's kernels,
 * which the tests hold these to.
 */
import {
  backend_util,
  getKernel,
  registerKernel,
  unregisterKernel,
  util,
  type KernelConfig,
  type KernelFunc,
  type MaxPoolGradAttrs,
  type TensorInfo,
  type UnsortedSegmentSumAttrs,
} from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { conv2DBackpropFilter, conv2DBackpropInput } from './wasm-conv-grads';

type Shape4D = [number, number, number, number];

/** dx of MaxPool: each output's gradient goes to its window's first strict maximum (the cpu backend's choice). */
const maxPoolGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm;
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
  const info = backend_util.computePool2DInfo(input.shape as Shape4D, filterSize, strides, 1, pad, dimRoundingMode);
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, strideHeight, strideWidth } = info;
  const dxInfo = wasm.makeOutput(input.shape, 'float32');
  const x = wasm.typedArrayFromHeap(input);
  const dyValues = wasm.typedArrayFromHeap(dy) as Float32Array;
  const dx = wasm.typedArrayFromHeap(dxInfo) as Float32Array;
  dx.fill(0);
  // Per channel: the window's maximum so far and its flat index in x (-1: none yet, as for an all-NaN window).
  const maxValue = new Float64Array(channels);
  const maxIndex = new Int32Array(channels);
  let o = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let yR = 0; yR < outHeight; yR++) {
      const xRCorner = yR * strideHeight - info.padInfo.top;
      const xRMin = Math.max(0, xRCorner);
      const xRMax = Math.min(inHeight, xRCorner + info.effectiveFilterHeight);
      for (let yC = 0; yC < outWidth; yC++, o += channels) {
        const xCCorner = yC * strideWidth - info.padInfo.left;
        const xCMin = Math.max(0, xCCorner);
        const xCMax = Math.min(inWidth, xCCorner + info.effectiveFilterWidth);
        for (let d = 0; d < channels; d++) {
          maxValue[d] = -Infinity;
          maxIndex[d] = -1;
        }
        for (let xR = xRMin; xR < xRMax; xR++) {
          const rowBase = (b * inHeight + xR) * inWidth;
          for (let xC = xCMin; xC < xCMax; xC++) {
            const base = (rowBase + xC) * channels;
            for (let d = 0; d < channels; d++) {
              const v = x[base + d];
              if (v > maxValue[d]) {
                maxValue[d] = v;
                maxIndex[d] = base + d;
              }
            }
          }
        }
        for (let d = 0; d < channels; d++) {
          const at = maxIndex[d];
          if (at >= 0) dx[at] += dyValues[o + d];
        }
      }
    }
  }
  return dxInfo;
};

/**
 * out[i, ...] = sum of x[j, ...] over j with segmentIds[j] == i; ids outside [0, numSegments) are dropped. For
 * segmentIds of rank r > 1 the cpu backend's reading is kept: their dimensions after the first align with x's last
 * ones, and the sum runs over axis 0 only (out is [numSegments, ...x.shape[1:]]).
 */
const unsortedSegmentSum: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm;
  const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const { numSegments } = attrs as unknown as UnsortedSegmentSumAttrs;
  if (x.dtype !== 'float32' && x.dtype !== 'int32') throw new Error(`UnsortedSegmentSum on wasm needs float32 or int32 x; got ${x.dtype}`);
  const rows = x.shape[0] ?? 1;
  const rowSize = util.sizeFromShape(x.shape.slice(1));
  const outInfo = wasm.makeOutput([numSegments, ...x.shape.slice(1)], x.dtype);
  const values = wasm.typedArrayFromHeap(x);
  const ids = wasm.typedArrayFromHeap(segmentIds);
  const out = wasm.typedArrayFromHeap(outInfo);
  out.fill(0);
  if (segmentIds.shape.length <= 1) {
    for (let j = 0; j < rows; j++) {
      const id = ids[j];
      if (!(id >= 0 && id < numSegments)) continue;
      const src = j * rowSize;
      const dst = id * rowSize;
      for (let p = 0; p < rowSize; p++) out[dst + p] += values[src + p];
    }
  } else {
    const inner = segmentIds.shape.slice(1);
    if (segmentIds.shape[0] !== rows || x.shape.slice(-inner.length).join() !== inner.join() || inner.length >= x.shape.length) {
      throw new Error(`UnsortedSegmentSum: segmentIds of shape [${segmentIds.shape}] do not fit x of shape [${x.shape}]; expected [${rows}, ...x's last dimensions]`);
    }
    const idsPerRow = util.sizeFromShape(inner);
    for (let j = 0; j < rows; j++) {
      for (let p = 0; p < rowSize; p++) {
        const id = ids[j * idsPerRow + (p % idsPerRow)];
        if (id >= 0 && id < numSegments) out[id * rowSize + p] += values[j * rowSize + p];
      }
    }
  }
  return outInfo;
};

/** Kernels TF.js 4.22's wasm backend lacks: registered when absent. */
const MISSING: readonly KernelConfig[] = [
  { kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2DBackpropFilter },
  { kernelName: 'UnsortedSegmentSum', backendName: 'wasm', kernelFunc: unsortedSegmentSum },
];

/** Kernels wasm has but gets wrong or slow: replaced, each made from the one it replaces (see the file comment). */
const REPLACED: readonly { kernelName: string; make: (original: KernelFunc | undefined) => KernelFunc }[] = [
  { kernelName: 'MaxPoolGrad', make: () => maxPoolGrad },
  { kernelName: 'Conv2DBackpropInput', make: conv2DBackpropInput },
];

/** The replacements registered here, to tell them from the wasm package's own. */
const ours = new WeakSet<KernelConfig>();

/** Names of the kernels {@link registerWasmTrainingKernels} provides. */
export const WASM_TRAINING_KERNELS: readonly string[] = Object.freeze([...MISSING, ...REPLACED].map((k) => k.kernelName));

/**
 * Registers the training kernels above for the wasm backend; idempotent (returns the names registered by this call).
 * Call after `@tensorflow/tfjs-backend-wasm` has been imported (it registers its own kernels on import, and would
 * otherwise put its own versions back); throws when it has not been.
 */
export function registerWasmTrainingKernels(): string[] {
  if (!getKernel('Conv2D', 'wasm')) {
    throw new Error('The wasm backend\'s kernels are not registered yet; import "@tensorflow/tfjs-backend-wasm" before registerWasmTrainingKernels()');
  }
  const registered: string[] = [];
  for (const config of MISSING) {
    if (getKernel(config.kernelName, 'wasm')) continue;
    registerKernel(config);
    registered.push(config.kernelName);
  }
  for (const { kernelName, make } of REPLACED) {
    const current = getKernel(kernelName, 'wasm');
    if (current && ours.has(current)) continue;
    // The original's setupFunc (its C++ binding) still runs when the backend starts, for the cases delegated to it.
    const config: KernelConfig = { kernelName, backendName: 'wasm', kernelFunc: make(current?.kernelFunc), setupFunc: current?.setupFunc };
    ours.add(config);
    if (current) unregisterKernel(kernelName, 'wasm');
    registerKernel(config);
    registered.push(kernelName);
  }
  return registered;
}
