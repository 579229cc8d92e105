/**
 * @file How closely two runs of the same spec and seed must agree. On the cpu backend they are bit-identical
 * (`determinism.test.ts`). Across backends (cpu, wasm, webgl, webgpu) float32 kernels sum in different orders, so
 * the numbers drift apart by rounding; `backend-agreement.test.ts` checks cpu against wasm within this tolerance (`src/engines/tfjs/backend-agreement.test.ts`),
 * and share links use it to call a re-run "reproduced".
 */

/** A metric agrees when `|a - b| <= absolute + relative * max(|a|, |b|)`. */
export interface Tolerance {
  absolute: number;
  relative: number;
}

/** Same backend: identical numbers. */
export const SAME_BACKEND_TOLERANCE: Tolerance = Object.freeze({ absolute: 0, relative: 0 });

/**
 * Different backends, same spec and seed: losses and scores within 1e-4 absolute plus 0.1% relative. Measured drift
 * between cpu and wasm on the test models after 5 epochs: at most 3.4e-8 (`backend-agreement.test.ts`); the margin
 * covers longer runs and GPU backends, whose reductions differ more (not measurable here: no GPU).
 */
export const CROSS_BACKEND_TOLERANCE: Tolerance = Object.freeze({ absolute: 1e-4, relative: 1e-3 });

/** Whether `a` and `b` agree within `tolerance`. NaN agrees with NaN only (a diverged run reproduces as diverged). */
export function withinTolerance(a: number, b: number, tolerance: Tolerance): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  return Math.abs(a - b) <= tolerance.absolute + tolerance.relative * Math.max(Math.abs(a), Math.abs(b));
}
