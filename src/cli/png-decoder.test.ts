import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodePng } from './png-decoder';

/** A PNG of `width` × `height` 8-bit pixels with `channels` (colour type from it), each scanline with `filter`. */
function png(width: number, height: number, channels: 1 | 2 | 3 | 4, rows: number[][], filter = 0): Uint8Array {
  const colour = { 1: 0, 2: 4, 3: 2, 4: 6 }[channels];
  const chunk = (type: string, data: Uint8Array) => {
    const out = new Uint8Array(12 + data.length);
    new DataView(out.buffer).setUint32(0, data.length);
    out.set(new TextEncoder().encode(type), 4);
    out.set(data, 8);
    return out; // CRC left zero: the decoder does not check it
  };
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, width);
  new DataView(ihdr.buffer).setUint32(4, height);
  ihdr.set([8, colour, 0, 0, 0], 8);
  const raw = rows.flatMap((row) => [filter, ...row]);
  const parts = [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(new Uint8Array(raw))), chunk('IEND', new Uint8Array())];
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return bytes;
}

describe('decodePng', () => {
  it('decodes grey and RGB pixels, unfiltered and with the Sub filter', async () => {
    expect(await decodePng(png(2, 2, 1, [[0, 255], [7, 9]]))).toEqual({ width: 2, height: 2, channels: 1, pixels: new Uint8Array([0, 255, 7, 9]) });
    // Sub: each byte is stored minus the byte one pixel to its left.
    const rgb = await decodePng(png(2, 1, 3, [[10, 20, 30, 5, 5, 5]], 1));
    expect(Array.from(rgb.pixels)).toEqual([10, 20, 30, 15, 25, 35]);
  });

  it('names what it cannot read', async () => {
    await expect(decodePng(new Uint8Array([1, 2, 3]))).rejects.toThrow(/not a PNG/);
    const sixteenBit = png(1, 1, 1, [[0]]);
    sixteenBit[8 + 8 + 8] = 16; // IHDR bit depth
    await expect(decodePng(sixteenBit)).rejects.toThrow(/bit depth 16/);
  });
});
