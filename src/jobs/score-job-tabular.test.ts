/**
 * Scoring a registered AutoML (`tabular`) model version: invocations in every body shape (CSV included) agree with the
 * model file loaded on its own, bad rows are 400s naming the column, batch scoring writes predictions for a dataset,
 * and a regression model answers values.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAutoMLModel } from '../core/automl/final-model';
import { materializeColumn } from '../core/table/materialize';
import type { PredictionsBody, ScoringErrorBody } from '../protocol/scoring';
import { readColumn } from '../storage/chunks';
import { getVersion } from '../storage/datasets';
import type { DatasetVersionRecord } from '../storage/records';
import type { WorkspaceDb } from '../storage/workspace-schema';
import { mixedCsv, registerAutoMLModel, type FittedAutoMLModel } from '../test/automl-model-fixtures';
import { regressionCsv } from '../test/jobs-fixtures';
import { makeWorkspaceDb, resetStorage } from '../test/storage-fixtures';
import { createScoreJob } from './score-job';

const scorer = createScoreJob({ invokeBackend: 'cpu', batchBackend: 'cpu' });

let workspaceId: string;
let db: WorkspaceDb;
let mixed: FittedAutoMLModel & { runId: string; modelVersionId: string };

beforeAll(async () => {
  await resetStorage();
  ({ workspaceId, db } = await makeWorkspaceDb());
  mixed = await registerAutoMLModel(workspaceId, db, mixedCsv(), 'label', 'mixed');
}, 60_000);

/** Rows as a caller sends them (the datetime as ISO text, `n` missing in the second). */
const ROWS = [
  { x: 1.25, colour: 'red', when: '2024-03-02T05:00:00.000Z', note: 'rain', n: 3 },
  { x: -1.5, colour: 'blue', when: '2024-11-20T23:00:00.000Z', note: 'quiet day', n: null },
  { x: 0.1, colour: 'green', when: '2024-06-15T12:00:00.000Z', note: 'busy day, many visitors', n: 6 },
  { x: -0.4, colour: 'purple', when: '2024-01-01T00:00:00.000Z', note: 'never seen', n: 1 },
];
const NAMES = ['x', 'colour', 'when', 'note', 'n'] as const;

const invoke = (body: unknown, bodyType: 'json' | 'csv' = 'json') => scorer.invoke(workspaceId, mixed.modelVersionId, typeof body === 'string' ? body : JSON.stringify(body), bodyType);

/** The model file loaded on its own, given the rows as the AutoML job reads a dataset (`null` for missing). */
function reference(): Float64Array {
  const model = loadAutoMLModel(mixed.file);
  return model.predict(
    NAMES.map((name) => ({ name, values: ROWS.map((row) => row[name]) })),
    ROWS.length,
  );
}

describe('invoking a tabular model', () => {
  it('registers as tabular with the file’s columns, and answers JSON and CSV bodies with the model’s own predictions', async () => {
    const version = await db.modelVersions.get(mixed.modelVersionId);
    expect(version?.format).toBe('tabular');
    expect(version?.signature.inputs.map((i) => i.name)).toEqual([...NAMES]);
    const expected = reference();
    const split = await invoke({ dataframe_split: { columns: [...NAMES], data: ROWS.map((r) => NAMES.map((n) => r[n])) } });
    expect(split).toMatchObject({ status: 200, rows: 4 });
    const { predictions } = split.body as PredictionsBody;
    predictions.forEach((p, i) => {
      expect(p.probabilities?.down).toBeCloseTo(expected[i * 2], 5);
      expect(p.probabilities?.up).toBeCloseTo(expected[i * 2 + 1], 5);
      expect(p.prediction).toBe(expected[i * 2 + 1] > expected[i * 2] ? 'up' : 'down');
    });
    // The learnable rule: x + (red ? 1 : 0) > 0.
    expect(predictions.slice(0, 2).map((p) => p.prediction)).toEqual(['up', 'down']);

    const records = await invoke({ dataframe_records: ROWS });
    expect(records.body).toEqual(split.body);
    const csv = ['x,colour,when,note,n', '1.25,red,2024-03-02T05:00:00.000Z,rain,3', '-1.5,blue,2024-11-20T23:00:00.000Z,quiet day,', '0.1,green,2024-06-15T12:00:00.000Z,"busy day, many visitors",6', '-0.4,purple,2024-01-01T00:00:00.000Z,never seen,1'].join('\n');
    const fromCsv = await invoke(csv, 'csv');
    expect(fromCsv.status).toBe(200);
    expect(fromCsv.body).toEqual(split.body);
  }, 30_000);

  it('accepts the target and the columns the guardrails dropped along (a whole dataset row), and answers 400 naming a missing column, an unknown one and a mistyped value', async () => {
    expect(mixed.file.featurizer.actions).toContainEqual({ kind: 'drop', column: 'id', reason: 'id-like' });
    expect((await invoke({ dataframe_records: [{ id: 7, ...ROWS[0], label: 'up' }] })).status).toBe(200);
    const { n: _n, ...withoutN } = ROWS[0];
    const cases: [unknown, 'json' | 'csv', string][] = [
      [{ dataframe_records: [withoutN] }, 'json', 'Missing column "n" (integer)'],
      [{ dataframe_records: [{ ...ROWS[0], height: 2 }] }, 'json', 'Unknown column "height"'],
      [{ dataframe_records: [ROWS[0], { ...ROWS[1], x: 'tall' }] }, 'json', 'Column "x" expects numbers; row 2 has "tall" (text)'],
      [{ dataframe_records: [{ ...ROWS[0], when: 'yesterday' }] }, 'json', 'Column "when" expects dates'],
      ['x,colour,when,note\n1,red,2024-01-01,rain\n', 'csv', 'Missing column "n" (integer)'],
      ['x,colour,when,note,n\n1,red,2024-01-01,rain,2.5\n', 'csv', 'Column "n" expects whole numbers; row 1 has 2.5 (a number)'],
    ];
    for (const [body, type, message] of cases) {
      const answer = await invoke(body, type);
      expect([answer.status, (answer.body as ScoringErrorBody).error_code]).toEqual([400, 'BAD_REQUEST']);
      expect((answer.body as ScoringErrorBody).message).toContain(message);
    }
  });
});

