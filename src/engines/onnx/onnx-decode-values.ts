/**
 * @file The leaves of an ONNX file's structure: tensors (dimensions, element type, how much inline data, whether
 * the data is external) and value infos (declared types and shapes). Used by `onnx-decode.ts`.
 */
import { DATA_LOCATION_EXTERNAL, FIELDS } from './onnx-schema';
import { ProtoReader, ProtoWireError, WIRE } from './protobuf-wire';

/** A dimension of a declared shape: a size, a symbolic name, or `null` when unknown. */
export type DecodedDim = number | string | null;

/** A graph input, output or value_info entry. `shape` is undefined for an unranked tensor. */
export interface DecodedValueInfo {
  name: string;
  kind: 'tensor' | 'sparse-tensor' | 'sequence' | 'map' | 'optional' | 'unknown';
  elemType?: number;
  shape?: DecodedDim[];
}

/** A tensor found anywhere in the model, with where it was found. */
export interface DecodedTensor {
  name: string;
  /** Where it is, for messages: `initializer "W" in graph "main"`. */
  where: string;
  dataType: number;
  dims: number[];
  /** Bytes of `raw_data`. */
  rawBytes: number;
  /** Values in the typed repeated fields (`float_data`, `int64_data`, ...). */
  typedValues: number;
  /** True when the tensor's data lives in another file (`data_location` EXTERNAL or `external_data` entries). */
  external: boolean;
  /** The `location` entry of `external_data`, when present. */
  externalLocation?: string;
}

/** Throws unless `field` has `wireType`. */
export function expectWire(field: { field: number; wireType: number; offset: number }, wireType: number, what: string): void {
  if (field.wireType !== wireType) {
    throw new ProtoWireError('malformed', field.offset, `${what} (field ${field.field} at byte ${field.offset}) has wire type ${field.wireType}; expected ${wireType}`);
  }
}

/** Counts the values of a repeated numeric field (packed or not) without materialising them. */
function countRepeated(reader: ProtoReader, wireType: number, fixedWidth: 0 | 4 | 8): number {
  if (wireType !== WIRE.lengthDelimited) {
    reader.skip(wireType);
    return 1;
  }
  const { start, end } = reader.lengthDelimited();
  if (fixedWidth > 0) return Math.floor((end - start) / fixedWidth);
  let count = 0;
  for (let i = start; i < end; i++) if (reader.bytes[i] < 0x80) count++;
  return count;
}

/** Reads a TensorProto (data skipped, only counted); `where` reads as `${kind} "name"${context}`. */
export function decodeTensor(r: ProtoReader, kind: string, context = ''): DecodedTensor {
  const T = FIELDS.tensor;
  const tensor: DecodedTensor = { name: '', where: kind, dataType: 0, dims: [], rawBytes: 0, typedValues: 0, external: false };
  for (let f = r.next(); f; f = r.next()) {
    switch (f.field) {
      case T.dims:
        r.repeatedVarint(f.wireType, (value) => tensor.dims.push(value));
        break;
      case T.dataType:
        expectWire(f, WIRE.varint, 'tensor data_type');
        tensor.dataType = r.varint();
        break;
      case T.name:
        expectWire(f, WIRE.lengthDelimited, 'tensor name');
        tensor.name = r.string();
        break;
      case T.rawData: {
        expectWire(f, WIRE.lengthDelimited, 'tensor raw_data');
        const { start, end } = r.lengthDelimited();
        tensor.rawBytes = end - start;
        break;
      }
      case T.floatData:
        tensor.typedValues += countRepeated(r, f.wireType, 4);
        break;
      case T.doubleData:
        tensor.typedValues += countRepeated(r, f.wireType, 8);
        break;
      case T.int32Data:
      case T.int64Data:
      case T.uint64Data:
        tensor.typedValues += countRepeated(r, f.wireType, 0);
        break;
      case T.stringData:
        r.skip(f.wireType);
        tensor.typedValues++;
        break;
      case T.externalData: {
        expectWire(f, WIRE.lengthDelimited, 'tensor external_data');
        tensor.external = true;
        const entry = r.message();
        let key = '';
        let value = '';
        for (let e = entry.next(); e; e = entry.next()) {
          if (e.field === FIELDS.stringEntry.key && e.wireType === WIRE.lengthDelimited) key = entry.string();
          else if (e.field === FIELDS.stringEntry.value && e.wireType === WIRE.lengthDelimited) value = entry.string();
          else entry.skip(e.wireType);
        }
        if (key === 'location') tensor.externalLocation = value;
        break;
      }
      case T.dataLocation:
        expectWire(f, WIRE.varint, 'tensor data_location');
        if (r.varint() === DATA_LOCATION_EXTERNAL) tensor.external = true;
        break;
      default:
        r.skip(f.wireType);
    }
  }
  tensor.where = `${kind}${tensor.name ? ` ${JSON.stringify(tensor.name)}` : ''}${context}`;
  return tensor;
}

/** Reads a ValueInfoProto: name, kind, element type and shape. */
export function decodeValueInfo(r: ProtoReader): DecodedValueInfo {
  const value: DecodedValueInfo = { name: '', kind: 'unknown' };
  for (let f = r.next(); f; f = r.next()) {
    if (f.field === FIELDS.valueInfo.name && f.wireType === WIRE.lengthDelimited) value.name = r.string();
    else if (f.field === FIELDS.valueInfo.type && f.wireType === WIRE.lengthDelimited) decodeType(r.message(), value);
    else r.skip(f.wireType);
  }
  return value;
}

function decodeType(r: ProtoReader, value: DecodedValueInfo): void {
  const P = FIELDS.typeProto;
  for (let f = r.next(); f; f = r.next()) {
    if (f.wireType !== WIRE.lengthDelimited) {
      r.skip(f.wireType);
      continue;
    }
    if (f.field === P.tensorType || f.field === P.sparseTensorType) {
      value.kind = f.field === P.tensorType ? 'tensor' : 'sparse-tensor';
      const tensorType = r.message();
      for (let t = tensorType.next(); t; t = tensorType.next()) {
        if (t.field === FIELDS.tensorType.elemType && t.wireType === WIRE.varint) value.elemType = tensorType.varint();
        else if (t.field === FIELDS.tensorType.shape && t.wireType === WIRE.lengthDelimited) value.shape = decodeShape(tensorType.message());
        else tensorType.skip(t.wireType);
      }
    } else if (f.field === P.sequenceType) {
      value.kind = 'sequence';
      r.skip(f.wireType);
    } else if (f.field === P.mapType) {
      value.kind = 'map';
      r.skip(f.wireType);
    } else if (f.field === P.optionalType) {
      value.kind = 'optional';
      r.skip(f.wireType);
    } else r.skip(f.wireType);
  }
}

function decodeShape(r: ProtoReader): DecodedDim[] {
  const dims: DecodedDim[] = [];
  for (let f = r.next(); f; f = r.next()) {
    if (f.field !== FIELDS.shape.dim || f.wireType !== WIRE.lengthDelimited) {
      r.skip(f.wireType);
      continue;
    }
    const dimension = r.message();
    let dim: DecodedDim = null;
    for (let d = dimension.next(); d; d = dimension.next()) {
      if (d.field === FIELDS.dimension.value && d.wireType === WIRE.varint) dim = dimension.int64();
      else if (d.field === FIELDS.dimension.param && d.wireType === WIRE.lengthDelimited) dim = dimension.string();
      else dimension.skip(d.wireType);
    }
    dims.push(dim);
  }
  return dims;
}
