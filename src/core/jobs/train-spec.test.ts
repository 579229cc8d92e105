import { describe, expect, test } from 'vitest';
import { assertTrainSpec, parseTrainSpec } from './train-spec';
import { issuesOf, specInput } from '../../test/train-spec-fixture';

describe('parseTrainSpec: valid specs', () => {
  test('fills every default, loss from the task', () => {
    const result = parseTrainSpec(specInput());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { spec } = result;
    expect(spec.loss).toBe('crossentropy');
    expect(spec.backend).toBe('auto');
    expect(spec.checkpointEvery).toBe(5);
    expect(spec.metricsEveryBatches).toBe(10);
    expect(spec.optimizer).toEqual({ name: 'adam', learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    expect(spec.model).toEqual({
      family: 'mlp',
      layers: [
        { units: 64, activation: 'relu', dropout: 0, batchNorm: false },
        { units: 32, activation: 'tanh', dropout: 0, batchNorm: false },
      ],
    });
    expect(spec.featurization.numeric).toEqual({ scaling: 'standard', impute: 'median', imputeValue: 0, missingIndicator: true });
    expect(spec.featurization.text).toEqual({ method: 'hashed-bow', buckets: 4096, ngram: 1, binary: true });
    expect(spec.earlyStopping).toBeUndefined();
  });

  test('survives a JSON round trip unchanged', () => {
    const first = assertTrainSpec({ ...specInput(), earlyStopping: { metric: 'val_accuracy', patience: 3, mode: 'max' } });
    const again = assertTrainSpec(JSON.parse(JSON.stringify(first)));
    expect(again).toEqual(first);
    expect(JSON.stringify(again)).toBe(JSON.stringify(first));
  });

  test('regression defaults to mse; the text model takes token ids', () => {
    const spec = assertTrainSpec({
      ...specInput(),
      task: 'regression',
      data: { ...specInput().data, target: 'rating', features: ['review'], split: { train: 0.8, validation: 0.1, test: 0.1, stratify: false } },
      featurization: { text: { method: 'token-ids', vocabSize: 5000 } },
      model: { family: 'text', architecture: 'conv1d', embeddingDim: 32, filters: 64, kernelSize: 5 },
    });
    expect(spec.loss).toBe('mse');
    expect(spec.featurization.text).toEqual({ method: 'token-ids', vocabSize: 5000, maxLength: 128 });
  });
});

describe('parseTrainSpec: bad input names the field, the expectation and the value', () => {
  test.each([
    ['epochs', 0, 'expected an integer from 1 to 10000, got 0'],
    ['epochs', 10_001, 'expected an integer from 1 to 10000, got 10001'],
    ['epochs', 2.5, 'expected an integer from 1 to 10000, got 2.5'],
    ['epochs', '10', 'expected an integer from 1 to 10000, got "10"'],
    ['epochs', Number.NaN, 'expected an integer from 1 to 10000, got NaN'],
    ['batchSize', 0, 'expected an integer from 1 to 65536, got 0'],
    ['batchSize', 65_537, 'expected an integer from 1 to 65536, got 65537'],
    ['seed', -1, 'expected an integer from 0 to 4294967295, got -1'],
    ['seed', 2 ** 32, 'expected an integer from 0 to 4294967295, got 4294967296'],
    ['task', 'clustering', 'expected one of "binary", "multiclass", "regression", got "clustering"'],
    ['backend', 'gpu', 'expected one of "auto", "webgpu", "webgl", "wasm", "cpu", got "gpu"'],
    ['specVersion', 2, 'expected 1 (the only spec version), got 2'],
  ])('%s = %j', (field, value, message) => {
    expect(issuesOf({ ...specInput(), [field]: value })).toEqual([{ path: field, message }]);
  });

  test('a nested range error has the full path', () => {
    const input = specInput();
    input.model = { family: 'mlp', layers: [{ units: 8 }, { units: 0 }] };
    expect(issuesOf(input)).toEqual([{ path: 'model.layers[1].units', message: 'expected an integer from 1 to 4096, got 0' }]);
  });

  test('the learning rate must be above 0 and at most 10', () => {
    for (const learningRate of [0, -1, 10.5]) {
      expect(issuesOf({ ...specInput(), optimizer: { name: 'sgd', learningRate } })).toEqual([
        { path: 'optimizer.learningRate', message: `expected a number greater than 0 and at most 10, got ${learningRate}` },
      ]);
    }
  });

  test('an unknown field is named, with the accepted ones', () => {
    expect(issuesOf({ ...specInput(), epoch: 5 })).toEqual([
      {
        path: 'epoch',
        message:
          'unknown field; expected one of specVersion, kind, data, featurization, task, model, optimizer, loss, epochs, batchSize, earlyStopping, checkpointEvery, seed, backend, metricsEveryBatches, init',
      },
    ]);
  });

  test('every unknown field of an object is reported, not just the first', () => {
    const input = specInput();
    input.model = { family: 'mlp', layers: [{ units: 8, unit: 8, activaton: 'relu' }] };
    expect(issuesOf(input)).toEqual([
      { path: 'model.layers[0].unit', message: 'unknown field; expected one of units, activation, dropout, batchNorm' },
      { path: 'model.layers[0].activaton', message: 'unknown field; expected one of units, activation, dropout, batchNorm' },
    ]);
  });

  test('a field of another model family is unknown', () => {
    const input = specInput();
    input.model = { family: 'logistic', l2: 0.01, layers: [] };
    expect(issuesOf(input)).toEqual([{ path: 'model.layers', message: 'unknown field; expected one of family, l2' }]);
  });

  test('a missing field and a bad discriminator', () => {
    const input = specInput();
    delete input.epochs;
    input.model = { family: 'transformer' };
    expect(issuesOf(input)).toEqual([
      { path: 'model.family', message: 'expected one of "linear", "logistic", "mlp", "cnn", "text", got "transformer"' },
      { path: 'epochs', message: 'required field is missing' },
    ]);
  });

  test('a value that is not a spec', () => {
    expect(issuesOf(null)).toEqual([{ path: '(root)', message: 'expected an object, got null' }]);
    expect(issuesOf([1])).toEqual([{ path: '(root)', message: 'expected an object, got [1]' }]);
  });

  test('all issues come back at once', () => {
    const input = { ...specInput(), epochs: 0, batchSize: 0, seed: 1.5, extra: true };
    expect(issuesOf(input).map((i) => i.path)).toEqual(['epochs', 'batchSize', 'seed', 'extra']);
  });

  test('features may not be empty', () => {
    const input = specInput();
    input.data = { ...input.data, features: [] };
    expect(issuesOf(input)).toEqual([{ path: 'data.features', message: 'expected a list of 1 to 100000 column names, got []' }]);
  });

  test('a content hash must be a SHA-256 digest', () => {
    const input = specInput();
    input.data = { ...input.data, contentHash: 'abc' };
    expect(issuesOf(input)).toEqual([{ path: 'data.contentHash', message: 'expected a SHA-256 digest: 64 lower-case hex digits, got "abc"' }]);
  });
});

describe('parseTrainSpec: prototype pollution', () => {
  test('__proto__, constructor and prototype keys are rejected and pollute nothing', () => {
    const json = JSON.stringify(specInput()).replace('{"specVersion"', '{"__proto__":{"polluted":true},"specVersion"')
      .replace('{"family":"mlp"', '{"constructor":{"prototype":{"polluted":true}},"family":"mlp"');
    const issues = issuesOf(JSON.parse(json));
    expect(issues.map((i) => i.path)).toEqual(['model.constructor', '__proto__']);
    expect(issues[1].message).toMatch(/^unknown field; expected one of specVersion, /);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
  });

  test('a column named __proto__ is just a name', () => {
    const input = specInput();
    input.data = { ...input.data, features: ['__proto__'], columns: [{ column: '__proto__', kind: 'categorical' }] };
    const spec = assertTrainSpec(JSON.parse(JSON.stringify(input)));
    expect(spec.data.columns).toEqual([{ column: '__proto__', kind: 'categorical', encoding: 'one-hot', maxCategories: 50 }]);
    expect(Object.getPrototypeOf(spec.data.columns![0])).toBe(Object.prototype);
  });
});

describe('parseTrainSpec: init (fine-tuning from a registered model version)', () => {
  test('is optional, and kept as given when valid', () => {
    expect(assertTrainSpec(specInput()).init).toBeUndefined();
    const spec = assertTrainSpec({ ...specInput(), init: { kind: 'model-version', modelVersionId: 'v-123' } });
    expect(spec.init).toEqual({ kind: 'model-version', modelVersionId: 'v-123' });
    expect(assertTrainSpec(JSON.parse(JSON.stringify(spec)))).toEqual(spec);
  });

  test('names a bad kind, a missing or empty id, and unknown fields', () => {
    expect(issuesOf({ ...specInput(), init: { kind: 'run', modelVersionId: 'v' } })).toEqual([
      { path: 'init.kind', message: 'expected "model-version" (weights of a registered model version), got "run"' },
    ]);
    expect(issuesOf({ ...specInput(), init: { kind: 'model-version' } }).map((i) => i.path)).toEqual(['init.modelVersionId']);
    expect(issuesOf({ ...specInput(), init: { kind: 'model-version', modelVersionId: '' } })[0]?.path).toBe('init.modelVersionId');
    expect(issuesOf({ ...specInput(), init: { kind: 'model-version', modelVersionId: 'v', url: 'x' } }).map((i) => i.path)).toEqual(['init.url']);
    expect(issuesOf({ ...specInput(), init: 'v-123' })[0]?.path).toBe('init');
  });
});
