/**
 * @file The tree-structured Parzen estimator sampler (Bergstra et al. 2011, as implemented by Optuna 3).
 *
 * For a parameter (univariate) or a group of parameters (multivariate), over the trials that have them: until
 * `startupTrials` of them have finished, values are random. Then the best `min(ceil(0.1 n), 25)` trials fit a Parzen
 * estimator l(x) and the rest g(x) (see `parzen-estimator.ts`); `eiCandidates` draws from l are scored by
 * log l(x) − log g(x) (expected improvement grows with l/g) and the best is suggested.
 *
 * Conditional spaces: univariate TPE models each parameter on the trials where it was active. Multivariate TPE
 * models jointly each group of parameters that always occur together (`group`, default), or jointly only the
 * parameters every finished trial has (`group: false`), and the rest one by one.
 *
 * Running trials: ignored by default; with `constantLiar` they join the bad trials (so that concurrent suggestions
 * spread out). Failed trials are ignored; pruned ones rank after every complete trial.
 *
 * Randomness: one stream per trial number, forked from the seed, so a suggestion depends only on the seed, the trial
 * number and the history.
 */
import type { MetricGoal } from '../../../protocol/termination';
import type { JsonValue, TpeSamplerOptions, TrialObservation } from '../../../protocol/sweep';
import type { Rng } from '../../random/rng';
import { buildTrial, type CompiledParam } from '../apply-params';
import { choiceIndex, fromUnit, toInternal, toValue } from '../space';
import { defaultWeights, ParzenEstimator, type ParzenSettings } from './parzen-estimator';
import { trialRng } from './random';
import type { Sampler } from './sampler';
import { goodCount, parameterGroups, rankableTrials, rankTrials, splitTrials, type RankedTrial } from './tpe-history';

/** TPE options with every default filled in. */
export type TpeSettings = Required<TpeSamplerOptions>;

/**
 * The defaults: Optuna 3's, except the multivariate model with Scott's-rule widths on the observed spread, which
 * measured better on every benchmark function (bench/README.md, `npm run bench:hpo`).
 */
export const TPE_DEFAULTS: Readonly<TpeSettings> = Object.freeze({
  startupTrials: 10,
  eiCandidates: 24,
  priorWeight: 1,
  magicClip: true,
  endpoints: false,
  multivariate: true,
  bandwidth: 'scott',
  group: true,
  constantLiar: false,
  gammaFraction: 0.1,
  gammaMax: 25,
});

/** TPE over `params`, from `base`. */
export function createTpeSampler(params: readonly CompiledParam[], base: unknown, options: TpeSamplerOptions, goal: MetricGoal, seed: number): Sampler {
  const settings: TpeSettings = { ...TPE_DEFAULTS, ...options };
  const parzen: ParzenSettings = {
    priorWeight: settings.priorWeight,
    magicClip: settings.magicClip,
    endpoints: settings.endpoints,
    multivariate: settings.multivariate,
    bandwidth: settings.bandwidth,
  };
  const univariate: ParzenSettings = { ...parzen, multivariate: false };
  const byPath = new Map(params.map((p) => [p.path, p]));
  return {
    type: 'tpe',
    suggest(trials: readonly TrialObservation[]) {
      const rng = trialRng(seed, 'tpe', trials.length);
      const history = rankableTrials(trials, goal, settings.constantLiar);
      const ranked = rankTrials(history);
      const groupOf = settings.multivariate ? jointGroups(history, byPath, settings.group) : new Map<string, CompiledParam[]>();
      const chosen = new Map<string, JsonValue>();
      return buildTrial(base, params, (param) => {
        if (!chosen.has(param.path)) {
          const joint = groupOf.get(param.path);
          const group = joint ?? [param];
          const values = sampleGroup(group, history, ranked, rng, settings, joint ? parzen : univariate);
          group.forEach((p, i) => chosen.set(p.path, values[i]));
        }
        return chosen.get(param.path)!;
      }).params;
    },
  };
}

/** For each parameter modelled jointly, its group (parameters in space order). */
function jointGroups(history: readonly RankedTrial[], byPath: ReadonlyMap<string, CompiledParam>, group: boolean): Map<string, CompiledParam[]> {
  const finished = history.filter((t) => t.tier < 2);
  const known = (keys: string[]) => keys.filter((k) => byPath.has(k));
  let groups: string[][];
  if (group) {
    groups = parameterGroups(finished.map((t) => known(Object.keys(t.params))));
  } else {
    const all = [...byPath.keys()];
    groups = [finished.length === 0 ? all : all.filter((k) => finished.every((t) => Object.prototype.hasOwnProperty.call(t.params, k)))];
  }
  const out = new Map<string, CompiledParam[]>();
  for (const keys of groups) {
    const members = keys.map((k) => byPath.get(k)!).sort((a, b) => a.index - b.index);
    for (const m of members) out.set(m.path, members);
  }
  return out;
}

/** Values for `group`: random during start-up, else the best of the candidates by log l − log g. */
function sampleGroup(group: readonly CompiledParam[], history: readonly RankedTrial[], ranked: readonly RankedTrial[], rng: Rng, settings: TpeSettings, parzen: ParzenSettings): JsonValue[] {
  const usable: { trial: RankedTrial; point: number[] }[] = [];
  for (const trial of history) {
    const point = internalPoint(group, trial);
    if (point) usable.push({ trial, point });
  }
  const finished = usable.filter((u) => u.trial.tier < 2).length;
  if (finished < settings.startupTrials || finished === 0) return group.map((p) => fromUnit(p.domain, rng.next()));

  const nBelow = goodCount(finished, settings.gammaFraction, settings.gammaMax);
  const { below, above } = splitTrials(ranked, new Set(usable.map((u) => u.trial)), nBelow);
  const points = new Map(usable.map((u) => [u.trial.number, u.point]));
  const domains = group.map((p) => p.domain);
  const fit = (trials: RankedTrial[]) => {
    const observations = domains.map(() => new Float64Array(trials.length));
    trials.forEach((t, i) => points.get(t.number)!.forEach((x, d) => (observations[d][i] = x)));
    return new ParzenEstimator(domains, observations, defaultWeights(trials.length), parzen);
  };
  const good = fit(below);
  const bad = fit(above);
  const count = settings.eiCandidates;
  const candidates = good.sample(rng, count);
  const lGood = good.logPdf(candidates, count);
  const lBad = bad.logPdf(candidates, count);
  let best = 0;
  for (let i = 1; i < count; i++) if (lGood[i] - lBad[i] > lGood[best] - lBad[best]) best = i;
  return group.map((p, d) => {
    const x = candidates[d][best];
    return p.domain.kind === 'categorical' ? p.domain.choices[x] : toValue(p.domain, x);
  });
}

/** A trial's values of `group` in internal coordinates, or undefined when it lacks one or one is outside the space. */
function internalPoint(group: readonly CompiledParam[], trial: RankedTrial): number[] | undefined {
  const point: number[] = [];
  for (const p of group) {
    if (!Object.prototype.hasOwnProperty.call(trial.params, p.path)) return undefined;
    const value = trial.params[p.path];
    const x = p.domain.kind === 'categorical' ? choiceIndex(p.domain, value) : toInternal(p.domain, value);
    if (x === undefined) return undefined;
    point.push(x);
  }
  return point;
}
