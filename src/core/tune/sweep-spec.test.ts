import { describe, expect, it } from 'vitest';
import { specInput } from '../../test/train-spec-fixture';
import type { SamplerSpec, TrialObservation } from '../../protocol/sweep';
import { parseTrainSpec } from '../jobs/train-spec';
import { applyParams } from './apply-params';
import { createSampler } from './samplers/sampler';
import { assertSweepSpec, parseSweepSpec, SweepSpecError } from './sweep-spec';

/** A valid sweep over the fixture's MLP (two layers, adam). */
function sweepInput(): Record<string, unknown> & { space: Record<string, unknown>[] } {
  return {
    specVersion: 1,
    kind: 'sweep',
    base: specInput(),
    space: [
      { type: 'loguniform', path: 'optimizer.learningRate', min: 1e-4, max: 1e-1 },
      { type: 'int', path: 'model.layers.length', min: 1, max: 3 },
      { type: 'quniform', path: 'model.layers[2].dropout', min: 0, max: 0.5, step: 0.1 },
      { type: 'choice', path: 'batchSize', values: [16, 32, 64] },
    ],
    sampler: { type: 'tpe' },
    metric: { key: 'val_loss', goal: 'minimize' },
    maxTrials: 40,
    maxConcurrentTrials: 2,
  };
}

function issuesOf(input: unknown) {
  const result = parseSweepSpec(input);
  if (result.ok) throw new Error('expected the sweep spec to be rejected');
  return result.issues;
}

