/**
 * @file A sweep spec for tests: a complete base training spec, a two-parameter space, the random sampler, and the
 * validation loss to minimize. Tests change what they need.
 */
import { assertTrainSpec } from '../core/jobs/train-spec';
import type { SweepSpec } from '../protocol/sweep';
import type { TrainSpec } from '../protocol/train';
import { specInput } from './train-spec-fixture';

/** A sweep of 6 trials, 2 at a time, over the learning rate and the first layer's units, on `base` (a test spec by default). */
export function testSweepSpec(changes: Partial<SweepSpec> = {}, base: TrainSpec = assertTrainSpec(specInput())): SweepSpec {
  return {
    specVersion: 1,
    kind: 'sweep',
    base: { ...base, epochs: 4 },
    space: [
      { path: 'optimizer.learningRate', type: 'loguniform', min: 1e-4, max: 1e-1 },
      { path: 'model.layers[0].units', type: 'choice', values: [16, 32, 64] },
    ],
    sampler: { type: 'random' },
    metric: { key: 'val_loss', goal: 'minimize' },
    maxTrials: 6,
    maxConcurrentTrials: 2,
    termination: { type: 'none' },
    seed: 11,
    ...changes,
  };
}
