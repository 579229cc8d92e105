/**
 * @file A model ready to score: its files (from the registry, or a folder / `.onnx` file for the CLI) loaded into
 * TF.js or onnxruntime-web, with the saved featurizer that turns raw columns into the rows it was trained on, and
 * what its outputs mean. One shape for both runtimes, so an endpoint and a batch job never care which it is.
 *
 * A model with a featurizer (every model trained here, and ONNX files exported from here, which carry it as
 * metadata) takes table columns; any other model takes rows of numbers for its single 2-D input ("tensor" mode). A
 * `tabular` model (an AutoML job's `automl-model.json`) featurizes raw columns itself ("columns" mode).
 */
import type { ScoringColumnSpec } from '../core/scoring/scoring-columns';
import { checkOutputWidth, type ScoringOutput } from '../core/scoring/prediction-output';
import { FeaturePipeline } from '../core/features/pipeline';
import type { ColumnValues } from '../core/table/column-values';
import { AUTOML_MODEL_FILE } from '../protocol/automl';
import type { ModelFormat, ModelVersionSignature } from '../protocol/model';
import type { ColumnType } from '../protocol/dataset';
import type { OrtSetup } from '../engines/onnx/session';
import { signatureFromAutoMLModel, signatureFromRunArtifact } from '../storage/model-signature';
import { getModelFiles } from '../storage/model-versions';
import type { WorkspaceDb } from '../storage/workspace-schema';
import { rawValues } from './automl-data';
import type { FeaturizerArtifact } from './model-artifacts';

/** A model's files in memory. */
export interface ModelFiles {
  format: ModelFormat;
  /** File name → bytes. */
  files: ReadonlyMap<string, ArrayBuffer>;
  /** The registry's signature; read from `signature.json` (or the ONNX metadata) when absent. */
  signature?: ModelVersionSignature;
  /** Name of the featurizer among `files`; `featurizer.json` is looked for when absent. */
  featurizerFile?: string;
}

/** What a scoring model reads. */
export type ScoringInput =
  /** Raw columns through the saved featurizer. `ignored`: the target column, which a caller may send along. */
  | { kind: 'table'; columns: ScoringColumnSpec[]; pipeline: FeaturePipeline; ignored: string[] }
  /**
   * Raw columns read by the model itself (a `tabular` model: its featurizer is part of the model). `predict` gives
   * the raw outputs (rows × `output.width`) of `rows` rows of these columns.
   */
  | { kind: 'columns'; columns: ScoringColumnSpec[]; ignored: string[]; predict(columns: ReadonlyMap<string, ColumnValues>, rows: number): Float32Array }
  /** Rows of `width` numbers (-1: any width) for the single input `name`. */
  | { kind: 'tensor'; name: string; width: number };

/** A loaded model. */
export interface ScoringModel {
  signature: ModelVersionSignature;
  input: ScoringInput;
  output: ScoringOutput;
  /** `TF.js (cpu)`, `ONNX Runtime (wasm)`. */
  runtime: string;
  /** Raw outputs (rows × `output.width`) for row-major inputs of the model's width (not for "columns" mode). */
  predict(x: Float32Array, rows: number): Promise<Float32Array>;
  dispose(): Promise<void>;
}

/** How models are loaded. */
export interface ScoringModelOptions {
  /** onnxruntime-web's wasm files (a browser worker); Node finds them in the package. */
  ort?: OrtSetup;
}

const COLUMN_TYPES: readonly string[] = ['integer', 'number', 'boolean', 'category', 'text', 'datetime', 'image'];

/** Every file of a registered model version, in memory. */
export async function readRegisteredModel(db: WorkspaceDb, versionId: string): Promise<ModelFiles> {
  const version = await db.modelVersions.get(versionId);
  if (!version) throw new Error(`Model version "${versionId}" does not exist in this workspace`);
  const files = new Map<string, ArrayBuffer>();
  for (const file of await getModelFiles(db, versionId)) files.set(file.name, file.data instanceof Blob ? await file.data.arrayBuffer() : file.data);
  return { format: version.format, files, signature: version.signature, ...(version.featurizerFile === undefined ? {} : { featurizerFile: version.featurizerFile }) };
}

function jsonFile(files: ReadonlyMap<string, ArrayBuffer>, name: string): unknown {
  const bytes = files.get(name);
  if (!bytes) throw new Error(`The model has no file "${name}"`);
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new Error(`The model's "${name}" is not valid JSON`);
  }
}

/** A table signature (columns with column types, no tensor shapes) with a featurizer gives table mode. */
function tableInput(signature: ModelVersionSignature, featurizer: FeaturizerArtifact | undefined): Extract<ScoringInput, { kind: 'table' }> | undefined {
  if (!featurizer || signature.inputs.length === 0 || signature.inputs.some((i) => i.shape !== undefined || !COLUMN_TYPES.includes(i.type))) return undefined;
  const pipeline = FeaturePipeline.fromJSON(featurizer.pipeline);
  const columns = signature.inputs.map((i) => ({ name: i.name, type: i.type as ColumnType }));
  const missing = pipeline.segments.find((s) => !columns.some((c) => c.name === s.column));
  if (missing) throw new Error(`The featurizer reads column "${missing.column}", which the model's signature does not list`);
  return { kind: 'table', columns, pipeline, ignored: signature.target ? [signature.target.name] : [] };
}