describe('parseSweepSpec', () => {
  it('accepts a valid sweep and fills in every default', () => {
    const spec = assertSweepSpec(sweepInput());
    expect(spec.sampler).toEqual({
      type: 'tpe',
      options: { startupTrials: 10, eiCandidates: 24, priorWeight: 1, magicClip: true, endpoints: false, multivariate: true, bandwidth: 'scott', group: true, constantLiar: false, gammaFraction: 0.1, gammaMax: 25 },
    });
    expect(spec.termination).toEqual({ type: 'none' });
    expect(spec.seed).toBe(7); // the base spec's
    expect(spec.base.model).toMatchObject({ family: 'mlp', layers: [{ units: 64, activation: 'relu', dropout: 0, batchNorm: false }, { units: 32 }] });
    expect(spec.space[1]).toEqual({ type: 'int', path: 'model.layers.length', min: 1, max: 3, step: 1, log: false });
    expect(assertSweepSpec({ ...sweepInput(), sampler: { type: 'grid' } }).sampler).toEqual({ type: 'grid', options: { pointsPerAxis: 5, shuffle: false } });
    expect(assertSweepSpec({ ...sweepInput(), sampler: { type: 'sobol' } }).sampler).toEqual({ type: 'sobol', options: { scramble: true } });
  });

  it('names empty and inverted ranges and log bounds at or below 0', () => {
    const input = sweepInput();
    input.space[0] = { type: 'loguniform', path: 'optimizer.learningRate', min: 0, max: 0.1 };
    input.space.push({ type: 'uniform', path: 'model.layers[0].dropout', min: 0.5, max: 0.1 });
    input.space.push({ type: 'uniform', path: 'model.layers[1].dropout', min: 0.2, max: 0.2 });
    expect(issuesOf(input)).toEqual([
      { path: 'space[0].min', message: 'a log-scale range needs min greater than 0, got 0' },
      { path: 'space[4].max', message: 'expected max greater than min, got an inverted range [0.5, 0.1]' },
      { path: 'space[5].max', message: 'expected max greater than min, got an empty range [0.2, 0.2]' },
    ]);
  });

  it('names a parameter path that is not in the base spec, with the fields that are', () => {
    const input = sweepInput();
    input.space[0] = { type: 'loguniform', path: 'optimizer.learningrate', min: 1e-4, max: 1e-1 };
    input.space.push({ type: 'uniform', path: 'model.layers[5].dropout', min: 0, max: 0.5 });
    expect(issuesOf(input)).toEqual([
      {
        path: 'space[0].path',
        message: '"optimizer.learningrate" is not in the base spec (at "optimizer.learningrate": optimizer has fields name, learningRate, beta1, beta2, epsilon)',
      },
      {
        path: 'space[4].path',
        message: '"model.layers[5].dropout" is not in the base spec (at "model.layers[5]": model.layers has a list of 2 (indices 0 to 1, and length))',
      },
    ]);
  });

  it('accepts a path that an earlier parameter makes exist, and rejects it without that parameter', () => {
    const input = sweepInput();
    input.space.splice(1, 1); // no more layer count: model.layers[2] never exists
    expect(issuesOf(input)).toEqual([{ path: 'space[1].path', message: expect.stringContaining('"model.layers[2].dropout" is not in the base spec') }]);
  });

  it('refuses a grid of ten million points before anything runs', () => {
    const input = { ...sweepInput(), sampler: { type: 'grid' } };
    input.space = [
      { type: 'int', path: 'epochs', min: 1, max: 1000 },
      { type: 'int', path: 'batchSize', min: 1, max: 1000 },
      { type: 'choice', path: 'model.layers[0].activation', values: ['relu', 'tanh', 'gelu', 'sigmoid', 'linear'] },
      { type: 'uniform', path: 'model.layers[0].dropout', min: 0, max: 0.5 },
    ];
    expect(issuesOf(input)).toEqual([
      {
        path: 'sampler',
        message: 'the grid has 25,000,000 points (1,000 × 1,000 × 5 × 5), more than the 100,000 allowed; use fewer points per axis or choices, a larger step, or the random, Sobol or TPE sampler',
      },
    ]);
  });

  it('checks that trial specs still validate as training specs', () => {
    const input = sweepInput();
    input.space.push({ type: 'uniform', path: 'model.layers[0].dropout', min: 0, max: 1.5 });
    input.space.push({ type: 'choice', path: 'loss', values: ['crossentropy', 'mse'] });
    expect(issuesOf(input)).toEqual([
      { path: 'space[4]', message: 'with model.layers[0].dropout = 1.5 the trial spec is invalid: model.layers[0].dropout: expected a number from 0 to 0.9, got 1.5' },
      { path: 'space[5]', message: 'with loss = "mse" the trial spec is invalid: loss: expected "crossentropy" for a binary task, got "mse"' },
    ]);
  });

  it('validates conditions, duplicates and locked paths', () => {
    const input = sweepInput();
    input.space.push({ type: 'uniform', path: 'optimizer.beta1', min: 0.8, max: 0.99, when: { path: 'optimizer.name', equals: 'sgd' } });
    input.space.push({ type: 'choice', path: 'batchSize', values: [8] });
    input.space.push({ type: 'choice', path: 'data.contentHash', values: ['ff'.repeat(32)] });
    input.space.push({ type: 'uniform', path: 'optimizer.beta2', min: 0.9, max: 0.99, when: { path: 'optimizer.name' } });
    expect(issuesOf(input)).toEqual([
      { path: 'space[5].path', message: '"batchSize" is already set by space[3]; expected each path once' },
      { path: 'space[6].path', message: '"data.contentHash" cannot be swept: it identifies the spec or its dataset' },
      { path: 'space[7].when', message: 'expected exactly one of equals and oneOf, got neither' },
    ]);
    const never = sweepInput();
    never.space.push({ type: 'uniform', path: 'optimizer.beta1', min: 0.8, max: 0.99, when: { path: 'optimizer.name', equals: 'sgd' } });
    expect(issuesOf(never)).toEqual([{ path: 'space[4].when', message: 'the condition never holds where optimizer.beta1 exists, so the parameter would never be sampled' }]);
  });

  it('accepts conditions on a swept optimizer, and every sampled trial applies and validates', () => {
    const input = sweepInput();
    input.space.push({ type: 'choice', path: 'optimizer', values: [{ name: 'adam', learningRate: 0.001 }, { name: 'momentum', learningRate: 0.01 }] });
    input.space.push({ type: 'uniform', path: 'optimizer.momentum', min: 0.5, max: 0.99, when: { path: 'optimizer.name', equals: 'momentum' } });
    input.space.push({ type: 'loguniform', path: 'optimizer.learningRate', min: 1e-4, max: 1e-1 } as never);
    input.space.splice(0, 1); // the learning rate now follows the optimizer choice
    const spec = assertSweepSpec(input);
    expect(spec.space[3]).toMatchObject({ values: [{ name: 'adam', learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }, { name: 'momentum', learningRate: 0.01, momentum: 0.9, nesterov: false }] });
    for (const type of ['random', 'tpe', 'grid'] as const) {
      const sampler = createSampler({ base: spec.base, space: spec.space, sampler: { type, options: { pointsPerAxis: 2 } } as SamplerSpec, goal: 'minimize' }, 1);
      const trials: TrialObservation[] = [];
      for (let i = 0; i < 30; i++) {
        const params = sampler.suggest(trials);
        if (!params) break;
        const trial = applyParams(spec.base, spec.space, params);
        expect(parseTrainSpec(trial).ok).toBe(true);
        expect('optimizer.momentum' in params).toBe(trial.optimizer.name === 'momentum');
        trials.push({ params, state: 'complete', value: i % 7 });
      }
    }
  });

  it('reports the shape, the base spec and the budgets with paths', () => {
    const input = { ...sweepInput(), maxTrials: 0, sampler: { type: 'bayes' }, extra: true };
    expect(issuesOf(input).map((i) => i.path)).toEqual(['sampler.type', 'maxTrials', 'extra']);
    const badBase = sweepInput();
    (badBase.base as Record<string, unknown>).epochs = 0;
    expect(issuesOf(badBase)).toEqual([{ path: 'base.epochs', message: 'expected an integer from 1 to 10000, got 0' }]);
    expect(issuesOf({ ...sweepInput(), maxConcurrentTrials: 50 })).toEqual([{ path: 'maxConcurrentTrials', message: 'expected at most maxTrials (40), got 50' }]);
    expect(() => assertSweepSpec({ ...sweepInput(), space: [] })).toThrow(SweepSpecError);
  });

  it('validates the termination policy', () => {
    expect(assertSweepSpec({ ...sweepInput(), termination: { type: 'median' } }).termination).toEqual({ type: 'median', evaluationInterval: 1, delayEvaluation: 0 });
    expect(assertSweepSpec({ ...sweepInput(), termination: { type: 'asha', minEpochs: 5 } }).termination).toEqual({ type: 'asha', minEpochs: 5, reductionFactor: 3 });
    expect(issuesOf({ ...sweepInput(), termination: { type: 'bandit' } })).toEqual([
      { path: 'termination', message: 'a bandit policy needs exactly one of slackFactor (a ratio, e.g. 0.1) and slackAmount (an absolute difference), got neither' },
    ]);
    expect(issuesOf({ ...sweepInput(), termination: { type: 'bandit', slackFactor: 0.1, slackAmount: 0.2 } })[0].message).toMatch(/got both/);
    expect(issuesOf({ ...sweepInput(), termination: { type: 'truncation', truncationPercentage: 100 } })).toEqual([
      { path: 'termination.truncationPercentage', message: 'expected a number from 1 to 99, got 100' },
    ]);
    expect(issuesOf({ ...sweepInput(), termination: { type: 'asha', minEpochs: 60 } })).toEqual([{ path: 'termination.minEpochs', message: "expected at most the trial spec's epochs (50), got 60" }]);
    expect(issuesOf({ ...sweepInput(), termination: { type: 'hyperband', minEpochs: 1, maxEpochs: 80, reductionFactor: 1 } }).map((i) => i.path)).toEqual(['termination.reductionFactor']);
    expect(issuesOf({ ...sweepInput(), termination: { type: 'hyperband', minEpochs: 1, maxEpochs: 80 } })).toEqual([
      { path: 'termination.maxEpochs', message: "expected at most the trial spec's epochs (50), got 80" },
    ]);
    expect(issuesOf({ ...sweepInput(), termination: { type: 'median', evaluationInterval: 0 } })[0].path).toBe('termination.evaluationInterval');
  });
});
