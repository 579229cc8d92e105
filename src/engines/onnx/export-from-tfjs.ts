/**
 * @file A TF.js layers model → an ONNX file (opset 13, IR version 8), from the saved artifacts (`model.json`'s
 * topology + weights) or a live `tf.LayersModel`. The layers our model families use are covered (see
 * `LAYER_CONVERTERS`); anything else is refused with the layer's name and class, never approximated.
 *
 * Inputs and outputs keep the Keras names (`features` → `output`); the batch dimension is symbolic (`batch`).
 */
import type * as tf from '@tensorflow/tfjs';
import { exportModel, type SavedLayersModel } from '../tfjs/model-export';
import { GraphBuilder, type TensorRef } from './graph-builder';
import { LAYER_CONVERTERS } from './layer-converters';
import { encodeOnnxModel, type OnnxValueInfoDef } from './onnx-encode';
import { readTopology, readWeights, type TopologyLayer } from './tfjs-topology';

/** The opset and IR version of exported files (ONNX 1.8+, every onnxruntime since 1.6). */
export const EXPORT_OPSET = 13;
export const EXPORT_IR_VERSION = 8;

/** Options of an export. */
export interface OnnxExportOptions {
  /** `producer_version` (the app's version). */
  producerVersion?: string;
  /** Free-form metadata stored in the file (`metadata_props`), e.g. the model's signature as JSON. */
  metadata?: Readonly<Record<string, string>>;
  docString?: string;
}

/** An exported model: the file's bytes and what it declares. */
export interface OnnxExport {
  bytes: Uint8Array;
  inputs: OnnxValueInfoDef[];
  outputs: OnnxValueInfoDef[];
  /** ONNX operator types used, sorted. */
  operators: string[];
  /**
   * Per input, the exclusive upper bound of the ids it holds when it feeds an embedding (token ids), else null:
   * what a caller needs to make valid test rows.
   */
  idRanges: (number | null)[];
}

function elemTypeOf(layer: TopologyLayer): OnnxValueInfoDef['elemType'] {
  const dtype = layer.config.dtype ?? 'float32';
  if (dtype === 'float32' || dtype === 'int32') return dtype;
  throw new Error(`Cannot export this TF.js model to ONNX: input "${layer.name}" has dtype ${JSON.stringify(dtype)}; expected float32 or int32`);
}

function declaredShape(shape: (number | null)[], name: string): (number | string)[] {
  return shape.map((d, i) => (d !== null ? d : i === 0 ? 'batch' : `${name}_dim${i}`));
}

/** Converts a saved TF.js layers model to ONNX. Throws an Error naming the first layer it cannot convert. */
export function exportSavedModelToOnnx(saved: SavedLayersModel, options: OnnxExportOptions = {}): OnnxExport {
  const topology = readTopology(saved.modelTopology);
  const weights = readWeights(saved);
  const g = new GraphBuilder();
  const tensors = new Map<string, TensorRef>();
  const inputs: OnnxValueInfoDef[] = [];
  const layersByName = new Map(topology.layers.map((layer) => [layer.name, layer]));

  for (const name of topology.inputs) {
    const layer = layersByName.get(name);
    if (!layer || layer.className !== 'InputLayer') throw new Error(`Cannot export this TF.js model to ONNX: its input "${name}" is not an InputLayer`);
    const batchShape = layer.config.batch_input_shape;
    if (!Array.isArray(batchShape)) throw new Error(`Cannot export this TF.js model to ONNX: input "${name}" declares no batch_input_shape`);
    const shape = batchShape.map((d: unknown) => (typeof d === 'number' ? d : null));
    inputs.push({ name: g.reserve(name), elemType: elemTypeOf(layer), shape: declaredShape(shape, name) });
    tensors.set(name, { name, shape });
  }

  for (const layer of topology.layers) {
    if (layer.className === 'InputLayer') {
      if (!tensors.has(layer.name)) throw new Error(`Cannot export this TF.js model to ONNX: input layer "${layer.name}" is not among the model's inputs`);
      continue;
    }
    const convert = LAYER_CONVERTERS[layer.className];
    if (!convert) {
      throw new Error(`Cannot export layer "${layer.name}" to ONNX: layer type ${layer.className} is not supported; supported: ${Object.keys(LAYER_CONVERTERS).join(', ')}`);
    }
    const layerInputs = layer.inbound.map((name) => {
      const tensor = tensors.get(name);
      if (!tensor) throw new Error(`Cannot export layer "${layer.name}" to ONNX: it reads "${name}" before that is computed`);
      return tensor;
    });
    const result = convert({ g, layer, inputs: layerInputs, weight: (short) => weights.get(`${layer.name}/${short}`) });
    // Name a layer's own result after the layer where the name is free (readable graphs, stable output names);
    // an identity layer (dropout) passes its input through under the input's name.
    const passedThrough = layerInputs.some((input) => input.name === result.name);
    tensors.set(layer.name, { name: passedThrough ? result.name : g.rename(result.name, layer.name), shape: result.shape });
  }

  const outputs: OnnxValueInfoDef[] = topology.outputs.map((name) => {
    const tensor = tensors.get(name);
    if (!tensor) throw new Error(`Cannot export this TF.js model to ONNX: output layer "${name}" was not computed`);
    return { name: g.alias(tensor.name, name), elemType: 'float32', shape: declaredShape(tensor.shape, name) };
  });

  const idRanges = topology.inputs.map((name) => {
    const reader = topology.layers.find((layer) => layer.className === 'Embedding' && layer.inbound.includes(name));
    const inputDim = reader?.config.input_dim;
    return typeof inputDim === 'number' ? inputDim : null;
  });

  const bytes = encodeOnnxModel({
    irVersion: EXPORT_IR_VERSION,
    opset: EXPORT_OPSET,
    producerName: 'Benchtop',
    producerVersion: options.producerVersion ?? '',
    docString: options.docString,
    metadata: options.metadata,
    graph: { name: topology.name, nodes: g.nodes, initializers: g.initializers, inputs, outputs },
  });
  return { bytes, inputs, outputs, operators: [...new Set(g.nodes.map((n) => n.opType))].sort(), idRanges };
}

/** Converts a live TF.js layers model (saved to memory first; the optimizer is not part of it). */
export async function exportLayersModelToOnnx(model: tf.LayersModel, options: OnnxExportOptions = {}): Promise<OnnxExport> {
  return exportSavedModelToOnnx(await exportModel(model), options);
}
