/**
 * @file A PNG decoder for Node (`node:zlib`), in the shape of the lab's `ImageDecoder` (`src/core/features/image.ts`):
 * the training job decodes images with `createImageBitmap` + `OffscreenCanvas` in a browser, which Node lacks, so the
 * CLI (and the benchmarks) pass this one. Reads what the image samples and most simple PNGs use: 8-bit samples,
 * non-interlaced, colour types grey (0), RGB (2), grey+alpha (4), RGBA (6), all five scanline filters. Anything else
 * throws an Error naming what it found.
 */
import { inflateSync } from 'node:zlib';
import type { DecodedImage } from '../core/features/featurizer';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const CHANNELS: Readonly<Partial<Record<number, 1 | 2 | 3 | 4>>> = { 0: 1, 2: 3, 4: 2, 6: 4 };

/** Decodes PNG bytes to `{ width, height, channels, pixels }` (rows top to bottom, channels interleaved). */
export async function decodePng(bytes: Uint8Array, mediaType = 'image/png'): Promise<DecodedImage> {
  return decodePngSync(bytes, mediaType);
}

/** The synchronous body of {@link decodePng}. */
export function decodePngSync(bytes: Uint8Array, mediaType = 'image/png'): DecodedImage {
  const fail = (why: string): never => {
    throw new Error(`An image (${mediaType || 'unknown type'}, ${bytes.byteLength} bytes) could not be decoded: ${why}`);
  };
  if (bytes.byteLength < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) fail('not a PNG (bad signature)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let width = 0;
  let height = 0;
  let channels: 0 | 1 | 2 | 3 | 4 = 0;
  const idat: Uint8Array[] = [];
  for (let at = 8; at + 8 <= bytes.byteLength; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]);
    const data = bytes.subarray(at + 8, at + 8 + length);
    if (data.byteLength !== length) fail(`chunk ${type} is cut short`);
    if (type === 'IHDR') {
      width = view.getUint32(at + 8);
      height = view.getUint32(at + 12);
      const [depth, colour, , , interlace] = data.subarray(8, 13);
      channels = CHANNELS[colour] ?? 0;
      if (depth !== 8) fail(`bit depth ${depth}; this decoder reads 8-bit samples only`);
      if (channels === 0) fail(`colour type ${colour}; this decoder reads grey, grey+alpha, RGB and RGBA only`);
      if (interlace !== 0) fail('interlaced; this decoder reads non-interlaced images only');
    } else if (type === 'IDAT') {
      idat.push(data);
    } else if (type === 'IEND') {
      break;
    }
    at += 12 + length;
  }
  if (channels === 0) return fail('no IHDR chunk');
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  if (raw.byteLength < height * (stride + 1)) fail(`${raw.byteLength} bytes of pixel data for ${width}×${height}×${channels}`);
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? pixels[out + x - channels] : 0;
      const b = y > 0 ? pixels[out - stride + x] : 0;
      const c = x >= channels && y > 0 ? pixels[out - stride + x - channels] : 0;
      let predicted = 0;
      switch (filter) {
        case 0:
          predicted = 0;
          break;
        case 1:
          predicted = a;
          break;
        case 2:
          predicted = b;
          break;
        case 3:
          predicted = (a + b) >> 1;
          break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          predicted = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default:
          fail(`scanline ${y} has filter type ${filter}`);
      }
      pixels[out + x] = (line[x] + predicted) & 0xff;
    }
  }
  return { width, height, channels: channels as 1 | 2 | 3 | 4, pixels };
}
