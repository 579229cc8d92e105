/**
 * @file Checks an exported ONNX file against the TF.js model it came from: both score the same seeded random
 * rows and the largest absolute difference of their outputs must stay within {@link EXPORT_TOLERANCE}.
 */
import type * as tf from '@tensorflow/tfjs';
import { Rng } from '../../core/random/rng';
import { predictRows } from '../tfjs/model-export';
import type { OnnxExport } from './export-from-tfjs';
import type { OnnxSession } from './session';

/** The largest output difference an export may show against TF.js. */
export const EXPORT_TOLERANCE = 1e-4;

/** `rows` random rows of `width` values: ids below `idRange` for an embedding input, else uniform in [-2, 2). */
export function probeRows(width: number, rows: number, seed: number, idRange: number | null): Float32Array {
  const rng = new Rng(seed).fork('onnx-probe');
  const values = new Float32Array(width * rows);
  for (let i = 0; i < values.length; i++) values[i] = idRange !== null ? rng.int(idRange) : rng.next() * 4 - 2;
  return values;
}

/** Outcome of a comparison. */
export interface ExportComparison {
  rows: number;
  maxAbsDiff: number;
  /** TF.js's and onnxruntime's outputs, row-major. */
  tfjs: Float32Array;
  onnx: Float32Array;
}

/** Scores `rows` seeded random rows with the TF.js model and the ONNX session; returns the largest difference. */
export async function compareWithTfjs(model: tf.LayersModel, session: OnnxSession, exported: OnnxExport, options: { rows?: number; seed?: number } = {}): Promise<ExportComparison> {
  const rows = options.rows ?? 64;
  const width = model.inputs[0].shape[1];
  if (model.inputs.length !== 1 || model.inputs[0].shape.length !== 2 || typeof width !== 'number') {
    throw new Error('The export check scores models with one input of shape [rows, features]');
  }
  const x = probeRows(width, rows, options.seed ?? 1, exported.idRanges[0] ?? null);
  const tfjs = await predictRows(model, x);
  const onnx = (await session.runRows(x, rows)).values;
  if (tfjs.length !== onnx.length) throw new Error(`TF.js gave ${tfjs.length} outputs and ONNX Runtime ${onnx.length} for the same ${rows} rows`);
  let maxAbsDiff = 0;
  for (let i = 0; i < tfjs.length; i++) {
    const diff = Math.abs(tfjs[i] - onnx[i]);
    // NaN on either side counts as a failure, not as 0.
    maxAbsDiff = Number.isNaN(diff) ? Infinity : Math.max(maxAbsDiff, diff);
  }
  return { rows, maxAbsDiff, tfjs, onnx };
}
