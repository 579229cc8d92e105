/**
 * @file The protobuf wire format, as much of it as ONNX needs: a writer for the models we export and a bounds-checked
 * reader for the files users bring. No schema compiler: `onnx-encode.ts` and `onnx-decode.ts` name the fields.
 *
 * The reader never trusts a length: every varint, length prefix and fixed-width value is checked against the end of
 * its message, and a violation throws a {@link ProtoWireError} saying where (byte offset) and why.
 */

/** Protobuf wire types (groups, 3 and 4, are deprecated and never appear in ONNX). */
export const WIRE = Object.freeze({ varint: 0, fixed64: 1, lengthDelimited: 2, fixed32: 5 } as const);

/** A malformed protobuf message: `truncated` when a value runs past the end of its message, `malformed` otherwise. */
export class ProtoWireError extends Error {
  readonly kind: 'truncated' | 'malformed';
  readonly offset: number;

  constructor(kind: 'truncated' | 'malformed', offset: number, message: string) {
    super(message);
    this.name = 'ProtoWireError';
    this.kind = kind;
    this.offset = offset;
  }
}

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: false });

/** Appends protobuf fields to a growing buffer. Nested messages are written into their own writer and copied in. */
export class ProtoWriter {
  #buffer = new Uint8Array(256);
  #length = 0;

  #reserve(extra: number): void {
    if (this.#length + extra <= this.#buffer.length) return;
    let size = this.#buffer.length * 2;
    while (size < this.#length + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buffer.subarray(0, this.#length));
    this.#buffer = next;
  }

  #byte(value: number): void {
    this.#reserve(1);
    this.#buffer[this.#length++] = value;
  }

  /** A raw varint; negative numbers are written as 64-bit two's complement (10 bytes), as protobuf's int64 does. */
  #varint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.#byte(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.#byte(Number(v));
  }

  #tag(field: number, wireType: number): void {
    this.#varint((field << 3) | wireType);
  }

  /** An int32/int64/uint64/enum/bool field. */
  varint(field: number, value: number | bigint): this {
    this.#tag(field, WIRE.varint);
    this.#varint(value);
    return this;
  }

  /** A `float` field (fixed32, little-endian). */
  float(field: number, value: number): this {
    this.#tag(field, WIRE.fixed32);
    this.#reserve(4);
    new DataView(this.#buffer.buffer).setFloat32(this.#length, value, true);
    this.#length += 4;
    return this;
  }

  /** A `bytes` field. */
  bytes(field: number, value: Uint8Array): this {
    this.#tag(field, WIRE.lengthDelimited);
    this.#varint(value.length);
    this.#reserve(value.length);
    this.#buffer.set(value, this.#length);
    this.#length += value.length;
    return this;
  }

  /** A `string` field (UTF-8). */
  string(field: number, value: string): this {
    return this.bytes(field, textEncoder.encode(value));
  }

  /** A nested message field, written by `write` into a fresh writer. */
  message(field: number, write: (writer: ProtoWriter) => void): this {
    const nested = new ProtoWriter();
    write(nested);
    return this.bytes(field, nested.finish());
  }

  /** A packed repeated varint field (int64s, ints). */
  packedVarints(field: number, values: readonly (number | bigint)[]): this {
    const nested = new ProtoWriter();
    for (const value of values) nested.#varint(value);
    return this.bytes(field, nested.finish());
  }

  /** A packed repeated float field. */
  packedFloats(field: number, values: readonly number[]): this {
    const data = new Float32Array(values);
    return this.bytes(field, new Uint8Array(data.buffer));
  }

  /** The bytes written so far (a copy sized to fit). */
  finish(): Uint8Array {
    return this.#buffer.slice(0, this.#length);
  }
}

/** One field read from a message: its number, wire type, and where its value starts. */
export interface ProtoField {
  field: number;
  wireType: number;
  offset: number;
}

