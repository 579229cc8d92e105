import { describe, expect, it } from 'vitest';
import type { MetricGoal } from '../../../protocol/termination';
import type { ParamAssignment, SamplerSpec, SearchSpace, TrialObservation } from '../../../protocol/sweep';
import { applyParams } from '../apply-params';
import { createSampler } from './sampler';

const plane: SearchSpace = [
  { type: 'uniform', path: 'x', min: -5, max: 5 },
  { type: 'uniform', path: 'y', min: -5, max: 5 },
];
const bowl = (p: ParamAssignment) => ((p.x as number) - 1.3) ** 2 + ((p.y as number) + 2.1) ** 2;

/** Runs `n` trials of `f` and returns the trials. */
function optimize(sampler: SamplerSpec, seed: number, n: number, f: (p: ParamAssignment) => number, space = plane, goal: MetricGoal = 'minimize', base: unknown = { x: 0, y: 0 }) {
  const s = createSampler({ base, space, sampler, goal }, seed);
  const trials: TrialObservation[] = [];
  for (let i = 0; i < n; i++) {
    const params = s.suggest(trials)!;
    trials.push({ params, state: 'complete', value: f(params) });
  }
  return trials;
}
const best = (trials: TrialObservation[]) => Math.min(...trials.map((t) => t.value!));

