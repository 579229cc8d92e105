import { describe, expect, test } from 'vitest';
import type { ColumnProfile, ColumnSchema, ColumnType } from '../../protocol/dataset';
import { DEFAULT_SEED, defaultTrainSpec, isIdLike, type DefaultSpecDataset } from './train-defaults';
import { parseTrainSpec } from './train-spec';
import { column, FIXTURE_HASH } from '../../test/train-spec-fixture';

const ROWS = 100;

function numeric(min: number, max: number) {
  return { min, max, mean: (min + max) / 2, std: 1, histogram: { edges: [min, max], counts: [1] } };
}

/** A column and its profile; `count` defaults to every row, `distinct` to 2. */
function col(name: string, type: ColumnType, fields: Partial<ColumnProfile> = {}): [ColumnSchema, ColumnProfile] {
  return [column(name, type), { name, type, count: ROWS, missing: 0, distinct: 2, ...fields }];
}

function dataset(...cols: [ColumnSchema, ColumnProfile][]): DefaultSpecDataset {
  return { id: 'ds', versionId: 'v1', contentHash: FIXTURE_HASH, columns: cols.map((c) => c[0]), profiles: cols.map((c) => c[1]), rows: ROWS };
}

const spaced = (n: number) => Array.from({ length: 20 }, (_, i) => ({ value: `Passenger number ${n + i}`, count: 1 }));
const codes = Array.from({ length: 20 }, (_, i) => ({ value: `T-${1000 + i}`, count: 1 }));

const titanic = dataset(
  col('passenger_no', 'integer', { distinct: ROWS, numeric: numeric(1, ROWS) }),
  col('survived', 'boolean', { top: [{ value: 'false', count: 60 }, { value: 'true', count: 40 }] }),
  col('age', 'number', { count: 80, missing: 20, distinct: 60, numeric: numeric(1, 80) }),
  col('sex', 'category'),
  col('ship', 'category', { distinct: 1, top: [{ value: 'Titanic', count: ROWS }] }),
  col('name', 'text', { distinct: ROWS, text: { minLength: 10, maxLength: 40, meanLength: 20 }, top: spaced(0) }),
  col('ticket', 'text', { distinct: ROWS, text: { minLength: 6, maxLength: 6, meanLength: 6 }, top: codes }),
  col('boarded', 'datetime', { distinct: 3 }),
  col('lifeboat', 'number', { count: 0, missing: ROWS, distinct: 0 }),
  col('paid', 'integer', { distinct: ROWS, numeric: numeric(3, 9000) }),
);

