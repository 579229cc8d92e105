/**
 * @file A seeded pseudo-random generator (sfc32, state seeded through splitmix32). Only 32-bit integer arithmetic
 * (`Math.imul`, `>>> 0`) touches the state, so a seed gives the same stream in every JavaScript engine; of the
 * derived draws, only {@link Rng.normal} goes through `Math.log`, whose last bit the language leaves to the engine.
 */
import { fnv1a32 } from './fnv1a';

/** A seed: an integer in [-2^31, 2^32) (taken modulo 2^32) or any string (hashed with FNV-1a). */
export type Seed = number | string;

/** The four 32-bit words of an {@link Rng}'s state plus its fork key, for checkpoints ({@link Rng.fromState}). */
export type RngState = readonly [a: number, b: number, c: number, counter: number, key: number];

const TWO_POW_32 = 4294967296;

/** splitmix32's finaliser: a bijective 32-bit mix with good avalanche. */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x21f0aaad);
  x = Math.imul(x ^ (x >>> 15), 0x735a2d97);
  return (x ^ (x >>> 15)) >>> 0;
}

/** The 32-bit key of a seed; throws on a number that is not a 32-bit integer. */
export function seedKey(seed: Seed): number {
  if (typeof seed === 'string') return fnv1a32(seed);
  if (!Number.isInteger(seed) || seed < -0x80000000 || seed >= TWO_POW_32) {
    throw new Error(`Seed ${seed} is not a 32-bit integer; expected an integer from -2147483648 to 4294967295, or a string`);
  }
  return seed >>> 0;
}

/**
 * A seeded random stream. `new Rng(42)` and `new Rng('42')` are different streams; the same seed always gives the
 * same numbers. Not for cryptography.
 */
export class Rng {
  #a = 0;
  #b = 0;
  #c = 0;
  #counter = 0;
  /** The key this stream was seeded from; forks derive from it, not from the current position. */
  #key: number;

  constructor(seed: Seed) {
    this.#key = seedKey(seed);
    let s = this.#key;
    // splitmix32: each state word is the mixed value of a Weyl sequence over the key.
    const next = (): number => mix32((s = (s + 0x9e3779b9) >>> 0));
    this.#a = next();
    this.#b = next();
    this.#c = next();
    this.#counter = 1;
    for (let i = 0; i < 12; i++) this.uint32(); // sfc32's customary warm-up
  }

  /** Restores a stream saved with {@link Rng.state}: it continues exactly where it was. */
  static fromState(state: RngState): Rng {
    const rng = new Rng(state[4]);
    [rng.#a, rng.#b, rng.#c, rng.#counter] = state.map((w) => w >>> 0);
    return rng;
  }

  /** The current state, JSON-serialisable; see {@link Rng.fromState}. */
  state(): RngState {
    return [this.#a, this.#b, this.#c, this.#counter, this.#key];
  }

  /** The next unsigned 32-bit integer (sfc32). */
  uint32(): number {
    const a = this.#a;
    const b = this.#b;
    const c = this.#c;
    const t = (a + b + this.#counter) >>> 0;
    this.#counter = (this.#counter + 1) >>> 0;
    this.#a = b ^ (b >>> 9);
    this.#b = (c + (c << 3)) >>> 0;
    this.#c = (((c << 21) | (c >>> 11)) + t) >>> 0;
    return t;
  }

  /** A float in [0, 1) with 32 random bits. */
  next(): number {
    return this.uint32() / TWO_POW_32;
  }

  /** An integer in [0, n), unbiased (rejection sampling); `n` is an integer from 1 to 2^32. */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new Error(`Rng.int(${n}): expected an integer from 1 to 4294967296`);
    }
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    let u = this.uint32();
    while (u >= limit) u = this.uint32();
    return u % n;
  }

  /** A normal deviate with the given mean and standard deviation (Marsaglia's polar method). */
  normal(mean = 0, std = 1): number {
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    // The second deviate (v * factor) is dropped so that the state stays the four sfc32 words.
    return mean + std * u * Math.sqrt((-2 * Math.log(s)) / s);
  }

  /** Shuffles `array` in place (Fisher-Yates) and returns it. */
  shuffle<T extends { length: number; [index: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Uint32Array {
    const out = new Uint32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    return this.shuffle(out);
  }

  /**
   * An independent stream named `label`, derived from this stream's seed (not from its position): `fork('split')`
   * gives the same stream however many numbers were drawn before, and different labels give unrelated streams.
   * Forks nest: `fork('a').fork('b')` differs from `fork('b').fork('a')`.
   */
  fork(label: string | number): Rng {
    return new Rng(mix32(mix32(this.#key) ^ fnv1a32(String(label))));
  }
}