describe('TPE sampler', () => {
  it('is reproducible for a seed and differs between seeds', () => {
    const a = optimize({ type: 'tpe' }, 1, 30, bowl).map((t) => t.params);
    expect(optimize({ type: 'tpe' }, 1, 30, bowl).map((t) => t.params)).toEqual(a);
    expect(optimize({ type: 'tpe' }, 2, 30, bowl).map((t) => t.params)).not.toEqual(a);
  });

  it('is a function of the seed, the trial number and the history (a resumed sweep suggests the same)', () => {
    const trials = optimize({ type: 'tpe' }, 7, 25, bowl);
    const fresh = createSampler({ base: { x: 0, y: 0 }, space: plane, sampler: { type: 'tpe' }, goal: 'minimize' }, 7);
    expect(fresh.suggest(trials.slice(0, 24))).toEqual(trials[24].params);
    expect(fresh.suggest(trials.slice(0, 24))).toEqual(trials[24].params);
  });

  it('beats random search on a shifted bowl (fixed seeds, 60 trials)', () => {
    for (const seed of [1, 2, 3]) {
      const random = best(optimize({ type: 'random' }, seed, 60, bowl));
      const tpe = best(optimize({ type: 'tpe' }, seed, 60, bowl));
      const univariate = best(optimize({ type: 'tpe', options: { multivariate: false } }, seed, 60, bowl));
      expect(tpe).toBeLessThan(random / 5);
      expect(univariate).toBeLessThan(random);
    }
  });

  it('follows the goal: maximizing −f suggests exactly what minimizing f does', () => {
    const min = optimize({ type: 'tpe' }, 4, 25, bowl).map((t) => t.params);
    const max = optimize({ type: 'tpe' }, 4, 25, (p) => -bowl(p), plane, 'maximize').map((t) => t.params);
    expect(max).toEqual(min);
  });

  it('uses random start-up trials, then the model', () => {
    const random = optimize({ type: 'random' }, 9, 10, bowl).map((t) => t.params);
    const tpe = optimize({ type: 'tpe', options: { startupTrials: 10 } }, 9, 12, bowl);
    // Start-up draws come from TPE's own stream, so they differ from the random sampler's, but are spread out;
    // the first model-based suggestion lands nearer the best start-up trial than a typical random point.
    expect(tpe.slice(0, 10).map((t) => t.params)).not.toEqual(random);
    const bestStart = tpe.slice(0, 10).reduce((a, b) => (a.value! < b.value! ? a : b)).params;
    const distance = (p: ParamAssignment) => Math.hypot((p.x as number) - (bestStart.x as number), (p.y as number) - (bestStart.y as number));
    expect(Math.min(distance(tpe[10].params), distance(tpe[11].params))).toBeLessThan(3);
  });

  it('handles categorical, log-scale, integer and quantized parameters', () => {
    const space: SearchSpace = [
      { type: 'choice', path: 'act', values: ['relu', 'tanh', 'gelu', 'sigmoid'] },
      { type: 'loguniform', path: 'lr', min: 1e-5, max: 1 },
      { type: 'int', path: 'units', min: 1, max: 512, log: true },
      { type: 'quniform', path: 'dropout', min: 0, max: 0.9, step: 0.1 },
    ];
    const loss = (p: ParamAssignment) =>
      (p.act === 'gelu' ? 0 : 1) + Math.abs(Math.log10(p.lr as number) + 3) + Math.abs(Math.log2(p.units as number) - 6) / 2 + Math.abs((p.dropout as number) - 0.3);
    const base = { act: 'relu', lr: 0.1, units: 8, dropout: 0 };
    for (const options of [{}, { multivariate: false }]) {
      const trials = optimize({ type: 'tpe', options }, 3, 80, loss, space, 'minimize', base);
      const late = trials.slice(-20).map((t) => t.params);
      expect(late.filter((p) => p.act === 'gelu').length).toBeGreaterThan(12);
      expect(late.every((p) => Number.isInteger(p.units) && [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9].includes(p.dropout as number))).toBe(true);
      expect(best(trials)).toBeLessThan(0.8);
      expect(best(trials)).toBeLessThan(best(optimize({ type: 'random' }, 3, 80, loss, space, 'minimize', base)));
    }
  });

  it('models conditional parameters (grouped and independent) and only suggests active ones', () => {
    const space: SearchSpace = [
      { type: 'int', path: 'layers.length', min: 1, max: 3 },
      { type: 'uniform', path: 'layers[0].dropout', min: 0, max: 0.9 },
      { type: 'uniform', path: 'layers[1].dropout', min: 0, max: 0.9 },
      { type: 'uniform', path: 'layers[2].dropout', min: 0, max: 0.9 },
      { type: 'loguniform', path: 'lr', min: 1e-4, max: 1 },
    ];
    const base = { layers: [{ dropout: 0 }], lr: 0.01 };
    const loss = (p: ParamAssignment) => {
      const spec = applyParams(base, space, p);
      return spec.layers.reduce((s, l) => s + (l.dropout - 0.2) ** 2, 0) + Math.abs(Math.log10(spec.lr) + 2) + (spec.layers.length === 2 ? 0 : 0.5);
    };
    for (const options of [{}, { group: false }, { multivariate: false }]) {
      const trials = optimize({ type: 'tpe', options }, 5, 60, loss, space, 'minimize', base);
      for (const t of trials) expect(() => applyParams(base, space, t.params)).not.toThrow();
      expect(trials.slice(-15).filter((t) => t.params['layers.length'] === 2).length).toBeGreaterThan(7);
      expect(best(trials)).toBeLessThan(0.3);
    }
  });

  it('with the constant liar, steers away from what running trials are trying', () => {
    const done = optimize({ type: 'tpe' }, 6, 20, bowl);
    const sampler = (constantLiar: boolean) => createSampler({ base: { x: 0, y: 0 }, space: plane, sampler: { type: 'tpe', options: { constantLiar } }, goal: 'minimize' }, 6);
    const running = (params: ParamAssignment): TrialObservation[] => [...done, { params, state: 'running' }];
    // Without the liar a running trial's values are ignored: trial 21 gets the same suggestion whatever they are.
    const next = sampler(false).suggest(running({ x: 0, y: 0 }))!;
    expect(sampler(false).suggest(running(next))).toEqual(next);
    // With it, a trial already running there counts as bad, and the suggestion moves elsewhere.
    expect(sampler(true).suggest(running(next))).not.toEqual(next);
  });

  it('ignores failed trials and learns from pruned ones after complete ones', () => {
    const trials = optimize({ type: 'tpe' }, 8, 20, bowl);
    const withFailures: TrialObservation[] = trials.map((t, i) => (i % 3 === 0 ? { params: t.params, state: 'failed' } : t));
    const s = createSampler({ base: { x: 0, y: 0 }, space: plane, sampler: { type: 'tpe' }, goal: 'minimize' }, 8);
    const params = s.suggest(withFailures)!;
    expect(params.x).toBeGreaterThanOrEqual(-5);
    const pruned: TrialObservation[] = trials.map((t, i) => (i % 2 === 0 ? { ...t, state: 'pruned' } : t));
    expect(s.suggest(pruned)).not.toEqual(s.suggest(trials));
  });
});
