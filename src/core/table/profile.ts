/**
 * @file Column profiles, accumulated chunk by chunk so that a column never has to be one array of cells.
 * Numbers are gathered into one Float64Array per column (8 bytes a row) and sorted once at the end: exact distinct
 * counts and histograms at native sort speed, where a Map of millions of numbers would be several times slower.
 */
import type { ChunkData, ColumnProfile, ColumnType, NumericProfile } from '../../protocol/dataset';
import { formatDatetime } from './column-types';
import { readImageHeader } from './image-header';

/** Bins of a numeric histogram (integers spanning fewer values get one bin per value). */
export const HISTOGRAM_BINS = 20;
/** Most frequent values listed in a profile. */
export const TOP_VALUES = 20;

/** Accumulates the profile of one column over its chunks, in order. */
export class ColumnProfiler {
  readonly #name: string;
  readonly #type: ColumnType;
  #numbers = new Float64Array(1024);
  #numberCount = 0;
  #missing = 0;
  readonly #strings = new Map<string, number>();
  #stringCount = 0;
  #lengthSum = 0;
  #minLength = Infinity;
  #maxLength = 0;
  #imageCount = 0;
  #image: { minWidth: number; maxWidth: number; minHeight: number; maxHeight: number; mediaTypes: Set<string> } | undefined;

  constructor(name: string, type: ColumnType) {
    this.#name = name;
    this.#type = type;
  }

  /** Adds the next chunk of the column. */
  add(chunk: ChunkData): void {
    if (chunk.kind === 'f64') this.#addNumbers(chunk.values);
    else if (chunk.kind === 'dict') this.#addStrings(chunk.codes, chunk.dictionary);
    else this.#addBytes(chunk.items);
  }

