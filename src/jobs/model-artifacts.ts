/**
 * @file A trained model as run artifacts, ready for the registry: `model.json` (TF.js layers format, its weights
 * manifest pointing at `model.weights.bin`), `model.weights.bin`, `featurizer.json` (the fitted feature pipeline
 * and class labels) and `signature.json` (input columns and types, outputs). And the way back: loading them.
 */
import type * as tf from '@tensorflow/tfjs';
import type { FeaturePipelineState } from '../core/features/pipeline';
import type { ClassLabelsState } from '../core/features/target';
import type { SavedLayersModel } from '../engines/tfjs/model-export';
import type { ColumnType } from '../protocol/dataset';
import type { LineageRef } from '../protocol/run';
import type { TrainTask } from '../protocol/train';
import { getArtifactByName, putArtifact } from '../storage/artifacts';
import type { WorkspaceDb } from '../storage/workspace-schema';

/** Artifact names of a trained model. */
export const MODEL_ARTIFACTS = Object.freeze({
  model: 'model.json',
  weights: 'model.weights.bin',
  featurizer: 'featurizer.json',
  signature: 'signature.json',
  evaluation: 'evaluation.json',
} as const);

/** `featurizer.json`: how raw columns become the model's input row, and what its outputs mean. */
export interface FeaturizerArtifact {
  version: 1;
  pipeline: FeaturePipelineState;
  /** Classification only. */
  classLabels?: ClassLabelsState;
}

/** `signature.json`: the columns a caller passes and what comes back. */
export interface ModelSignature {
  version: 1;
  task: TrainTask;
  inputs: { name: string; type: ColumnType }[];
  target: { name: string; type: ColumnType };
  /** Width of the featurized row the TF.js model reads. */
  featureCount: number;
  /** binary: one probability of `classes[1]`; multiclass: one probability per class; regression: one number. */
  output: { kind: 'probability' | 'probabilities' | 'value'; shape: number[]; classes?: string[] };
}

/** `model.json` in TF.js's layers format. */
interface ModelJson {
  format: 'layers-model';
  generatedBy: string;
  convertedBy: null;
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

/** What {@link saveModelArtifacts} stores. */
export interface ModelArtifactsInput {
  saved: SavedLayersModel;
  featurizer: FeaturizerArtifact;
  signature: ModelSignature;
}

const json = (value: unknown) => new Blob([JSON.stringify(value)], { type: 'application/json' });

/** Stores the four model artifacts of a run; returns their lineage references. */
export async function saveModelArtifacts(db: WorkspaceDb, runId: string, input: ModelArtifactsInput): Promise<LineageRef[]> {
  const { saved } = input;
  const modelJson: ModelJson = {
    format: saved.format,
    generatedBy: saved.generatedBy,
    convertedBy: null,
    modelTopology: saved.modelTopology,
    weightsManifest: [{ paths: [MODEL_ARTIFACTS.weights], weights: saved.weightSpecs }],
  };
  const records = [
    await putArtifact(db, { runId, name: MODEL_ARTIFACTS.model, mediaType: 'application/json', data: json(modelJson) }),
    await putArtifact(db, { runId, name: MODEL_ARTIFACTS.weights, mediaType: 'application/octet-stream', data: saved.weightData }),
    await putArtifact(db, { runId, name: MODEL_ARTIFACTS.featurizer, mediaType: 'application/json', data: json(input.featurizer) }),
    await putArtifact(db, { runId, name: MODEL_ARTIFACTS.signature, mediaType: 'application/json', data: json(input.signature) }),
  ];
  return records.map((r) => ({ kind: 'artifact', id: r.id }));
}

/** A run's stored model, featurizer and signature; an Error names the first missing artifact. */
export async function loadModelArtifacts(db: WorkspaceDb, runId: string): Promise<ModelArtifactsInput> {
  const read = async (name: string) => {
    const artifact = await getArtifactByName(db, runId, name);
    if (!artifact) throw new Error(`Run "${runId}" has no artifact "${name}"; was its training completed?`);
    return artifact.data instanceof Blob ? artifact.data.arrayBuffer() : artifact.data;
  };
  const text = async (name: string) => JSON.parse(new TextDecoder().decode(await read(name))) as unknown;
  const modelJson = (await text(MODEL_ARTIFACTS.model)) as ModelJson;
  const saved: SavedLayersModel = {
    format: 'layers-model',
    generatedBy: modelJson.generatedBy,
    modelTopology: modelJson.modelTopology,
    weightSpecs: modelJson.weightsManifest.flatMap((m) => m.weights),
    weightData: await read(MODEL_ARTIFACTS.weights),
  };
  return {
    saved,
    featurizer: (await text(MODEL_ARTIFACTS.featurizer)) as FeaturizerArtifact,
    signature: (await text(MODEL_ARTIFACTS.signature)) as ModelSignature,
  };
}
