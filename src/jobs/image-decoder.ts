/**
 * @file Decoding PNG/JPEG bytes to pixels in a browser or worker: `createImageBitmap` + `OffscreenCanvas`. Under
 * Node (tests, CLI) neither exists; the caller injects an {@link ImageDecoder} instead.
 */
import type { ImageDecoder } from '../core/features/image';

/** True where {@link decodeImageInBrowser} can work (a page or a worker with OffscreenCanvas). */
export function canDecodeImagesHere(): boolean {
  return typeof createImageBitmap === 'function' && typeof OffscreenCanvas === 'function';
}

/** Decodes one image to RGBA pixels. Throws an Error naming the media type when the bytes do not decode. */
export const decodeImageInBrowser: ImageDecoder = async (bytes, mediaType) => {
  let bitmap: ImageBitmap;
  try {
    // A copy: the Blob must not keep (or see changes to) the chunk's shared buffer.
    bitmap = await createImageBitmap(new Blob([bytes.slice()], { type: mediaType || 'application/octet-stream' }));
  } catch (err) {
    throw new Error(`An image (${mediaType || 'unknown type'}, ${bytes.byteLength} bytes) could not be decoded: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new Error('No 2D canvas context is available to decode images');
    context.drawImage(bitmap, 0, 0);
    const { data } = context.getImageData(0, 0, bitmap.width, bitmap.height);
    return { width: bitmap.width, height: bitmap.height, channels: 4, pixels: data };
  } finally {
    bitmap.close();
  }
};
