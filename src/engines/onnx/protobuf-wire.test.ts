import { describe, expect, it } from 'vitest';
import { ProtoReader, ProtoWireError, ProtoWriter, WIRE } from './protobuf-wire';

describe('protobuf wire format', () => {
  it('round-trips varints (negative int64 too), floats, strings, packed lists and nested messages', () => {
    const bytes = new ProtoWriter()
      .varint(1, 300)
      .varint(2, -1)
      .float(3, 1.5)
      .string(4, 'héllo')
      .packedVarints(5, [1, 2 ** 40, -3])
      .message(6, (m) => m.varint(1, 7))
      .finish();
    // 300 is [0xac, 0x02]; -1 is ten bytes.
    expect(Array.from(bytes.subarray(0, 3))).toEqual([0x08, 0xac, 0x02]);
    const r = new ProtoReader(bytes);
    const seen: unknown[] = [];
    for (let f = r.next(); f; f = r.next()) {
      if (f.field === 1) seen.push(r.varint());
      else if (f.field === 2) seen.push(r.int64());
      else if (f.field === 3) seen.push(r.float());
      else if (f.field === 4) seen.push(r.string());
      else if (f.field === 5) r.repeatedVarint(f.wireType, (v) => seen.push(v));
      else if (f.field === 6) {
        const nested = r.message();
        const inner = nested.next();
        seen.push([inner?.field, inner?.wireType, nested.varint()]);
      }
    }
    expect(seen).toEqual([300, -1, 1.5, 'héllo', 1, 2 ** 40, -3, [1, WIRE.varint, 7]]);
  });

  it('reads an unpacked repeated field value by value', () => {
    const bytes = new ProtoWriter().varint(1, 4).varint(1, 5).finish();
    const r = new ProtoReader(bytes);
    const values: number[] = [];
    for (let f = r.next(); f; f = r.next()) r.repeatedVarint(f.wireType, (v) => values.push(v));
    expect(values).toEqual([4, 5]);
  });

  it('throws a located error for lengths past the end, bad wire types and field 0', () => {
    const error = (bytes: number[]) => {
      const r = new ProtoReader(Uint8Array.from(bytes));
      try {
        for (let f = r.next(); f; f = r.next()) r.skip(f.wireType);
      } catch (err) {
        return err as ProtoWireError;
      }
      throw new Error('no error');
    };
    expect(error([0x0a, 0x05, 1, 2])).toMatchObject({ kind: 'truncated', offset: 1, message: 'A field at byte 1 declares 5 bytes but only 2 remain in its message' });
    expect(error([0x0b])).toMatchObject({ kind: 'malformed', message: 'Wire type 3 of field 1 at byte 0; expected 0, 1, 2 or 5' });
    expect(error([0x00])).toMatchObject({ kind: 'malformed', message: 'Field number 0 at byte 0 (not a protobuf message)' });
    expect(error([0x08, 0xff])).toMatchObject({ kind: 'truncated', message: 'A number at byte 1 runs past the end of its message (byte 2)' });
    expect(error([0x0d, 1, 2])).toMatchObject({ kind: 'truncated' });
    expect(error([0x08, ...Array(11).fill(0xff)])).toMatchObject({ kind: 'malformed', message: 'A number at byte 1 is longer than 10 bytes' });
  });
});
