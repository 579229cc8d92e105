/**
 * @file The subset of the ONNX schema (onnx/onnx.proto3, IR version 8) this engine reads and writes: field numbers
 * of the messages, tensor element types, attribute types. The schema is stable; numbers never change meaning.
 */

/** Field numbers, per message. */
export const FIELDS = Object.freeze({
  model: Object.freeze({ irVersion: 1, producerName: 2, producerVersion: 3, domain: 4, modelVersion: 5, docString: 6, graph: 7, opsetImport: 8, metadataProps: 14, trainingInfo: 20, functions: 25 }),
  opset: Object.freeze({ domain: 1, version: 2 }),
  stringEntry: Object.freeze({ key: 1, value: 2 }),
  graph: Object.freeze({ node: 1, name: 2, initializer: 5, docString: 10, input: 11, output: 12, valueInfo: 13, sparseInitializer: 15 }),
  node: Object.freeze({ input: 1, output: 2, name: 3, opType: 4, attribute: 5, docString: 6, domain: 7 }),
  attribute: Object.freeze({ name: 1, f: 2, i: 3, s: 4, t: 5, g: 6, floats: 7, ints: 8, strings: 9, tensors: 10, graphs: 11, type: 20, sparseTensor: 22, sparseTensors: 23 }),
  tensor: Object.freeze({ dims: 1, dataType: 2, floatData: 4, int32Data: 5, stringData: 6, int64Data: 7, name: 8, rawData: 9, doubleData: 10, uint64Data: 11, externalData: 13, dataLocation: 14 }),
  sparseTensor: Object.freeze({ values: 1, indices: 2, dims: 3 }),
  valueInfo: Object.freeze({ name: 1, type: 2 }),
  typeProto: Object.freeze({ tensorType: 1, sequenceType: 4, mapType: 5, sparseTensorType: 8, optionalType: 9 }),
  tensorType: Object.freeze({ elemType: 1, shape: 2 }),
  shape: Object.freeze({ dim: 1 }),
  dimension: Object.freeze({ value: 1, param: 2 }),
  function: Object.freeze({ name: 1, node: 5, domain: 10 }),
  trainingInfo: Object.freeze({ initialization: 1, algorithm: 2 }),
} as const);

/** `TensorProto.DataLocation.EXTERNAL`: the tensor's bytes live in another file. */
export const DATA_LOCATION_EXTERNAL = 1;

/** `AttributeProto.AttributeType` values we write. */
export const ATTRIBUTE_TYPE = Object.freeze({ float: 1, int: 2, string: 3, tensor: 4, graph: 5, floats: 6, ints: 7, strings: 8 } as const);

/** Element types by `TensorProto.DataType` number: the name onnxruntime-web uses and the size in bytes (0: variable). */
export const ELEMENT_TYPES: Readonly<Record<number, { name: string; bytes: number }>> = Object.freeze({
  1: { name: 'float32', bytes: 4 },
  2: { name: 'uint8', bytes: 1 },
  3: { name: 'int8', bytes: 1 },
  4: { name: 'uint16', bytes: 2 },
  5: { name: 'int16', bytes: 2 },
  6: { name: 'int32', bytes: 4 },
  7: { name: 'int64', bytes: 8 },
  8: { name: 'string', bytes: 0 },
  9: { name: 'bool', bytes: 1 },
  10: { name: 'float16', bytes: 2 },
  11: { name: 'float64', bytes: 8 },
  12: { name: 'uint32', bytes: 4 },
  13: { name: 'uint64', bytes: 8 },
  14: { name: 'complex64', bytes: 8 },
  15: { name: 'complex128', bytes: 16 },
  16: { name: 'bfloat16', bytes: 2 },
  17: { name: 'float8e4m3fn', bytes: 1 },
  18: { name: 'float8e4m3fnuz', bytes: 1 },
  19: { name: 'float8e5m2', bytes: 1 },
  20: { name: 'float8e5m2fnuz', bytes: 1 },
  21: { name: 'uint4', bytes: 0.5 },
  22: { name: 'int4', bytes: 0.5 },
  23: { name: 'float4e2m1', bytes: 0.5 },
});

/** The element types this engine writes, by `TensorProto.DataType` number. */
export const DATA_TYPE = Object.freeze({ float32: 1, int32: 6, int64: 7, bool: 9 } as const);

/** The name of an element type number (`float32`), or `unknown(<n>)`. */
export function elementTypeName(dataType: number): string {
  return ELEMENT_TYPES[dataType]?.name ?? `unknown(${dataType})`;
}
