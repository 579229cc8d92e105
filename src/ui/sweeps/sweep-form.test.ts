import { describe, expect, it } from 'vitest';
import type { TrainSpec } from '../../protocol/train';
import { testTrainSpec } from '../../test/storage-run-fixtures';
import { defaultSearchSpace, metricGoal, sweepMetricOptions } from './sweep-defaults';
import {
  concurrencyProblem,
  convertParam,
  formatChoiceValues,
  initialSweepSpec,
  paramFieldId,
  parseChoiceValues,
  samplerOfType,
  sweepFieldIdForPath,
  sweepFieldLabel,
  terminationOfType,
} from './sweep-form';

describe('defaultSearchSpace', () => {
  it('searches the learning rate, each MLP layer and the batch size', () => {
    const base = testTrainSpec();
    expect(base.model.family).toBe('mlp');
    const space = defaultSearchSpace(base);
    const layers = base.model.family === 'mlp' ? base.model.layers : [];
    expect(space[0]).toEqual({ path: 'optimizer.learningRate', type: 'loguniform', min: 1e-4, max: 1e-1 });
    expect(space.at(-1)).toEqual({ path: 'batchSize', type: 'choice', values: [16, 32, 64, 128] });
    for (let i = 0; i < layers.length; i++) {
      const units = space.find((p) => p.path === `model.layers[${i}].units`);
      expect(units).toMatchObject({ type: 'int', log: true });
      if (units?.type === 'int') {
        expect(units.min).toBeLessThan(layers[i].units);
        expect(units.max).toBeGreaterThan(layers[i].units);
      }
      expect(space.find((p) => p.path === `model.layers[${i}].dropout`)).toEqual({ path: `model.layers[${i}].dropout`, type: 'uniform', min: 0, max: 0.5 });
    }
  });

  it('searches the L2 penalty of a logistic model', () => {
    const base: TrainSpec = { ...testTrainSpec(), model: { family: 'logistic', l2: 0 } };
    expect(defaultSearchSpace(base).map((p) => p.path)).toEqual(['optimizer.learningRate', 'model.l2', 'batchSize']);
  });
});

describe('sweep metrics', () => {
  it('offers the validation metrics of the task with their direction', () => {
    expect(sweepMetricOptions('multiclass').map((m) => [m.key, m.goal])).toEqual([
      ['val_loss', 'minimize'],
      ['val_accuracy', 'maximize'],
    ]);
    expect(sweepMetricOptions('regression').map((m) => m.key)).toEqual(['val_loss', 'val_rmse', 'val_mae', 'val_r2']);
    expect(metricGoal('val_r2')).toBe('maximize');
    expect(metricGoal('val_mae')).toBe('minimize');
  });
});

describe('initialSweepSpec', () => {
  it('uses TPE, ASHA at a tenth of the epochs, the first metric and a budget within the concurrency', () => {
    const base = { ...testTrainSpec(), epochs: 50 };
    const spec = initialSweepSpec(base, 2, 7);
    expect(spec).toMatchObject({ specVersion: 1, kind: 'sweep', sampler: { type: 'tpe' }, metric: { key: 'val_loss', goal: 'minimize' }, maxTrials: 20, maxConcurrentTrials: 2, seed: 7 });
    expect(spec.termination).toEqual({ type: 'asha', minEpochs: 5, reductionFactor: 3 });
    expect(initialSweepSpec({ ...base, epochs: 4 }, 8, 1)).toMatchObject({ maxConcurrentTrials: 4, termination: { minEpochs: 1 } });
  });
});