describe('batch scoring with a tabular model', () => {
  it('writes the dataset with prediction and probability columns that agree with invocations and the labels', async () => {
    const result = await scorer.scoreDataset({ workspaceId, datasetVersionId: mixed.version.id, modelVersionId: mixed.modelVersionId, batchRows: 32 }, () => undefined);
    expect(result).toMatchObject({ reused: false, rows: 90, predictionColumns: ['prediction', 'probability_down', 'probability_up'] });
    const scored = (await getVersion(db, result.versionId)) as DatasetVersionRecord;
    expect(scored.columns.map((c) => c.name)).toEqual(['id', 'x', 'colour', 'when', 'note', 'n', 'label', 'prediction', 'probability_down', 'probability_up']);
    expect(scored.lineage).toMatchObject({ kind: 'score', modelVersionId: mixed.modelVersionId, modelName: 'mixed' });
    const read = async (name: string) => {
      const index = scored.columns.findIndex((c) => c.name === name);
      const chunks = [];
      for await (const chunk of readColumn(db, scored.id, index)) chunks.push(chunk);
      return materializeColumn(scored.columns[index], chunks).values;
    };
    const [prediction, label] = await Promise.all([read('prediction'), read('label')]);
    if (prediction.kind !== 'categorical' || label.kind !== 'categorical') throw new Error('unexpected kinds');
    const predicted = Array.from(prediction.codes, (c) => prediction.categories[c]);
    const truth = Array.from(label.codes, (c) => label.categories[c]);
    expect(predicted.filter((p, i) => p === truth[i]).length / 90).toBeGreaterThan(0.85);
    // The first rows through an invocation (the CSV's own cells) give the same classes.
    const lines = mixedCsv().trim().split('\n').slice(1, 6).join('\n');
    const answer = await invoke(`id,x,colour,when,note,n,label\n${lines}\n`, 'csv');
    expect((answer.body as PredictionsBody).predictions.map((p) => p.prediction)).toEqual(predicted.slice(0, 5));
  }, 30_000);

  it('refuses a dataset without a column the model reads', async () => {
    const other = await db.datasetVersions.filter((v) => v.sourceName === 'mixed.csv').first();
    expect(other).toBeDefined();
    const versions = await db.datasetVersions.count();
    const missing = await registerAutoMLModel(workspaceId, db, regressionCsv(60), 'y', 'line', true);
    await expect(scorer.scoreDataset({ workspaceId, datasetVersionId: mixed.version.id, modelVersionId: missing.modelVersionId }, () => undefined)).rejects.toThrow(/The dataset has no column "x1", which the model reads/);
    expect(await db.datasetVersions.count()).toBe(versions + 1); // the regression table, nothing scored
  }, 60_000);

  it('scores a regression model: one value per row', async () => {
    const line = await db.modelVersions.filter((v) => v.format === 'tabular' && v.signature.task === 'regression').first();
    if (!line) throw new Error('the regression model was registered by the test before');
    expect(line.signature.outputs).toEqual([{ name: 'y', kind: 'value', shape: [1] }]);
    const answer = await scorer.invoke(workspaceId, line.id, JSON.stringify({ instances: [{ x1: 0.5, x2: -0.5 }] }));
    expect(answer.status).toBe(200);
    const [p] = (answer.body as PredictionsBody).predictions;
    expect(p.probabilities).toBeUndefined();
    expect(p.prediction as number).toBeCloseTo(2.5, 0); // 2·0.5 + 0.5 + 1
  }, 30_000);
});