describe('defaultTrainSpec', () => {
  test('a table: MLP 64-32 on the useful columns, each left-out column explained', () => {
    const { spec, notes } = defaultTrainSpec({ dataset: titanic, target: 'survived' });
    expect(spec.task).toBe('binary');
    expect(spec.data.features).toEqual(['age', 'sex', 'name', 'paid']);
    expect(spec.model).toEqual({
      family: 'mlp',
      layers: [
        { units: 64, activation: 'relu', dropout: 0, batchNorm: false },
        { units: 32, activation: 'relu', dropout: 0, batchNorm: false },
      ],
    });
    expect(spec.optimizer).toMatchObject({ name: 'adam', learningRate: 1e-3 });
    expect(spec).toMatchObject({ loss: 'crossentropy', epochs: 50, batchSize: 32, seed: DEFAULT_SEED, backend: 'auto' });
    expect(spec.data.split).toEqual({ train: 0.7, validation: 0.15, test: 0.15, stratify: true });
    expect(spec.earlyStopping).toEqual({ metric: 'val_loss', patience: 5, minDelta: 0, mode: 'min', restoreBest: true });
    expect(notes).toEqual([
      'Task: binary classification ("survived" has 2 classes)',
      'Left out "passenger_no": it looks like an ID (all 100 values differ)',
      'Left out "ship": it is constant ("Titanic")',
      'Left out "ticket": it looks like an ID (all 100 values differ)',
      'Left out "boarded": dates are not featurized by default; add it to the features to read it as a number',
      'Left out "lifeboat": it has no values',
      'Text columns "name" are read as hashed bags of words',
    ]);
    expect(parseTrainSpec(JSON.parse(JSON.stringify(spec)), { columns: titanic.columns })).toEqual({ ok: true, spec });
  });

  test('a numeric target: regression with mse, not stratified; the seed is taken', () => {
    const { spec, notes } = defaultTrainSpec({ dataset: titanic, target: 'age', seed: 1234 });
    expect(spec).toMatchObject({ task: 'regression', loss: 'mse', seed: 1234 });
    expect(spec.data.split.stratify).toBe(false);
    expect(spec.data.features).toEqual(['survived', 'sex', 'name', 'paid']);
    expect(notes.slice(0, 2)).toEqual(['Task: regression ("age" is a number with 60 distinct values)', '20 rows without a "age" value are left out']);
  });

  test('images: a small CNN on the image column alone, sized from the profile', () => {
    const image = { minWidth: 28, maxWidth: 28, minHeight: 28, maxHeight: 28, mediaTypes: ['image/png'] };
    const paths = Array.from({ length: 20 }, (_, i) => ({ value: `digits/${i % 10}/${i}.png`, count: 1 }));
    const digits = dataset(
      col('image', 'image', { distinct: ROWS, image }),
      col('label', 'category', { distinct: 10 }),
      col('path', 'text', { distinct: ROWS, text: { minLength: 12, maxLength: 14, meanLength: 13 }, top: paths }),
      col('width', 'integer', { distinct: 1, numeric: numeric(28, 28) }),
      col('height', 'integer', { distinct: 1, numeric: numeric(28, 28) }),
      col('source', 'category', { distinct: 3 }),
    );
    const { spec, notes } = defaultTrainSpec({ dataset: digits, target: 'label' });
    expect(spec.task).toBe('multiclass');
    expect(spec.data.features).toEqual(['image']);
    expect(spec.model).toMatchObject({ family: 'cnn', denseUnits: 64, blocks: [{ filters: 16, kernelSize: 3, pool: 'max' }, { filters: 32 }] });
    expect(spec.featurization.image).toEqual({ width: 28, height: 28, channels: 3, normalize: true });
    expect(spec.epochs).toBe(20);
    expect(notes).toEqual([
      'Task: multiclass classification ("label" has 10 classes)',
      'Left out "path": it looks like an ID (all 100 values differ)',
      'Left out "width": it is constant ("28")',
      'Left out "height": it is constant ("28")',
      'Left out "source": the image model reads only the image column "image"',
    ]);
  });

  test('large images are resized to at most 64 px', () => {
    const image = { minWidth: 100, maxWidth: 640, minHeight: 100, maxHeight: 480, mediaTypes: ['image/jpeg'] };
    const photos = dataset(col('photo', 'image', { distinct: ROWS, image }), col('cat', 'boolean'));
    expect(defaultTrainSpec({ dataset: photos, target: 'cat' }).spec.featurization.image).toMatchObject({ width: 64, height: 64 });
  });

  test('no usable feature: an error naming each column and its reason', () => {
    const ds = dataset(col('id', 'integer', { distinct: ROWS, numeric: numeric(1, ROWS) }), col('y', 'category', { distinct: 3 }));
    expect(() => defaultTrainSpec({ dataset: ds, target: 'y' })).toThrow(
      'No column can be a feature for "y":\nLeft out "id": it looks like an ID (all 100 values differ)',
    );
  });

  test('an unknown target, and a target that cannot be learned', () => {
    expect(() => defaultTrainSpec({ dataset: titanic, target: 'Survived' })).toThrow('No column "Survived" in this dataset; columns are "passenger_no", ');
    expect(() => defaultTrainSpec({ dataset: titanic, target: 'ship' })).toThrow('Column "ship" has one value ("Titanic")');
  });
});

describe('isIdLike', () => {
  const check = (name: string, type: ColumnType, fields: Partial<ColumnProfile>) => {
    const [schema, profile] = col(name, type, fields);
    return isIdLike(schema, profile, ROWS);
  };
  const allDistinct = { distinct: ROWS, numeric: numeric(5, 9999) };

  test('by name, when every value differs', () => {
    expect(check('user_id', 'integer', allDistinct)).toBe(true);
    expect(check('userId', 'integer', allDistinct)).toBe(true);
    expect(check('ID', 'integer', allDistinct)).toBe(true);
    expect(check('paid', 'integer', allDistinct)).toBe(false);
    expect(check('valid', 'integer', allDistinct)).toBe(false);
    expect(check('user_id', 'integer', { ...allDistinct, distinct: 90 })).toBe(false);
  });

  test('by values: an integer run, short text without spaces; never numbers or free text', () => {
    expect(check('n', 'integer', { distinct: ROWS, numeric: numeric(1001, 1100) })).toBe(true);
    expect(check('code', 'text', { distinct: ROWS, text: { minLength: 6, maxLength: 6, meanLength: 6 }, top: codes })).toBe(true);
    expect(check('title', 'text', { distinct: ROWS, text: { minLength: 10, maxLength: 40, meanLength: 20 }, top: spaced(0) })).toBe(false);
    expect(check('price', 'number', { distinct: ROWS, numeric: numeric(1, 1001) })).toBe(false);
    expect(check('n', 'integer', { count: 99, missing: 1, distinct: 99, numeric: numeric(1, 99) })).toBe(false);
  });
});
