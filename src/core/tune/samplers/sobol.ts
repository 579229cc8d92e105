/**
 * @file The Sobol sequence (Joe–Kuo direction numbers, Gray-code order, the point at index 0 is the origin) in up to
 * `SOBOL_MAX_DIMENSIONS` dimensions, optionally scrambled with seeded linear matrix scrambling plus a digital shift
 * (as SciPy's `qmc.Sobol(scramble=True)`), and the sampler that maps trial n to point n, one dimension per parameter.
 */
import type { JsonValue } from '../../../protocol/sweep';
import { Rng, type Seed } from '../../random/rng';
import { buildTrial, type CompiledParam } from '../apply-params';
import { fromUnit } from '../space';
import type { Sampler } from './sampler';
import { JOE_KUO_POLYNOMIALS, SOBOL_MAX_DIMENSIONS } from './sobol-directions';

export { SOBOL_MAX_DIMENSIONS } from './sobol-directions';

const BITS = 32;

/** The 32 direction numbers V_1..V_32 (as 32-bit fractions) of dimension `d` (0-based). */
function directionNumbers(d: number): Uint32Array {
  const v = new Uint32Array(BITS);
  if (d === 0) {
    for (let k = 0; k < BITS; k++) v[k] = 2 ** (BITS - 1 - k);
    return v;
  }
  const { s, a, m } = JOE_KUO_POLYNOMIALS[d - 1];
  for (let k = 0; k < Math.min(s, BITS); k++) v[k] = (m[k] * 2 ** (BITS - 1 - k)) >>> 0;
  for (let k = s; k < BITS; k++) {
    let x = (v[k - s] ^ (v[k - s] >>> s)) >>> 0;
    for (let i = 1; i < s; i++) if ((a >>> (s - 1 - i)) & 1) x = (x ^ v[k - i]) >>> 0;
    v[k] = x;
  }
  return v;
}

/** Parity of the set bits of a 32-bit integer. */
function parity(x: number): number {
  x ^= x >>> 16;
  x ^= x >>> 8;
  x ^= x >>> 4;
  x ^= x >>> 2;
  x ^= x >>> 1;
  return x & 1;
}

/**
 * Linear matrix scrambling: a random lower-triangular binary matrix with a unit diagonal, applied to each direction
 * number's digits (most significant first), so the scrambled sequence keeps the (t, s) net properties.
 */
function scrambleDirections(v: Uint32Array, rng: Rng): Uint32Array {
  const rows = new Uint32Array(BITS);
  for (let i = 0; i < BITS; i++) {
    // Row i keeps digit i (bit 31 - i) and mixes in random earlier digits (higher bits).
    const diagonal = 2 ** (BITS - 1 - i);
    const above = i === 0 ? 0 : (rng.uint32() & ~(2 * diagonal - 1)) >>> 0;
    rows[i] = (above | diagonal) >>> 0;
  }
  return v.map((x) => {
    let out = 0;
    for (let i = 0; i < BITS; i++) if (parity(rows[i] & x)) out |= 2 ** (BITS - 1 - i);
    return out >>> 0;
  });
}

/** A Sobol sequence in `dimensions` dimensions; `point(n)` is random access (no state), so trials can be resumed. */
export class SobolSequence {
  readonly #directions: Uint32Array[];
  readonly #shift: Uint32Array;

  /** `scrambleSeed` set: scrambled with that seed; absent: the plain published sequence. */
  constructor(dimensions: number, scrambleSeed?: Seed) {
    if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > SOBOL_MAX_DIMENSIONS) {
      throw new Error(`A Sobol sequence has 1 to ${SOBOL_MAX_DIMENSIONS} dimensions, got ${dimensions}`);
    }
    const rng = scrambleSeed === undefined ? undefined : new Rng(scrambleSeed).fork('sobol-scramble');
    this.#directions = Array.from({ length: dimensions }, (_, d) => {
      const v = directionNumbers(d);
      return rng ? scrambleDirections(v, rng.fork(d)) : v;
    });
    this.#shift = Uint32Array.from({ length: dimensions }, (_, d) => (rng ? rng.fork(`shift-${d}`).uint32() : 0));
  }

  /** Point `n` (0 to 2^32 − 1) of the sequence, coordinates in [0, 1). */
  point(n: number): Float64Array {
    if (!Number.isInteger(n) || n < 0 || n >= 2 ** BITS) throw new Error(`Sobol point index ${n} is out of range 0 to 4294967295`);
    const gray = (n ^ Math.floor(n / 2)) >>> 0;
    return Float64Array.from(this.#directions, (v, d) => {
      let x = this.#shift[d];
      for (let k = 0; k < BITS; k++) if ((gray >>> k) & 1) x ^= v[k];
      return (x >>> 0) / 2 ** BITS;
    });
  }
}

/** Trial n gets point n of the sequence; parameter i reads coordinate i (inactive parameters leave theirs unused). */
export function createSobolSampler(params: readonly CompiledParam[], base: unknown, scramble: boolean, seed: number): Sampler {
  const sequence = new SobolSequence(Math.max(1, params.length), scramble ? seed : undefined);
  return {
    type: 'sobol',
    suggest(trials) {
      const point = sequence.point(trials.length);
      return buildTrial(base, params, (param): JsonValue => fromUnit(param.domain, point[param.index])).params;
    },
  };
}
