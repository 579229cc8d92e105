/**
 * @file Grid search: every combination of the axes' grid points (`gridAxis`), visited in order (the last parameter
 * varies fastest) or in a seeded shuffled order; trial n gets point n, and the sampler is exhausted after the last.
 * Conditional parameters only multiply the grid where they are active: a dropout of a third layer is enumerated
 * only for the trials that have three layers.
 */
import type { JsonValue, ParamAssignment } from '../../../protocol/sweep';
import { Rng } from '../../random/rng';
import { isActive, type CompiledParam } from '../apply-params';
import { cloneJson, writePath } from '../param-path';
import { gridAxis, gridAxisSize } from '../space';
import type { Sampler } from './sampler';

/** Largest grid a sweep may enumerate. */
export const MAX_GRID_POINTS = 100_000;

/** Default points of a continuous axis. */
export const DEFAULT_POINTS_PER_AXIS = 5;

/**
 * The number of grid points, counted exactly (conditional parameters included) up to `limit`; returns `limit + 1`
 * as soon as the count passes it, so that a grid of ten million points is refused without being listed.
 */
export function countGridPoints(params: readonly CompiledParam[], base: unknown, pointsPerAxis: number, limit = MAX_GRID_POINTS): number {
  const product = params.reduce((p, param) => p * gridAxisSize(param.domain, pointsPerAxis), 1);
  if (isRectangular(params)) return Math.min(product, limit + 1);
  let count = 0;
  enumerate(params, base, pointsPerAxis, () => ++count <= limit);
  return Math.min(count, limit + 1);
}

/** Without conditions or parameters that reshape the spec, every parameter is active in every trial: the grid is the full product. */
export function isRectangular(params: readonly CompiledParam[]): boolean {
  return !params.some((p) => p.when || mayDeactivateOthers(p));
}

/** A parameter that resizes a list or replaces an object or list can make later paths appear or vanish. */
function mayDeactivateOthers(param: CompiledParam): boolean {
  if (param.keys[param.keys.length - 1] === 'length') return true;
  return param.domain.kind === 'categorical' && param.domain.choices.some((c) => typeof c === 'object' && c !== null);
}

/**
 * Calls `visit` with each grid point's assignment, depth-first in parameter order; stops when `visit` returns false.
 */
function enumerate(params: readonly CompiledParam[], base: unknown, pointsPerAxis: number, visit: (assignment: ParamAssignment) => boolean): void {
  const axes = params.map((p) => gridAxis(p.domain, pointsPerAxis));
  const assignment: Record<string, JsonValue> = {};
  const walk = (i: number, spec: unknown): boolean => {
    if (i === params.length) return visit({ ...assignment });
    const param = params[i];
    if (!isActive(param, spec)) return walk(i + 1, spec);
    for (const value of axes[i]) {
      const next = cloneJson(spec);
      writePath(next, param.keys, value);
      assignment[param.path] = value;
      const go = walk(i + 1, next);
      delete assignment[param.path];
      if (!go) return false;
    }
    return true;
  };
  walk(0, base);
}

/** Every grid point, in enumeration order; throws when there are more than `MAX_GRID_POINTS`. */
export function gridPoints(params: readonly CompiledParam[], base: unknown, pointsPerAxis: number): ParamAssignment[] {
  const points: ParamAssignment[] = [];
  enumerate(params, base, pointsPerAxis, (a) => {
    points.push(a);
    return points.length <= MAX_GRID_POINTS;
  });
  if (points.length > MAX_GRID_POINTS) throw new Error(`The grid has more than ${MAX_GRID_POINTS.toLocaleString('en-US')} points`);
  return points;
}

/** Grid search; `suggest` returns null once every point has had its trial. */
export function createGridSampler(params: readonly CompiledParam[], base: unknown, options: { pointsPerAxis: number; shuffle: boolean }, seed: number): Sampler & { size: number } {
  const points = gridPoints(params, base, options.pointsPerAxis);
  const order = options.shuffle ? new Rng(seed).fork('grid').permutation(points.length) : undefined;
  return {
    type: 'grid',
    size: points.length,
    suggest(trials) {
      const n = trials.length;
      if (n >= points.length) return null;
      return points[order ? order[n] : n];
    },
  };
}
