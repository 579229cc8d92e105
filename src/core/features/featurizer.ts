/**
 * @file The contract every featurizer meets: fitted on training rows, then writing a fixed number of float
 * features per row into a row-major matrix, with a JSON state saved beside the model.
 * Row numbers in error messages are 1-based, as in import issues.
 */
import { describeKind, type ColumnValues } from '../table/column-values';

/** Decoded pixels, row-major, interleaved channels (RGBA from a canvas: `channels` 4). */
export interface DecodedImage {
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
  pixels: Uint8Array | Uint8ClampedArray;
}

/** An image column after the engine decoded it; `null` where the image is missing. */
export interface DecodedImageColumn {
  kind: 'decoded-image';
  images: (DecodedImage | null)[];
}

/** What a featurizer reads: a materialized column, or an image column already decoded. */
export type FeatureInput = ColumnValues | DecodedImageColumn;

/** Columns by name, as given to a pipeline. */
export type FeatureColumns = ReadonlyMap<string, FeatureInput> | Readonly<Record<string, FeatureInput>>;

/** A fitted featurizer of one column. */
export interface Featurizer<State = unknown> {
  readonly column: string;
  /** Features written per row. */
  readonly width: number;
  /** One readable name per feature, e.g. `city=Oslo`, `price (missing)`. */
  featureNames(): string[];
  /** Writes features of `rows` to `out[i * stride + offset + j]` for the i-th row and j-th feature. */
  transform(input: FeatureInput, rows: ArrayLike<number>, out: Float32Array, stride: number, offset: number): void;
  /** The fitted state, JSON-serialisable; the featurizer's `fromJSON` restores it. */
  toJSON(): State;
}

/** Largest finite float32: bigger values would become Infinity in the feature matrix. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** Looks a column up by name; throws naming the missing column and the ones present. */
export function columnOf(columns: FeatureColumns, name: string): FeatureInput {
  const input = columns instanceof Map ? columns.get(name) : Object.hasOwn(columns, name) ? (columns as Record<string, FeatureInput>)[name] : undefined;
  if (!input) {
    const names = columns instanceof Map ? [...columns.keys()] : Object.keys(columns);
    throw new Error(`Column "${name}" was not given to the feature pipeline; got ${names.map((n) => `"${n}"`).join(', ') || 'no columns'}`);
  }
  return input;
}

/** Narrows `input` to `kind`, or throws naming what the column holds and what the featurizer needs. */
export function expectKind<K extends FeatureInput['kind']>(
  input: FeatureInput,
  kinds: readonly K[],
  column: string,
  featurizer: string,
): Extract<FeatureInput, { kind: K }> {
  if ((kinds as readonly string[]).includes(input.kind)) return input as Extract<FeatureInput, { kind: K }>;
  const has = input.kind === 'decoded-image' ? 'images' : describeKind(input.kind);
  const needs = kinds.map((k) => (k === 'decoded-image' ? 'decoded images' : describeKind(k as ColumnValues['kind']))).join(' or ');
  throw new Error(`Column "${column}" holds ${has}; the "${featurizer}" featurizer needs ${needs}`);
}

/** Quotes a value for a message, shortened past 40 characters. */
export function quote(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}
