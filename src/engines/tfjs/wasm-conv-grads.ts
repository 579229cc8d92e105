/**
 * @file The Conv2D gradients for TF.js's wasm backend (registered by `wasm-kernels.ts`), built on its XNNPACK kernels
 * so that the multiply-adds run in SIMD wasm and JavaScript only moves data:
 *
 * - dW (`Conv2DBackpropFilter`, missing in 4.22): one `Conv2D` per batch chunk in which the batch becomes the
 *   channels (see {@link conv2DBackpropFilter}); JavaScript only transposes x and dy, which is far less data than an
 *   im2col matrix (filter taps times larger).
 * - dx (`Conv2DBackpropInput`, present but a naive C++ loop): at stride 1, a `Conv2D` of dy with the flipped,
 *   transposed filter; at other strides dy · Wᵀ with `BatchMatMul`, then col2im. NCHW goes to wasm's own kernel.
 *
 * Shapes, strides and padding ('same', 'valid', explicit, a number with dimRoundingMode) come from
 * `backend_util.computeConv2DInfo`, as in the cpu backend's kernels. Gradients of Conv2D take dilation 1 only (TF.js
 * asserts it), so dilation is 1 here.
 */
import { backend_util, getKernel, type Conv2DBackpropFilterAttrs, type Conv2DBackpropInputAttrs, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type Shape4D = [number, number, number, number];

/** dW: floats of dy per batch chunk (1 MiB), so XNNPACK's packed copy of it stays in cache. */
export const FILTER_GRAD_CHUNK_FLOATS = 1 << 18;

/** dx at strides above 1: the largest col2im matrix, in floats (16 MiB); bigger batches are done in chunks. */
export const MAX_SCRATCH_FLOATS = 1 << 22;

/** Runs one of the wasm backend's own kernels on tensors already on its heap. */
function runWasmKernel(name: string, backend: BackendWasm, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap): TensorInfo {
  const kernel = getKernel(name, 'wasm');
  if (!kernel) throw new Error(`The wasm backend has no "${name}" kernel; import @tensorflow/tfjs-backend-wasm first`);
  return kernel.kernelFunc({ inputs, backend, attrs }) as TensorInfo;
}

/** A float32 view of a tensor on the wasm heap. Make views after allocating: a new tensor can grow (detach) the heap. */
function f32(backend: BackendWasm, info: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(info) as Float32Array;
}

/** A zero-filled float32 tensor. */
function zeros(backend: BackendWasm, shape: number[]): TensorInfo {
  const out = backend.makeOutput(shape, 'float32');
  f32(backend, out).fill(0);
  return out;
}

/** Adds `part` into `sum` (same size) and disposes `part`. */
function accumulate(backend: BackendWasm, sum: TensorInfo, part: TensorInfo): void {
  const s = f32(backend, sum);
  const p = f32(backend, part);
  for (let i = 0; i < s.length; i++) s[i] += p[i];
  backend.disposeData(part.dataId);
}

/**
 * dW of a Conv2D. With X'[ci, h, w, b] = x[b, h, w, ci] and F'[oy, ox, b, co] = dy[b, oy, ox, co],
 * dW[fh, fw, ci, co] = O[ci, fh, fw, co] = sum over oy, ox, b of X'[ci, fh - top + oy * sH, fw - left + ox * sW, b] ·
 * F'[oy, ox, b, co]: a stride-1 convolution of X' (batch ci, channels b) with F' dilated by the strides, run by
 * XNNPACK per batch chunk and summed; O is then transposed to [fh, fw, ci, co]. Rows and columns of x that no tap
 * reaches (the remainder of a stride) are cropped, so the end padding is never negative.
 */
export const conv2DBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm;
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Conv2DBackpropFilterAttrs;
  if (x.dtype !== 'float32' || dy.dtype !== 'float32') throw new Error(`Conv2DBackpropFilter on wasm needs float32 x and dy; got ${x.dtype} and ${dy.dtype}`);
  const format = backend_util.convertConv2DDataFormat(dataFormat);
  const info = backend_util.computeConv2DInfo(x.shape as Shape4D, filterShape, strides, 1, pad, dimRoundingMode, false, format);
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const { top, left } = info.padInfo;
  const spanHeight = filterHeight + (outHeight - 1) * strideHeight;
  const spanWidth = filterWidth + (outWidth - 1) * strideWidth;
  const height = Math.min(inHeight, spanHeight - top);
  const width = Math.min(inWidth, spanWidth - left);
  if (batchSize === 0 || height <= 0 || width <= 0 || outHeight <= 0 || outWidth <= 0) return zeros(wasm, info.filterShape);

  // Element strides of x (batch, row, column, channel) and dy (batch, pixel, channel) in either layout.
  const last = format === 'channelsLast';
  const pixels = outHeight * outWidth;
  const [xB, xR, xC, xCh] = last ? [inHeight * inWidth * inChannels, inWidth * inChannels, inChannels, 1] : [inChannels * inHeight * inWidth, inWidth, 1, inHeight * inWidth];
  const [dyB, dyP, dyCh] = last ? [pixels * outChannels, outChannels, 1] : [outChannels * pixels, 1, pixels];
  const convAttrs = {
    strides: [1, 1],
    dilations: [strideHeight, strideWidth],
    pad: [
      [0, 0],
      [top, spanHeight - height - top],
      [left, spanWidth - width - left],
      [0, 0],
    ],
    dataFormat: 'NHWC',
  } as unknown as NamedAttrMap;

  const chunk = Math.max(1, Math.floor(FILTER_GRAD_CHUNK_FLOATS / (pixels * outChannels)));
  let sum: TensorInfo | null = null;
  for (let b0 = 0; b0 < batchSize; b0 += chunk) {
    const nb = Math.min(batchSize - b0, chunk);
    const xT = wasm.makeOutput([inChannels, height, width, nb], 'float32');
    const dyT = wasm.makeOutput([outHeight, outWidth, nb, outChannels], 'float32');
    const xs = f32(wasm, x);
    const xt = f32(wasm, xT);
    const plane = height * width * nb;
    for (let b = 0; b < nb; b++) {
      for (let h = 0; h < height; h++) {
        for (let w = 0; w < width; w++) {
          const src = (b0 + b) * xB + h * xR + w * xC;
          const dst = (h * width + w) * nb + b;
          for (let ci = 0; ci < inChannels; ci++) xt[dst + ci * plane] = xs[src + ci * xCh];
        }
      }
    }
    const ds = f32(wasm, dy);
    const dt = f32(wasm, dyT);
    for (let p = 0; p < pixels; p++) {
      for (let b = 0; b < nb; b++) {
        const src = (b0 + b) * dyB + p * dyP;
        const dst = (p * nb + b) * outChannels;
        for (let co = 0; co < outChannels; co++) dt[dst + co] = ds[src + co * dyCh];
      }
    }
    // dyT is a fresh tensor per call: XNNPACK caches an operator on the filter's id, and frees it with the tensor.
    const part = runWasmKernel('Conv2D', wasm, { x: xT, filter: dyT }, convAttrs);
    wasm.disposeData(xT.dataId);
    wasm.disposeData(dyT.dataId);
    if (sum === null) sum = part;
    else accumulate(wasm, sum, part);
  }
  const dw = runWasmKernel('Transpose', wasm, { x: sum as TensorInfo }, { perm: [1, 2, 0, 3] });
  wasm.disposeData((sum as TensorInfo).dataId);
  return dw;
};