/** What the first output means, with its width. */
function outputOf(signature: ModelVersionSignature, featurizer: FeaturizerArtifact | undefined, width: number): ScoringOutput {
  const declared = signature.outputs[0];
  const classes = declared?.classes ?? featurizer?.classLabels?.classes;
  const kind = declared?.kind ?? 'tensor';
  const output: ScoringOutput = { kind, width, ...(classes && kind !== 'value' && kind !== 'tensor' ? { classes } : {}) };
  checkOutputWidth(output, width);
  return output;
}

/** Loads a model from its files. Throws an Error naming the missing or bad file. */
export async function openScoringModel(model: ModelFiles, options: ScoringModelOptions = {}): Promise<ScoringModel> {
  switch (model.format) {
    case 'onnx':
      return openOnnx(model, options);
    case 'tabular':
      return openTabular(model);
    default:
      return openTfjs(model);
  }
}

function featurizerOf(model: ModelFiles): FeaturizerArtifact | undefined {
  const name = model.featurizerFile ?? (model.files.has('featurizer.json') ? 'featurizer.json' : undefined);
  return name === undefined ? undefined : (jsonFile(model.files, name) as FeaturizerArtifact);
}

async function openTfjs(model: ModelFiles): Promise<ScoringModel> {
  const [tf, { importModel, predictRows }] = await Promise.all([import('@tensorflow/tfjs'), import('../engines/tfjs/model-export')]);
  const modelJson = jsonFile(model.files, 'model.json') as { modelTopology?: object; weightsManifest?: { paths: string[]; weights: never[] }[]; generatedBy?: string };
  if (!modelJson.modelTopology || !Array.isArray(modelJson.weightsManifest)) throw new Error('The model\'s "model.json" is not a TF.js layers model (no topology or weights manifest)');
  const parts = modelJson.weightsManifest.flatMap((group) => group.paths).map((path) => {
    const bytes = model.files.get(path) ?? model.files.get(path.split('/').pop() ?? path);
    if (!bytes) throw new Error(`The model's weights file "${path}" (named in model.json) is missing`);
    return bytes;
  });
  const layers = await importModel({
    format: 'layers-model',
    generatedBy: modelJson.generatedBy ?? 'TensorFlow.js',
    modelTopology: modelJson.modelTopology,
    weightSpecs: modelJson.weightsManifest.flatMap((group) => group.weights),
    weightData: tf.io.CompositeArrayBuffer.join(parts),
  });
  try {
    const featurizer = featurizerOf(model);
    const signature = model.signature ?? (model.files.has('signature.json') ? signatureFromRunArtifact(jsonFile(model.files, 'signature.json')) : { inputs: [], outputs: [] });
    const width = layers.inputs[0].shape[1] ?? -1;
    const input = tableInput(signature, featurizer) ?? { kind: 'tensor', name: layers.inputs[0].name, width };
    if (input.kind === 'table' && input.pipeline.featureCount !== width) throw new Error(`The featurizer writes ${input.pipeline.featureCount} features per row; the model reads ${width}`);
    const outputWidth = layers.outputs[0].shape[1] ?? 1;
    return {
      signature,
      input,
      output: outputOf(signature, featurizer, outputWidth),
      runtime: `TF.js (${tf.getBackend()})`,
      predict: (x) => predictRows(layers, x),
      async dispose() {
        layers.dispose();
      },
    };
  } catch (err) {
    layers.dispose();
    throw err;
  }
}

