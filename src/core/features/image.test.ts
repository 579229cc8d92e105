import { describe, expect, it } from 'vitest';
import { convertChannels, resizeBilinear, toUnitRange } from './image-pixels';
import { decodeImageColumn, ImageFeaturizer } from './image';
import type { DecodedImageColumn } from './featurizer';

describe('image pixel helpers', () => {
  it('resizes bilinearly with half-pixel centres and clamped edges', () => {
    const up = resizeBilinear(Uint8Array.of(0, 10, 20, 30), 2, 2, 1, 4, 4);
    expect(Array.from(up)).toEqual([0, 2.5, 7.5, 10, 5, 7.5, 12.5, 15, 15, 17.5, 22.5, 25, 20, 22.5, 27.5, 30]);
    expect(Array.from(resizeBilinear(Uint8Array.of(0, 10, 20, 30), 4, 1, 1, 2, 1))).toEqual([5, 25]);
    const rgb = Uint8Array.of(1, 2, 3, 4, 5, 6);
    expect(Array.from(resizeBilinear(rgb, 2, 1, 3, 2, 1))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(() => resizeBilinear(rgb, 2, 2, 3, 1, 1)).toThrow('6 values do not make a 2×2 image with 3 channels');
    expect(() => resizeBilinear(rgb, 2, 1, 3, 0, 1)).toThrow('outWidth is 0');
  });

  it('converts channels and scales to [0, 1]', () => {
    expect(Array.from(convertChannels(Uint8Array.of(255, 0, 0, 255, 0, 0, 255, 0), 4, 3))).toEqual([255, 0, 0, 0, 0, 255]);
    expect(convertChannels(Uint8Array.of(255, 0, 0, 128), 4, 1)[0]).toBeCloseTo(76.245, 3);
    expect(Array.from(convertChannels(Uint8Array.of(7, 255), 2, 3))).toEqual([7, 7, 7]);
    expect(Array.from(toUnitRange(Uint8Array.of(0, 51, 255)))).toEqual(Array.from(Float32Array.of(0, 0.2, 1)));
  });
});

describe('ImageFeaturizer', () => {
  it('decodes through an injected decoder, then converts, resizes and normalises each image (HWC)', async () => {
    const decoded = await decodeImageColumn(
      { kind: 'image', items: [Uint8Array.of(1), null], mediaTypes: ['image/png', ''] },
      async (bytes, mediaType) => {
        expect(mediaType).toBe('image/png');
        return { width: 2, height: 1, channels: 4, pixels: Uint8ClampedArray.of(bytes[0] * 255, 0, 0, 255, 0, 0, 255, 255) };
      },
    );
    expect(decoded.images[1]).toBeNull();
    const f = ImageFeaturizer.fit({ column: 'photo', type: 'image', width: 1, height: 1, channels: 3 }, decoded, [0]);
    expect(f.width).toBe(3);
    expect(f.featureNames()).toEqual(['photo[0,0,0]', 'photo[0,0,1]', 'photo[0,0,2]']);
    const out = new Float32Array(3);
    f.transform(decoded, [0], out, 3, 0);
    expect(Array.from(out)).toEqual([0.5, 0, 0.5]);
    expect(() => f.transform(decoded, [1], out, 3, 0)).toThrow('Column "photo" has no decoded image at row 2; images cannot be imputed');
  });

  it('asks for decoded images and valid sizes', () => {
    const decoded: DecodedImageColumn = { kind: 'decoded-image', images: [] };
    expect(() => ImageFeaturizer.fit({ column: 'p', type: 'image' }, { kind: 'image', items: [], mediaTypes: [] }, [])).toThrow(
      'Column "p" holds images; the "image" featurizer needs decoded images',
    );
    expect(() => ImageFeaturizer.fit({ column: 'p', type: 'image', width: 0 }, decoded, [])).toThrow('Image size for column "p" is 0×32');
  });
});