/** The filter [FH, FW, CI, CO] flipped in space with its channels swapped: [FH, FW, CO, CI]. */
function flippedTransposedFilter(wasm: BackendWasm, filter: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const { filterHeight: fh, filterWidth: fw, inChannels: ci, outChannels: co } = info;
  const out = wasm.makeOutput([fh, fw, co, ci], 'float32');
  const w = f32(wasm, filter);
  const o = f32(wasm, out);
  for (let r = 0; r < fh; r++) {
    for (let c = 0; c < fw; c++) {
      const src = ((fh - 1 - r) * fw + (fw - 1 - c)) * ci * co;
      const dst = (r * fw + c) * co * ci;
      for (let i = 0; i < ci; i++) for (let j = 0; j < co; j++) o[dst + j * ci + i] = w[src + i * co + j];
    }
  }
  return out;
}

/** dx at stride 1: the 'full' correlation of dy with the flipped filter, as one XNNPACK Conv2D. */
function backpropInputByConv(wasm: BackendWasm, dy: TensorInfo, filter: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const { top, bottom, left, right } = info.padInfo;
  const flipped = flippedTransposedFilter(wasm, filter, info);
  const pad = [
    [0, 0],
    [info.filterHeight - 1 - top, info.filterHeight - 1 - bottom],
    [info.filterWidth - 1 - left, info.filterWidth - 1 - right],
    [0, 0],
  ];
  const dx = runWasmKernel('Conv2D', wasm, { x: dy, filter: flipped }, { strides: [1, 1], dilations: [1, 1], pad, dataFormat: 'NHWC' } as unknown as NamedAttrMap);
  wasm.disposeData(flipped.dataId);
  return dx;
}

