/**
 * @file A trained model in TF.js's layers format, in memory (topology JSON + weight specs + one weight buffer):
 * what is stored as the model artifact, loaded back for evaluation and serving; and batched prediction.
 */
import * as tf from '@tensorflow/tfjs';

/** A model in TF.js layers format: `model.json`'s parts plus the weights as one buffer. Structured-cloneable. */
export interface SavedLayersModel {
  format: 'layers-model';
  generatedBy: string;
  modelTopology: object;
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: ArrayBuffer;
}

/** Saves `model` (architecture and weights; not the optimizer) to memory. */
export async function exportModel(model: tf.LayersModel): Promise<SavedLayersModel> {
  let saved: SavedLayersModel | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      if (!artifacts.modelTopology || !artifacts.weightSpecs || artifacts.weightData === undefined) {
        throw new Error('TF.js saved the model without its topology or weights');
      }
      saved = {
        format: 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        modelTopology: artifacts.modelTopology as object,
        weightSpecs: artifacts.weightSpecs,
        weightData: tf.io.CompositeArrayBuffer.join(artifacts.weightData),
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!saved) throw new Error('TF.js did not call the save handler');
  return saved;
}

/** Loads a model saved by {@link exportModel} (not compiled: for prediction). */
export async function importModel(saved: SavedLayersModel): Promise<tf.LayersModel> {
  if (saved?.format !== 'layers-model' || typeof saved.modelTopology !== 'object' || !(saved.weightData instanceof ArrayBuffer)) {
    throw new Error(`Not a saved TF.js layers model (format ${JSON.stringify(saved?.format)}); expected format "layers-model" with a topology and an ArrayBuffer of weights`);
  }
  return tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: saved.modelTopology, weightSpecs: saved.weightSpecs, weightData: saved.weightData, format: 'layers-model', generatedBy: saved.generatedBy }),
  );
}

/**
 * Predictions for rows of `x` (row-major, the model's input width), `batchSize` rows at a time: rows × outputs
 * values (a probability, class probabilities, or a number per row). Reads back with `await data()` (WebGPU-safe).
 */
export async function predictRows(model: tf.LayersModel, x: Float32Array, batchSize = 256): Promise<Float32Array> {
  const features = model.inputs[0].shape[1] as number;
  const outputs = model.outputs[0].shape[1] as number;
  if (x.length % features !== 0) throw new Error(`Got ${x.length} feature values; expected a multiple of the model's ${features} inputs`);
  const rows = x.length / features;
  const out = new Float32Array(rows * outputs);
  for (let start = 0; start < rows; start += batchSize) {
    const size = Math.min(batchSize, rows - start);
    const prediction = tf.tidy(() => model.predict(tf.tensor2d(x.slice(start * features, (start + size) * features), [size, features])) as tf.Tensor);
    try {
      out.set(await prediction.data(), start * outputs);
    } finally {
      prediction.dispose();
    }
  }
  return out;
}
