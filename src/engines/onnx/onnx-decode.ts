/**
 * @file Reads the structure of an ONNX `ModelProto` without copying tensor data: the header, opsets, the main
 * graph's inputs and outputs, every node's operator, and every tensor anywhere in the file (initializers, sparse
 * initializers, constant attributes, subgraphs of control flow, functions, training graphs) with its declared
 * dimensions, the size of its inline data and whether it points at external data. `inspect.ts` judges the result.
 *
 * Untrusted input: every length is bounds-checked by the wire reader, and graph nesting is capped.
 */
import { decodeTensor, decodeValueInfo, expectWire, type DecodedDim, type DecodedTensor, type DecodedValueInfo } from './onnx-decode-values';
import { FIELDS } from './onnx-schema';
import { ProtoReader, WIRE } from './protobuf-wire';

export type { DecodedDim, DecodedTensor, DecodedValueInfo };


/** One node: its operator and domain. */
export interface DecodedNode {
  opType: string;
  domain: string;
}

/** The main graph. */
export interface DecodedGraph {
  name: string;
  inputs: DecodedValueInfo[];
  outputs: DecodedValueInfo[];
  /** Names of the main graph's initializers (inputs with these names have defaults). */
  initializerNames: string[];
}

/** What {@link decodeOnnxModel} reads. */
export interface DecodedModel {
  irVersion?: number;
  producerName: string;
  producerVersion: string;
  domain: string;
  modelVersion: number;
  docString: string;
  opsets: { domain: string; version: number }[];
  metadata: Record<string, string>;
  graph?: DecodedGraph;
  /** Every node in every graph and function. */
  nodes: DecodedNode[];
  /** Every tensor in the file. */
  tensors: DecodedTensor[];
  /** Every declared input/output/value_info shape in every graph (for size checks). */
  valueInfos: (DecodedValueInfo & { where: string })[];
  functionCount: number;
  /** The deepest nesting of subgraphs (0: the main graph only). */
  graphDepth: number;
}

/** Thrown when graphs nest deeper than the decoder follows. */
export class GraphDepthError extends Error {
  constructor(limit: number) {
    super(`Subgraphs nest deeper than ${limit} levels`);
    this.name = 'GraphDepthError';
  }
}


/** What was found directly in one graph or function. */
interface Scope {
  tensors: DecodedTensor[];
  values: (DecodedValueInfo & { where: string })[];
}

class Decoder {
  readonly model: DecodedModel = {
    producerName: '',
    producerVersion: '',
    domain: '',
    modelVersion: 0,
    docString: '',
    opsets: [],
    metadata: {},
    nodes: [],
    tensors: [],
    valueInfos: [],
    functionCount: 0,
    graphDepth: 0,
  };
  readonly #maxDepth: number;
  /** Tensors and value infos found directly in the graph or function being read (innermost last). */
  readonly #scopes: Scope[] = [];

  constructor(maxDepth: number) {
    this.#maxDepth = maxDepth;
  }

