/**
 * `benchtop score`: a model folder written by `benchtop train --out` scores a CSV (JSON lines on stdout, or a CSV of
 * prediction columns), a raw ONNX file scores the numeric columns, and bad usage is refused with exit code 2.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeOnnxModel } from '../engines/onnx/onnx-encode';
import { binaryCsv } from '../test/jobs-fixtures';
import { parseCommand, UsageError } from './args';
import { main } from './main';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'benchtop-score-'));
  await writeFile(join(dir, 'table.csv'), binaryCsv(60));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), cwd: dir });
  return { code, stdout, stderr };
}

describe('benchtop score', () => {
  it('scores a CSV with a trained model folder: JSON lines, then a CSV of prediction columns', async () => {
    const trained = await cli('train', '--data', 'table.csv', '--target', 'label', '--epochs', '8', '--backend', 'cpu', '--out', 'model');
    expect(trained.code).toBe(0);

    const lines = await cli('score', '--model', 'model', '--data', 'table.csv');
    expect(lines.stderr).toMatch(/Scored 60 rows/);
    expect(lines.code).toBe(0);
    const records = lines.stdout.trim().split('\n').map((l) => JSON.parse(l) as { row: number; prediction: string; probabilities: Record<string, number> });
    expect(records).toHaveLength(60);
    expect(records[0]).toEqual({ row: 1, prediction: expect.stringMatching(/^(cat|dog)$/), probabilities: { cat: expect.any(Number), dog: expect.any(Number) } });
    const truth = binaryCsv(60).trim().split('\n').slice(1).map((l) => l.split(',')[3]);
    expect(records.filter((r, i) => r.prediction === truth[i]).length).toBeGreaterThan(45);

    const csv = await cli('score', '--model', 'model', '--data', 'table.csv', '--out', 'preds.csv');
    expect(csv.code).toBe(0);
    expect(JSON.parse(csv.stdout.trim())).toMatchObject({ event: 'done', status: 'completed', rows: 60, columns: ['prediction', 'probability_cat', 'probability_dog'] });
    const written = (await readFile(join(dir, 'preds.csv'), 'utf8')).trim().split('\n');
    expect(written[0]).toBe('prediction,probability_cat,probability_dog');
    expect(written).toHaveLength(61);
    expect(written.slice(1).map((l) => l.split(',')[0])).toEqual(records.map((r) => r.prediction));
  }, 60_000);

  it('scores the numeric columns with a raw ONNX file', async () => {
    const bytes = encodeOnnxModel({
      irVersion: 8,
      opset: 13,
      producerName: 'test',
      producerVersion: '1',
      graph: {
        name: 'double',
        nodes: [{ opType: 'Mul', name: 'double', inputs: ['x', 'two'], outputs: ['y'] }],
        initializers: [{ name: 'two', dataType: 'float32', dims: [], data: Float32Array.of(2) }],
        inputs: [{ name: 'x', elemType: 'float32', shape: ['batch', 2] }],
        outputs: [{ name: 'y', elemType: 'float32', shape: ['batch', 2] }],
      },
    });
    await writeFile(join(dir, 'double.onnx'), bytes);
    await writeFile(join(dir, 'xy.csv'), 'a,b\n1,2\n-3,0.5\n');
    const { code, stdout, stderr } = await cli('score', '--model', 'double.onnx', '--data', 'xy.csv');
    expect(stderr).toMatch(/rows of 2 numbers/);
    expect(code).toBe(0);
    expect(stdout.trim().split('\n').map((l) => JSON.parse(l))).toEqual([{ row: 1, prediction: [2, 4] }, { row: 2, prediction: [-6, 1] }]);

    const wrong = await cli('score', '--model', 'double.onnx', '--data', 'table.csv');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/Error: The model reads rows of 2 numbers; the dataset has 4 columns/);
  }, 30_000);

  it('names a missing model or column', async () => {
    const missing = await cli('score', '--model', 'nope', '--data', 'table.csv');
    expect([missing.code, missing.stderr]).toEqual([1, expect.stringMatching(/Model ".*nope" does not exist/)]);
    await writeFile(join(dir, 'partial.csv'), 'x1,color\n1,red\n');
    const partial = await cli('score', '--model', 'model', '--data', 'partial.csv');
    expect([partial.code, partial.stderr]).toEqual([1, expect.stringMatching(/The dataset has no column "x2"/)]);
  }, 30_000);

  it('refuses bad usage', () => {
    expect(parseCommand(['score', '--model', 'm', '--data', 'd.csv', '--out', 'p.csv'])).toEqual({ command: 'score', model: 'm', data: 'd.csv', out: 'p.csv' });
    expect(() => parseCommand(['score', '--data', 'd.csv'])).toThrow(new UsageError('score needs --model <folder|file.onnx|automl-model.json>'));
    expect(() => parseCommand(['score', '--model', 'm'])).toThrow(/score needs --data/);
    expect(() => parseCommand(['score', 'm', '--model', 'm', '--data', 'd'])).toThrow(/no positional arguments/);
    expect(() => parseCommand(['score', '--model', 'm', '--data', 'd', '--epochs', '3'])).toThrow(/--epochs does not apply to score/);
    expect(() => parseCommand(['train', '--data', 'd', '--target', 't', '--model', 'm'])).toThrow(/--model goes with "score"/);
  });
});
