import { describe, expect, it } from 'vitest';
import type { SearchSpace, TrialObservation } from '../../../protocol/sweep';
import { compileSpace } from '../apply-params';
import { countGridPoints, MAX_GRID_POINTS } from './grid';
import { createSampler, type Sampler } from './sampler';

function drain(sampler: Sampler) {
  const trials: TrialObservation[] = [];
  for (;;) {
    const params = sampler.suggest(trials);
    if (params === null) return trials.map((t) => t.params);
    trials.push({ params, state: 'complete', value: 0 });
  }
}

describe('grid sampler', () => {
  const space: SearchSpace = [
    { type: 'choice', path: 'act', values: ['relu', 'tanh'] },
    { type: 'uniform', path: 'dropout', min: 0, max: 0.5 },
    { type: 'int', path: 'units', min: 16, max: 48, step: 16 },
  ];
  const base = { act: 'relu', dropout: 0, units: 16 };

  it('enumerates every combination exactly once, last parameter fastest, then stops', () => {
    const sampler = createSampler({ base, space, sampler: { type: 'grid', options: { pointsPerAxis: 3 } }, goal: 'minimize' }, 0);
    expect(sampler.size).toBe(18);
    const points = drain(sampler);
    expect(points).toHaveLength(18);
    expect(points.slice(0, 4)).toEqual([
      { act: 'relu', dropout: 0, units: 16 },
      { act: 'relu', dropout: 0, units: 32 },
      { act: 'relu', dropout: 0, units: 48 },
      { act: 'relu', dropout: 0.25, units: 16 },
    ]);
    expect(new Set(points.map((p) => JSON.stringify(p))).size).toBe(18);
  });

  it('shuffles with the seed: same set, seeded order', () => {
    const shuffled = (seed: number) => drain(createSampler({ base, space, sampler: { type: 'grid', options: { pointsPerAxis: 3, shuffle: true } }, goal: 'minimize' }, seed));
    const plain = drain(createSampler({ base, space, sampler: { type: 'grid', options: { pointsPerAxis: 3 } }, goal: 'minimize' }, 0));
    expect(shuffled(5)).toEqual(shuffled(5));
    expect(shuffled(5)).not.toEqual(shuffled(6));
    expect(shuffled(5).map((p) => JSON.stringify(p)).sort()).toEqual(plain.map((p) => JSON.stringify(p)).sort());
  });

  it('multiplies conditional parameters only where they are active', () => {
    const conditional: SearchSpace = [
      { type: 'int', path: 'layers.length', min: 1, max: 3 },
      { type: 'choice', path: 'layers[2].dropout', values: [0, 0.5] },
    ];
    const points = drain(createSampler({ base: { layers: [{ dropout: 0 }] }, space: conditional, sampler: { type: 'grid' }, goal: 'minimize' }, 0));
    expect(points).toEqual([{ 'layers.length': 1 }, { 'layers.length': 2 }, { 'layers.length': 3, 'layers[2].dropout': 0 }, { 'layers.length': 3, 'layers[2].dropout': 0.5 }]);
    const params = compileSpace(conditional);
    expect(countGridPoints(params, { layers: [{ dropout: 0 }] }, 5)).toBe(4);
    // Conditional grids are counted by listing, stopping as soon as the limit is passed.
    const wide = compileSpace([...conditional, { type: 'int', path: 'layers[0].dropout', min: 1, max: 100 }]);
    expect(countGridPoints(wide, { layers: [{ dropout: 0 }] }, 5, 50)).toBe(51);
    expect(countGridPoints(wide, { layers: [{ dropout: 0 }] }, 5)).toBe(400);
  });

  it('counts a ten-million-point grid without listing it', () => {
    const huge: SearchSpace = [
      { type: 'int', path: 'a', min: 1, max: 1000 },
      { type: 'int', path: 'b', min: 1, max: 1000 },
      { type: 'int', path: 'c', min: 1, max: 10 },
    ];
    const started = performance.now();
    expect(countGridPoints(compileSpace(huge), { a: 1, b: 1, c: 1 }, 5)).toBe(MAX_GRID_POINTS + 1);
    expect(performance.now() - started).toBeLessThan(100);
  });
});