  decodeModel(r: ProtoReader): void {
    const M = FIELDS.model;
    for (let f = r.next(); f; f = r.next()) {
      switch (f.field) {
        case M.irVersion:
          expectWire(f, WIRE.varint, 'ir_version');
          this.model.irVersion = r.varint();
          break;
        case M.producerName:
          expectWire(f, WIRE.lengthDelimited, 'producer_name');
          this.model.producerName = r.string();
          break;
        case M.producerVersion:
          expectWire(f, WIRE.lengthDelimited, 'producer_version');
          this.model.producerVersion = r.string();
          break;
        case M.domain:
          expectWire(f, WIRE.lengthDelimited, 'domain');
          this.model.domain = r.string();
          break;
        case M.modelVersion:
          expectWire(f, WIRE.varint, 'model_version');
          this.model.modelVersion = r.int64();
          break;
        case M.docString:
          expectWire(f, WIRE.lengthDelimited, 'doc_string');
          this.model.docString = r.string();
          break;
        case M.graph:
          expectWire(f, WIRE.lengthDelimited, 'graph');
          this.model.graph = this.decodeGraph(r.message(), 0, true);
          break;
        case M.opsetImport:
          expectWire(f, WIRE.lengthDelimited, 'opset_import');
          this.model.opsets.push(this.decodeOpset(r.message()));
          break;
        case M.metadataProps: {
          expectWire(f, WIRE.lengthDelimited, 'metadata_props');
          const entry = r.message();
          let key = '';
          let value = '';
          for (let e = entry.next(); e; e = entry.next()) {
            if (e.field === FIELDS.stringEntry.key && e.wireType === WIRE.lengthDelimited) key = entry.string();
            else if (e.field === FIELDS.stringEntry.value && e.wireType === WIRE.lengthDelimited) value = entry.string();
            else entry.skip(e.wireType);
          }
          this.model.metadata[key] = value;
          break;
        }
        case M.functions:
          expectWire(f, WIRE.lengthDelimited, 'functions');
          this.model.functionCount++;
          this.decodeFunction(r.message());
          break;
        case M.trainingInfo: {
          expectWire(f, WIRE.lengthDelimited, 'training_info');
          const info = r.message();
          for (let t = info.next(); t; t = info.next()) {
            if ((t.field === FIELDS.trainingInfo.initialization || t.field === FIELDS.trainingInfo.algorithm) && t.wireType === WIRE.lengthDelimited) {
              this.decodeGraph(info.message(), 1, false);
            } else info.skip(t.wireType);
          }
          break;
        }
        default:
          r.skip(f.wireType);
      }
    }
  }

  decodeOpset(r: ProtoReader): { domain: string; version: number } {
    const opset = { domain: '', version: 0 };
    for (let f = r.next(); f; f = r.next()) {
      if (f.field === FIELDS.opset.domain && f.wireType === WIRE.lengthDelimited) opset.domain = r.string();
      else if (f.field === FIELDS.opset.version && f.wireType === WIRE.varint) opset.version = r.int64();
      else r.skip(f.wireType);
    }
    return opset;
  }

  decodeFunction(r: ProtoReader): void {
    let name = '';
    const scope = this.#enter();
    for (let f = r.next(); f; f = r.next()) {
      if (f.field === FIELDS.function.name && f.wireType === WIRE.lengthDelimited) name = r.string();
      else if (f.field === FIELDS.function.node && f.wireType === WIRE.lengthDelimited) this.decodeNode(r.message(), 1);
      else r.skip(f.wireType);
    }
    this.#leave(scope, `function ${JSON.stringify(name)}`);
  }