/** dx at any stride (NHWC): cols = dy · Wᵀ ([M, K]) per batch chunk with XNNPACK, then col2im adds each tap back. */
function backpropInputByMatMul(wasm: BackendWasm, dy: TensorInfo, filter: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const { top, left } = info.padInfo;
  const k = filterHeight * filterWidth * inChannels;
  const pixels = outHeight * outWidth;
  const dx = zeros(wasm, info.inShape);
  const filterT = wasm.makeOutput([1, outChannels, k], 'float32');
  {
    const w = f32(wasm, filter);
    const t = f32(wasm, filterT);
    for (let i = 0; i < k; i++) for (let j = 0; j < outChannels; j++) t[j * k + i] = w[i * outChannels + j];
  }
  const chunk = Math.max(1, Math.floor(MAX_SCRATCH_FLOATS / Math.max(1, pixels * k)));
  for (let b0 = 0; b0 < batchSize; b0 += chunk) {
    const b1 = Math.min(batchSize, b0 + chunk);
    const dyRows = wasm.makeOutput([1, (b1 - b0) * pixels, outChannels], 'float32');
    f32(wasm, dyRows).set(f32(wasm, dy).subarray(b0 * pixels * outChannels, b1 * pixels * outChannels));
    const cols = runWasmKernel('BatchMatMul', wasm, { a: dyRows, b: filterT }, { transposeA: false, transposeB: false });
    wasm.disposeData(dyRows.dataId);
    const c = f32(wasm, cols);
    const out = f32(wasm, dx);
    let m = 0;
    for (let b = b0; b < b1; b++) {
      for (let yR = 0; yR < outHeight; yR++) {
        for (let yC = 0; yC < outWidth; yC++, m++) {
          for (let wR = 0; wR < filterHeight; wR++) {
            const xR = yR * strideHeight + wR - top;
            if (xR < 0 || xR >= inHeight) continue;
            for (let wC = 0; wC < filterWidth; wC++) {
              const xC = yC * strideWidth + wC - left;
              if (xC < 0 || xC >= inWidth) continue;
              const src = m * k + (wR * filterWidth + wC) * inChannels;
              const dst = ((b * inHeight + xR) * inWidth + xC) * inChannels;
              for (let i = 0; i < inChannels; i++) out[dst + i] += c[src + i];
            }
          }
        }
      }
    }
    wasm.disposeData(cols.dataId);
  }
  wasm.disposeData(filterT.dataId);
  return dx;
}

/** dx of a Conv2D, replacing wasm's `Conv2DBackpropInput` (`original`, still used for NCHW). */
export function conv2DBackpropInput(original: KernelFunc | undefined): KernelFunc {
  return (args) => {
    const wasm = args.backend as BackendWasm;
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = args.attrs as unknown as Conv2DBackpropInputAttrs;
    const format = backend_util.convertConv2DDataFormat(dataFormat);
    if (format !== 'channelsLast' || dy.dtype !== 'float32' || filter.dtype !== 'float32') {
      if (!original) throw new Error(`Conv2DBackpropInput on wasm takes float32 NHWC tensors; got ${dataFormat} ${dy.dtype}/${filter.dtype}`);
      return original(args);
    }
    const info = backend_util.computeConv2DInfo(inputShape, filter.shape as Shape4D, strides, 1, pad, dimRoundingMode, false, format);
    if (info.batchSize === 0 || info.outHeight <= 0 || info.outWidth <= 0) return zeros(wasm, info.inShape);
    const { top, bottom, left, right } = info.padInfo;
    const fullPadFits = Math.max(top, bottom) < info.filterHeight && Math.max(left, right) < info.filterWidth;
    if (info.strideHeight === 1 && info.strideWidth === 1 && fullPadFits) {
      const dx = backpropInputByConv(wasm, dy, filter, info);
      if (dx.shape.join() === info.inShape.join()) return dx;
      wasm.disposeData(dx.dataId);
    }
    return backpropInputByMatMul(wasm, dy, filter, info);
  };
}
