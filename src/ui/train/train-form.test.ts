import { describe, expect, test } from 'vitest';
import type { ColumnProfile, ColumnSchema, ColumnType } from '../../protocol/dataset';
import type { TrainSpec } from '../../protocol/train';
import { defaultTrainSpec } from '../../core/jobs/train-defaults';
import { parseTrainSpec } from '../../core/jobs/train-spec';
import { column, FIXTURE_HASH } from '../../test/train-spec-fixture';
import {
  FIELD_IDS,
  cloneName,
  describeTask,
  fieldLabel,
  familyOptions,
  fieldIdForPath,
  fieldMessage,
  newRunName,
  rerunName,
  withEarlyStopping,
  withFamily,
  withFeature,
  withOptimizer,
  withSplit,
  withTarget,
  type TrainFormContext,
} from './train-form';

const ROWS = 150;

function col(name: string, type: ColumnType, fields: Partial<ColumnProfile> = {}): [ColumnSchema, ColumnProfile] {
  const numeric = type === 'number' || type === 'integer' ? { min: 0, max: 10, mean: 5, std: 1, histogram: { edges: [0, 10], counts: [ROWS] } } : undefined;
  return [column(name, type), { name, type, count: ROWS, missing: 0, distinct: 40, ...(numeric ? { numeric } : {}), ...fields }];
}

function context(...cols: [ColumnSchema, ColumnProfile][]): TrainFormContext {
  return {
    datasetName: 'Fixture',
    dataset: { id: 'ds', versionId: 'v1', contentHash: FIXTURE_HASH, columns: cols.map((c) => c[0]), profiles: cols.map((c) => c[1]), rows: ROWS },
  };
}

const iris = context(
  col('sepal_length', 'number'),
  col('sepal_width', 'number'),
  col('petal_length', 'number'),
  col('species', 'category', { distinct: 3 }),
);
const reviews = context(
  col('review', 'text', { distinct: ROWS, text: { minLength: 20, maxLength: 400, meanLength: 90 } }),
  col('stars', 'number'),
  col('helpful', 'boolean', { distinct: 2 }),
);
const digits = context(col('image', 'image', { image: { minWidth: 28, maxWidth: 28, minHeight: 28, maxHeight: 28 } } as Partial<ColumnProfile>), col('label', 'category', { distinct: 10 }));

const dataContext = (c: TrainFormContext) => ({ columns: c.dataset.columns, contentHash: c.dataset.contentHash });

function defaults(c: TrainFormContext, target: string): TrainSpec {
  return defaultTrainSpec({ dataset: c.dataset, target, seed: 7 }).spec;
}

/** The spec is valid against its dataset, and unchanged by a parse (complete, no stray keys). */
function expectValid(spec: TrainSpec, c: TrainFormContext) {
  const result = parseTrainSpec(JSON.parse(JSON.stringify(spec)), dataContext(c));
  expect(result.ok ? [] : result.issues).toEqual([]);
  if (result.ok) expect(result.spec).toEqual(spec);
}

describe('familyOptions', () => {
  test('the simple model of the task, the MLP, and the image or text model when the data has such a column', () => {
    expect(familyOptions('multiclass', iris.dataset.columns, 'species')).toEqual(['logistic', 'mlp']);
    expect(familyOptions('regression', reviews.dataset.columns, 'stars')).toEqual(['linear', 'mlp', 'text']);
    expect(familyOptions('multiclass', digits.dataset.columns, 'label')).toEqual(['logistic', 'mlp', 'cnn']);
  });
});

