import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAutoMLModel } from '../core/automl/final-model';
import type { AutoMLExplanation } from '../protocol/automl';
import { columnsFromText, parseAutoMLArgs, parseDelimited } from './automl-command';
import { UsageError } from './args';
import { main } from './main';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'benchtop-automl-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), cwd: dir });
  const lines = stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown> & { event: string });
  return { code, lines, stderr };
}

describe('automl arguments', () => {
  it('parses options with defaults', () => {
    expect(parseAutoMLArgs(['--data', 'iris', '--target', 'species'])).toEqual({ data: 'iris', target: 'species', budgetSeconds: 60, seed: 0, folds: 5 });
    expect(parseAutoMLArgs(['--data', 'a.csv', '--target', 'y', '--trials', '7', '--seed', '3', '--metric', 'log-loss', '--out', 'm'])).toMatchObject({ trials: 7, seed: 3, metric: 'log-loss', out: 'm' });
  });
  it('refuses bad usage with a message', () => {
    expect(() => parseAutoMLArgs(['--target', 'y'])).toThrow(UsageError);
    expect(() => parseAutoMLArgs(['--data', 'a', '--target', 'y', '--budget', '5', '--trials', '2'])).toThrow(/not both/);
    expect(() => parseAutoMLArgs(['--data', 'a', '--target', 'y', '--metric', 'f1'])).toThrow(/--metric must be one of/);
    expect(() => parseAutoMLArgs(['--data', 'a', '--target', 'y', '--folds', '1'])).toThrow(/--folds must be from 2 to 20/);
  });
  it('reads quoted CSV', () => {
    expect(parseDelimited('a,b\r\n"x, y","say ""hi"""\n1,2', ',')).toEqual([['a', 'b'], ['x, y', 'say "hi"'], ['1', '2']]);
    expect(columnsFromText('a\tb\n1\t2\n', 't.tsv')).toEqual([{ name: 'a', values: ['1'] }, { name: 'b', values: ['2'] }]);
  });
});

describe('benchtop automl', () => {
  it('runs a trial budget on a sample and prints findings, trials and the leaderboard', async () => {
    const { code, lines, stderr } = await cli('automl', '--data', 'iris', '--target', 'species', '--trials', '4');
    expect(code).toBe(0);
    expect(lines.filter((l) => l.event === 'trial')).toHaveLength(4);
    const board = lines.find((l) => l.event === 'leaderboard') as unknown as { rows: { mean: number }[] };
    expect(board.rows).toHaveLength(4);
    expect(board.rows[0].mean).toBeGreaterThan(0.9);
    expect(lines.at(-1)).toMatchObject({ event: 'done', status: 'completed', task: 'multiclass' });
    expect(stderr).toMatch(/rank\s+trial\s+family/);
  });
  it('writes the refit model and its explanation with --out', async () => {
    const { code, lines, stderr } = await cli('automl', '--data', 'iris', '--target', 'species', '--trials', '3', '--out', 'model');
    expect(code).toBe(0);
    const saved = lines.find((l) => l.event === 'saved') as unknown as { model: string; explanation: string };
    expect(saved.model).toBe(join(dir, 'model', 'automl-model.json'));
    expect(lines.at(-1)).toMatchObject({ event: 'done', status: 'completed' });
    expect(stderr).toMatch(/Model and explanation written to/);
    const model = loadAutoMLModel(JSON.parse(await readFile(saved.model, 'utf8')));
    const text = await readFile(join(process.cwd(), 'public/datasets/iris.csv'), 'utf8');
    const columns = columnsFromText(text, 'iris.csv');
    const species = columns.find((c) => c.name === 'species')?.values ?? [];
    const pred = model.predict(columns, species.length);
    let correct = 0;
    species.forEach((label, i) => {
      const p = Array.from(pred.subarray(i * 3, i * 3 + 3));
      if (model.classes[p.indexOf(Math.max(...p))] === label) correct++;
    });
    expect(correct / species.length).toBeGreaterThan(0.93);
    const explanation = JSON.parse(await readFile(saved.explanation, 'utf8')) as AutoMLExplanation;
    expect(explanation.metric).toBe('accuracy');
    expect(explanation.importance).toHaveLength(4);
    expect(explanation.importance[0].column).toMatch(/^petal/);
    expect(explanation.partialDependence[0].series.map((s) => s.label)).toEqual(model.classes);
    expect(explanation.basis).toMatch(/validation rows of fold 1 \(30 rows\)/);
  });

  it('fails with a clear message for a target with one class', async () => {
    await writeFile(join(dir, 'one.csv'), ['x,y', ...Array.from({ length: 20 }, (_, i) => `${i % 4},a`)].join('\n'));
    const { code, lines, stderr } = await cli('automl', '--data', 'one.csv', '--target', 'y', '--trials', '2');
    expect(code).toBe(1);
    expect(stderr).toMatch(/has one class \("a"\)/);
    expect(lines.at(-1)).toMatchObject({ event: 'done', status: 'failed' });
  });
});
