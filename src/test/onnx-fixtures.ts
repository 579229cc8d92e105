/**
 * @file Small ONNX files for tests, written with the engine's own encoder (nothing downloaded, nothing shipped):
 * a tiny valid model with two inputs and two outputs, and the bad files the import must refuse or survive
 * (truncated, random bytes, huge declared sizes, external data, an unknown operator, a loop that never ends).
 */
import { FIELDS, DATA_LOCATION_EXTERNAL, DATA_TYPE } from '../engines/onnx/onnx-schema';
import { encodeOnnxModel, type OnnxGraphDef, type OnnxModelDef } from '../engines/onnx/onnx-encode';
import { ProtoWriter } from '../engines/onnx/protobuf-wire';
import { Rng } from '../core/random/rng';

/** Weights of the tiny model: logits = x · W + b (3 features → 2 classes). */
export const TINY_WEIGHTS = Object.freeze({ w: [0.5, -1, 2, 0.25, -0.75, 1.5], b: [0.1, -0.2] });

function model(graph: OnnxGraphDef, opset = 13): OnnxModelDef {
  return { irVersion: 8, opset, producerName: 'benchtop-tests', producerVersion: '1', graph };
}

/**
 * A valid model: inputs `x` (float32 [batch, 3]) and `temperature` (float32 [1]); outputs `probabilities`
 * (softmax(logits / temperature), float32 [batch, 2]) and `logits` (float32 [batch, 2]).
 */
export function tinyOnnxModel(): Uint8Array {
  return encodeOnnxModel({
    ...model({
      name: 'tiny',
      nodes: [
        { opType: 'MatMul', name: 'matmul', inputs: ['x', 'W'], outputs: ['xw'] },
        { opType: 'Add', name: 'bias', inputs: ['xw', 'b'], outputs: ['logits'] },
        { opType: 'Div', name: 'cool', inputs: ['logits', 'temperature'], outputs: ['scaled'] },
        { opType: 'Softmax', name: 'softmax', inputs: ['scaled'], outputs: ['probabilities'], attributes: [{ name: 'axis', kind: 'int', value: -1 }] },
      ],
      initializers: [
        { name: 'W', dataType: 'float32', dims: [3, 2], data: new Float32Array(TINY_WEIGHTS.w) },
        { name: 'b', dataType: 'float32', dims: [2], data: new Float32Array(TINY_WEIGHTS.b) },
      ],
      inputs: [
        { name: 'x', elemType: 'float32', shape: ['batch', 3] },
        { name: 'temperature', elemType: 'float32', shape: [1] },
      ],
      outputs: [
        { name: 'probabilities', elemType: 'float32', shape: ['batch', 2] },
        { name: 'logits', elemType: 'float32', shape: ['batch', 2] },
      ],
    }),
    metadata: { purpose: 'test fixture' },
  });
}

/** The tiny model's expected outputs for rows of 3 values (float64 reference). */
export function tinyReference(x: readonly number[], temperature: number): { logits: number[]; probabilities: number[] } {
  const logits: number[] = [];
  const probabilities: number[] = [];
  for (let r = 0; r < x.length / 3; r++) {
    const row = [0, 1].map((j) => x[r * 3] * TINY_WEIGHTS.w[j] + x[r * 3 + 1] * TINY_WEIGHTS.w[2 + j] + x[r * 3 + 2] * TINY_WEIGHTS.w[4 + j] + TINY_WEIGHTS.b[j]);
    const exps = row.map((v) => Math.exp(v / temperature));
    logits.push(...row);
    probabilities.push(...exps.map((e) => e / (exps[0] + exps[1])));
  }
  return { logits, probabilities };
}

/** The first `fraction` of a file's bytes. */
export function truncated(bytes: Uint8Array, fraction = 0.6): Uint8Array {
  return bytes.slice(0, Math.floor(bytes.length * fraction));
}

/** `length` seeded random bytes. */
export function randomBytes(length: number, seed = 1): Uint8Array {
  const rng = new Rng(seed);
  return Uint8Array.from({ length }, () => rng.int(256));
}

/** A model whose initializer declares 10^12 float32 elements (4 TB) and carries none. */
export function hugeInitializerModel(): Uint8Array {
  // The encoder writes the data it is given; the declared dims are what matter, so write the tensor by hand.
  const w = new ProtoWriter();
  w.varint(FIELDS.model.irVersion, 8);
  w.message(FIELDS.model.graph, (g) => {
    g.message(FIELDS.graph.node, (n) => n.string(FIELDS.node.input, 'x').string(FIELDS.node.input, 'huge').string(FIELDS.node.output, 'y').string(FIELDS.node.opType, 'Add'));
    g.string(FIELDS.graph.name, 'huge');
    g.message(FIELDS.graph.initializer, (t) => t.packedVarints(FIELDS.tensor.dims, [1_000_000, 1_000_000]).varint(FIELDS.tensor.dataType, DATA_TYPE.float32).string(FIELDS.tensor.name, 'huge'));
    writeTensorValue(g, FIELDS.graph.input, 'x', [1]);
    writeTensorValue(g, FIELDS.graph.output, 'y', [1_000_000, 1_000_000]);
  });
  w.message(FIELDS.model.opsetImport, (o) => o.string(FIELDS.opset.domain, '').varint(FIELDS.opset.version, 13));
  return w.finish();
}

