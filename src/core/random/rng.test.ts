import { describe, expect, it } from 'vitest';
import { Rng, seedKey } from './rng';
import { fnv1a32 } from './fnv1a';

describe('fnv1a32', () => {
  it('matches the published vectors and hashes UTF-8 bytes', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
    const bytewise = (s: string): number => {
      let h = 0x811c9dc5;
      for (const b of new TextEncoder().encode(s)) h = Math.imul(h ^ b, 0x01000193);
      return h >>> 0;
    };
    for (const s of ['é', 'Ωmega', '😀 ok', 'naïve café', '\ud800x']) expect(fnv1a32(s)).toBe(bytewise(s));
  });
});

describe('Rng', () => {
  it('gives the reviewed golden stream for seed 42 (checked against an independent Python sfc32)', () => {
    const r = new Rng(42);
    expect([r.uint32(), r.uint32(), r.uint32(), r.uint32()]).toEqual([1959603763, 2423114712, 2466933512, 4144396390]);
    expect(new Rng(42).next()).toBe(1959603763 / 2 ** 32);
    expect(Array.from(new Rng(7).permutation(10))).toEqual([7, 5, 8, 6, 0, 3, 2, 4, 9, 1]);
    const s = new Rng('benchtop');
    expect([s.uint32(), s.uint32()]).toEqual([2632054544, 1588505054]);
  });

  it('validates seeds and takes negative ones modulo 2^32', () => {
    expect(seedKey(-1)).toBe(0xffffffff);
    expect(new Rng(-1).uint32()).toBe(new Rng(0xffffffff).uint32());
    expect(() => new Rng(1.5)).toThrow('Seed 1.5 is not a 32-bit integer');
    expect(() => new Rng(2 ** 32)).toThrow(/not a 32-bit integer/);
  });

  it('is roughly uniform', () => {
    const r = new Rng(1);
    const bins = new Array(10).fill(0);
    let sum = 0;
    let outside = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const x = r.next();
      if (!(x >= 0 && x < 1)) outside++;
      bins[Math.floor(x * 10)]++;
      sum += x;
    }
    expect(outside).toBe(0);
    expect(sum / n).toBeCloseTo(0.5, 2);
    // chi-square with 9 degrees of freedom: 27.9 is the 0.999 quantile
    const chi = bins.reduce((acc, b) => acc + (b - n / 10) ** 2 / (n / 10), 0);
    expect(chi).toBeLessThan(27.9);
    const ints = new Array(7).fill(0);
    for (let i = 0; i < 70_000; i++) ints[r.int(7)]++;
    for (const c of ints) expect(Math.abs(c - 10_000)).toBeLessThan(500);
  });

  it('draws normals with the right moments', () => {
    const r = new Rng(3);
    let sum = 0;
    let sq = 0;
    const n = 50_000;
    for (let i = 0; i < n; i++) {
      const x = r.normal(2, 3);
      sum += x;
      sq += x * x;
    }
    const mean = sum / n;
    expect(mean).toBeCloseTo(2, 1);
    expect(Math.sqrt(sq / n - mean * mean)).toBeCloseTo(3, 1);
  });

  it('shuffles in place and makes permutations', () => {
    const a = [1, 2, 3, 4, 5, 6];
    expect(new Rng(5).shuffle(a)).toBe(a);
    expect([...a].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    const p = new Rng(5).permutation(1000);
    expect(new Set(p).size).toBe(1000);
    expect(Math.max(...p)).toBe(999);
    expect(() => new Rng(5).int(0)).toThrow('Rng.int(0)');
  });

  it('forks independent streams that ignore the parent position', () => {
    const parent = new Rng(9);
    const a1 = parent.fork('split').uint32();
    parent.uint32();
    parent.uint32();
    expect(parent.fork('split').uint32()).toBe(a1);
    const a = parent.fork('a');
    const b = parent.fork('b');
    const xs = Array.from({ length: 1000 }, () => a.next());
    const ys = Array.from({ length: 1000 }, () => b.next());
    expect(xs).not.toEqual(ys);
    // Independent streams: correlation near zero.
    const m = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
    const mx = m(xs);
    const my = m(ys);
    const cov = m(xs.map((x, i) => (x - mx) * (ys[i] - my)));
    expect(Math.abs(cov / (Math.sqrt(m(xs.map((x) => (x - mx) ** 2))) * Math.sqrt(m(ys.map((y) => (y - my) ** 2)))))).toBeLessThan(0.1);
    expect(parent.fork('a').fork('b').uint32()).not.toBe(parent.fork('b').fork('a').uint32());
  });

  it('round-trips its state for checkpoints', () => {
    const r = new Rng('x');
    r.next();
    const saved = JSON.parse(JSON.stringify(r.state()));
    const restored = Rng.fromState(saved);
    expect([restored.uint32(), restored.uint32()]).toEqual([r.uint32(), r.uint32()]);
    expect(restored.fork('f').uint32()).toBe(r.fork('f').uint32());
  });
});
