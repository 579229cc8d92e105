/**
 * @file How records become JSON lines in a workspace archive, and back. JSON cannot hold binary
 * data, non-finite numbers or dates, so those become markers:
 * - `{"$bin": "bin/000123", "type": "Float64Array"}`: the bytes are the zip entry of that name
 *   (typed arrays little-endian, as every browser stores them); `"type": "Blob"` adds `mediaType`;
 * - `{"$num": "NaN" | "Infinity" | "-Infinity"}`, `{"$date": <epoch ms>}`, `{"$undef": 1}` (in arrays);
 * - `{"$obj": {...}}`: a plain object whose own keys start with `$`, so it is never read as a marker.
 * Decoding rejects the keys `__proto__`, `constructor` and `prototype` anywhere, and builds objects
 * with `Object.fromEntries` (own data properties), never by assignment onto existing objects.
 */

/** Constructors of the binary values an archive can hold, by the name written in `type`. */
export const BINARY_TYPES = Object.freeze({
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
});

/** Name of a binary type in an archive. */
export type BinaryTypeName = keyof typeof BINARY_TYPES | 'ArrayBuffer' | 'DataView' | 'Blob';

/** A binary value met while encoding: its entry name, and the bytes (a Blob is read later, asynchronously). */
export interface PendingBinary {
  name: string;
  type: BinaryTypeName;
  bytes: Uint8Array | Blob;
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Replaces the binary values of `value` by `$bin` references named by `nextName()`, pushing them to
 * `binaries`; throws on values an archive cannot hold (Map, Set, class instances, bigint), naming where.
 */
export function encodeValue(value: unknown, nextName: () => string, binaries: PendingBinary[], path = '$'): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : { $num: String(value) };
  if (value === undefined) return { $undef: 1 };
  if (Array.isArray(value)) return value.map((item, i) => encodeValue(item, nextName, binaries, `${path}[${i}]`));
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
    const type = (value instanceof ArrayBuffer ? 'ArrayBuffer' : value.constructor.name) as BinaryTypeName;
    if (!(type in BINARY_TYPES) && type !== 'ArrayBuffer' && type !== 'DataView') throw new Error(`${path} is a ${type}, which an archive cannot hold`);
    const bytes = value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    const name = nextName();
    binaries.push({ name, type, bytes });
    return { $bin: name, type };
  }
  if (typeof Blob !== 'undefined' && value instanceof Blob) {
    const name = nextName();
    binaries.push({ name, type: 'Blob', bytes: value });
    return { $bin: name, type: 'Blob', mediaType: value.type };
  }
  if (value instanceof Date) return { $date: value.getTime() };
  if (typeof value === 'object') {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw new Error(`${path} is a ${(value as object).constructor?.name ?? 'object'}, which an archive cannot hold`);
    }
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    const encoded = Object.fromEntries(entries.map(([k, v]) => [k, encodeValue(v, nextName, binaries, `${path}.${k}`)]));
    return entries.some(([k]) => k.startsWith('$')) ? { $obj: encoded } : encoded;
  }
  throw new Error(`${path} is a ${typeof value}, which an archive cannot hold`);
}

/** A `$bin` reference found in a decoded line. */
export interface BinaryRef {
  name: string;
  type: BinaryTypeName;
  mediaType?: string;
}

/** Resolves a reference to its value (typed array, ArrayBuffer, DataView or Blob). */
export type BinaryResolver = (ref: BinaryRef, path: string) => unknown;

/**
 * Turns one parsed JSON value back into a record value, resolving `$bin` references with `resolve`
 * (pass a collector to list them first). Throws, naming the path, on forbidden keys and bad markers.
 */
export function decodeValue(value: unknown, resolve: BinaryResolver, path = '$'): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number') return value;
  if (Array.isArray(value)) return value.map((item, i) => decodeValue(item, resolve, `${path}[${i}]`));
  if (typeof value !== 'object') throw new Error(`${path} is a ${typeof value}; expected JSON`);
  const keys = Object.keys(value);
  for (const key of keys) if (FORBIDDEN_KEYS.has(key)) throw new Error(`${path} has the forbidden key "${key}"`);
  const record = value as Record<string, unknown>;
  const marker = keys.find((k) => k.startsWith('$'));
  if (marker === undefined) return decodeEntries(record, resolve, path);
  if (marker === '$obj' && keys.length === 1) {
    const inner = record.$obj;
    if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) throw new Error(`${path}.$obj is not an object`);
    for (const key of Object.keys(inner)) if (FORBIDDEN_KEYS.has(key)) throw new Error(`${path} has the forbidden key "${key}"`);
    return decodeEntries(inner as Record<string, unknown>, resolve, path);
  }
  if (marker === '$num' && keys.length === 1) {
    const n = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity }[String(record.$num)];
    if (n === undefined) throw new Error(`${path} has $num ${JSON.stringify(record.$num)}; expected "NaN", "Infinity" or "-Infinity"`);
    return n;
  }
  if (marker === '$date' && keys.length === 1 && typeof record.$date === 'number') return new Date(record.$date);
  if (marker === '$undef' && keys.length === 1) return undefined;
  if (marker === '$bin') return resolve(parseBinaryRef(record, path), path);
  throw new Error(`${path} has the unknown marker "${marker}"`);
}

function decodeEntries(record: Record<string, unknown>, resolve: BinaryResolver, path: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, decodeValue(v, resolve, `${path}.${k}`)]));
}

function parseBinaryRef(record: Record<string, unknown>, path: string): BinaryRef {
  const { $bin: name, type, mediaType } = record;
  const allowed = new Set(['$bin', 'type', 'mediaType']);
  const extra = Object.keys(record).find((k) => !allowed.has(k));
  if (extra !== undefined) throw new Error(`${path} has the unexpected key "${extra}" in a $bin reference`);
  if (typeof name !== 'string') throw new Error(`${path}.$bin is not a string`);
  if (typeof type !== 'string' || !(type in BINARY_TYPES || type === 'ArrayBuffer' || type === 'DataView' || type === 'Blob')) {
    throw new Error(`${path} has binary type ${JSON.stringify(type)}; expected one of ${[...Object.keys(BINARY_TYPES), 'ArrayBuffer', 'DataView', 'Blob'].join(', ')}`);
  }
  if (mediaType !== undefined && typeof mediaType !== 'string') throw new Error(`${path}.mediaType is not a string`);
  return { name, type: type as BinaryTypeName, ...(typeof mediaType === 'string' ? { mediaType } : {}) };
}

/** Builds the value of a reference from its entry's bytes (copied, so the value owns an aligned buffer). */
export function materializeBinary(ref: BinaryRef, bytes: Uint8Array, path: string): unknown {
  if (ref.type === 'Blob') return new Blob([bytes as BlobPart], { type: ref.mediaType ?? '' });
  const buffer = bytes.slice().buffer;
  if (ref.type === 'ArrayBuffer') return buffer;
  if (ref.type === 'DataView') return new DataView(buffer);
  const Ctor = BINARY_TYPES[ref.type];
  if (bytes.byteLength % Ctor.BYTES_PER_ELEMENT !== 0) {
    throw new Error(`${path}: ${ref.name} has ${bytes.byteLength} bytes, not a whole number of ${ref.type} elements`);
  }
  return new Ctor(buffer);
}
