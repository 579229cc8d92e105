/**
 * @file The Parzen estimator of TPE (after Optuna's `_ParzenEstimator`): a weighted mixture with one kernel per
 * observed trial plus a prior kernel. A kernel is a product over the axes of a truncated normal (numeric axes, in
 * the internal coordinate: logs for log axes; the mass of the value's grid cell for stepped axes) or of a
 * categorical distribution (mostly on the observed choice, smoothed by the prior weight).
 *
 * Kernel widths: univariate, each observation takes the larger distance to its neighbours among the sorted
 * observations, the prior's centre and the range's ends (Optuna's adaptive bandwidth; with `endpoints` off the two
 * outermost observations look inward only); multivariate, every kernel of an axis gets n^(−1/(d+4)) times the
 * observations' standard deviation on it (Scott's rule; Optuna 3 uses 0.2 · range in place of the deviation, which
 * keeps the kernels of the good trials wide once they cluster: `bandwidth: 'range'`). Widths are clipped to [range / min(100, 1 + kernels), range] with `magicClip`, else [1e-12, range].
 * The prior kernel sits at the centre of the range with the range as width.
 */
import type { Rng } from '../../random/rng';
import { internalRange, stepValue, stepCount, type CategoricalDomain, type Domain, type NumericDomain } from '../space';
import { adaptiveWidths, scottWidth } from './kernel-widths';
import { logNormalMass, sampleTruncatedNormal } from './truncated-normal';

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** Settings shared by the estimators of one sampler. */
export interface ParzenSettings {
  priorWeight: number;
  magicClip: boolean;
  endpoints: boolean;
  multivariate: boolean;
  /** Multivariate kernel widths: Scott's rule on the observations' spread, or on a fixed 0.2 · range (Optuna 3). */
  bandwidth: 'scott' | 'range';
}

/** A numeric axis in internal coordinates, widened by half a cell on each side when it is stepped. */
interface NumericAxis {
  kind: 'numeric';
  domain: NumericDomain;
  low: number;
  high: number;
  /** The cell of a stepped value (internal coordinates); absent for continuous axes. */
  cell?: (internal: number) => [number, number];
}

interface CategoricalAxis {
  kind: 'categorical';
  domain: CategoricalDomain;
}

type Axis = NumericAxis | CategoricalAxis;

/** The axis of a domain as the estimator models it. */
function axisOf(domain: Domain): Axis {
  if (domain.kind === 'categorical') return { kind: 'categorical', domain };
  if (domain.step === undefined) {
    const [low, high] = internalRange(domain);
    return { kind: 'numeric', domain, low, high };
  }
  const half = domain.step / 2;
  if (domain.log) {
    return {
      kind: 'numeric',
      domain,
      low: Math.log(domain.low - half),
      high: Math.log(domain.high + half),
      cell: (internal) => {
        const value = Math.round(Math.exp(internal));
        return [Math.log(value - half), Math.log(value + half)];
      },
    };
  }
  return { kind: 'numeric', domain, low: domain.low - half, high: domain.high + half, cell: (x) => [x - half, x + half] };
}

/** Snaps a raw internal draw onto the axis: a grid point (in internal coordinates) for stepped axes. */
function snap(axis: NumericAxis, raw: number): number {
  const { domain } = axis;
  if (domain.step === undefined) return Math.min(axis.high, Math.max(axis.low, raw));
  const value = domain.log ? Math.exp(raw) : raw;
  const k = Math.min(stepCount(domain) - 1, Math.max(0, Math.round((value - domain.low) / domain.step)));
  const snapped = stepValue(domain, k);
  return domain.log ? Math.log(snapped) : snapped;
}

/** Optuna's default trial weights: 1 each up to 25 trials; beyond, the oldest ramp up from 1/n (newest 25 at 1). */
export function defaultWeights(n: number): number[] {
  if (n < 25) return new Array<number>(n).fill(1);
  const ramp = n - 25;
  const out: number[] = [];
  for (let i = 0; i < ramp; i++) out.push(ramp === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (ramp - 1));
  for (let i = 0; i < 25; i++) out.push(1);
  return out;
}

/** Per-axis kernel parameters of a mixture: `mus`/`sigmas`/`logZ` for numeric axes, `logProbs[k][c]` for categorical. */
type AxisKernels =
  | { kind: 'numeric'; mus: Float64Array; sigmas: Float64Array; logZ: Float64Array; inverseSigmas: Float64Array; densityOffsets: Float64Array }
  | { kind: 'categorical'; logProbs: Float64Array[] };

