/**
 * @file Reads an image's media type and pixel size from its first bytes, without decoding it.
 * Supports PNG, JPEG (SOF markers), GIF, BMP and WebP (VP8, VP8L, VP8X).
 */

/** Media type and declared size of an image. */
export interface ImageHeader {
  mediaType: 'image/png' | 'image/jpeg' | 'image/gif' | 'image/bmp' | 'image/webp';
  width: number;
  height: number;
}

/** Longest side an imported image may declare. */
export const MAX_IMAGE_SIDE = 16384;
/** Most pixels an imported image may declare (40 megapixels). */
export const MAX_IMAGE_PIXELS = 40_000_000;

/** Reads the header of a PNG, JPEG, GIF, BMP or WebP image; `null` when the bytes are none of these or the header is cut short or corrupt. */
export function readImageHeader(bytes: Uint8Array): ImageHeader | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length;
  const header = sniff(bytes, view, n);
  return header !== null && header.width > 0 && header.height > 0 ? header : null;
}

/** Why an image's declared size is refused (`null` when acceptable): more than {@link MAX_IMAGE_SIDE} on a side or {@link MAX_IMAGE_PIXELS} in all. */
export function imageSizeProblem(header: ImageHeader): string | null {
  if (header.width > MAX_IMAGE_SIDE || header.height > MAX_IMAGE_SIDE) return `declares ${header.width}x${header.height} pixels; expected at most ${MAX_IMAGE_SIDE} on a side`;
  if (header.width * header.height > MAX_IMAGE_PIXELS) return `declares ${header.width}x${header.height} pixels; expected at most ${MAX_IMAGE_PIXELS / 1e6} megapixels`;
  return null;
}

function sniff(b: Uint8Array, view: DataView, n: number): ImageHeader | null {
  // PNG: signature, then the IHDR chunk
  if (n >= 24 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 && b[4] === 0x0d && b[5] === 0x0a && b[6] === 0x1a && b[7] === 0x0a) {
    if (ascii(b, 12, 4) !== 'IHDR') return null;
    return { mediaType: 'image/png', width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (n >= 4 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return jpeg(b, view, n);
  if (n >= 10 && (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a')) {
    return { mediaType: 'image/gif', width: view.getUint16(6, true), height: view.getUint16(8, true) };
  }
  if (n >= 26 && b[0] === 0x42 && b[1] === 0x4d) {
    const dib = view.getUint32(14, true);
    if (dib === 12) return { mediaType: 'image/bmp', width: view.getUint16(18, true), height: view.getUint16(20, true) };
    if (dib < 40) return null;
    return { mediaType: 'image/bmp', width: Math.abs(view.getInt32(18, true)), height: Math.abs(view.getInt32(22, true)) };
  }
  if (n >= 30 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return webp(b, view);
  return null;
}

function jpeg(b: Uint8Array, view: DataView, n: number): ImageHeader | null {
  let i = 2;
  while (i + 4 <= n) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1];
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2; // markers without a length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return null; // end of image or start of scan before any frame header
    const length = view.getUint16(i + 2);
    if (length < 2) return null;
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      if (i + 9 > n) return null;
      return { mediaType: 'image/jpeg', height: view.getUint16(i + 5), width: view.getUint16(i + 7) };
    }
    i += 2 + length;
  }
  return null;
}

function webp(b: Uint8Array, view: DataView): ImageHeader | null {
  const chunk = ascii(b, 12, 4);
  if (chunk === 'VP8 ') {
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return null;
    return { mediaType: 'image/webp', width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff };
  }
  if (chunk === 'VP8L') {
    if (b[20] !== 0x2f) return null;
    const bits = view.getUint32(21, true);
    return { mediaType: 'image/webp', width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') {
    const w = b[24] | (b[25] << 8) | (b[26] << 16);
    const h = b[27] | (b[28] << 8) | (b[29] << 16);
    return { mediaType: 'image/webp', width: w + 1, height: h + 1 };
  }
  return null;
}

function ascii(b: Uint8Array, at: number, length: number): string {
  let s = '';
  for (let i = at; i < at + length && i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}