describe('convertParam', () => {
  it('keeps the bounds that carry over', () => {
    const lr = { path: 'optimizer.learningRate', type: 'loguniform', min: 1e-4, max: 1e-1 } as const;
    expect(convertParam(lr, 'uniform')).toEqual({ path: lr.path, type: 'uniform', min: 1e-4, max: 1e-1 });
    expect(convertParam(lr, 'choice')).toEqual({ path: lr.path, type: 'choice', values: [1e-4, 1e-1] });
    expect(convertParam({ path: 'x', type: 'uniform', min: 0, max: 0.5 }, 'loguniform')).toEqual({ path: 'x', type: 'loguniform', min: 0.0005, max: 0.5 });
    expect(convertParam({ path: 'x', type: 'uniform', min: 0, max: 1 }, 'quniform')).toEqual({ path: 'x', type: 'quniform', min: 0, max: 1, step: 0.1 });
    expect(convertParam({ path: 'x', type: 'uniform', min: 0.2, max: 0.4 }, 'int')).toEqual({ path: 'x', type: 'int', min: 0, max: 1 });
    expect(convertParam({ path: 'b', type: 'choice', values: [16, 'x', 64] }, 'int')).toEqual({ path: 'b', type: 'int', min: 16, max: 64 });
    expect(convertParam({ path: 'b', type: 'int', min: 8, max: 64 }, 'choice')).toEqual({ path: 'b', type: 'choice', values: [8, 36, 64] });
  });

  it('keeps a condition', () => {
    const when = { path: 'optimizer.name', equals: 'sgd' };
    expect(convertParam({ path: 'x', type: 'uniform', min: 0, max: 1, when }, 'int')).toMatchObject({ when });
  });
});

describe('choice values as text', () => {
  it('round-trips JSON values separated by commas', () => {
    const values = [16, 'adam', true, null, { name: 'sgd' }];
    const text = formatChoiceValues(values);
    expect(text).toBe('16, "adam", true, null, {"name":"sgd"}');
    expect(parseChoiceValues(text)).toEqual({ ok: true, values });
  });

  it('says how to write them when they do not parse', () => {
    const bad = parseChoiceValues('adam, sgd');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.message).toMatch(/"adam", "sgd"/);
    expect(parseChoiceValues('  ')).toMatchObject({ ok: false, message: expect.stringMatching(/at least one value/) });
  });
});

describe('sweepFieldIdForPath', () => {
  it('points each spec path at the control that fixes it', () => {
    expect(sweepFieldIdForPath('space[2].max')).toBe(paramFieldId(2, 'max'));
    expect(sweepFieldIdForPath('space[0].values[1]')).toBe(paramFieldId(0, 'values'));
    expect(sweepFieldIdForPath('space[1]')).toBe(paramFieldId(1, 'type'));
    expect(sweepFieldIdForPath('space[1].when.path')).toBe(paramFieldId(1, 'path'));
    expect(sweepFieldIdForPath('termination.minEpochs')).toBe('sweep-min-epochs');
    expect(sweepFieldIdForPath('termination.somethingElse')).toBe('sweep-termination');
    expect(sweepFieldIdForPath('sampler.options.startupTrials')).toBe('sweep-startup-trials');
    expect(sweepFieldIdForPath('maxConcurrentTrials')).toBe('sweep-max-concurrent');
    expect(sweepFieldIdForPath('base.epochs')).toBe('sweep-epochs');
    expect(sweepFieldIdForPath('base.data.target')).toBeNull();
  });

  it('labels fields for the error summary', () => {
    expect(sweepFieldLabel(paramFieldId(2, 'max'))).toBe('Parameter 3 max');
    expect(sweepFieldLabel('sweep-max-concurrent')).toBe('Trials at once');
    expect(sweepFieldLabel('nope')).toBeNull();
  });
});

describe('samplers and policies', () => {
  it('gives each sampler and policy its defaults', () => {
    expect(samplerOfType('tpe')).toEqual({ type: 'tpe', options: { startupTrials: 5 } });
    expect(samplerOfType('grid')).toEqual({ type: 'grid', options: { pointsPerAxis: 5, shuffle: false } });
    expect(samplerOfType('random')).toEqual({ type: 'random' });
    expect(terminationOfType('median', 30)).toEqual({ type: 'median', evaluationInterval: 1, delayEvaluation: 3 });
    expect(terminationOfType('bandit', 5)).toEqual({ type: 'bandit', slackFactor: 0.1, evaluationInterval: 1, delayEvaluation: 1 });
    expect(terminationOfType('none', 5)).toEqual({ type: 'none' });
  });

  it('explains a concurrency above the runtime setting', () => {
    expect(concurrencyProblem(3, 2)).toMatch(/at most 2: this workspace trains 2 runs at once/);
    expect(concurrencyProblem(2, 2)).toBeNull();
    expect(concurrencyProblem(null, 2)).toBeNull();
  });
});
