/**
 * @file Builds an ONNX graph node by node: unique tensor names, float and int64 constants as initializers, and
 * operators whose output names are derived from the layer being converted (`dense_1/MatMul`).
 */
import type { OnnxAttributeDef, OnnxNodeDef, OnnxTensorDef } from './onnx-encode';

/** A tensor flowing through the graph: its ONNX name and its shape (`null` for the batch or an unknown size). */
export interface TensorRef {
  name: string;
  shape: (number | null)[];
}

/** Short attribute constructors. */
export const attr = Object.freeze({
  int: (name: string, value: number): OnnxAttributeDef => ({ name, kind: 'int', value }),
  ints: (name: string, value: readonly number[]): OnnxAttributeDef => ({ name, kind: 'ints', value }),
  float: (name: string, value: number): OnnxAttributeDef => ({ name, kind: 'float', value }),
  string: (name: string, value: string): OnnxAttributeDef => ({ name, kind: 'string', value }),
});

/** Nodes and initializers of one graph under construction. */
export class GraphBuilder {
  readonly nodes: OnnxNodeDef[] = [];
  readonly initializers: OnnxTensorDef[] = [];
  readonly #names = new Set<string>();
  readonly #producers = new Map<string, OnnxNodeDef>();

  /** `base`, or `base_2`, `base_3`, ... when taken; the name is then taken. */
  unique(base: string): string {
    let name = base;
    for (let i = 2; this.#names.has(name); i++) name = `${base}_${i}`;
    this.#names.add(name);
    return name;
  }

  /** A float32 initializer. */
  float(base: string, data: Float32Array, dims: readonly number[]): string {
    const name = this.unique(base);
    this.initializers.push({ name, dataType: 'float32', dims, data });
    return name;
  }

  /** A float32 scalar initializer. */
  scalar(base: string, value: number): string {
    return this.float(base, new Float32Array([value]), []);
  }

  /** A 1-D int64 initializer (shapes, axes). */
  int64(base: string, values: readonly number[]): string {
    const name = this.unique(base);
    this.initializers.push({ name, dataType: 'int64', dims: [values.length], data: BigInt64Array.from(values, (v) => BigInt(v)) });
    return name;
  }

  /** Appends `opType(inputs)`; returns its (single) output's name, `${scope}/${opType}` made unique. */
  op(scope: string, opType: string, inputs: readonly string[], attributes: readonly OnnxAttributeDef[] = []): string {
    const output = this.unique(`${scope}/${opType}`);
    const node: OnnxNodeDef = { opType, name: output, inputs, outputs: [output], attributes };
    this.nodes.push(node);
    this.#producers.set(output, node);
    return output;
  }

  /**
   * Renames the output of the node that produced `tensor` to `name` (when `name` is free), so a layer's result
   * carries the layer's name. Only for a tensor nothing reads yet. Returns the tensor's name afterwards.
   */
  rename(tensor: string, name: string): string {
    const node = this.#producers.get(tensor);
    if (!node || this.#names.has(name) || this.nodes.some((n) => n.inputs.includes(tensor))) return tensor;
    this.#names.add(name);
    this.#producers.delete(tensor);
    const renamed: OnnxNodeDef = { ...node, name, outputs: [name] };
    this.nodes[this.nodes.indexOf(node)] = renamed;
    this.#producers.set(name, renamed);
    return name;
  }

  /** Makes `tensor` available under `name` (an Identity node unless it already has that name). */
  alias(tensor: string, name: string): string {
    if (tensor === name) return name;
    if (this.rename(tensor, name) === name) return name;
    this.reserve(name);
    const node: OnnxNodeDef = { opType: 'Identity', name, inputs: [tensor], outputs: [name] };
    this.nodes.push(node);
    this.#producers.set(name, node);
    return name;
  }

  /** Reserves a name (a graph input). */
  reserve(name: string): string {
    if (this.#names.has(name)) throw new Error(`Tensor name "${name}" is used twice`);
    this.#names.add(name);
    return name;
  }
}
