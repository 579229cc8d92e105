/**
 * @file Writes an ONNX `ModelProto` from a plain description: the graphs this engine exports (dense tensors with
 * their data inline, one default-domain opset). What goes in is checked only as far as the wire format needs;
 * the exporter builds valid graphs and the tests load them in onnxruntime-web.
 */
import { ATTRIBUTE_TYPE, DATA_TYPE, FIELDS } from './onnx-schema';
import { ProtoWriter } from './protobuf-wire';

/** A tensor with its data inline (an initializer or a constant). */
export type OnnxTensorDef =
  | { name: string; dataType: 'float32'; dims: readonly number[]; data: Float32Array }
  | { name: string; dataType: 'int64'; dims: readonly number[]; data: BigInt64Array }
  | { name: string; dataType: 'int32'; dims: readonly number[]; data: Int32Array }
  | { name: string; dataType: 'bool'; dims: readonly number[]; data: Uint8Array };

/** A node attribute. */
export type OnnxAttributeDef =
  | { name: string; kind: 'int'; value: number }
  | { name: string; kind: 'ints'; value: readonly number[] }
  | { name: string; kind: 'float'; value: number }
  | { name: string; kind: 'floats'; value: readonly number[] }
  | { name: string; kind: 'string'; value: string }
  | { name: string; kind: 'graph'; value: OnnxGraphDef };

/** One operator application. */
export interface OnnxNodeDef {
  opType: string;
  name: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes?: readonly OnnxAttributeDef[];
}

/** A graph input or output: a tensor with an element type and a shape (a string is a symbolic dimension). */
export interface OnnxValueInfoDef {
  name: string;
  elemType: keyof typeof DATA_TYPE;
  shape: readonly (number | string)[];
}

/** A graph: nodes in topological order. */
export interface OnnxGraphDef {
  name: string;
  nodes: readonly OnnxNodeDef[];
  initializers: readonly OnnxTensorDef[];
  inputs: readonly OnnxValueInfoDef[];
  outputs: readonly OnnxValueInfoDef[];
}

/** A model: one graph, the default ONNX domain at `opset`. */
export interface OnnxModelDef {
  irVersion: number;
  opset: number;
  producerName: string;
  producerVersion: string;
  docString?: string;
  /** Free-form `metadata_props` (key → value). */
  metadata?: Readonly<Record<string, string>>;
  graph: OnnxGraphDef;
}

function writeTensor(w: ProtoWriter, tensor: OnnxTensorDef): void {
  w.packedVarints(FIELDS.tensor.dims, tensor.dims);
  w.varint(FIELDS.tensor.dataType, DATA_TYPE[tensor.dataType]);
  w.string(FIELDS.tensor.name, tensor.name);
  // raw_data is little-endian; typed arrays are too on every platform a browser runs on (checked below).
  const { buffer, byteOffset, byteLength } = tensor.data;
  w.bytes(FIELDS.tensor.rawData, new Uint8Array(buffer, byteOffset, byteLength));
}

function writeAttribute(w: ProtoWriter, attribute: OnnxAttributeDef): void {
  w.string(FIELDS.attribute.name, attribute.name);
  switch (attribute.kind) {
    case 'int':
      w.varint(FIELDS.attribute.i, attribute.value);
      break;
    case 'ints':
      w.packedVarints(FIELDS.attribute.ints, attribute.value);
      break;
    case 'float':
      w.float(FIELDS.attribute.f, attribute.value);
      break;
    case 'floats':
      w.packedFloats(FIELDS.attribute.floats, attribute.value);
      break;
    case 'string':
      w.string(FIELDS.attribute.s, attribute.value);
      break;
    case 'graph':
      w.message(FIELDS.attribute.g, (g) => writeGraph(g, attribute.value));
      break;
  }
  w.varint(FIELDS.attribute.type, ATTRIBUTE_TYPE[attribute.kind]);
}

function writeNode(w: ProtoWriter, node: OnnxNodeDef): void {
  for (const input of node.inputs) w.string(FIELDS.node.input, input);
  for (const output of node.outputs) w.string(FIELDS.node.output, output);
  w.string(FIELDS.node.name, node.name);
  w.string(FIELDS.node.opType, node.opType);
  for (const attribute of node.attributes ?? []) w.message(FIELDS.node.attribute, (a) => writeAttribute(a, attribute));
}

function writeValueInfo(w: ProtoWriter, value: OnnxValueInfoDef): void {
  w.string(FIELDS.valueInfo.name, value.name);
  w.message(FIELDS.valueInfo.type, (type) =>
    type.message(FIELDS.typeProto.tensorType, (tensorType) => {
      tensorType.varint(FIELDS.tensorType.elemType, DATA_TYPE[value.elemType]);
      tensorType.message(FIELDS.tensorType.shape, (shape) => {
        for (const dim of value.shape) {
          shape.message(FIELDS.shape.dim, (d) => (typeof dim === 'number' ? d.varint(FIELDS.dimension.value, dim) : d.string(FIELDS.dimension.param, dim)));
        }
      });
    }),
  );
}

function writeGraph(w: ProtoWriter, graph: OnnxGraphDef): void {
  for (const node of graph.nodes) w.message(FIELDS.graph.node, (n) => writeNode(n, node));
  w.string(FIELDS.graph.name, graph.name);
  for (const tensor of graph.initializers) w.message(FIELDS.graph.initializer, (t) => writeTensor(t, tensor));
  for (const input of graph.inputs) w.message(FIELDS.graph.input, (v) => writeValueInfo(v, input));
  for (const output of graph.outputs) w.message(FIELDS.graph.output, (v) => writeValueInfo(v, output));
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The serialized `ModelProto` of `model` (the bytes of a `.onnx` file). */
export function encodeOnnxModel(model: OnnxModelDef): Uint8Array {
  if (!littleEndian) throw new Error('ONNX export needs a little-endian platform (tensor data is written as raw little-endian bytes)');
  const w = new ProtoWriter();
  w.varint(FIELDS.model.irVersion, model.irVersion);
  w.string(FIELDS.model.producerName, model.producerName);
  w.string(FIELDS.model.producerVersion, model.producerVersion);
  if (model.docString) w.string(FIELDS.model.docString, model.docString);
  w.message(FIELDS.model.graph, (g) => writeGraph(g, model.graph));
  w.message(FIELDS.model.opsetImport, (o) => o.string(FIELDS.opset.domain, '').varint(FIELDS.opset.version, model.opset));
  for (const [key, value] of Object.entries(model.metadata ?? {})) {
    w.message(FIELDS.model.metadataProps, (e) => e.string(FIELDS.stringEntry.key, key).string(FIELDS.stringEntry.value, value));
  }
  return w.finish();
}
