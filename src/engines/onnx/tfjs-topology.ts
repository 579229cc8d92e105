/**
 * @file Reads a TF.js layers model as saved (`model.json`'s `modelTopology`, its weight specs and one weight buffer)
 * into what the ONNX exporter walks: layers in order with their inbound layers, the model's inputs and outputs, and
 * named float32 weights. No TF.js needed: the export works on stored artifacts anywhere (page, worker, Node).
 */
import type { SavedLayersModel } from '../tfjs/model-export';

/** One layer of the topology (Keras JSON as TF.js writes it). */
export interface TopologyLayer {
  name: string;
  className: string;
  config: Readonly<Record<string, unknown>>;
  /** Names of the layers whose outputs this layer reads (empty for an input layer). */
  inbound: string[];
}

/** A model's layers in execution order, its input layers and output layers. */
export interface Topology {
  name: string;
  layers: TopologyLayer[];
  inputs: string[];
  outputs: string[];
}

/** A float32 weight. */
export interface NamedWeight {
  shape: number[];
  data: Float32Array;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function fail(message: string): never {
  throw new Error(`Cannot export this TF.js model to ONNX: ${message}`);
}

/** The layer names an inbound-node entry (`[[["dense_1", 0, 0, {}]]]`) refers to. */
function inboundNames(layer: Json, name: string): string[] {
  const nodes = layer.inbound_nodes;
  if (nodes === undefined || (Array.isArray(nodes) && nodes.length === 0)) return [];
  if (!Array.isArray(nodes)) fail(`layer "${name}" has inbound_nodes that are not a list`);
  if (nodes.length > 1) fail(`layer "${name}" is called ${nodes.length} times (shared layers are not supported)`);
  const node: unknown = nodes[0];
  if (!Array.isArray(node)) fail(`layer "${name}" has an inbound node in an unknown format (Keras 3?); expected [[layer, node, tensor, kwargs], ...]`);
  return node.map((entry: unknown) => {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string') fail(`layer "${name}" has an inbound entry that names no layer`);
    if (entry[2] !== 0 && entry[2] !== undefined) fail(`layer "${name}" reads output ${String(entry[2])} of "${entry[0]}" (multi-output layers are not supported)`);
    return entry[0];
  });
}

function layerOf(raw: unknown, index: number): TopologyLayer & { raw: Json } {
  if (!isObject(raw) || typeof raw.class_name !== 'string' || !isObject(raw.config)) fail(`layer ${index} has no class_name or config`);
  const name = typeof raw.name === 'string' ? raw.name : typeof raw.config.name === 'string' ? raw.config.name : fail(`layer ${index} has no name`);
  return { name, className: raw.class_name, config: raw.config, inbound: [], raw };
}

/** Orders layers so every layer comes after the layers it reads (the JSON is usually in order already). */
function sortLayers(layers: TopologyLayer[]): TopologyLayer[] {
  const byName = new Map(layers.map((layer) => [layer.name, layer]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const ordered: TopologyLayer[] = [];
  const visit = (layer: TopologyLayer) => {
    if (done.has(layer.name)) return;
    if (visiting.has(layer.name)) fail(`layer "${layer.name}" is part of a cycle`);
    visiting.add(layer.name);
    for (const name of layer.inbound) visit(byName.get(name) ?? fail(`layer "${layer.name}" reads "${name}", which is not in the model`));
    visiting.delete(layer.name);
    done.add(layer.name);
    ordered.push(layer);
  };
  layers.forEach(visit);
  return ordered;
}

/** The topology of a saved model: functional (`Model`/`Functional`) or `Sequential`. */
export function readTopology(modelTopology: object): Topology {
  let topology = modelTopology as Json;
  if (isObject(topology.model_config)) topology = topology.model_config;
  const className = topology.class_name;
  const config = topology.config;
  if (className === 'Sequential') {
    const rawLayers = Array.isArray(config) ? config : isObject(config) && Array.isArray(config.layers) ? config.layers : fail('the Sequential model lists no layers');
    const layers = rawLayers.map(layerOf);
    if (layers.length === 0) fail('the Sequential model has no layers');
    const first = layers[0];
    const chain: TopologyLayer[] = [];
    if (first.className !== 'InputLayer') {
      const shape = first.config.batch_input_shape ?? (Array.isArray(first.config.input_shape) ? [null, ...first.config.input_shape] : undefined);
      if (!Array.isArray(shape)) fail(`the first layer "${first.name}" declares no input shape (batch_input_shape)`);
      chain.push({ name: `${first.name}_input`, className: 'InputLayer', config: { batch_input_shape: shape, dtype: first.config.dtype ?? 'float32' }, inbound: [] });
    }
    for (const layer of layers) {
      chain.push({ name: layer.name, className: layer.className, config: layer.config, inbound: chain.length > 0 ? [chain[chain.length - 1].name] : [] });
    }
    const name = isObject(config) && typeof config.name === 'string' ? config.name : 'sequential';
    return { name, layers: chain, inputs: [chain[0].name], outputs: [chain[chain.length - 1].name] };
  }
  if (className !== 'Model' && className !== 'Functional') {
    fail(`the topology's class_name is ${JSON.stringify(className)}; expected "Model", "Functional" or "Sequential"`);
  }
  if (!isObject(config) || !Array.isArray(config.layers)) fail('the model config lists no layers');
  const layers = config.layers.map((raw: unknown, i: number) => {
    const layer = layerOf(raw, i);
    return { name: layer.name, className: layer.className, config: layer.config, inbound: inboundNames(layer.raw, layer.name) };
  });
  const ends = (value: unknown, what: string): string[] => {
    if (!Array.isArray(value) || value.length === 0) fail(`the model config has no ${what}`);
    return value.map((entry: unknown) => (Array.isArray(entry) && typeof entry[0] === 'string' ? entry[0] : fail(`an entry of ${what} names no layer`)));
  };
  return {
    name: typeof config.name === 'string' ? config.name : 'model',
    layers: sortLayers(layers),
    inputs: ends(config.input_layers, 'input_layers'),
    outputs: ends(config.output_layers, 'output_layers'),
  };
}

const DTYPE_BYTES: Readonly<Record<string, number>> = Object.freeze({ float32: 4, int32: 4, bool: 1 });

/** The saved float32 weights by name (`dense_1/kernel`), each copied out of the buffer. */
export function readWeights(saved: Pick<SavedLayersModel, 'weightSpecs' | 'weightData'>): Map<string, NamedWeight> {
  const weights = new Map<string, NamedWeight>();
  const buffer = saved.weightData;
  let offset = 0;
  for (const spec of saved.weightSpecs) {
    if (spec.quantization) fail(`weight "${spec.name}" is quantized (${spec.quantization.dtype}); expected float32 weights`);
    const bytes = DTYPE_BYTES[spec.dtype];
    if (bytes === undefined) fail(`weight "${spec.name}" has dtype ${JSON.stringify(spec.dtype)}; expected float32`);
    const count = spec.shape.reduce((a, b) => a * b, 1);
    if (offset + count * bytes > buffer.byteLength) fail(`the weight buffer (${buffer.byteLength} bytes) ends before weight "${spec.name}" (needs bytes ${offset}–${offset + count * bytes})`);
    if (spec.dtype === 'float32') weights.set(spec.name, { shape: [...spec.shape], data: new Float32Array(buffer.slice(offset, offset + count * 4)) });
    offset += count * bytes;
  }
  return weights;
}
