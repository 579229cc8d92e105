/**
 * @file The sampler interface and `createSampler`, the one entry point. A sampler is a pure function of its seed,
 * the trial number (the length of the history) and the history: a resumed sweep, given the same trials, gets the
 * same suggestions. Samplers work on any JSON base object (a training spec, or `{ x: 0, y: 0 }` in benchmarks).
 */
import type { MetricGoal } from '../../../protocol/termination';
import type { ParamAssignment, SamplerSpec, SamplerType, SearchSpace, TrialObservation } from '../../../protocol/sweep';
import { compileSpace } from '../apply-params';
import { createGridSampler, DEFAULT_POINTS_PER_AXIS } from './grid';
import { createRandomSampler } from './random';
import { createSobolSampler } from './sobol';
import { createTpeSampler } from './tpe';

/** Suggests the parameters of the next trial. */
export interface Sampler {
  readonly type: SamplerType;
  /** Number of points of a grid; absent for samplers without an end. */
  readonly size?: number;
  /**
   * The next trial's assignment, given every trial started so far (in start order, running ones included); the
   * trial number is `trials.length`. Null when the sampler has no point left (a grid after its last point).
   */
  suggest(trials: readonly TrialObservation[]): ParamAssignment | null;
}

/** What a sampler needs: the object trials start from, the space, the sampler and the metric's direction. */
export interface SamplerContext {
  base: unknown;
  space: SearchSpace;
  sampler: SamplerSpec;
  goal: MetricGoal;
}

/** The sampler of `context`, seeded with `seed` (a uint32). The space should have passed validation. */
export function createSampler(context: SamplerContext, seed: number): Sampler {
  const params = compileSpace(context.space);
  const { sampler, base } = context;
  switch (sampler.type) {
    case 'grid':
      return createGridSampler(params, base, { pointsPerAxis: sampler.options?.pointsPerAxis ?? DEFAULT_POINTS_PER_AXIS, shuffle: sampler.options?.shuffle ?? false }, seed);
    case 'random':
      return createRandomSampler(params, base, seed);
    case 'sobol':
      return createSobolSampler(params, base, sampler.options?.scramble ?? true, seed);
    case 'tpe':
      return createTpeSampler(params, base, sampler.options ?? {}, context.goal, seed);
  }
}