  /** The profile of everything added so far. */
  result(): ColumnProfile {
    const profile: ColumnProfile = { name: this.#name, type: this.#type, count: 0, missing: this.#missing, distinct: 0 };
    if (this.#image) {
      // images: distinct is not computed (it would need a hash of each image); it reports the count
      profile.count = this.#imageCount;
      profile.distinct = this.#imageCount;
      const { mediaTypes, ...sizes } = this.#image;
      if (mediaTypes.size > 0) profile.image = { ...sizes, mediaTypes: [...mediaTypes].sort() };
      return profile;
    }
    if (this.#numberCount > 0 || this.#stringCount === 0) this.#numericResult(profile);
    if (this.#stringCount > 0) this.#stringResult(profile);
    return profile;
  }

  #addNumbers(values: Float64Array): void {
    if (this.#numberCount + values.length > this.#numbers.length) {
      const grown = new Float64Array(Math.max(this.#numbers.length * 2, this.#numberCount + values.length));
      grown.set(this.#numbers.subarray(0, this.#numberCount));
      this.#numbers = grown;
    }
    const out = this.#numbers;
    let n = this.#numberCount;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === v) out[n++] = v;
    }
    this.#missing += values.length - (n - this.#numberCount);
    this.#numberCount = n;
  }

  #addStrings(codes: Int32Array, dictionary: readonly string[]): void {
    const counts = new Float64Array(dictionary.length);
    let missing = 0;
    for (let i = 0; i < codes.length; i++) {
      const code = codes[i];
      if (code < 0) missing++;
      else counts[code]++;
    }
    this.#missing += missing;
    for (let k = 0; k < dictionary.length; k++) {
      const count = counts[k];
      if (count === 0) continue;
      const s = dictionary[k];
      this.#strings.set(s, (this.#strings.get(s) ?? 0) + count);
      this.#stringCount += count;
      this.#lengthSum += s.length * count;
      if (s.length < this.#minLength) this.#minLength = s.length;
      if (s.length > this.#maxLength) this.#maxLength = s.length;
    }
  }

  #addBytes(items: readonly (Uint8Array | null)[]): void {
    for (const bytes of items) {
      if (bytes === null) {
        this.#missing++;
        continue;
      }
      const header = readImageHeader(bytes);
      const image = (this.#image ??= { minWidth: Infinity, maxWidth: 0, minHeight: Infinity, maxHeight: 0, mediaTypes: new Set() });
      this.#imageCount++;
      if (header === null) continue;
      image.minWidth = Math.min(image.minWidth, header.width);
      image.maxWidth = Math.max(image.maxWidth, header.width);
      image.minHeight = Math.min(image.minHeight, header.height);
      image.maxHeight = Math.max(image.maxHeight, header.height);
      image.mediaTypes.add(header.mediaType);
    }
  }

  #numericResult(profile: ColumnProfile): void {
    const n = this.#numberCount;
    profile.count = n;
    if (n === 0) return;
    const sorted = this.#numbers.subarray(0, n).sort();
    let distinct = 1;
    for (let i = 1; i < n; i++) if (sorted[i] !== sorted[i - 1]) distinct++;
    profile.distinct = distinct;
    if (this.#type === 'boolean') {
      const trues = n - countBelow(sorted, 0.5);
      profile.top = [
        { value: 'true', count: trues },
        { value: 'false', count: n - trues },
      ]
        .filter((t) => t.count > 0)
        .sort((a, b) => b.count - a.count);
    }
    if (this.#type === 'datetime') profile.datetime = { min: formatDatetime(sorted[0]), max: formatDatetime(sorted[n - 1]) };
    profile.numeric = numericSummary(sorted, this.#type === 'integer' || this.#type === 'boolean');
  }

  #stringResult(profile: ColumnProfile): void {
    profile.count += this.#stringCount;
    profile.distinct += this.#strings.size;
    profile.top = [...this.#strings]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, TOP_VALUES)
      .map(([value, count]) => ({ value, count }));
    profile.text = { minLength: this.#minLength, maxLength: this.#maxLength, meanLength: this.#lengthSum / this.#stringCount };
  }
}

/** Profiles a whole column from its chunks (in order). */
export function profileColumn(name: string, type: ColumnType, chunks: Iterable<ChunkData>): ColumnProfile {
  const profiler = new ColumnProfiler(name, type);
  for (const chunk of chunks) profiler.add(chunk);
  return profiler.result();
}

/** Min, max, mean, standard deviation (population, Welford) and histogram of ascending `sorted` values. */
export function numericSummary(sorted: Float64Array, integer: boolean): NumericProfile {
  const n = sorted.length;
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < n; i++) {
    const delta = sorted[i] - mean;
    mean += delta / (i + 1);
    m2 += delta * (sorted[i] - mean);
  }
  const min = sorted[0];
  const max = sorted[n - 1];
  return { min, max, mean, std: Math.sqrt(m2 / n), histogram: histogram(sorted, integer) };
}

function histogram(sorted: Float64Array, integer: boolean): NumericProfile['histogram'] {
  const n = sorted.length;
  const min = sorted[0];
  const max = sorted[n - 1];
  const edges: number[] = [];
  if (integer && max - min < HISTOGRAM_BINS) {
    for (let v = min; v <= max + 1; v++) edges.push(v - 0.5);
  } else if (min === max) {
    edges.push(min, max);
  } else {
    const width = (max - min) / HISTOGRAM_BINS;
    for (let k = 0; k <= HISTOGRAM_BINS; k++) edges.push(k === HISTOGRAM_BINS ? max : min + k * width);
  }
  const counts: number[] = [];
  let below = 0;
  for (let k = 1; k < edges.length; k++) {
    // the last bin is closed on the right
    const upTo = k === edges.length - 1 ? n : countBelow(sorted, edges[k]);
    counts.push(upTo - below);
    below = upTo;
  }
  return { edges, counts };
}

/** Number of values in ascending `sorted` that are < `x` (binary search). */
function countBelow(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