describe('withFamily', () => {
  test('every offered family gives a valid spec, and switching back restores the table columns', () => {
    const start = defaults(reviews, 'helpful');
    expect(start.data.features).toEqual(['review', 'stars']);
    for (const family of familyOptions(start.task, reviews.dataset.columns, 'helpful')) {
      const spec = withFamily(start, family, reviews);
      expect(spec.model.family).toBe(family);
      expectValid(spec, reviews);
    }
    const text = withFamily(start, 'text', reviews);
    expect(text.data.features).toEqual(['review']);
    expect(text.featurization.text.method).toBe('token-ids');
    const back = withFamily(text, 'mlp', reviews);
    expect(back.data.features).toEqual(['review', 'stars']);
    expect(back.featurization.text.method).toBe('hashed-bow');
  });

  test('the CNN reads the image column', () => {
    const spec = defaults(digits, 'label');
    expect(spec.model.family).toBe('cnn');
    const logistic = withFamily(spec, 'logistic', digits);
    expect(logistic.data.features).toEqual(['image']);
    expect(withFamily(logistic, 'cnn', digits).data.features).toEqual(['image']);
  });

  test('the same family is no change', () => {
    const spec = defaults(iris, 'species');
    expect(withFamily(spec, 'mlp', iris)).toBe(spec);
  });
});

describe('withTarget', () => {
  test('a new target gets its task and defaults, keeping what the user set that still applies', () => {
    let spec = defaults(reviews, 'helpful');
    spec = { ...withOptimizer(spec, 'sgd'), epochs: 3, batchSize: 8, backend: 'cpu', seed: 99 };
    spec = withSplit(spec, 0.2, 0.1);
    spec.model = { family: 'mlp', layers: [{ units: 5, activation: 'tanh', dropout: 0, batchNorm: false }] };
    const result = withTarget(spec, 'stars', reviews, 1);
    if (!result.ok) throw new Error(result.message);
    expect(result.notes[0]).toMatch(/^Task: regression/);
    const next = result.spec;
    expect(next.task).toBe('regression');
    expect(next.loss).toBe('mse');
    expect(next.data.target).toBe('stars');
    expect(next.data.features).toEqual(['review', 'helpful']);
    expect(next.data.split).toEqual({ train: 0.7, validation: 0.2, test: 0.1, stratify: false });
    expect(next).toMatchObject({ epochs: 3, batchSize: 8, backend: 'cpu', seed: 99, optimizer: { name: 'sgd' } });
    expect(next.model).toEqual(spec.model);
    expectValid(next, reviews);
  });

  test('a model that does not fit the new task gives way to the default one', () => {
    const logistic = withFamily(defaults(reviews, 'helpful'), 'logistic', reviews);
    const result = withTarget(logistic, 'stars', reviews, 1);
    expect(result.ok && result.spec.model.family).toBe('mlp');
  });

  test('a column that cannot be a target says why', () => {
    const result = withTarget(defaults(reviews, 'helpful'), 'review', reviews, 1);
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/Column "review" is text .*change its type to category/) });
  });

  test('without a previous spec it is the defaults with the given seed', () => {
    const result = withTarget(null, 'species', iris, 1234);
    expect(result).toEqual({ ok: true, spec: defaultTrainSpec({ dataset: iris.dataset, target: 'species', seed: 1234 }).spec, notes: expect.any(Array) });
  });
});

