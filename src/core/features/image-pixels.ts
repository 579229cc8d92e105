/**
 * @file Pure pixel helpers for decoded images (row-major, interleaved channels): bilinear resizing, channel
 * conversion and scaling to [0, 1].
 */

/** Pixel data a helper reads: bytes from a decoder, or floats from an earlier step. */
export type PixelArray = Uint8Array | Uint8ClampedArray | Float32Array;

/**
 * Resizes `pixels` (`height` × `width` × `channels`) to `outHeight` × `outWidth` by bilinear interpolation with
 * half-pixel centres (as TensorFlow's `resizeBilinear` with `halfPixelCenters`, and canvas smoothing). Edges are
 * clamped. Values keep their scale.
 */
export function resizeBilinear(
  pixels: PixelArray,
  width: number,
  height: number,
  channels: number,
  outWidth: number,
  outHeight: number,
): Float32Array {
  for (const [name, v] of Object.entries({ width, height, channels, outWidth, outHeight })) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`resizeBilinear: ${name} is ${v}; expected a positive integer`);
  }
  if (pixels.length !== width * height * channels) {
    throw new Error(`resizeBilinear: ${pixels.length} values do not make a ${width}×${height} image with ${channels} channels`);
  }
  const out = new Float32Array(outWidth * outHeight * channels);
  const sx = width / outWidth;
  const sy = height / outHeight;
  for (let y = 0; y < outHeight; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, height - 1);
    const wy = fy - y0;
    for (let x = 0; x < outWidth; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, width - 1);
      const wx = fx - x0;
      const p00 = (y0 * width + x0) * channels;
      const p01 = (y0 * width + x1) * channels;
      const p10 = (y1 * width + x0) * channels;
      const p11 = (y1 * width + x1) * channels;
      const o = (y * outWidth + x) * channels;
      for (let c = 0; c < channels; c++) {
        const top = pixels[p00 + c] + (pixels[p01 + c] - pixels[p00 + c]) * wx;
        const bottom = pixels[p10 + c] + (pixels[p11 + c] - pixels[p10 + c]) * wx;
        out[o + c] = top + (bottom - top) * wy;
      }
    }
  }
  return out;
}

/**
 * Converts interleaved pixels from `from` channels (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA) to `to` (1 or 3).
 * Alpha is dropped (not composited). Grey is the BT.601 luma 0.299 R + 0.587 G + 0.114 B.
 */
export function convertChannels(pixels: PixelArray, from: 1 | 2 | 3 | 4, to: 1 | 3): Float32Array {
  const n = pixels.length / from;
  const out = new Float32Array(n * to);
  for (let i = 0; i < n; i++) {
    const p = i * from;
    if (from >= 3) {
      const r = pixels[p];
      const g = pixels[p + 1];
      const b = pixels[p + 2];
      if (to === 3) {
        out[i * 3] = r;
        out[i * 3 + 1] = g;
        out[i * 3 + 2] = b;
      } else {
        out[i] = 0.299 * r + 0.587 * g + 0.114 * b;
      }
    } else if (to === 3) {
      out[i * 3] = out[i * 3 + 1] = out[i * 3 + 2] = pixels[p];
    } else {
      out[i] = pixels[p];
    }
  }
  return out;
}

/** Scales 0-255 pixel values to [0, 1] into `out` at `offset` (a new array when `out` is omitted). */
export function toUnitRange(pixels: PixelArray, out: Float32Array = new Float32Array(pixels.length), offset = 0): Float32Array {
  for (let i = 0; i < pixels.length; i++) out[offset + i] = Math.min(Math.max(pixels[i] / 255, 0), 1);
  return out;
}
