/**
 * `benchtop score` with an AutoML model: a folder holding `automl-model.json`, or the `.json` file itself (under any
 * name), scores a CSV with the model's own featurizer, exactly as the file loaded on its own predicts; a data file
 * without a column the model reads fails naming it.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAutoMLModel } from '../core/automl/final-model';
import { AUTOML_MODEL_FILE } from '../protocol/automl';
import { fitAutoMLModel, mixedCsv, type FittedAutoMLModel } from '../test/automl-model-fixtures';
import { makeWorkspaceDb, resetStorage } from '../test/storage-fixtures';
import { main } from './main';
import { readModelPath } from './score-command';

let dir: string;
let fitted: FittedAutoMLModel;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'benchtop-score-tabular-'));
  await resetStorage();
  const { workspaceId, db } = await makeWorkspaceDb();
  fitted = await fitAutoMLModel(workspaceId, db, mixedCsv(), 'label');
  await mkdir(join(dir, 'model'));
  await writeFile(join(dir, 'model', AUTOML_MODEL_FILE), JSON.stringify(fitted.file));
  await writeFile(join(dir, 'model', 'notes.txt'), 'ignored');
  await writeFile(join(dir, 'renamed.json'), JSON.stringify(fitted.file));
  await writeFile(join(dir, 'other.json'), JSON.stringify({ format: 'layers-model' }));
  await writeFile(join(dir, 'mixed.csv'), mixedCsv());
  await writeFile(join(dir, 'no-colour.csv'), mixedCsv(5).replace(/,(red|green|blue),/g, ',').replace('x,colour,', 'x,'));
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), cwd: dir });
  return { code, stdout, stderr };
}

describe('benchtop score with an AutoML model', () => {
  it('reads a folder holding automl-model.json, or the file under any name, as a tabular model', async () => {
    const folder = await readModelPath(join(dir, 'model'));
    expect([folder.format, [...folder.files.keys()]]).toEqual(['tabular', [AUTOML_MODEL_FILE]]);
    const file = await readModelPath(join(dir, 'renamed.json'));
    expect([file.format, [...file.files.keys()]]).toEqual(['tabular', [AUTOML_MODEL_FILE]]);
    await expect(readModelPath(join(dir, 'other.json'))).rejects.toThrow(/is not an AutoML model \(no "format": "benchtop-tabular"\)/);
  });

  it('scores every row as the model file predicts, as JSON lines and as CSV', async () => {
    const lines = await cli('score', '--model', 'model', '--data', 'mixed.csv');
    expect(lines.stderr).toMatch(/: AutoML tabular, columns x, colour, when, note, n \(Benchtop tabular \(TypeScript\)\)/);
    expect(lines.stderr).toMatch(/Scored 90 rows/);
    expect(lines.code).toBe(0);
    const records = lines.stdout.trim().split('\n').map((l) => JSON.parse(l) as { row: number; prediction: string; probabilities: Record<string, number> });
    expect(records).toHaveLength(90);
    // The reference: the file loaded on its own, on the columns as the AutoML job read them.
    const inputs = fitted.table.columns.filter((c) => c.name !== 'label');
    const expected = loadAutoMLModel(fitted.file).predict(inputs, 90);
    records.forEach((r, i) => {
      expect(r.row).toBe(i + 1);
      expect(r.probabilities.down).toBeCloseTo(expected[i * 2], 5);
      expect(r.probabilities.up).toBeCloseTo(expected[i * 2 + 1], 5);
    });
    const truth = fitted.table.columns.find((c) => c.name === 'label')?.values ?? [];
    expect(records.filter((r, i) => r.prediction === truth[i]).length).toBeGreaterThan(75);

    const csv = await cli('score', '--model', 'renamed.json', '--data', 'mixed.csv', '--out', 'preds.csv');
    expect(csv.code).toBe(0);
    expect(JSON.parse(csv.stdout.trim())).toMatchObject({ event: 'done', rows: 90, columns: ['prediction', 'probability_down', 'probability_up'] });
    const written = (await readFile(join(dir, 'preds.csv'), 'utf8')).trim().split('\n');
    expect(written[0]).toBe('prediction,probability_down,probability_up');
    expect(written.slice(1).map((l) => l.split(',')[0])).toEqual(records.map((r) => r.prediction));
  }, 30_000);

  it('fails naming a column the data lacks', async () => {
    const missing = await cli('score', '--model', 'model', '--data', 'no-colour.csv');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/The dataset has no column "colour", which the model reads/);
  }, 30_000);
});