function writeTensorValue(g: ProtoWriter, field: number, name: string, dims: (number | string)[]): void {
  g.message(field, (v) =>
    v.string(FIELDS.valueInfo.name, name).message(FIELDS.valueInfo.type, (t) =>
      t.message(FIELDS.typeProto.tensorType, (tt) =>
        tt.varint(FIELDS.tensorType.elemType, DATA_TYPE.float32).message(FIELDS.tensorType.shape, (s) => {
          for (const dim of dims) s.message(FIELDS.shape.dim, (d) => (typeof dim === 'number' ? d.varint(FIELDS.dimension.value, dim) : d.string(FIELDS.dimension.param, dim)));
        }),
      ),
    ),
  );
}

/** A model whose input declares a dimension of 10^12. */
export function hugeInputModel(): Uint8Array {
  return encodeOnnxModel(
    model({
      name: 'huge-input',
      nodes: [{ opType: 'Relu', name: 'relu', inputs: ['x'], outputs: ['y'] }],
      initializers: [],
      inputs: [{ name: 'x', elemType: 'float32', shape: ['batch', 1e12] }],
      outputs: [{ name: 'y', elemType: 'float32', shape: ['batch', 1e12] }],
    }),
  );
}

/** A model whose weight lives in an external file (`weights.bin`). */
export function externalDataModel(): Uint8Array {
  const w = new ProtoWriter();
  w.varint(FIELDS.model.irVersion, 8);
  w.message(FIELDS.model.graph, (g) => {
    g.message(FIELDS.graph.node, (n) => n.string(FIELDS.node.input, 'x').string(FIELDS.node.input, 'W').string(FIELDS.node.output, 'y').string(FIELDS.node.opType, 'MatMul'));
    g.string(FIELDS.graph.name, 'external');
    g.message(FIELDS.graph.initializer, (t) => {
      t.packedVarints(FIELDS.tensor.dims, [3, 2]).varint(FIELDS.tensor.dataType, DATA_TYPE.float32).string(FIELDS.tensor.name, 'W');
      t.message(FIELDS.tensor.externalData, (e) => e.string(FIELDS.stringEntry.key, 'location').string(FIELDS.stringEntry.value, 'weights.bin'));
      t.message(FIELDS.tensor.externalData, (e) => e.string(FIELDS.stringEntry.key, 'length').string(FIELDS.stringEntry.value, '24'));
      t.varint(FIELDS.tensor.dataLocation, DATA_LOCATION_EXTERNAL);
    });
    writeTensorValue(g, FIELDS.graph.input, 'x', ['batch', 3]);
    writeTensorValue(g, FIELDS.graph.output, 'y', ['batch', 2]);
  });
  w.message(FIELDS.model.opsetImport, (o) => o.string(FIELDS.opset.domain, '').varint(FIELDS.opset.version, 13));
  return w.finish();
}

/** A well-formed file with an operator no runtime knows (`NoSuchOp`): refused by onnxruntime, not by inspection. */
export function unknownOperatorModel(): Uint8Array {
  return encodeOnnxModel(
    model({
      name: 'unknown-op',
      nodes: [{ opType: 'NoSuchOp', name: 'mystery', inputs: ['x'], outputs: ['y'] }],
      initializers: [],
      inputs: [{ name: 'x', elemType: 'float32', shape: ['batch', 2] }],
      outputs: [{ name: 'y', elemType: 'float32', shape: ['batch', 2] }],
    }),
  );
}

/**
 * A valid model that runs (practically) forever: a Loop of 10^12 iterations adding 1 to `x` (float32 [1]).
 * Loading is quick; a run blocks the runtime's thread, which only a deadline with worker termination can stop.
 */
export function endlessLoopModel(): Uint8Array {
  const body: OnnxGraphDef = {
    name: 'body',
    nodes: [
      { opType: 'Identity', name: 'keep_going', inputs: ['cond_in'], outputs: ['cond_out'] },
      { opType: 'Add', name: 'step', inputs: ['v_in', 'one'], outputs: ['v_out'] },
    ],
    initializers: [],
    inputs: [
      { name: 'iteration', elemType: 'int64', shape: [] },
      { name: 'cond_in', elemType: 'bool', shape: [] },
      { name: 'v_in', elemType: 'float32', shape: [1] },
    ],
    outputs: [
      { name: 'cond_out', elemType: 'bool', shape: [] },
      { name: 'v_out', elemType: 'float32', shape: [1] },
    ],
  };
  return encodeOnnxModel(
    model({
      name: 'endless',
      nodes: [{ opType: 'Loop', name: 'loop', inputs: ['trip_count', '', 'x'], outputs: ['y'], attributes: [{ name: 'body', kind: 'graph', value: body }] }],
      initializers: [
        { name: 'trip_count', dataType: 'int64', dims: [], data: BigInt64Array.of(1_000_000_000_000n) },
        { name: 'one', dataType: 'float32', dims: [1], data: Float32Array.of(1) },
      ],
      inputs: [{ name: 'x', elemType: 'float32', shape: [1] }],
      outputs: [{ name: 'y', elemType: 'float32', shape: [1] }],
    }),
  );
}
