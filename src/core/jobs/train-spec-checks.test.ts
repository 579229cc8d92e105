import { describe, expect, test } from 'vitest';
import { assertTrainSpec, parseTrainSpec, TrainSpecError } from './train-spec';
import { column, FIXTURE_HASH, issuesOf, specInput } from '../../test/train-spec-fixture';

const regressionSplit = { train: 0.8, validation: 0.1, test: 0.1, stratify: false };

describe('cross-field checks', () => {
  test('the target cannot be a feature', () => {
    const input = specInput();
    input.data = { ...input.data, features: ['age', 'survived'] };
    expect(issuesOf(input)).toEqual([
      { path: 'data.features[1]', message: '"survived" is the target (data.target); a feature cannot also be the target' },
    ]);
  });

  test('a feature listed twice', () => {
    const input = specInput();
    input.data = { ...input.data, features: ['age', 'fare', 'age'] };
    expect(issuesOf(input)).toEqual([{ path: 'data.features[2]', message: '"age" is listed twice (first at data.features[0])' }]);
  });

  test('split fractions sum to 1', () => {
    const input = specInput();
    input.data = { ...input.data, split: { train: 0.7, validation: 0.2, test: 0.2, stratify: true } };
    expect(issuesOf(input)).toEqual([
      { path: 'data.split', message: 'expected train + validation + test to sum to 1, got 0.7 + 0.2 + 0.2 = 1.1' },
    ]);
    input.data = { ...input.data, split: { train: 0.6, validation: 0.3, test: 0.1, stratify: true } };
    expect(parseTrainSpec(input).ok).toBe(true);
  });

  test('a stratified split needs classification', () => {
    const input = { ...specInput(), task: 'regression' };
    expect(issuesOf(input)).toEqual([
      { path: 'data.split.stratify', message: 'a stratified split needs a classification task; expected false for a regression task, got true' },
    ]);
  });

  test('wrong loss for the task', () => {
    expect(issuesOf({ ...specInput(), loss: 'mse' })).toEqual([
      { path: 'loss', message: 'expected "crossentropy" for a binary task, got "mse"' },
    ]);
    const regression = specInput();
    regression.data = { ...regression.data, split: regressionSplit };
    expect(issuesOf({ ...regression, task: 'regression', loss: 'crossentropy' })).toEqual([
      { path: 'loss', message: 'expected one of "mse", "mae", "huber" for a regression task, got "crossentropy"' },
    ]);
    expect(issuesOf({ ...specInput(), loss: 'hinge' })).toEqual([
      { path: 'loss', message: 'expected one of "mse", "mae", "huber", "crossentropy", got "hinge"' },
    ]);
  });

  test('linear is for regression, logistic for classification', () => {
    expect(issuesOf({ ...specInput(), model: { family: 'linear' } })).toEqual([
      { path: 'model.family', message: '"linear" does not fit a binary task; expected one of "logistic", "mlp", "cnn", "text"' },
    ]);
    const regression = specInput();
    regression.data = { ...regression.data, split: regressionSplit };
    expect(issuesOf({ ...regression, task: 'regression', model: { family: 'logistic', l2: 0.1 } })).toEqual([
      { path: 'model.family', message: '"logistic" does not fit a regression task; expected one of "linear", "mlp", "cnn", "text"' },
    ]);
  });

  test('early stopping: metric fits the task, mode fits the metric, a validation split exists', () => {
    const input = specInput();
    input.data = { ...input.data, split: { train: 0.8, validation: 0, test: 0.2, stratify: true } };
    input.earlyStopping = { metric: 'val_rmse', patience: 5, mode: 'max' };
    expect(issuesOf(input)).toEqual([
      { path: 'earlyStopping.metric', message: 'expected "val_loss" or "val_accuracy" for a binary task, got "val_rmse"' },
      { path: 'earlyStopping.mode', message: '"val_rmse" improves downward; expected "min", got "max"' },
      {
        path: 'earlyStopping',
        message: 'early stopping watches the validation split, but data.split.validation is 0; give it a share or remove earlyStopping',
      },
    ]);
  });

  test('the cnn and text models read exactly one column; the text model reads token ids', () => {
    const cnn = { ...specInput(), model: { family: 'cnn', blocks: [{ filters: 8, kernelSize: 3 }], denseUnits: 0 } };
    expect(issuesOf(cnn)).toEqual([
      { path: 'data.features', message: 'the cnn model reads exactly one image column; expected 1 feature, got 3' },
    ]);
    const text = specInput();
    text.data = { ...text.data, features: ['review'] };
    text.model = { family: 'text', architecture: 'embedding-pool', embeddingDim: 16 };
    expect(issuesOf(text)).toEqual([
      { path: 'featurization.text.method', message: 'the text model reads token ids; expected "token-ids", got "hashed-bow"' },
    ]);
    text.data = { ...text.data, columns: [{ column: 'review', kind: 'text', method: 'token-ids' }] };
    expect(parseTrainSpec(text).ok).toBe(true);
  });

  test('a column override names a feature, once', () => {
    const input = specInput();
    input.data = {
      ...input.data,
      columns: [
        { column: 'cabin', kind: 'categorical' },
        { column: 'age', kind: 'numeric', scaling: 'minmax' },
        { column: 'age', kind: 'numeric' },
      ],
    };
    expect(issuesOf(input)).toEqual([
      { path: 'data.columns[0].column', message: 'expected one of data.features, got "cabin"' },
      { path: 'data.columns[2].column', message: '"age" already has a featurization (data.columns[1])' },
    ]);
  });
});

