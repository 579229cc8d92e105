/**
 * @file Validates an ONNX file before any runtime sees it, and describes it: size cap, other formats recognised by
 * their first bytes, a full structural parse (truncation and garbage caught with the byte offset), external data
 * refused (a browser cannot follow a path to another file), tensors and declared shapes over a size cap refused,
 * inline data that does not match its declared dimensions refused. What passes is safe to hand to onnxruntime:
 * it cannot make it read another file or allocate more than the caps allow for declared tensors.
 */
import type { OnnxDim, OnnxLimits, OnnxModelInfo, OnnxValueSpec } from '../../protocol/onnx';
import { decodeOnnxModel, GraphDepthError, type DecodedModel, type DecodedTensor, type DecodedValueInfo } from './onnx-decode';
import { OnnxModelError } from './onnx-errors';
import { ELEMENT_TYPES, elementTypeName } from './onnx-schema';
import { ProtoWireError } from './protobuf-wire';

/** Default limits: a 512 MiB file, 2^28 elements (1 GiB of float32) per tensor, 32 nested graphs, 200k nodes. */
export const DEFAULT_ONNX_LIMITS: Readonly<OnnxLimits> = Object.freeze({ maxBytes: 512 * 1024 * 1024, maxElements: 2 ** 28, maxGraphDepth: 32, maxNodes: 200_000 });

/** The newest IR version onnxruntime 1.30 reads. */
const MAX_IR_VERSION = 11;

/** `812 bytes`, `3.4 KiB`, `512.0 MiB`. */
function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Other formats people mistake for ONNX, by their first bytes. */
function otherFormat(bytes: Uint8Array): string | undefined {
  const ascii = (start: number, end: number) => String.fromCharCode(...bytes.subarray(start, end));
  if (ascii(0, 4) === 'PK\u0003\u0004') return 'a zip archive (a PyTorch .pt file or a zipped folder?)';
  if (ascii(1, 4) === 'HDF') return 'an HDF5 file (a Keras .h5 model?)';
  if (ascii(4, 8) === 'TFL3') return 'a TensorFlow Lite model';
  if (ascii(4, 8) === 'ORTM') return 'an ONNX Runtime .ort model (expected the .onnx file)';
  if (bytes[0] === 0x80 && bytes[1] >= 2 && bytes[1] <= 5) return 'a Python pickle';
  const first = bytes.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09);
  if (first === 0x7b || first === 0x5b) return 'JSON text (a TF.js model.json? Export the run to ONNX from its page)';
  if (ascii(0, 5) === '<?xml' || ascii(0, 5).toLowerCase() === '<!doc' || ascii(0, 5).toLowerCase() === '<html') return 'an XML or HTML document';
  return undefined;
}

const elementCount = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

function checkTensor(tensor: DecodedTensor, limits: OnnxLimits): void {
  if (tensor.external) {
    const location = tensor.externalLocation === undefined ? '' : ` (location ${JSON.stringify(tensor.externalLocation)})`;
    throw new OnnxModelError('external-data', `The ${tensor.where} keeps its data in a separate file${location}; a browser cannot open it. Save the model with its weights inside the .onnx file (onnx.save_model(..., save_as_external_data=False)).`);
  }
  if (tensor.dims.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new OnnxModelError('not-onnx', `The ${tensor.where} has an invalid dimension in [${tensor.dims.join(', ')}]; expected sizes of 0 or more`);
  }
  const count = elementCount(tensor.dims);
  if (count > limits.maxElements) {
    throw new OnnxModelError('too-big-tensor', `The ${tensor.where} declares ${count.toLocaleString('en-US')} elements (dims [${tensor.dims.join(', ')}]); the limit is ${limits.maxElements.toLocaleString('en-US')}`);
  }
  const type = ELEMENT_TYPES[tensor.dataType];
  if (!type) throw new OnnxModelError('unsupported', `The ${tensor.where} has element type ${tensor.dataType}, which this lab does not know`);
  const shape = `dims [${tensor.dims.join(', ')}]`;
  if (tensor.rawBytes > 0) {
    const expectedBytes = Math.ceil(count * type.bytes);
    if (type.bytes > 0 && tensor.rawBytes !== expectedBytes) {
      throw new OnnxModelError('data-mismatch', `The ${tensor.where} declares ${count.toLocaleString('en-US')} ${type.name} values (${shape}, ${expectedBytes} bytes) but carries ${tensor.rawBytes} bytes`);
    }
    return;
  }
  // Typed fields hold one value per element; complex numbers two; 4-bit types two elements per int32.
  const expectedValues = type.name.startsWith('complex') ? 2 * count : type.bytes < 1 ? Math.ceil(count / 2) : count;
  if (tensor.typedValues !== expectedValues) {
    throw new OnnxModelError('data-mismatch', `The ${tensor.where} declares ${count.toLocaleString('en-US')} ${type.name} values (${shape}) but carries ${tensor.typedValues}`);
  }
}