  #enter(): Scope {
    const scope: Scope = { tensors: [], values: [] };
    this.#scopes.push(scope);
    return scope;
  }

  /** Closes a scope: its tensors and values learn where they are (names come late on the wire). */
  #leave(scope: Scope, label: string): void {
    this.#scopes.pop();
    for (const tensor of scope.tensors) tensor.where = `${tensor.where} in ${label}`;
    for (const value of scope.values) value.where = `${value.where} of ${label}`;
  }

  decodeGraph(r: ProtoReader, depth: number, main: boolean): DecodedGraph {
    if (depth > this.#maxDepth) throw new GraphDepthError(this.#maxDepth);
    this.model.graphDepth = Math.max(this.model.graphDepth, depth);
    const G = FIELDS.graph;
    const graph: DecodedGraph = { name: '', inputs: [], outputs: [], initializerNames: [] };
    const scope = this.#enter();
    for (let f = r.next(); f; f = r.next()) {
      switch (f.field) {
        case G.node:
          expectWire(f, WIRE.lengthDelimited, 'graph node');
          this.decodeNode(r.message(), depth);
          break;
        case G.name:
          expectWire(f, WIRE.lengthDelimited, 'graph name');
          graph.name = r.string();
          break;
        case G.initializer: {
          expectWire(f, WIRE.lengthDelimited, 'initializer');
          const tensor = this.#tensor(r.message(), 'initializer');
          graph.initializerNames.push(tensor.name);
          break;
        }
        case G.sparseInitializer:
          expectWire(f, WIRE.lengthDelimited, 'sparse_initializer');
          this.decodeSparseTensor(r.message(), 'a sparse initializer');
          break;
        case G.input:
        case G.output:
        case G.valueInfo: {
          expectWire(f, WIRE.lengthDelimited, 'graph value');
          const value = decodeValueInfo(r.message());
          const list = f.field === G.input ? 'input' : f.field === G.output ? 'output' : 'value_info';
          const located = { ...value, where: `${list} ${JSON.stringify(value.name)}` };
          scope.values.push(located);
          this.model.valueInfos.push(located);
          if (list === 'input') graph.inputs.push(value);
          if (list === 'output') graph.outputs.push(value);
          break;
        }
        default:
          r.skip(f.wireType);
      }
    }
    this.#leave(scope, `${main ? 'the main graph' : 'subgraph'} ${JSON.stringify(graph.name)}`);
    return graph;
  }

  decodeNode(r: ProtoReader, depth: number): void {
    const node: DecodedNode = { opType: '', domain: '' };
    this.model.nodes.push(node);
    let name = '';
    const attributes: ProtoReader[] = [];
    for (let f = r.next(); f; f = r.next()) {
      if (f.field === FIELDS.node.opType && f.wireType === WIRE.lengthDelimited) node.opType = r.string();
      else if (f.field === FIELDS.node.domain && f.wireType === WIRE.lengthDelimited) node.domain = r.string();
      else if (f.field === FIELDS.node.name && f.wireType === WIRE.lengthDelimited) name = r.string();
      else if (f.field === FIELDS.node.attribute && f.wireType === WIRE.lengthDelimited) attributes.push(r.message());
      else r.skip(f.wireType);
    }
    const label = `${node.opType || 'node'} ${JSON.stringify(name)}`;
    for (const attribute of attributes) this.decodeAttribute(attribute, depth, `attribute of ${label}`);
  }

  decodeAttribute(r: ProtoReader, depth: number, where: string): void {
    const A = FIELDS.attribute;
    for (let f = r.next(); f; f = r.next()) {
      if (f.wireType !== WIRE.lengthDelimited) {
        r.skip(f.wireType);
        continue;
      }
      if (f.field === A.t || f.field === A.tensors) this.#tensor(r.message(), 'tensor', ` (${where})`);
      else if (f.field === A.g || f.field === A.graphs) this.decodeGraph(r.message(), depth + 1, false);
      else if (f.field === A.sparseTensor || f.field === A.sparseTensors) this.decodeSparseTensor(r.message(), `a sparse tensor (${where})`);
      else r.skip(f.wireType);
    }
  }

  /** Reads a tensor and records it in the model and the scope it was found in. */
  #tensor(r: ProtoReader, kind: string, context = ''): DecodedTensor {
    const tensor = decodeTensor(r, kind, context);
    this.model.tensors.push(tensor);
    this.#scopes.at(-1)?.tensors.push(tensor);
    return tensor;
  }

  decodeSparseTensor(r: ProtoReader, where: string): void {
    for (let f = r.next(); f; f = r.next()) {
      if ((f.field === FIELDS.sparseTensor.values || f.field === FIELDS.sparseTensor.indices) && f.wireType === WIRE.lengthDelimited) {
        this.#tensor(r.message(), f.field === FIELDS.sparseTensor.values ? 'values' : 'indices', ` of ${where}`);
      } else r.skip(f.wireType);
    }
  }

}

/**
 * The structure of the ONNX model in `bytes`. Throws a `ProtoWireError` for bytes that are not a well-formed
 * protobuf message (or end too early) and a {@link GraphDepthError} past `maxGraphDepth` nested subgraphs.
 */
export function decodeOnnxModel(bytes: Uint8Array, maxGraphDepth = 32): DecodedModel {
  const decoder = new Decoder(maxGraphDepth);
  decoder.decodeModel(new ProtoReader(bytes));
  return decoder.model;
}
