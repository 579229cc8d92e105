/**
 * The score job against real trained models: invocations in the four MLflow shapes give the predictions the
 * training-side pipeline and model give, bad input answers 400 naming the column, batch scoring writes a new
 * dataset version (inputs + predictions, lineage, reused for the same pair), and an ONNX export of the same model
 * scores the same through onnxruntime-web.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { FeaturePipeline } from '../core/features/pipeline';
import { materializeColumn } from '../core/table/materialize';
import { importModel, predictRows } from '../engines/tfjs/model-export';
import type { PredictionsBody, ScoringErrorBody } from '../protocol/scoring';
import { readColumn } from '../storage/chunks';
import { getVersion } from '../storage/datasets';
import { registerModelVersion } from '../storage/model-registration';
import type { DatasetVersionRecord } from '../storage/records';
import type { WorkspaceDb } from '../storage/workspace-schema';
import { binaryCsv, importCsv, jobSpec, queueRun, regressionCsv } from '../test/jobs-fixtures';
import { makeWorkspaceDb, resetStorage } from '../test/storage-fixtures';
import { loadModelArtifacts } from './model-artifacts';
import { createOnnxJob } from './onnx-job';
import { createScoreJob } from './score-job';
import { createTrainJob } from './train-job';

const trainer = createTrainJob({ appVersion: 'test', probe: async () => [{ name: 'cpu', ok: true }] });
const scorer = createScoreJob({ invokeBackend: 'cpu', batchBackend: 'cpu' });

let workspaceId: string;
let db: WorkspaceDb;
let binary: { version: DatasetVersionRecord; runId: string; modelVersionId: string };

async function trainAndRegister(csv: string, spec: Parameters<typeof jobSpec>[1], name: string) {
  const version = await importCsv(workspaceId, db, csv, `${name}.csv`);
  const run = await queueRun(db, jobSpec(version, spec));
  expect(await trainer.runTrain(workspaceId, run.id, () => undefined)).toEqual({ status: 'completed' });
  const registered = await registerModelVersion(db, { modelName: name, source: { kind: 'run', runId: run.id } });
  return { version, runId: run.id, modelVersionId: registered.version.id };
}

beforeAll(async () => {
  await resetStorage();
  ({ workspaceId, db } = await makeWorkspaceDb());
  binary = await trainAndRegister(binaryCsv(), {}, 'pets');
}, 60_000);

const ROWS = [
  [1.5, 1.2, 'red'],
  [-1.5, -1.1, 'blue'],
  [0.2, -0.1, 'purple'],
];

async function invoke(body: unknown) {
  return scorer.invoke(workspaceId, binary.modelVersionId, typeof body === 'string' ? body : JSON.stringify(body));
}

/** The training side's answer for ROWS: the saved pipeline and model, straight from the run's artifacts. */
async function reference(): Promise<Float32Array> {
  const artifacts = await loadModelArtifacts(db, binary.runId);
  const pipeline = FeaturePipeline.fromJSON(artifacts.featurizer.pipeline);
  const columns = {
    x1: { kind: 'numeric' as const, values: Float64Array.from(ROWS.map((r) => r[0] as number)) },
    x2: { kind: 'numeric' as const, values: Float64Array.from(ROWS.map((r) => r[1] as number)) },
    color: { kind: 'categorical' as const, codes: Int32Array.from([0, 1, 2]), categories: ['red', 'blue', 'purple'] },
  };
  const model = await importModel(artifacts.saved);
  try {
    return await predictRows(model, pipeline.transform(columns, [0, 1, 2]));
  } finally {
    model.dispose();
  }
}

