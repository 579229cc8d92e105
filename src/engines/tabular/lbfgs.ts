/**
 * @file Limited-memory BFGS for smooth convex objectives (the logistic regression fit): two-loop recursion over the
 * last `memory` steps and a backtracking line search with the Armijo condition. Stops when the largest gradient
 * component is below `gradientTolerance` (scipy's `pgtol`) or an iteration no longer lowers the objective by more
 * than `functionTolerance` relative to it (scipy's `factr · eps`).
 */
import type { Cooperation } from './cooperate';

/** The objective: its value at `x`, with its gradient written into `grad`. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

/** Options of {@link minimizeLbfgs}. */
export interface LbfgsOptions {
  maxIterations: number;
  gradientTolerance: number;
  functionTolerance: number;
  /** Steps remembered. Default 10. */
  memory?: number;
  /** Called after each iteration (1-based). */
  onIteration?: (iteration: number, value: number) => void;
}

/** Where the minimisation ended. */
export interface LbfgsResult {
  x: Float64Array;
  value: number;
  iterations: number;
  converged: boolean;
}

const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/** Minimises `objective` from `x0` (not modified); yields through `cooperation` between iterations. */
export async function minimizeLbfgs(objective: Objective, x0: Float64Array, options: LbfgsOptions, cooperation?: Cooperation): Promise<LbfgsResult> {
  const n = x0.length;
  const m = options.memory ?? 10;
  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let f = objective(x, g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(m);
  const d = new Float64Array(n);
  let xNew = new Float64Array(n);
  let gNew = new Float64Array(n);
  const maxAbs = (v: Float64Array): number => v.reduce((a, b) => Math.max(a, Math.abs(b)), 0);
  if (maxAbs(g) <= options.gradientTolerance) return { x, value: f, iterations: 0, converged: true };

  for (let it = 1; it <= options.maxIterations; it++) {
    // Two-loop recursion: d = -H g.
    d.set(g);
    for (let i = S.length - 1; i >= 0; i--) {
      alpha[i] = rho[i] * dot(S[i], d);
      for (let j = 0; j < n; j++) d[j] -= alpha[i] * Y[i][j];
    }
    const gamma = S.length > 0 ? dot(S[S.length - 1], Y[Y.length - 1]) / dot(Y[Y.length - 1], Y[Y.length - 1]) : 1 / Math.max(1, Math.sqrt(dot(g, g)));
    for (let j = 0; j < n; j++) d[j] *= gamma;
    for (let i = 0; i < S.length; i++) {
      const beta = rho[i] * dot(Y[i], d);
      for (let j = 0; j < n; j++) d[j] += S[i][j] * (alpha[i] - beta);
    }
    for (let j = 0; j < n; j++) d[j] = -d[j];
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // Not a descent direction (rounding): restart from steepest descent.
      S.length = Y.length = rho.length = 0;
      for (let j = 0; j < n; j++) d[j] = -g[j] / Math.max(1, Math.sqrt(dot(g, g)));
      slope = dot(g, d);
    }
    // Backtracking line search (Armijo).
    let step = 1;
    let fNew = Infinity;
    for (let tries = 0; tries < 60; tries++) {
      for (let j = 0; j < n; j++) xNew[j] = x[j] + step * d[j];
      fNew = objective(xNew, gNew);
      if (fNew <= f + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNew <= f)) return { x, value: f, iterations: it, converged: false };
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      s[j] = xNew[j] - x[j];
      y[j] = gNew[j] - g[j];
    }
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    const decrease = f - fNew;
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    f = fNew;
    options.onIteration?.(it, f);
    if (maxAbs(g) <= options.gradientTolerance || decrease <= options.functionTolerance * Math.max(Math.abs(f), Math.abs(f + decrease), 1)) {
      return { x, value: f, iterations: it, converged: true };
    }
    await cooperation?.checkpoint();
  }
  return { x, value: f, iterations: options.maxIterations, converged: false };
}
