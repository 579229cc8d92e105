import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend-setup';
import { EarlyStopping, watchedValue } from './early-stopping';
import { splitMetrics } from './epoch-metrics';
import { huberLoss } from './model-builder';

beforeAll(() => initBackend('cpu'));

/** TF.js's own mean loss, for comparison. */
function tfLoss(fn: (t: tf.Tensor, p: tf.Tensor) => tf.Tensor, yTrue: number[][], yPred: number[][]): number {
  return tf.tidy(() => tf.mean(fn(tf.tensor2d(yTrue), tf.tensor2d(yPred))).dataSync()[0]);
}

describe('splitMetrics', () => {
  it('matches TF.js binary cross-entropy and thresholds accuracy at p > 0.5', () => {
    const y = [1, 0, 1, 0];
    const p = [0.9, 0.2, 0.5, 1]; // 1 is clipped as TF.js clips it
    const m = splitMetrics('binary', 'crossentropy', y, p);
    expect(m.loss).toBeCloseTo(tfLoss(tf.metrics.binaryCrossentropy, y.map((v) => [v]), p.map((v) => [v])), 5);
    expect(m.accuracy).toBe(0.5);
  });

  it('matches TF.js sparse categorical cross-entropy', () => {
    const y = [0, 2, 1];
    const p = [0.7, 0.2, 0.1, 0.1, 0.1, 0.8, 0.5, 0.3, 0.2];
    const m = splitMetrics('multiclass', 'crossentropy', y, p, 3);
    const rows = [p.slice(0, 3), p.slice(3, 6), p.slice(6)];
    const oneHot = y.map((k) => [0, 1, 2].map((j) => (j === k ? 1 : 0)));
    expect(m.loss).toBeCloseTo(tfLoss(tf.metrics.categoricalCrossentropy, oneHot, rows), 5);
    expect(m.accuracy).toBeCloseTo(2 / 3, 12);
  });

  it('computes mse, mae, huber, RMSE, MAE and R² for regression', () => {
    const y = [1, 2, 3, 4];
    const p = [1.5, 2, 1, 4];
    const col = (a: number[]) => a.map((v) => [v]);
    expect(splitMetrics('regression', 'mse', y, p).loss).toBeCloseTo(tfLoss(tf.metrics.meanSquaredError, col(y), col(p)), 6);
    expect(splitMetrics('regression', 'mae', y, p).loss).toBeCloseTo(tfLoss(tf.metrics.meanAbsoluteError, col(y), col(p)), 6);
    expect(splitMetrics('regression', 'huber', y, p).loss).toBeCloseTo(tfLoss(huberLoss, col(y), col(p)), 6);
    const m = splitMetrics('regression', 'mse', y, p);
    expect(m.rmse).toBeCloseTo(Math.sqrt(4.25 / 4), 12);
    expect(m.mae).toBeCloseTo(2.5 / 4, 12);
    expect(m.r2).toBeCloseTo(1 - 4.25 / 5, 12);
    expect(splitMetrics('regression', 'mse', [2, 2], [2, 2]).r2).toBeNaN();
    expect(() => splitMetrics('multiclass', 'crossentropy', [0], [1, 0], 3)).toThrow('Got 2 predictions for 1 rows × 3 outputs');
  });
});

describe('EarlyStopping', () => {
  it('counts epochs without an improvement larger than minDelta, in either mode', () => {
    const min = new EarlyStopping({ metric: 'val_loss', patience: 2, minDelta: 0.1, mode: 'min', restoreBest: true });
    expect([1, 0.95, 0.7, 0.65, 0.62].map((loss, i) => min.update(i + 1, { loss }))).toEqual([true, false, true, false, false]);
    expect(min.shouldStop).toBe(true);
    expect(min.toJSON()).toEqual({ best: 0.7, bestEpoch: 3, wait: 2 });
    const max = new EarlyStopping({ metric: 'val_accuracy', patience: 1, minDelta: 0, mode: 'max', restoreBest: false }, { best: 0.5, bestEpoch: 4, wait: 0 });
    expect(max.update(5, { loss: 1, accuracy: 0.6 })).toBe(true);
    expect(max.update(6, { loss: 1, accuracy: Number.NaN })).toBe(false);
    expect(max.shouldStop).toBe(true);
    expect(watchedValue('val_r2', { loss: 1 })).toBeNaN();
    expect(() => new EarlyStopping({ metric: 'val_loss', patience: 0, minDelta: 0, mode: 'min', restoreBest: false })).toThrow('patience 0');
  });
});