describe('invocations', () => {
  it('answers the four MLflow shapes with the training pipeline’s predictions', async () => {
    const expected = await reference();
    const records = ROWS.map(([x1, x2, color]) => ({ x1, x2, color }));
    const bodies = [
      { dataframe_split: { columns: ['x1', 'x2', 'color'], data: ROWS } },
      { dataframe_records: records },
      { instances: records },
      { inputs: { x1: ROWS.map((r) => r[0]), x2: ROWS.map((r) => r[1]), color: ROWS.map((r) => r[2]) } },
    ];
    const answers = await Promise.all(bodies.map(invoke));
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer).toMatchObject({ rows: 3 });
      expect(answer.body).toEqual(answers[0].body);
    }
    const { predictions } = answers[0].body as PredictionsBody;
    expect(predictions.map((p) => p.prediction)).toEqual(['dog', 'cat', expected[2] >= 0.5 ? 'dog' : 'cat']);
    predictions.forEach((p, i) => {
      expect(p.probabilities?.dog).toBeCloseTo(expected[i], 5);
      expect((p.probabilities?.dog ?? 0) + (p.probabilities?.cat ?? 0)).toBeCloseTo(1, 5);
    });
    expect(scorer.loadedModels()).toBe(1);
  }, 30_000);

  it('accepts the target column along, and answers 400 naming a missing, unknown or mistyped column', async () => {
    expect((await invoke({ dataframe_records: [{ x1: 1, x2: 1, color: 'red', label: 'dog' }] })).status).toBe(200);
    const cases: [unknown, string][] = [
      [{ dataframe_records: [{ x1: 1, color: 'red' }] }, 'Missing column "x2"'],
      [{ dataframe_records: [{ x1: 1, x2: 2, color: 'red', height: 3 }] }, 'Unknown column "height"'],
      [{ dataframe_split: { columns: ['x1', 'x2', 'color'], data: [[1, 'two', 'red']] } }, 'Column "x2" expects numbers; row 1 has "two" (text)'],
      ['{"dataframe_split": [', 'not valid JSON'],
    ];
    for (const [body, message] of cases) {
      const answer = await invoke(body);
      expect(answer.status).toBe(400);
      expect((answer.body as ScoringErrorBody).error_code).toBe('BAD_REQUEST');
      expect((answer.body as ScoringErrorBody).message).toContain(message);
    }
  });

  it('answers 500 for a model version that does not exist', async () => {
    const answer = await scorer.invoke(workspaceId, 'gone', JSON.stringify({ instances: [[1, 2, 'red']] }));
    expect(answer.status).toBe(500);
    expect((answer.body as ScoringErrorBody).message).toMatch(/could not be loaded: Model version "gone" does not exist/);
  });
});