describe('checks against the dataset version', () => {
  const columns = [column('survived', 'boolean'), column('age', 'integer'), column('fare', 'number'), column('sex', 'category'), column('name', 'text'), column('photo', 'image')];

  test('a valid spec for this dataset', () => {
    expect(parseTrainSpec(specInput(), { columns, contentHash: FIXTURE_HASH }).ok).toBe(true);
  });

  test('unknown columns and another version', () => {
    const input = specInput();
    input.data = { ...input.data, target: 'survivd', features: ['age', 'fair'] };
    expect(issuesOf(input, { columns, contentHash: 'cd'.repeat(32) })).toEqual([
      { path: 'data.contentHash', message: 'the spec names dataset content abababababab..., but this version is cdcdcdcdcdcd...' },
      { path: 'data.target', message: 'no column "survivd" in this dataset version; columns are one of "survived", "age", "fare", "sex", "name", "photo"' },
      { path: 'data.features[1]', message: 'no column "fair" in this dataset version; columns are one of "survived", "age", "fare", "sex", "name", "photo"' },
    ]);
  });

  test('a non-numeric target for regression', () => {
    const input = { ...specInput(), task: 'regression' };
    input.data = { ...input.data, target: 'sex', features: ['age'], split: regressionSplit };
    expect(issuesOf(input, { columns })).toEqual([{ path: 'data.target', message: 'a regression target must be numeric; column "sex" is category' }]);
  });

  test('a text target for classification', () => {
    const input = specInput();
    input.data = { ...input.data, target: 'name', features: ['age'] };
    expect(issuesOf(input, { columns })).toEqual([
      { path: 'data.target', message: 'a binary target must be a category, boolean or numeric column; column "name" is text' },
    ]);
  });

  test('the cnn needs an image column, the text model a text column', () => {
    const cnn = { ...specInput(), model: { family: 'cnn', blocks: [{ filters: 8, kernelSize: 3 }], denseUnits: 16 } };
    cnn.data = { ...cnn.data, features: ['age'] };
    expect(issuesOf(cnn, { columns })).toEqual([{ path: 'data.features[0]', message: 'the cnn model reads an image column; "age" is integer' }]);
    cnn.data = { ...cnn.data, features: ['photo'] };
    expect(parseTrainSpec(cnn, { columns }).ok).toBe(true);

    const text = { ...specInput(), featurization: { text: { method: 'token-ids' } } };
    text.model = { family: 'text', architecture: 'embedding-pool', embeddingDim: 16 };
    text.data = { ...text.data, features: ['fare'] };
    expect(issuesOf(text, { columns })).toEqual([{ path: 'data.features[0]', message: 'the text model reads a text column; "fare" is number' }]);
  });

  test('an override fits the column type; token ids only feed the text model', () => {
    const input = { ...specInput(), featurization: { text: { method: 'token-ids' } } };
    input.data = { ...input.data, features: ['age', 'name', 'photo'], columns: [{ column: 'photo', kind: 'numeric' }] };
    expect(issuesOf(input, { columns })).toEqual([
      {
        path: 'featurization.text.method',
        message: 'token ids feed only the text model; the mlp model reads text column "name" as "hashed-bow", got "token-ids"',
      },
      { path: 'data.columns[0].kind', message: 'column "photo" is image; expected "image", got "numeric"' },
    ]);
  });
});

describe('assertTrainSpec', () => {
  test('throws one error listing every issue', () => {
    const input = { ...specInput(), epochs: 0, batchSize: 100_000, loss: 'mae' };
    expect(() => assertTrainSpec(input)).toThrow(
      'The training spec has 2 problems:\n  epochs: expected an integer from 1 to 10000, got 0\n  batchSize: expected an integer from 1 to 65536, got 100000',
    );
    try {
      assertTrainSpec({ ...specInput(), loss: 'mae' });
    } catch (err) {
      expect(err).toBeInstanceOf(TrainSpecError);
      expect((err as TrainSpecError).issues).toEqual([{ path: 'loss', message: 'expected "crossentropy" for a binary task, got "mae"' }]);
    }
    expect.assertions(3);
  });
});
