import { describe, expect, it } from 'vitest';
import type { SearchSpace, TrialObservation } from '../../../protocol/sweep';
import { createSampler } from './sampler';

const space: SearchSpace = [
  { type: 'loguniform', path: 'lr', min: 1e-5, max: 1e-1 },
  { type: 'int', path: 'units', min: 8, max: 512, log: true },
  { type: 'choice', path: 'act', values: ['relu', 'tanh', 'gelu'] },
  { type: 'quniform', path: 'dropout', min: 0, max: 0.5, step: 0.1 },
];
const base = { lr: 0.001, units: 64, act: 'relu', dropout: 0 };

function run(seed: number, n: number) {
  const sampler = createSampler({ base, space, sampler: { type: 'random' }, goal: 'minimize' }, seed);
  const trials: TrialObservation[] = [];
  for (let i = 0; i < n; i++) trials.push({ params: sampler.suggest(trials)!, state: 'complete', value: i });
  return trials.map((t) => t.params);
}

describe('random sampler', () => {
  it('is reproducible for a seed and differs between seeds', () => {
    expect(run(3, 20)).toEqual(run(3, 20));
    expect(run(3, 20)).not.toEqual(run(4, 20));
  });

  it('depends on the trial number only, not on the values seen (so a resumed sweep repeats itself)', () => {
    const sampler = createSampler({ base, space, sampler: { type: 'random' }, goal: 'minimize' }, 3);
    const history = run(3, 5).map((params) => ({ params, state: 'failed' as const }));
    expect(sampler.suggest(history)).toEqual(run(3, 6)[5]);
  });

  it('draws inside the space, log-uniformly on log axes', () => {
    const draws = run(11, 2000);
    const outside = draws.filter(
      (d) =>
        !((d.lr as number) >= 1e-5 && (d.lr as number) <= 1e-1) ||
        !Number.isInteger(d.units) ||
        !['relu', 'tanh', 'gelu'].includes(d.act as string) ||
        ![0, 0.1, 0.2, 0.3, 0.4, 0.5].includes(d.dropout as number),
    );
    expect(outside).toEqual([]);
    const belowMiddle = draws.filter((d) => (d.lr as number) < 1e-3).length / draws.length;
    expect(belowMiddle).toBeGreaterThan(0.45);
    expect(belowMiddle).toBeLessThan(0.55);
    const counts = ['relu', 'tanh', 'gelu'].map((a) => draws.filter((d) => d.act === a).length);
    for (const c of counts) expect(c).toBeGreaterThan(600);
  });
});