function checkValue(value: DecodedValueInfo & { where: string }, limits: OnnxLimits): void {
  if (!value.shape) return;
  const fixed: number[] = [];
  for (const dim of value.shape) {
    if (typeof dim !== 'number') continue;
    if (!Number.isSafeInteger(dim) || dim < 0) throw new OnnxModelError('not-onnx', `The ${value.where} declares dimension ${dim}; expected a size of 0 or more`);
    fixed.push(dim);
  }
  const count = elementCount(fixed);
  if (count > limits.maxElements) {
    throw new OnnxModelError('too-big-tensor', `The ${value.where} declares shape [${value.shape.map((d) => d ?? '?').join(', ')}] (${count.toLocaleString('en-US')} elements); the limit is ${limits.maxElements.toLocaleString('en-US')} per tensor`);
  }
}

function valueSpec(value: DecodedValueInfo): OnnxValueSpec {
  return { name: value.name, kind: value.kind, type: value.elemType === undefined ? 'unknown' : elementTypeName(value.elemType), shape: value.shape ? value.shape.map((d): OnnxDim => d) : null };
}

function describe(model: DecodedModel, size: number): OnnxModelInfo {
  const graph = model.graph as NonNullable<DecodedModel['graph']>;
  const initializers = new Set(graph.initializerNames);
  const counts = new Map<string, { opType: string; domain: string; count: number }>();
  for (const node of model.nodes) {
    const key = `${node.domain}\u0000${node.opType}`;
    const entry = counts.get(key) ?? { opType: node.opType, domain: node.domain, count: 0 };
    entry.count++;
    counts.set(key, entry);
  }
  const defaultOpset = model.opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  return {
    bytes: size,
    irVersion: model.irVersion as number,
    opset: defaultOpset?.version ?? 0,
    opsets: model.opsets,
    producerName: model.producerName,
    producerVersion: model.producerVersion,
    docString: model.docString,
    metadata: model.metadata,
    // Inputs with an initializer of the same name are constants with defaults (IR < 4 lists them as inputs).
    inputs: graph.inputs.filter((input) => !initializers.has(input.name)).map(valueSpec),
    outputs: graph.outputs.map(valueSpec),
    operators: [...counts.values()].sort((a, b) => b.count - a.count || a.opType.localeCompare(b.opType)),
    nodeCount: model.nodes.length,
    initializerCount: graph.initializerNames.length,
    parameterCount: model.tensors.filter((t) => t.where.startsWith('initializer')).reduce((sum, t) => sum + elementCount(t.dims), 0),
  };
}

/**
 * Checks that `bytes` is an ONNX model this lab may load, and describes it. Throws an {@link OnnxModelError}
 * (with a `code`) saying what is wrong: empty, too large, another format, truncated, malformed, external data,
 * a tensor or declared shape over the cap, data that does not match its dimensions, an unsupported IR version.
 */
export function inspectOnnx(bytes: Uint8Array, limits: Partial<OnnxLimits> = {}): OnnxModelInfo {
  const caps: OnnxLimits = { ...DEFAULT_ONNX_LIMITS, ...limits };
  if (bytes.length === 0) throw new OnnxModelError('empty', 'The file is empty; expected an ONNX model');
  if (bytes.length > caps.maxBytes) throw new OnnxModelError('too-large', `The file is ${formatBytes(bytes.length)}; the limit is ${formatBytes(caps.maxBytes)}`);
  const other = otherFormat(bytes);
  if (other) throw new OnnxModelError('not-onnx', `This is ${other}, not an ONNX model`);

  let model: DecodedModel;
  try {
    model = decodeOnnxModel(bytes, caps.maxGraphDepth);
  } catch (err) {
    if (err instanceof GraphDepthError) throw new OnnxModelError('unsupported', `${err.message}; the limit is ${caps.maxGraphDepth}`);
    if (!(err instanceof ProtoWireError)) throw err;
    // A file that starts like a model (field 1, ir_version, a small number) and then breaks off is truncated.
    const startsLikeModel = bytes[0] === 0x08 && bytes[1] > 0 && bytes[1] <= MAX_IR_VERSION;
    if (err.kind === 'truncated' && startsLikeModel) {
      throw new OnnxModelError('truncated', `The file is truncated: it ends at byte ${bytes.length} in the middle of a value (${err.message}). Download or export it again.`);
    }
    throw new OnnxModelError('not-onnx', `This is not an ONNX model: its bytes do not parse as one (${err.message})`);
  }
  if (model.irVersion === undefined || !model.graph) {
    const missing = model.irVersion === undefined ? 'ir_version' : 'graph';
    throw new OnnxModelError('not-onnx', `This is not an ONNX model: it has no ${missing}`);
  }
  if (model.irVersion < 3 || model.irVersion > MAX_IR_VERSION) {
    throw new OnnxModelError('unsupported', `The model has IR version ${model.irVersion}; onnxruntime-web reads 3 to ${MAX_IR_VERSION}`);
  }
  if (model.opsets.length === 0) throw new OnnxModelError('not-onnx', 'The model imports no operator set (opset_import is empty)');
  if (model.graph.outputs.length === 0) throw new OnnxModelError('not-onnx', 'The model\'s graph has no outputs');
  if (model.nodes.length > caps.maxNodes) throw new OnnxModelError('unsupported', `The model has ${model.nodes.length.toLocaleString('en-US')} nodes; the limit is ${caps.maxNodes.toLocaleString('en-US')}`);
  for (const tensor of model.tensors) checkTensor(tensor, caps);
  for (const value of model.valueInfos) checkValue(value, caps);
  return describe(model, bytes.length);
}