describe('batch scoring', () => {
  it('writes a new dataset version of the inputs plus predictions, with lineage, reused for the same pair', async () => {
    const progress: string[] = [];
    const result = await scorer.scoreDataset({ workspaceId, datasetVersionId: binary.version.id, modelVersionId: binary.modelVersionId, batchRows: 50 }, (p) => progress.push(p.status));
    expect(result).toMatchObject({ reused: false, rows: 120, predictionColumns: ['prediction', 'probability_cat', 'probability_dog'] });
    expect(progress).toEqual(expect.arrayContaining(['loading', 'scoring', 'writing']));
    const scored = (await getVersion(db, result.versionId)) as DatasetVersionRecord;
    expect(scored.complete).toBe(1);
    expect(scored.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['x1:number', 'x2:number', 'color:category', 'label:category', 'prediction:category', 'probability_cat:number', 'probability_dog:number']);
    expect(scored.lineage).toMatchObject({ kind: 'score', datasetVersionId: binary.version.id, modelVersionId: binary.modelVersionId, modelName: 'pets', modelVersion: 1 });
    expect((await db.datasets.get(result.datasetId))?.name).toBe('pets.csv scored by pets v1');
    expect(scored.profiles[4]).toMatchObject({ name: 'prediction', count: 120, missing: 0 });
    // The predictions agree with an invocation on the same rows, and with the labels (a learnable rule).
    const read = async (column: number) => {
      const chunks = [];
      for await (const chunk of readColumn(db, scored.id, column)) chunks.push(chunk);
      return materializeColumn(scored.columns[column], chunks).values;
    };
    const [x1, x2, color, label, prediction] = await Promise.all([0, 1, 2, 3, 4].map(read));
    if (x1.kind !== 'numeric' || x2.kind !== 'numeric' || color.kind !== 'categorical' || label.kind !== 'categorical' || prediction.kind !== 'categorical') throw new Error('unexpected kinds');
    const predicted = Array.from(prediction.codes, (c) => prediction.categories[c]);
    const truth = Array.from(label.codes, (c) => label.categories[c]);
    expect(predicted.filter((p, i) => p === truth[i]).length / 120).toBeGreaterThan(0.85);
    const rows = [0, 1, 2, 3, 4].map((i) => ({ x1: x1.values[i], x2: x2.values[i], color: color.categories[color.codes[i]] }));
    const answer = (await invoke({ dataframe_records: rows })).body as PredictionsBody;
    expect(answer.predictions.map((p) => p.prediction)).toEqual(predicted.slice(0, 5));

    const again = await scorer.scoreDataset({ workspaceId, datasetVersionId: binary.version.id, modelVersionId: binary.modelVersionId }, () => undefined);
    expect(again).toMatchObject({ reused: true, datasetId: result.datasetId, versionId: result.versionId });
  }, 30_000);

  it('refuses a dataset without a column the model reads, and keeps nothing', async () => {
    const other = await importCsv(workspaceId, db, regressionCsv(20), 'numbers.csv');
    const versions = await db.datasetVersions.count();
    await expect(scorer.scoreDataset({ workspaceId, datasetVersionId: other.id, modelVersionId: binary.modelVersionId }, () => undefined)).rejects.toThrow(/The dataset has no column "x1"|no column "color"/);
    expect(await db.datasetVersions.count()).toBe(versions);
  });

  it('scores a regression model', async () => {
    const regression = await trainAndRegister(regressionCsv(), { task: 'regression', target: 'y', epochs: 20 }, 'line');
    const answer = await scorer.invoke(workspaceId, regression.modelVersionId, JSON.stringify({ instances: [{ x1: 0.5, x2: -0.5 }] }));
    expect(answer.status).toBe(200);
    const [p] = (answer.body as PredictionsBody).predictions;
    expect(typeof p.prediction).toBe('number');
    expect(p.prediction as number).toBeGreaterThan(1); // 2·0.5 + 0.5 + 1 = 2.5
    const batch = await scorer.scoreDataset({ workspaceId, datasetVersionId: regression.version.id, modelVersionId: regression.modelVersionId }, () => undefined);
    expect(batch.predictionColumns).toEqual(['prediction']);
  }, 60_000);
});

describe('ONNX deployments', () => {
  it('scores an ONNX export of the model the same as TF.js, reading the featurizer from its metadata', async () => {
    const exported = await createOnnxJob({ appVersion: 'test' }).exportRun(workspaceId, binary.runId);
    const tfjsVersion = await db.modelVersions.get(binary.modelVersionId);
    const registered = await registerModelVersion(db, {
      modelName: 'pets-onnx',
      source: { kind: 'files', format: 'onnx', files: [{ name: 'model.onnx', data: new Blob([exported.bytes.slice()]) }], signature: { inputs: [{ name: 'features', type: 'float32', shape: [-1, 5] }], outputs: [{ name: 'label', kind: 'probability', shape: [1], classes: ['cat', 'dog'] }] } },
    });
    const body = JSON.stringify({ dataframe_split: { columns: ['x1', 'x2', 'color'], data: ROWS } });
    const [viaOnnx, viaTfjs] = await Promise.all([scorer.invoke(workspaceId, registered.version.id, body), invoke(body)]);
    expect(viaOnnx.status).toBe(200);
    const onnx = (viaOnnx.body as PredictionsBody).predictions;
    const tfjs = (viaTfjs.body as PredictionsBody).predictions;
    expect(onnx.map((p) => p.prediction)).toEqual(tfjs.map((p) => p.prediction));
    onnx.forEach((p, i) => expect(p.probabilities?.dog).toBeCloseTo(tfjs[i].probabilities?.dog ?? NaN, 5));
    expect(tfjsVersion?.signature.inputs.map((i) => i.name)).toEqual(['x1', 'x2', 'color']);
    // The columns come from the file's metadata, so a missing one is named as for the TF.js version.
    const missing = await scorer.invoke(workspaceId, registered.version.id, JSON.stringify({ dataframe_records: [{ x1: 1, color: 'red' }] }));
    expect([missing.status, (missing.body as ScoringErrorBody).message]).toEqual([400, expect.stringMatching(/^Missing column "x2" \(number\)/)]);
  }, 60_000);
});