describe('small edits', () => {
  const spec = defaults(iris, 'species');

  test('the optimizer keeps its learning rate', () => {
    const next = withOptimizer({ ...spec, optimizer: { ...spec.optimizer, learningRate: 0.05 } }, 'rmsprop');
    expect(next.optimizer).toEqual({ name: 'rmsprop', learningRate: 0.05, decay: 0.9, momentum: 0, epsilon: 1e-7, centered: false });
    expectValid(next, iris);
    for (const name of ['sgd', 'momentum', 'adam'] as const) expectValid(withOptimizer(spec, name), iris);
  });

  test('training gets the rest of the split, rounded', () => {
    expect(withSplit(spec, 0.1, 0.2).data.split).toEqual({ train: 0.7, validation: 0.1, test: 0.2, stratify: true });
    const empty = withSplit(spec, null, 0.2);
    const result = parseTrainSpec(empty);
    expect(result.ok ? [] : result.issues.map((i) => i.path)).toContain('data.split.validation');
    const tooMuch = parseTrainSpec(withSplit(spec, 0.6, 0.5));
    expect(tooMuch.ok).toBe(false);
  });

  test('early stopping on and off', () => {
    const off = withEarlyStopping(spec, false);
    expect('earlyStopping' in off).toBe(false);
    expectValid(off, iris);
    expect(withEarlyStopping(off, true).earlyStopping).toEqual(spec.earlyStopping);
  });

  test('features keep the dataset order; removing all of them is an issue on data.features', () => {
    const without = withFeature(spec, 'sepal_width', false, iris.dataset.columns);
    expect(without.data.features).toEqual(['sepal_length', 'petal_length']);
    expect(withFeature(without, 'sepal_width', true, iris.dataset.columns).data.features).toEqual(spec.data.features);
    let none = spec;
    for (const f of spec.data.features) none = withFeature(none, f, false, iris.dataset.columns);
    const result = parseTrainSpec(none);
    expect(result.ok ? [] : result.issues.map((i) => fieldIdForPath(i.path))).toEqual(['train-features']);
  });
});

describe('fieldIdForPath', () => {
  test.each([
    ['epochs', 'train-epochs'],
    ['model.layers[2].units', 'train-layer-2-units'],
    ['model.blocks[0].kernelSize', 'train-block-0-kernelSize'],
    ['model.layers', 'train-layers'],
    ['data.features[3]', 'train-features'],
    ['data.split', 'train-validation'],
    ['data.split.test', 'train-test'],
    ['earlyStopping', 'train-early-stopping'],
    ['earlyStopping.metric', 'train-early-stopping'],
    ['earlyStopping.patience', 'train-patience'],
    ['optimizer.learningRate', 'train-learning-rate'],
    ['featurization.numeric.scaling', null],
    ['data.featuresX', null],
    ['(root)', null],
  ])('%s -> %s', (path, id) => {
    expect(fieldIdForPath(path)).toBe(id);
  });
});

describe('names and messages', () => {
  test('fieldMessage turns an empty field into a request', () => {
    expect(fieldMessage('expected an integer from 1 to 10000, got null')).toBe('Enter an integer from 1 to 10000');
    expect(fieldMessage('expected an integer from 1 to 10000, got 0')).toBe('expected an integer from 1 to 10000, got 0');
  });

  test('run names', () => {
    expect(rerunName('Iris · mlp')).toBe('Iris · mlp (re-run)');
    expect(rerunName('Iris · mlp (re-run)')).toBe('Iris · mlp (re-run)');
    expect(cloneName('Iris · mlp (re-run)')).toBe('Iris · mlp (edited)');
    expect(newRunName('Iris', 'cnn')).toBe('Iris · cnn');
    const long = rerunName('x'.repeat(200));
    expect(long).toHaveLength(200);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('labels', () => {
  test('fieldLabel names item fields by position from 1', () => {
    expect(fieldLabel('train-layer-0-units')).toBe('Layer 1 units');
    expect(fieldLabel('train-block-1-kernelSize')).toBe('Block 2 kernel size');
    expect(fieldLabel(FIELD_IDS.learningRate)).toBe('Learning rate');
    expect(fieldLabel('train-nope')).toBeNull();
  });

  test('every field id has a label', () => {
    for (const id of Object.values(FIELD_IDS)) if (id !== FIELD_IDS.json) expect(fieldLabel(id), id).not.toBeNull();
  });

  test('describeTask says why', () => {
    expect(describeTask('multiclass', 'species', iris)).toEqual({ label: 'multiclass classification', why: 'detected because "species" has 3 classes' });
    expect(describeTask('regression', 'stars', reviews)).toEqual({ label: 'regression', why: 'detected because "stars" is a number with 40 distinct values' });
    expect(describeTask('binary', 'stars', reviews)).toEqual({ label: 'binary classification', why: 'set in the spec; detection suggests regression' });
    expect(describeTask('binary', 'review', reviews)).toEqual({ label: 'binary classification', why: null });
  });
});