/** Reads the fields of one message (`bytes[start, end)`), in order. Nested messages get their own reader. */
export class ProtoReader {
  readonly bytes: Uint8Array;
  #pos: number;
  readonly #end: number;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.bytes = bytes;
    this.#pos = start;
    this.#end = end;
  }

  /** Offset of the next unread byte. */
  get position(): number {
    return this.#pos;
  }

  /** The next field's tag, or `undefined` at the end of the message. */
  next(): ProtoField | undefined {
    if (this.#pos >= this.#end) return undefined;
    const offset = this.#pos;
    const tag = this.varint();
    const field = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (field === 0) throw new ProtoWireError('malformed', offset, `Field number 0 at byte ${offset} (not a protobuf message)`);
    if (wireType !== WIRE.varint && wireType !== WIRE.fixed64 && wireType !== WIRE.lengthDelimited && wireType !== WIRE.fixed32) {
      throw new ProtoWireError('malformed', offset, `Wire type ${wireType} of field ${field} at byte ${offset}; expected 0, 1, 2 or 5`);
    }
    return { field, wireType, offset };
  }

  /**
   * A varint as a JavaScript number (exact up to 2^53; larger values, negative int64s among them, come back as
   * large positive numbers, which every size check rejects).
   */
  varint(): number {
    const start = this.#pos;
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.#pos >= this.#end) throw new ProtoWireError('truncated', start, `A number at byte ${start} runs past the end of its message (byte ${this.#end})`);
      const byte = this.bytes[this.#pos++];
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 128;
    }
    throw new ProtoWireError('malformed', start, `A number at byte ${start} is longer than 10 bytes`);
  }

  /** A signed int64 varint as a JavaScript number (negative values come back negative). */
  int64(): number {
    const start = this.#pos;
    const unsigned = this.varint();
    if (unsigned < 2 ** 63) return unsigned;
    // Re-read exactly: two's complement needs all 64 bits.
    this.#pos = start;
    let value = 0n;
    let shift = 0n;
    for (;;) {
      const byte = this.bytes[this.#pos++];
      value |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
      if (byte < 0x80) break;
    }
    return Number(BigInt.asIntN(64, value));
  }

  /** Bounds of a length-delimited value (a nested message, string or bytes) and moves past it. */
  lengthDelimited(): { start: number; end: number } {
    const at = this.#pos;
    const length = this.varint();
    const start = this.#pos;
    if (length > this.#end - start) {
      throw new ProtoWireError('truncated', at, `A field at byte ${at} declares ${length} bytes but only ${this.#end - start} remain in its message`);
    }
    this.#pos = start + length;
    return { start, end: start + length };
  }

  /** A reader over the nested message that follows. */
  message(): ProtoReader {
    const { start, end } = this.lengthDelimited();
    return new ProtoReader(this.bytes, start, end);
  }

  /** A `string` value. */
  string(): string {
    const { start, end } = this.lengthDelimited();
    return textDecoder.decode(this.bytes.subarray(start, end));
  }

  /** A `float` value. */
  float(): number {
    this.#need(4);
    const value = new DataView(this.bytes.buffer, this.bytes.byteOffset).getFloat32(this.#pos, true);
    this.#pos += 4;
    return value;
  }

  #need(count: number): void {
    if (this.#end - this.#pos < count) {
      throw new ProtoWireError('truncated', this.#pos, `A ${count}-byte value at byte ${this.#pos} runs past the end of its message (byte ${this.#end})`);
    }
  }

  /** Moves past the value of a field of `wireType`. */
  skip(wireType: number): void {
    if (wireType === WIRE.varint) this.varint();
    else if (wireType === WIRE.lengthDelimited) this.lengthDelimited();
    else {
      const size = wireType === WIRE.fixed64 ? 8 : 4;
      this.#need(size);
      this.#pos += size;
    }
  }

  /**
   * The values of a repeated varint field, packed or not: `onValue` is called for each. `wireType` is the field's.
   */
  repeatedVarint(wireType: number, onValue: (value: number) => void): void {
    if (wireType === WIRE.varint) {
      onValue(this.int64());
      return;
    }
    if (wireType !== WIRE.lengthDelimited) {
      throw new ProtoWireError('malformed', this.#pos, `A list of integers at byte ${this.#pos} has wire type ${wireType}; expected 0 or 2`);
    }
    const { start, end } = this.lengthDelimited();
    const packed = new ProtoReader(this.bytes, start, end);
    while (packed.position < end) onValue(packed.int64());
  }
}