async function openOnnx(model: ModelFiles, options: ScoringModelOptions): Promise<ScoringModel> {
  const onnxName = [...model.files.keys()].find((name) => name.toLowerCase().endsWith('.onnx'));
  if (!onnxName) throw new Error('The model has no .onnx file');
  const { OnnxSession, configureOrt } = await import('../engines/onnx/session');
  configureOrt(options.ort);
  const session = await OnnxSession.create(new Uint8Array(model.files.get(onnxName) as ArrayBuffer), { providers: ['wasm'] });
  try {
    const metadata = session.model.metadata;
    const featurizer = featurizerOf(model) ?? parseMetadata<FeaturizerArtifact>(metadata, 'benchtop.featurizer');
    const fromMetadata = parseMetadata<unknown>(metadata, 'benchtop.signature');
    let signature = model.signature ?? (fromMetadata === undefined ? undefined : signatureFromRunArtifact(fromMetadata));
    // A registered ONNX file may list its tensors as inputs; its Benchtop metadata (when exported from here) names the columns.
    if (signature && featurizer && !tableInput(signature, featurizer) && fromMetadata !== undefined) signature = signatureFromRunArtifact(fromMetadata);
    const tensor = session.inputs[0];
    const declaredWidth = tensor?.shape?.[1];
    const width = typeof declaredWidth === 'number' ? declaredWidth : -1;
    signature ??= { inputs: session.inputs.map((i) => ({ name: i.name, type: i.type, shape: (i.shape ?? []).map((d) => (typeof d === 'number' ? d : -1)) })), outputs: session.outputs.map((o) => ({ name: o.name, kind: 'tensor', shape: (o.shape ?? []).map((d) => (typeof d === 'number' ? d : -1)) })) };
    const input: Exclude<ScoringInput, { kind: 'columns' }> = tableInput(signature, featurizer) ?? { kind: 'tensor', name: tensor?.name ?? 'input', width };
    if (session.inputs.length !== 1) throw new Error(`Only ONNX models with one input can be scored here; this one has ${session.inputs.length}: ${session.inputs.map((i) => JSON.stringify(i.name)).join(', ')}`);
    const inputWidth = input.kind === 'table' ? input.pipeline.featureCount : input.width;
    const declared = session.outputs[0]?.shape;
    let outputWidth = declared && declared.length > 0 && declared.slice(1).every((d) => typeof d === 'number') ? (declared.slice(1) as number[]).reduce((a, b) => a * b, 1) : undefined;
    // An output whose size the file does not fix: one row of zeros tells it.
    if (outputWidth === undefined && inputWidth > 0) outputWidth = (await session.runRows(new Float32Array(inputWidth), 1)).values.length;
    const output = outputOf(signature, featurizer, outputWidth ?? 1);
    return {
      signature,
      input,
      output,
      runtime: `ONNX Runtime (${session.provider})`,
      async predict(x, rows) {
        const result = await session.runRows(x, rows);
        if (result.values.length !== rows * output.width) throw new Error(`The model gave ${result.values.length} values for ${rows} rows; expected ${output.width} per row`);
        return result.values;
      },
      dispose: () => session.release(),
    };
  } catch (err) {
    await session.release();
    throw err;
  }
}

/** Column types a tabular model may read (AutoML leaves image columns out). */
const TABULAR_COLUMN_TYPES: readonly string[] = COLUMN_TYPES.filter((t) => t !== 'image');

/** An AutoML job's refit model: raw columns → its own featurizer → its member models (averaged by weight). */
async function openTabular(model: ModelFiles): Promise<ScoringModel> {
  const file = jsonFile(model.files, AUTOML_MODEL_FILE);
  const { loadAutoMLModel } = await import('../core/automl/final-model');
  const fromFile = signatureFromAutoMLModel(file);
  const signature = model.signature ?? fromFile;
  const loaded = loadAutoMLModel(file);
  const columns = fromFile.inputs.map((i) => ({ name: i.name, type: i.type as ColumnType }));
  const odd = columns.find((c) => !TABULAR_COLUMN_TYPES.includes(c.type));
  if (odd) throw new Error(`The model's input column ${JSON.stringify(odd.name)} has type "${odd.type}"; a tabular model reads ${TABULAR_COLUMN_TYPES.join(', ')} columns`);
  const classification = loaded.task !== 'regression';
  const width = loaded.width;
  const output: ScoringOutput = classification ? { kind: 'probabilities', classes: [...loaded.classes], width } : { kind: 'value', width };
  checkOutputWidth(output, width);
  // A caller may send a whole dataset row: the target, and the columns the AutoML guardrails dropped (IDs, constants).
  const ignored = [...(fromFile.target ? [fromFile.target.name] : []), ...loaded.actions.flatMap((a) => (a.kind === 'drop' ? [a.column] : []))];
  return {
    signature,
    input: {
      kind: 'columns',
      columns,
      ignored,
      predict(values, rows) {
        const raw = columns.map((c) => {
          const column = values.get(c.name);
          if (!column) throw new Error(`Column "${c.name}" is missing; the model reads it`);
          // The same cells the AutoML job trained on (src/jobs/automl-data.ts): no skew between training and scoring.
          return { name: c.name, values: rawValues(column, c.type === 'datetime') };
        });
        const predicted = loaded.predict(raw, rows);
        if (predicted.length !== rows * width) throw new Error(`The model gave ${predicted.length} values for ${rows} rows; expected ${width} per row`);
        return Float32Array.from(predicted);
      },
    },
    output,
    runtime: 'Benchtop tabular (TypeScript)',
    predict: () => Promise.reject(new Error('A tabular model reads table columns, not feature rows')),
    dispose: () => Promise.resolve(),
  };
}

function parseMetadata<T>(metadata: Record<string, string>, key: string): T | undefined {
  const text = Object.hasOwn(metadata, key) ? metadata[key] : undefined;
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`The ONNX file's metadata "${key}" is not valid JSON`);
  }
}
