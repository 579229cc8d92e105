/**
 * @file The arithmetic of a multilayer perceptron on Float64Array: dense layers with ReLU hidden units and inverted
 * dropout, a softmax (classification) or linear (regression) output, the backward pass with L2 on the weights, and
 * Adam updates. Weights are row-major `inputs × outputs`. Pure and seeded through the caller's {@link Rng}.
 */
import type { Rng } from '../../core/random/rng';

/** One dense layer: `weights[i * outputs + o]`, one bias per output. */
export interface DenseLayer {
  inputs: number;
  outputs: number;
  weights: Float64Array;
  bias: Float64Array;
}

/** Layers with He-normal weights for the ReLU layers and Glorot-normal for the output; zero biases. */
export function initLayers(sizes: readonly number[], rng: Rng): DenseLayer[] {
  const layers: DenseLayer[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const inputs = sizes[l];
    const outputs = sizes[l + 1];
    const last = l + 2 === sizes.length;
    const std = last ? Math.sqrt(2 / (inputs + outputs)) : Math.sqrt(2 / inputs);
    const weights = new Float64Array(inputs * outputs);
    for (let i = 0; i < weights.length; i++) weights[i] = rng.normal(0, std);
    layers.push({ inputs, outputs, weights, bias: new Float64Array(outputs) });
  }
  return layers;
}

/** `out = A · W + b` for `rows` rows of `A`. */
function dense(layer: DenseLayer, A: Float64Array, rows: number, out: Float64Array): void {
  const { inputs: I, outputs: O, weights: W, bias } = layer;
  for (let r = 0; r < rows; r++) {
    const o = r * O;
    for (let j = 0; j < O; j++) out[o + j] = bias[j];
    for (let i = 0; i < I; i++) {
      const a = A[r * I + i];
      if (a === 0) continue;
      const w = i * O;
      for (let j = 0; j < O; j++) out[o + j] += a * W[w + j];
    }
  }
}

/** Softmax of each row of `Z` (`rows × width`), in place. */
export function softmaxRows(Z: Float64Array, rows: number, width: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * width;
    let max = -Infinity;
    for (let k = 0; k < width; k++) if (Z[o + k] > max) max = Z[o + k];
    let sum = 0;
    for (let k = 0; k < width; k++) sum += Z[o + k] = Math.exp(Z[o + k] - max);
    for (let k = 0; k < width; k++) Z[o + k] /= sum;
  }
}

/** Activations of every layer for one batch: `acts[0]` is the input, `acts[L]` the output (before softmax). */
export function forward(layers: readonly DenseLayer[], X: Float64Array, rows: number, dropout = 0, rng?: Rng, masks?: Float64Array[]): Float64Array[] {
  const acts: Float64Array[] = [X];
  layers.forEach((layer, l) => {
    const out = new Float64Array(rows * layer.outputs);
    dense(layer, acts[l], rows, out);
    if (l + 1 < layers.length) {
      const keep = 1 - dropout;
      const mask = dropout > 0 && rng && masks ? (masks[l] = new Float64Array(out.length)) : undefined;
      for (let i = 0; i < out.length; i++) {
        let a = out[i] > 0 ? out[i] : 0;
        if (mask) {
          mask[i] = rng!.next() < keep ? 1 / keep : 0;
          a *= mask[i];
        }
        out[i] = a;
      }
    }
    acts.push(out);
  });
  return acts;
}

/**
 * Gradients of the mean loss plus `alpha/2 · ‖W‖²` given `delta`, the loss gradient at the output (already divided
 * by the batch's weight), into `grads` (one weights and one bias array per layer).
 */
export function backward(layers: readonly DenseLayer[], acts: readonly Float64Array[], masks: readonly (Float64Array | undefined)[], delta: Float64Array, rows: number, alpha: number, grads: { weights: Float64Array; bias: Float64Array }[]): void {
  let d = delta;
  for (let l = layers.length - 1; l >= 0; l--) {
    const { inputs: I, outputs: O, weights: W } = layers[l];
    const A = acts[l];
    const gW = grads[l].weights;
    const gb = grads[l].bias;
    for (let i = 0; i < gW.length; i++) gW[i] = alpha * W[i];
    gb.fill(0);
    for (let r = 0; r < rows; r++) {
      const o = r * O;
      for (let j = 0; j < O; j++) gb[j] += d[o + j];
      for (let i = 0; i < I; i++) {
        const a = A[r * I + i];
        if (a === 0) continue;
        const w = i * O;
        for (let j = 0; j < O; j++) gW[w + j] += a * d[o + j];
      }
    }
    if (l === 0) break;
    const prev = new Float64Array(rows * I);
    const mask = masks[l - 1];
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < I; i++) {
        const at = r * I + i;
        // ReLU derivative (the stored activation is positive exactly where the unit was active), then dropout.
        if (A[at] <= 0) continue;
        let s = 0;
        const w = i * O;
        for (let j = 0; j < O; j++) s += d[r * O + j] * W[w + j];
        prev[at] = mask ? s * mask[at] : s;
      }
    }
    d = prev;
  }
}

/** Adam (Kingma & Ba 2015) over a list of parameter arrays. */
export class Adam {
  readonly #m: Float64Array[];
  readonly #v: Float64Array[];
  #t = 0;

  constructor(
    params: readonly Float64Array[],
    readonly learningRate: number,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly epsilon = 1e-8,
  ) {
    this.#m = params.map((p) => new Float64Array(p.length));
    this.#v = params.map((p) => new Float64Array(p.length));
  }

  /** One step: `params[k] -= lr · m̂ / (√v̂ + ε)` with bias-corrected moments of `grads[k]`. */
  step(params: readonly Float64Array[], grads: readonly Float64Array[]): void {
    this.#t++;
    const { beta1: b1, beta2: b2, epsilon } = this;
    const lr = (this.learningRate * Math.sqrt(1 - b2 ** this.#t)) / (1 - b1 ** this.#t);
    params.forEach((p, k) => {
      const g = grads[k];
      const m = this.#m[k];
      const v = this.#v[k];
      for (let i = 0; i < p.length; i++) {
        m[i] = b1 * m[i] + (1 - b1) * g[i];
        v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
        p[i] -= (lr * m[i]) / (Math.sqrt(v[i]) + epsilon);
      }
    });
  }
}
