/**
 * @file Random search: every active parameter drawn independently and uniformly (log-uniformly on log axes, each
 * grid point or choice equally likely), from a stream that depends only on the seed and the trial number.
 */
import { Rng } from '../../random/rng';
import { buildTrial, type CompiledParam } from '../apply-params';
import { fromUnit } from '../space';
import type { Sampler } from './sampler';

/** The random stream of trial `trialNumber`: the same whatever the history, so a resumed sweep repeats it. */
export function trialRng(seed: number, sampler: string, trialNumber: number): Rng {
  return new Rng(seed).fork(sampler).fork(trialNumber);
}

/** Random search over `params`, from `base`. */
export function createRandomSampler(params: readonly CompiledParam[], base: unknown, seed: number): Sampler {
  return {
    type: 'random',
    suggest(trials) {
      const rng = trialRng(seed, 'random', trials.length);
      return buildTrial(base, params, (param) => fromUnit(param.domain, rng.next())).params;
    },
  };
}
