/**
 * @file Worker of the scoring benchmark (bench/score.mjs): one TF.js backend per fresh worker, set up with the lab's
 * `initBackend` (and its bundled wasm binaries), a model opened with the lab's `openScoringModel` (what the score
 * worker uses) and scored with its `predict` (`predictRows`). Also builds the benchmark's bigger MLP, seeded, on the
 * cpu backend, and exports it to ONNX with the lab's exporter.
 */
import * as tf from '@tensorflow/tfjs';
import { expose, transfer } from 'comlink';
import { exportSavedModelToOnnx } from '../../src/engines/onnx/export-from-tfjs';
import { initBackend } from '../../src/engines/tfjs/backend-setup';
import type { BackendName } from '../../src/engines/tfjs/backends';
import { exportModel } from '../../src/engines/tfjs/model-export';
import { openScoringModel, type ScoringModel } from '../../src/jobs/scoring-model';
import { TFJS_WASM_PATHS } from '../../src/jobs/wasm-paths';

/** A model as files (name → bytes), the way the registry hands them to `openScoringModel`. */
export type ModelFileMap = Record<string, ArrayBuffer>;

/** The bigger MLP: its files in both formats. */
export interface BuiltMlp {
  tfjs: ModelFileMap;
  onnx: Uint8Array;
  params: number;
  layers: string[];
}

let model: ScoringModel | undefined;

const api = {
  /** Makes `backend` TF.js's backend; returns the backend TF.js reports. */
  async init(backend: BackendName): Promise<string> {
    await initBackend(backend, backend === 'wasm' ? { wasmPaths: TFJS_WASM_PATHS } : {});
    return tf.getBackend();
  },

  /** Opens a TF.js model from its files; returns the runtime label and the input/output widths. */
  async load(files: ModelFileMap): Promise<{ runtime: string; inputWidth: number; outputWidth: number }> {
    await model?.dispose();
    model = await openScoringModel({ format: 'tfjs', files: new Map(Object.entries(files)) });
    const { input } = model;
    return { runtime: model.runtime, inputWidth: input.kind === 'tensor' ? input.width : input.kind === 'table' ? input.pipeline.featureCount : -1, outputWidth: model.output.width };
  },

  /** Raw outputs of `rows` rows. The input is cloned (the page reuses it); the output is transferred (fresh). */
  async predict(x: Float32Array, rows: number): Promise<Float32Array> {
    if (!model) throw new Error('No model loaded in this worker');
    const out = await model.predict(x, rows);
    return transfer(out, [out.buffer as ArrayBuffer]);
  },

  /**
   * Builds the dense net `units[0] → units[1] → … → units.at(-1)` (relu, softmax last) with seeded Glorot-uniform
   * weights and small seeded biases on the cpu backend, and returns it as TF.js files and as an ONNX file (the lab's
   * exporter). The same seed gives the same bytes.
   */
  async buildMlp(units: number[], seed: number): Promise<BuiltMlp> {
    await initBackend('cpu');
    const net = tf.sequential();
    for (let i = 1; i < units.length; i++) {
      const last = i === units.length - 1;
      net.add(
        tf.layers.dense({
          units: units[i],
          activation: last ? 'softmax' : 'relu',
          kernelInitializer: tf.initializers.glorotUniform({ seed: seed + i }),
          biasInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: seed + 100 + i }),
          ...(i === 1 ? { inputShape: [units[0]], name: 'dense_in' } : { name: last ? 'dense_out' : `dense_${i}` }),
        }),
      );
    }
    const saved = await exportModel(net);
    const params = net.countParams();
    net.dispose();
    const exported = exportSavedModelToOnnx(saved, { docString: `Benchtop scoring benchmark MLP ${units.join('-')}, seed ${seed}` });
    const modelJson = {
      format: saved.format,
      generatedBy: saved.generatedBy,
      modelTopology: saved.modelTopology,
      weightsManifest: [{ paths: ['model.weights.bin'], weights: saved.weightSpecs }],
    };
    const jsonBytes = new TextEncoder().encode(JSON.stringify(modelJson));
    const built: BuiltMlp = {
      tfjs: { 'model.json': jsonBytes.buffer as ArrayBuffer, 'model.weights.bin': saved.weightData },
      onnx: exported.bytes,
      params,
      layers: units.slice(1).map((u, i) => `dense ${units[i]}→${u}`),
    };
    return transfer(built, [jsonBytes.buffer as ArrayBuffer, saved.weightData, exported.bytes.buffer as ArrayBuffer]);
  },
};

/** The worker's API as the page sees it. */
export type TfjsScoreWorkerApi = typeof api;

expose(api);
