/**
 * @file Fine-tuning: a run whose spec names `init` starts from the TF.js weights of a registered model version
 * instead of its seeded initialization. The spec's model is built as usual, then every weight is replaced, in
 * order, by the version's; the shapes must match one for one (same layers, same featurized width, same number of
 * classes), else the run fails with an Error naming the first mismatch.
 */
import * as tf from '@tensorflow/tfjs';
import type { InitSpec } from '../protocol/train';
import { getModelVersion, readModelFile } from '../storage/model-versions';
import type { WorkspaceDb } from '../storage/workspace-schema';
import { MODEL_ARTIFACTS } from './model-artifacts';

/** One weight of the model to start from: its name in the saved model, shape and values. */
export interface InitWeight {
  name: string;
  shape: number[];
  tensor: tf.Tensor;
}

/** What a fine-tuned run starts from. */
export interface InitWeights {
  /** `<model version id>` and how to name it in messages. */
  label: string;
  weights: InitWeight[];
  /** The class labels of the version's featurizer, when it has them. */
  classes?: string[];
}

interface WeightsGroup {
  paths: string[];
  weights: tf.io.WeightsManifestEntry[];
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads the weights of the model version `init` names (format `tfjs`, files `model.json` and `model.weights.bin`).
 * Throws an Error naming the version when it is missing, not a TF.js model, or its files do not decode.
 */
export async function readInitWeights(db: WorkspaceDb, init: InitSpec): Promise<InitWeights> {
  const version = await getModelVersion(db, init.modelVersionId);
  if (!version) throw new Error(`init.modelVersionId: model version "${init.modelVersionId}" is not in this workspace's registry`);
  const label = `model version ${version.version} (${version.id})`;
  if (version.format !== 'tfjs') throw new Error(`init: ${label} is a ${version.format} model; fine-tuning starts from TF.js weights only`);
  let manifest: WeightsGroup[];
  try {
    const modelJson: unknown = JSON.parse(new TextDecoder().decode(await readModelFile(db, version.id, MODEL_ARTIFACTS.model)));
    if (!isObject(modelJson) || !Array.isArray(modelJson.weightsManifest)) throw new Error('it has no weightsManifest');
    manifest = modelJson.weightsManifest as WeightsGroup[];
  } catch (err) {
    throw new Error(`init: the ${MODEL_ARTIFACTS.model} of ${label} cannot be read: ${err instanceof Error ? err.message : String(err)}`);
  }
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: ArrayBuffer[] = [];
  for (const group of manifest) {
    if (!isObject(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) throw new Error(`init: the weights manifest of ${label} is malformed`);
    specs.push(...group.weights);
    for (const path of group.paths) buffers.push(await readModelFile(db, version.id, String(path)));
  }
  const total = buffers.reduce((n, b) => n + b.byteLength, 0);
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    joined.set(new Uint8Array(b), offset);
    offset += b.byteLength;
  }
  let named: tf.NamedTensorMap;
  try {
    named = tf.io.decodeWeights(joined.buffer, specs);
  } catch (err) {
    throw new Error(`init: the weights of ${label} do not decode: ${err instanceof Error ? err.message : String(err)}`);
  }
  const classes = version.featurizerFile ? await featurizerClasses(db, version.id, version.featurizerFile) : undefined;
  return { label, weights: specs.map((s) => ({ name: s.name, shape: [...s.shape], tensor: named[s.name] })), ...(classes ? { classes } : {}) };
}

async function featurizerClasses(db: WorkspaceDb, versionId: string, name: string): Promise<string[] | undefined> {
  try {
    const featurizer: unknown = JSON.parse(new TextDecoder().decode(await readModelFile(db, versionId, name)));
    const labels = isObject(featurizer) && isObject(featurizer.classLabels) ? featurizer.classLabels.classes : undefined;
    return Array.isArray(labels) && labels.every((c) => typeof c === 'string') ? labels : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Replaces every weight of `model` by the one at the same position of `init`. Throws (before changing anything)
 * an Error naming the first weight whose shape differs, or the counts when they differ.
 */
export function applyInitWeights(model: tf.LayersModel, init: InitWeights): void {
  const mine = model.weights;
  const shape = (s: readonly (number | null)[]) => `[${s.join(', ')}]`;
  for (let i = 0; i < Math.min(mine.length, init.weights.length); i++) {
    const want = mine[i].shape;
    const have = init.weights[i].shape;
    if (want.length !== have.length || want.some((d, k) => d !== have[k])) {
      throw new Error(
        `init: weight ${i + 1} ("${mine[i].originalName}") of the spec's model has shape ${shape(want)}, but ${init.label} has ${shape(have)} there ("${init.weights[i].name}"): ` +
          'the model, its featurized inputs or its number of classes differ from the model to fine-tune',
      );
    }
  }
  if (mine.length !== init.weights.length) {
    throw new Error(`init: the spec's model has ${mine.length} weights, but ${init.label} has ${init.weights.length}: the model's layers differ from the model to fine-tune`);
  }
  model.setWeights(init.weights.map((w) => w.tensor));
}

/** Frees the decoded weights. */
export function disposeInitWeights(init: InitWeights): void {
  tf.dispose(init.weights.map((w) => w.tensor));
}
