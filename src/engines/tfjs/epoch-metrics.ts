/**
 * @file Validation loss and metrics from a model's predictions, computed in float64 on the host: the same formulas
 * as the TF.js losses the model trains with (cross-entropy clipped at 1e-7), without the weight penalty.
 * Accuracy for classification; RMSE, MAE and R² for regression.
 */
import type { LossName, TrainTask } from '../../protocol/train';

/** Loss and metrics of one pass over a split. */
export interface SplitMetrics {
  loss: number;
  accuracy?: number;
  rmse?: number;
  mae?: number;
  r2?: number;
}

// TF.js clips probabilities to [1e-7, 1 - 1e-7] in float32, where 1 - 1e-7 rounds to 1 - 1.19e-7.
const LOW = Math.fround(1e-7);
const HIGH = Math.fround(1 - 1e-7);

function clip(p: number): number {
  return Math.min(HIGH, Math.max(LOW, p));
}

function huber(error: number): number {
  const a = Math.abs(error);
  return a <= 1 ? 0.5 * a * a : a - 0.5;
}

/**
 * Metrics of predictions `yPred` against labels `yTrue` (rows; multiclass predictions are rows × `classCount`
 * probabilities and labels are class indices). An empty split gives NaN everywhere.
 */
export function splitMetrics(task: TrainTask, loss: LossName, yTrue: ArrayLike<number>, yPred: ArrayLike<number>, classCount = 1): SplitMetrics {
  const n = yTrue.length;
  const width = task === 'multiclass' ? classCount : 1;
  if (yPred.length !== n * width) throw new Error(`Got ${yPred.length} predictions for ${n} rows × ${width} outputs`);
  if (task === 'binary') {
    let sum = 0;
    let correct = 0;
    for (let i = 0; i < n; i++) {
      const p = clip(yPred[i]);
      sum -= yTrue[i] * Math.log(p) + (1 - yTrue[i]) * Math.log(1 - p);
      if ((yPred[i] > 0.5 ? 1 : 0) === yTrue[i]) correct++;
    }
    return { loss: sum / n, accuracy: correct / n };
  }
  if (task === 'multiclass') {
    let sum = 0;
    let correct = 0;
    for (let i = 0; i < n; i++) {
      const row = i * width;
      let total = 0;
      let best = 0;
      for (let k = 0; k < width; k++) {
        total += yPred[row + k];
        if (yPred[row + k] > yPred[row + best]) best = k;
      }
      sum -= Math.log(clip(yPred[row + yTrue[i]] / total));
      if (best === yTrue[i]) correct++;
    }
    return { loss: sum / n, accuracy: correct / n };
  }
  let lossSum = 0;
  let squared = 0;
  let absolute = 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += yTrue[i] / n;
  let variance = 0;
  for (let i = 0; i < n; i++) {
    const error = yPred[i] - yTrue[i];
    squared += error * error;
    absolute += Math.abs(error);
    variance += (yTrue[i] - mean) ** 2;
    lossSum += loss === 'mae' ? Math.abs(error) : loss === 'huber' ? huber(error) : error * error;
  }
  // R² is undefined for a constant target.
  const r2 = variance > 0 ? 1 - squared / variance : Number.NaN;
  return { loss: lossSum / n, rmse: Math.sqrt(squared / n), mae: absolute / n, r2 };
}