/**
 * A Parzen estimator over `domains`, fitted to `observations[axis][trial]` (internal coordinates; choice indices for
 * categorical axes) with `weights[trial]` (trial order, see `defaultWeights`).
 */
export class ParzenEstimator {
  readonly #axes: Axis[];
  readonly #kernels: AxisKernels[];
  /** Cumulative normalised kernel weights (prior last), for sampling. */
  readonly #cumulative: Float64Array;
  readonly #logWeights: Float64Array;
  /** With only continuous axes: each kernel's weight times its normalising constants, for `#continuousLogPdf`. */
  readonly #continuousCoefficients?: Float64Array;

  constructor(domains: readonly Domain[], observations: readonly Float64Array[], weights: readonly number[], settings: ParzenSettings) {
    this.#axes = domains.map(axisOf);
    const n = weights.length;
    const raw = new Float64Array(n + 1);
    raw.set(weights);
    raw[n] = n === 0 ? 1 : settings.priorWeight;
    let total = 0;
    for (const w of raw) total += w;
    this.#logWeights = new Float64Array(n + 1);
    this.#cumulative = new Float64Array(n + 1);
    let acc = 0;
    for (let k = 0; k <= n; k++) {
      this.#logWeights[k] = Math.log(raw[k] / total);
      this.#cumulative[k] = acc += raw[k] / total;
    }
    this.#kernels = this.#axes.map((axis, d) => (axis.kind === 'numeric' ? numericKernels(axis, observations[d], n, domains.length, settings) : categoricalKernels(axis, observations[d], n, settings)));
    if (this.#axes.every((axis) => axis.kind === 'numeric' && !axis.cell)) {
      const coefficients = this.#logWeights.map((logWeight, k) => {
        let log = logWeight;
        for (const kernels of this.#kernels) if (kernels.kind === 'numeric') log += kernels.densityOffsets[k];
        return Math.exp(log);
      });
      // Many narrow axes could overflow (or underflow) the constants: then stay in logs.
      if (coefficients.every((c) => c > 1e-300 && c < 1e300)) this.#continuousCoefficients = coefficients;
    }
  }

  /** `count` draws, as `[axis][draw]` internal coordinates (grid points on stepped axes, indices on categorical ones). */
  sample(rng: Rng, count: number): Float64Array[] {
    const out = this.#axes.map(() => new Float64Array(count));
    for (let i = 0; i < count; i++) {
      const u = rng.next();
      let k = 0;
      while (k < this.#cumulative.length - 1 && this.#cumulative[k] <= u) k++;
      this.#axes.forEach((axis, d) => {
        const kernels = this.#kernels[d];
        if (axis.kind === 'numeric' && kernels.kind === 'numeric') {
          out[d][i] = snap(axis, sampleTruncatedNormal(rng, kernels.mus[k], kernels.sigmas[k], axis.low, axis.high));
        } else if (kernels.kind === 'categorical') {
          out[d][i] = sampleCategorical(rng, kernels.logProbs[k]);
        }
      });
    }
    return out;
  }

  /** The log density of each point of `points[axis][i]` (`count` points). */
  logPdf(points: readonly Float64Array[], count: number): Float64Array {
    if (this.#continuousCoefficients) return this.#continuousLogPdf(points, count, this.#continuousCoefficients);
    const K = this.#logWeights.length;
    const out = new Float64Array(count);
    const terms = new Float64Array(K);
    for (let i = 0; i < count; i++) {
      terms.set(this.#logWeights);
      for (let d = 0; d < this.#axes.length; d++) addAxisLogDensity(this.#axes[d], this.#kernels[d], points[d][i], terms);
      out[i] = logSumExp(terms);
    }
    return out;
  }

  /**
   * All axes continuous: Σ_k c_k exp(−½ Σ_d z_kd²) in linear space, one exp per kernel. The prior kernel (width =
   * range, centre inside) keeps the sum far from underflow inside the range; a zero sum falls back to logs.
   */
  #continuousLogPdf(points: readonly Float64Array[], count: number, coefficients: Float64Array): Float64Array {
    const K = coefficients.length;
    const out = new Float64Array(count);
    const squares = new Float64Array(K);
    for (let i = 0; i < count; i++) {
      squares.fill(0);
      for (let d = 0; d < this.#axes.length; d++) {
        const kernels = this.#kernels[d] as Extract<AxisKernels, { kind: 'numeric' }>;
        const x = points[d][i];
        for (let k = 0; k < K; k++) {
          const z = (x - kernels.mus[k]) * kernels.inverseSigmas[k];
          squares[k] += z * z;
        }
      }
      let sum = 0;
      for (let k = 0; k < K; k++) sum += coefficients[k] * Math.exp(-0.5 * squares[k]);
      if (sum > 1e-300 && Number.isFinite(sum)) {
        out[i] = Math.log(sum);
      } else {
        for (let k = 0; k < K; k++) squares[k] = Math.log(coefficients[k]) - 0.5 * squares[k];
        out[i] = logSumExp(squares);
      }
    }
    return out;
  }
}

/** Adds each kernel's log density of `x` on one axis to `terms[k]`. */
function addAxisLogDensity(axis: Axis, kernels: AxisKernels, x: number, terms: Float64Array): void {
  const K = terms.length;
  if (kernels.kind === 'categorical') {
    for (let k = 0; k < K; k++) terms[k] += kernels.logProbs[k][x];
    return;
  }
  const { mus, sigmas, logZ } = kernels;
  if (axis.kind === 'numeric' && axis.cell) {
    const [lo, hi] = axis.cell(x);
    for (let k = 0; k < K; k++) terms[k] += logNormalMass((lo - mus[k]) / sigmas[k], (hi - mus[k]) / sigmas[k]) - logZ[k];
    return;
  }
  // Continuous: log N(x; mu, sigma) − log Z, with −log sigma − log √(2π) − log Z folded into `logZ` at fit time.
  const { inverseSigmas, densityOffsets } = kernels;
  for (let k = 0; k < K; k++) {
    const z = (x - mus[k]) * inverseSigmas[k];
    terms[k] += densityOffsets[k] - 0.5 * z * z;
  }
}

function numericKernels(axis: NumericAxis, observed: Float64Array, n: number, dims: number, settings: ParzenSettings): AxisKernels {
  const { low, high } = axis;
  const range = high - low;
  const mus = new Float64Array(n + 1);
  const sigmas = new Float64Array(n + 1);
  mus.set(observed.subarray(0, n));
  if (n > 0) {
    const widths = settings.multivariate ? new Float64Array(n).fill(scottWidth(observed.subarray(0, n), range, dims, settings.bandwidth)) : adaptiveWidths(observed.subarray(0, n), low, high, settings.endpoints);
    const minSigma = settings.magicClip ? range / Math.min(100, 1 + (n + 1)) : 1e-12;
    for (let k = 0; k < n; k++) sigmas[k] = Math.min(range, Math.max(minSigma, widths[k]));
  }
  mus[n] = 0.5 * (low + high);
  sigmas[n] = range;
  const logZ = new Float64Array(n + 1);
  for (let k = 0; k <= n; k++) logZ[k] = logNormalMass((low - mus[k]) / sigmas[k], (high - mus[k]) / sigmas[k]);
  const inverseSigmas = sigmas.map((s) => 1 / s);
  const densityOffsets = logZ.map((z, k) => -z - Math.log(sigmas[k]) - LOG_SQRT_2PI);
  return { kind: 'numeric', mus, sigmas, logZ, inverseSigmas, densityOffsets };
}

function categoricalKernels(axis: CategoricalAxis, observed: Float64Array, n: number, settings: ParzenSettings): AxisKernels {
  const choices = axis.domain.choices.length;
  const kernels = n + 1;
  const logProbs: Float64Array[] = [];
  for (let k = 0; k < kernels; k++) {
    const row = new Float64Array(choices).fill(settings.priorWeight / kernels);
    if (k < n) row[observed[k]] += 1;
    const sum = row.reduce((a, b) => a + b, 0);
    logProbs.push(row.map((p) => Math.log(p / sum)));
  }
  return { kind: 'categorical', logProbs };
}

function sampleCategorical(rng: Rng, logProbs: Float64Array): number {
  let u = rng.next();
  for (let c = 0; c < logProbs.length - 1; c++) {
    u -= Math.exp(logProbs[c]);
    if (u < 0) return c;
  }
  return logProbs.length - 1;
}

function logSumExp(values: Float64Array): number {
  let max = -Infinity;
  for (const v of values) if (v > max) max = v;
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (const v of values) sum += Math.exp(v - max);
  return max + Math.log(sum);
}
