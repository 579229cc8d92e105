import { describe, expect, it } from 'vitest';
import { assertTrainSpec } from '../../core/jobs/train-spec';
import type { TrainSpec } from '../../protocol/train';
import { requestFineTune, takeFineTune, withFineTune, type FineTuneRequest } from './fine-tune';

const base: TrainSpec = assertTrainSpec({
  specVersion: 1,
  kind: 'train',
  data: { datasetId: 'd1', versionId: 'v1', contentHash: 'a'.repeat(64), target: 'label', features: ['image'], split: { train: 0.7, validation: 0.15, test: 0.15, stratify: true } },
  task: 'multiclass',
  model: { family: 'cnn', blocks: [{ filters: 16, kernelSize: 3, pool: 'max', dropout: 0, batchNorm: false }], denseUnits: 64, dropout: 0.25 },
  optimizer: { name: 'adam', learningRate: 0.001 },
  epochs: 10,
  batchSize: 32,
  seed: 1,
});

const request: FineTuneRequest = {
  datasetId: 'd1',
  modelVersionId: 'mv-7',
  label: 'Digits (MLP) v1',
  target: 'label',
  model: { family: 'mlp', layers: [{ units: 64, activation: 'relu', dropout: 0.1, batchNorm: false }] },
  image: { width: 8, height: 8, channels: 1, normalize: true },
};

describe('fine-tune requests', () => {
  it('are taken once, by the form of their dataset only', () => {
    requestFineTune(request);
    expect(takeFineTune('other')).toBeNull();
    expect(takeFineTune('d1')).toEqual(request);
    expect(takeFineTune('d1')).toBeNull();
  });

  it('set init, the model and the image size, leaving the rest of the spec', () => {
    const spec = withFineTune(base, request);
    expect(spec.init).toEqual({ kind: 'model-version', modelVersionId: 'mv-7' });
    expect(spec.model).toEqual(request.model);
    expect(spec.model).not.toBe(request.model);
    expect(spec.featurization.image).toEqual({ width: 8, height: 8, channels: 1, normalize: true });
    expect(spec.featurization.numeric).toEqual(base.featurization.numeric);
    expect({ ...spec, model: base.model, featurization: base.featurization, init: undefined }).toEqual({ ...base, init: undefined });
    expect(assertTrainSpec(spec)).toEqual(spec);
  });

  it('keep the featurization of a tabular model', () => {
    const { image: _image, ...tabular } = request;
    expect(withFineTune(base, tabular).featurization).toBe(base.featurization);
  });
});
