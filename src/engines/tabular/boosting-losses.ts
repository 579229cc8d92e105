/**
 * @file The losses gradient boosting minimises, as scikit-learn's HistGradientBoosting defines them: half squared
 * error (regression), binomial log loss on a logit (binary: one tree per iteration), and multinomial log loss on
 * one raw score per class (softmax: one tree per class per iteration). Raw scores are row-major, `nTrees` per row.
 */
import type { TabularTask } from './tabular-model';

/** A boosting loss: its start, its gradients and hessians, its value, and how raw scores become predictions. */
export interface BoostingLoss {
  /** Raw scores per row, and trees per iteration. */
  readonly nTrees: number;
  /** Every hessian is 1 (the histograms then skip them). */
  readonly constantHessian: boolean;
  /** The best constant raw score(s) on `rows`. */
  baseline(y: ArrayLike<number>, rows: Uint32Array): Float64Array;
  /** Gradients and hessians of each tree's raw score on the training rows (`raw` row-major over those rows). */
  gradients(raw: Float64Array, y: ArrayLike<number>, rows: Uint32Array, grad: Float32Array[], hess: Float32Array[]): void;
  /** Mean loss over `rows` (`raw` row-major over those rows). */
  loss(raw: Float64Array, y: ArrayLike<number>, rows: Uint32Array): number;
  /** Turns raw scores into probabilities (classification) or values (regression), in place of `out`. */
  output(raw: Float64Array, nRows: number, out: Float64Array): void;
}

const EPS = 2.220446049250313e-16;

/** The loss of a task with `nClasses` classes. */
export function boostingLoss(task: TabularTask, nClasses: number): BoostingLoss {
  if (task === 'regression') return SQUARED_ERROR;
  if (task === 'binary') return BINOMIAL;
  return multinomial(nClasses);
}

const SQUARED_ERROR: BoostingLoss = {
  nTrees: 1,
  constantHessian: true,
  baseline(y, rows) {
    let s = 0;
    for (let i = 0; i < rows.length; i++) s += y[rows[i]];
    return Float64Array.of(s / rows.length);
  },
  gradients(raw, y, rows, grad) {
    const g = grad[0];
    for (let i = 0; i < rows.length; i++) g[i] = raw[i] - y[rows[i]];
  },
  loss(raw, y, rows) {
    let s = 0;
    for (let i = 0; i < rows.length; i++) {
      const d = raw[i] - y[rows[i]];
      s += d * d;
    }
    return (0.5 * s) / rows.length;
  },
  output(raw, nRows, out) {
    out.set(raw.subarray(0, nRows));
  },
};

const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

const BINOMIAL: BoostingLoss = {
  nTrees: 1,
  constantHessian: false,
  baseline(y, rows) {
    let s = 0;
    for (let i = 0; i < rows.length; i++) s += y[rows[i]];
    const p = Math.min(1 - EPS, Math.max(EPS, s / rows.length));
    return Float64Array.of(Math.log(p / (1 - p)));
  },
  gradients(raw, y, rows, grad, hess) {
    const g = grad[0];
    const h = hess[0];
    for (let i = 0; i < rows.length; i++) {
      const p = sigmoid(raw[i]);
      g[i] = p - y[rows[i]];
      h[i] = p * (1 - p);
    }
  },
  loss(raw, y, rows) {
    let s = 0;
    for (let i = 0; i < rows.length; i++) {
      const z = raw[i];
      // log(1 + e^z) - y·z, computed without overflow.
      const softplus = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
      s += softplus - y[rows[i]] * z;
    }
    return s / rows.length;
  },
  output(raw, nRows, out) {
    for (let r = 0; r < nRows; r++) {
      const p = sigmoid(raw[r]);
      out[2 * r] = 1 - p;
      out[2 * r + 1] = p;
    }
  },
};

function multinomial(K: number): BoostingLoss {
  const p = new Float64Array(K);
  /** Softmax of row `r`'s raw scores into `p`; returns log Σ exp. */
  const softmax = (raw: Float64Array, r: number): number => {
    const o = r * K;
    let max = -Infinity;
    for (let k = 0; k < K; k++) if (raw[o + k] > max) max = raw[o + k];
    let sum = 0;
    for (let k = 0; k < K; k++) sum += p[k] = Math.exp(raw[o + k] - max);
    for (let k = 0; k < K; k++) p[k] /= sum;
    return max + Math.log(sum);
  };
  return {
    nTrees: K,
    constantHessian: false,
    baseline(y, rows) {
      const counts = new Float64Array(K);
      for (let i = 0; i < rows.length; i++) counts[y[rows[i]]]++;
      const logs = new Float64Array(K);
      let mean = 0;
      for (let k = 0; k < K; k++) {
        logs[k] = Math.log(Math.min(1 - EPS, Math.max(EPS, counts[k] / rows.length)));
        mean += logs[k] / K;
      }
      for (let k = 0; k < K; k++) logs[k] -= mean;
      return logs;
    },
    gradients(raw, y, rows, grad, hess) {
      for (let i = 0; i < rows.length; i++) {
        softmax(raw, i);
        const label = y[rows[i]];
        for (let k = 0; k < K; k++) {
          grad[k][i] = p[k] - (label === k ? 1 : 0);
          hess[k][i] = p[k] * (1 - p[k]);
        }
      }
    },
    loss(raw, y, rows) {
      let s = 0;
      for (let i = 0; i < rows.length; i++) s += softmax(raw, i) - raw[i * K + y[rows[i]]];
      return s / rows.length;
    },
    output(raw, nRows, out) {
      for (let r = 0; r < nRows; r++) {
        softmax(raw, r);
        out.set(p, r * K);
      }
    },
  };
}
