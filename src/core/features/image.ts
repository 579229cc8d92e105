/**
 * @file Image featurizer over decoded pixels: every image converted to the same channel count, resized to the same
 * size and scaled to [0, 1]; features are height × width × channels per row (HWC), for a CNN to reshape.
 * Decoding PNG/JPEG bytes is the engine's job, through an {@link ImageDecoder}.
 */
import type { ImageFeatureSpec } from './feature-spec';
import { expectKind, type DecodedImage, type DecodedImageColumn, type FeatureInput, type Featurizer } from './featurizer';
import { convertChannels, resizeBilinear, toUnitRange } from './image-pixels';
import type { ColumnValues } from '../table/column-values';

/** Decodes one encoded image (PNG, JPEG...) to pixels; supplied by the engine (e.g. `createImageBitmap` + canvas). */
export type ImageDecoder = (bytes: Uint8Array, mediaType: string) => Promise<DecodedImage>;

/** Decodes the listed rows of an image column (others and missing images stay `null`), one image at a time. */
export async function decodeImageColumn(
  values: ColumnValues & { kind: 'image' },
  decode: ImageDecoder,
  rows: ArrayLike<number> = Array.from(values.items.keys()),
): Promise<DecodedImageColumn> {
  const images: (DecodedImage | null)[] = new Array(values.items.length).fill(null);
  for (let i = 0; i < rows.length; i++) {
    const bytes = values.items[rows[i]];
    if (bytes) images[rows[i]] = await decode(bytes, values.mediaTypes[rows[i]]);
  }
  return { kind: 'decoded-image', images };
}

/** Fitted state: the output size. */
export interface ImageState {
  type: 'image';
  column: string;
  width: number;
  height: number;
  channels: 1 | 3;
}

/** Resizes and normalises the images of one column. */
export class ImageFeaturizer implements Featurizer<ImageState> {
  readonly #state: ImageState;

  private constructor(state: ImageState) {
    this.#state = state;
  }

  /** Checks the options and that the column is decoded; the size is the spec's, not learned from the rows. */
  static fit(spec: ImageFeatureSpec, input: FeatureInput, _rows: ArrayLike<number>): ImageFeaturizer {
    expectKind(input, ['decoded-image'], spec.column, 'image');
    const state: ImageState = { type: 'image', column: spec.column, width: spec.width ?? 32, height: spec.height ?? 32, channels: spec.channels ?? 3 };
    if (![state.width, state.height].every((v) => Number.isInteger(v) && v >= 1 && v <= 1024)) {
      throw new Error(`Image size for column "${spec.column}" is ${state.width}×${state.height}; expected whole numbers from 1 to 1024`);
    }
    if (state.channels !== 1 && state.channels !== 3) {
      throw new Error(`channels for column "${spec.column}" is ${String(state.channels)}; expected 1 or 3`);
    }
    return new ImageFeaturizer(state);
  }

  /** Restores a featurizer from {@link ImageFeaturizer.toJSON}. */
  static fromJSON(state: ImageState): ImageFeaturizer {
    return new ImageFeaturizer({ ...state });
  }

  get column(): string {
    return this.#state.column;
  }

  get width(): number {
    return this.#state.width * this.#state.height * this.#state.channels;
  }

  featureNames(): string[] {
    const { column, width, height, channels } = this.#state;
    const names: string[] = [];
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < channels; c++) names.push(`${column}[${y},${x},${c}]`);
    return names;
  }

  /** Throws when a row has no image, naming the column and row. */
  transform(input: FeatureInput, rows: ArrayLike<number>, out: Float32Array, stride: number, offset: number): void {
    const { column, width, height, channels } = this.#state;
    const { images } = expectKind(input, ['decoded-image'], column, 'image');
    for (let i = 0; i < rows.length; i++) {
      const image = images[rows[i]];
      if (!image) throw new Error(`Column "${column}" has no decoded image at row ${rows[i] + 1}; images cannot be imputed`);
      const converted = convertChannels(image.pixels, image.channels, channels);
      const resized = image.width === width && image.height === height ? converted : resizeBilinear(converted, image.width, image.height, channels, width, height);
      toUnitRange(resized, out, i * stride + offset);
    }
  }

  toJSON(): ImageState {
    return { ...this.#state };
  }
}
