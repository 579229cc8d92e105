import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { ColumnProfile, ColumnSchema, ColumnType } from '../../protocol/dataset';
import { defaultTrainSpec } from '../../core/jobs/train-defaults';
import { column, FIXTURE_HASH } from '../../test/train-spec-fixture';
import type { TrainFormSource } from '../runs/run-service';
import { JSON_CHECK_DELAY_MS, TrainForm } from './train-form.svelte';

const ROWS = 150;

function col(name: string, type: ColumnType, distinct: number): [ColumnSchema, ColumnProfile] {
  const numeric = type === 'number' ? { min: 0, max: 10, mean: 5, std: 1, histogram: { edges: [0, 10], counts: [ROWS] } } : undefined;
  return [column(name, type), { name, type, count: ROWS, missing: 0, distinct, ...(numeric ? { numeric } : {}) }];
}

const cols = [col('sepal', 'number', 35), col('petal', 'number', 43), col('notes', 'text', ROWS), col('species', 'category', 3)];
const dataset = { id: 'iris', versionId: 'v1', contentHash: FIXTURE_HASH, columns: cols.map((c) => c[0]), profiles: cols.map((c) => c[1]), rows: ROWS };

function newForm(overrides: Partial<TrainFormSource> = {}): TrainForm {
  return new TrainForm({ datasetName: 'Iris', dataset, target: 'species', spec: null, ...overrides });
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('TrainForm', () => {
  test('starts from the defaults for the dataset target, valid and named like the one-click Train', () => {
    const form = newForm();
    const expected = defaultTrainSpec({ dataset, target: 'species', seed: form.draft.seed }).spec;
    expect(form.spec).toEqual(expected);
    expect(form.name).toBe('Iris · mlp');
    expect(form.notes[0]).toMatch(/^Task: multiclass/);
    expect(form.problems).toEqual([]);
    expect(form.canStart).toBe(true);
    expect(form.specToStart()).toEqual(expected);
  });

  test('switching the model family and back keeps the settings of the first', () => {
    const form = newForm();
    form.draft.model = { family: 'mlp', layers: [{ units: 7, activation: 'tanh', dropout: 0.1, batchNorm: false }] };
    form.setFeature('petal', false);
    form.family = 'logistic';
    expect(form.draft.model).toEqual({ family: 'logistic', l2: 0 });
    form.family = 'text';
    expect(form.draft.data.features).toEqual(['notes']);
    form.family = 'mlp';
    expect(form.draft.model).toEqual({ family: 'mlp', layers: [{ units: 7, activation: 'tanh', dropout: 0.1, batchNorm: false }] });
    expect(form.draft.data.features).toEqual(['sepal', 'notes']);
    expect(form.draft.featurization.text.method).toBe('hashed-bow');
    expect(form.problems).toEqual([]);
  });

  test('without a target, Start waits for one', () => {
    const form = newForm({ target: null });
    expect(form.spec).toBeNull();
    expect(form.canStart).toBe(false);
    form.target = 'notes';
    expect(form.targetError).toMatch(/Column "notes" is text/);
    expect(form.problems.map((p) => p.fieldId)).toEqual(['train-target']);
    form.target = 'species';
    expect(form.targetError).toBeNull();
    expect(form.canStart).toBe(true);
  });

  test('a bad field value is a problem of that field; the name follows the family until edited', () => {
    const form = newForm();
    form.draft.epochs = null as unknown as number;
    expect(form.errorFor('train-epochs')).toBe('Enter an integer from 1 to 10000');
    expect(form.canStart).toBe(false);
    expect(form.specToStart()).toBeNull();
    form.draft.epochs = 4;
    form.family = 'logistic';
    expect(form.name).toBe('Iris · logistic');
    form.name = '';
    expect(form.errorFor('train-name')).toBe('Enter a name for the run');
    form.name = 'Mine';
    expect(form.name).toBe('Mine');
    form.family = 'mlp';
    expect(form.name).toBe('Mine');
  });

  test('JSON edits are checked after a pause and applied to the form when valid', () => {
    const form = newForm();
    const json = JSON.parse(form.jsonText);
    json.epochs = 0;
    form.editJson(JSON.stringify(json, null, 2));
    expect(form.jsonPending).toBe(true);
    expect(form.jsonIssues).toEqual([]);
    vi.advanceTimersByTime(JSON_CHECK_DELAY_MS);
    expect(form.jsonPending).toBe(false);
    expect(form.jsonIssues.map((i) => `${i.path}: ${i.message}`)).toEqual(['epochs: expected an integer from 1 to 10000, got 0']);
    expect(form.jsonBlocked).toBe(true);
    expect(form.canStart).toBe(false);
    expect(form.problems).toEqual([{ fieldId: null, path: 'epochs', message: 'expected an integer from 1 to 10000, got 0', offset: expect.any(Number) }]);
    expect(form.draft.epochs).toBe(50);

    // A syntax error: the text is kept as typed.
    form.editJson('{ "epochs": ');
    vi.advanceTimersByTime(JSON_CHECK_DELAY_MS);
    expect(form.jsonText).toBe('{ "epochs": ');
    expect(form.problems[0]).toMatchObject({ path: 'line 1, column 13', message: expect.stringMatching(/^expected a value/) });

    json.epochs = 7;
    json.model.layers = [{ units: 5 }];
    const typed = JSON.stringify(json);
    form.editJson(typed);
    vi.advanceTimersByTime(JSON_CHECK_DELAY_MS);
    expect(form.jsonBlocked).toBe(false);
    expect(form.draft.epochs).toBe(7);
    expect(form.draft.model).toEqual({ family: 'mlp', layers: [{ units: 5, activation: 'relu', dropout: 0, batchNorm: false }] });
    // The typed text stays as typed (one line) until the form is edited...
    expect(form.jsonText).toBe(typed);
    form.draft.batchSize = 8;
    // ...then the editor shows the form's spec again.
    expect(JSON.parse(form.jsonText).batchSize).toBe(8);
    expect(form.jsonText).toContain('\n');
  });

  test('Start checks JSON still waiting for its pause', () => {
    const form = newForm();
    form.editJson('not json');
    expect(form.specToStart()).toBeNull();
    expect(form.jsonBlocked).toBe(true);
    form.discardJson();
    expect(form.jsonBlocked).toBe(false);
    expect(form.specToStart()).not.toBeNull();
  });

  test('a target typed in the JSON updates the task notes', () => {
    const form = newForm();
    const json = JSON.parse(form.jsonText);
    json.data.target = 'sepal';
    json.data.features = ['petal'];
    json.task = 'regression';
    json.loss = 'mse';
    json.data.split.stratify = false;
    form.editJson(JSON.stringify(json));
    vi.advanceTimersByTime(JSON_CHECK_DELAY_MS);
    expect(form.jsonIssues).toEqual([]);
    expect(form.target).toBe('sepal');
    expect(form.notes[0]).toMatch(/^Task: regression/);
  });

  test('a cloned run keeps its spec and gets an "(edited)" name', () => {
    const spec = { ...defaultTrainSpec({ dataset, target: 'species', seed: 5 }).spec, epochs: 3 };
    const form = newForm({ spec, sourceRun: { id: 'r1', name: 'Iris · mlp (re-run)' } });
    expect(form.spec).toEqual(spec);
    expect(form.name).toBe('Iris · mlp (edited)');
    expect(form.sourceRun?.id).toBe('r1');
  });
});
