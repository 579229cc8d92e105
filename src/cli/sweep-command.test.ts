import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from './main';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'benchtop-sweep-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Line = Record<string, unknown> & { event: string };

async function cli(...argv: string[]): Promise<{ code: number; lines: Line[]; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), cwd: dir });
  return { code, lines: stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Line), stderr };
}

const IRIS_FEATURES = ['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)'];

/** A sweep of the iris sample (its data ids left out, as a user writes it). */
function irisSweep(changes: Record<string, unknown> = {}, base: Record<string, unknown> = {}) {
  return {
    specVersion: 1,
    kind: 'sweep',
    base: {
      specVersion: 1,
      kind: 'train',
      data: { datasetId: 'iris', target: 'species', features: IRIS_FEATURES, split: { train: 0.6, validation: 0.2, test: 0.2, stratify: true } },
      task: 'multiclass',
      model: { family: 'mlp', layers: [{ units: 16, activation: 'relu' }] },
      optimizer: { name: 'adam', learningRate: 0.01 },
      epochs: 2,
      batchSize: 16,
      seed: 7,
      backend: 'cpu',
      ...base,
    },
    space: [
      { path: 'optimizer.learningRate', type: 'loguniform', min: 0.001, max: 0.3 },
      { path: 'model.layers[0].units', type: 'choice', values: [8, 16, 32] },
    ],
    sampler: { type: 'random' },
    metric: { key: 'val_accuracy', goal: 'maximize' },
    maxTrials: 3,
    ...changes,
  };
}

async function specFile(name: string, spec: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, JSON.stringify(spec));
  return path;
}

describe('benchtop sweep', () => {
  it('runs a random sweep of 3 trials on iris: a JSON line per trial, the best at the end, its model in --out', async () => {
    const out = join(dir, 'iris-sweep');
    const started = performance.now();
    const { code, lines, stderr } = await cli('sweep', await specFile('iris.json', irisSweep()), '--out', out);
    const seconds = (performance.now() - started) / 1000;
    expect(stderr).not.toMatch(/^Error/m);
    expect(code).toBe(0);
    expect(lines[0]).toMatchObject({ event: 'dataset', sample: 'iris', rows: 150 });
    expect(lines[1]).toMatchObject({ event: 'sweep', spec: { maxTrials: 3, maxConcurrentTrials: 1, termination: { type: 'none' }, seed: 7 } });

    const trials = lines.filter((l) => l.event === 'trial');
    expect(trials.map((t) => t.number)).toEqual([0, 1, 2]);
    for (const t of trials) {
      expect(t).toEqual({ event: 'trial', number: expect.any(Number), params: expect.any(Object), state: 'complete', value: expect.any(Number), epochs: 2 });
      const params = t.params as Record<string, number>;
      expect(params['optimizer.learningRate']).toBeGreaterThanOrEqual(0.001);
      expect(params['optimizer.learningRate']).toBeLessThanOrEqual(0.3);
      expect([8, 16, 32]).toContain(params['model.layers[0].units']);
    }
    expect(new Set(trials.map((t) => JSON.stringify(t.params))).size).toBe(3);
    const best = trials.reduce((a, b) => ((b.value as number) > (a.value as number) ? b : a));

    const done = lines.at(-1) as Line;
    expect(done).toMatchObject({
      event: 'done',
      status: 'completed',
      best: { number: best.number, params: best.params, value: best.value },
      trials: 3,
      stopReason: 'Reached the maximum of 3 trials',
      summary: { best_val_accuracy: best.value, trials: 3, completed_trials: 3, pruned_trials: 0, failed_trials: 0 },
      out,
    });
    expect((await readdir(out)).sort()).toEqual(
      ['evaluation.json', 'featurizer.json', 'metrics.csv', 'model.json', 'model.weights.bin', 'signature.json', 'spec.json', 'sweep.json', 'trials.csv'].sort(),
    );
    // The model folder is the best trial's: its spec carries the best parameters.
    const bestSpec = JSON.parse(await readFile(join(out, 'spec.json'), 'utf8')) as { optimizer: { learningRate: number }; model: { layers: { units: number }[] } };
    expect(bestSpec.optimizer.learningRate).toBe((best.params as Record<string, number>)['optimizer.learningRate']);
    expect(bestSpec.model.layers[0].units).toBe((best.params as Record<string, number>)['model.layers[0].units']);
    const csv = (await readFile(join(out, 'trials.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]).toBe('number,state,value,epochs,stoppedEarly,error,optimizer.learningRate,model.layers[0].units');
    expect(csv.slice(1).map((row) => row.split(',').slice(0, 4))).toEqual(trials.map((t) => [String(t.number), 'complete', String(t.value), '2']));
    console.info(`benchtop sweep, iris, 3 trials × 2 epochs on cpu: ${seconds.toFixed(2)} s in-process`);
  }, 60_000);

  it('stops bad trials early with ASHA: they end "pruned" with the reason and their last value', async () => {
    const spec = irisSweep(
      { space: [{ path: 'optimizer.learningRate', type: 'loguniform', min: 0.0001, max: 1 }], metric: { key: 'val_loss', goal: 'minimize' }, maxTrials: 6, termination: { type: 'asha', minEpochs: 1, reductionFactor: 2 } },
      { optimizer: { name: 'sgd', learningRate: 0.1 }, epochs: 4 },
    );
    const { code, lines } = await cli('sweep', await specFile('asha.json', spec), '--out', join(dir, 'asha'));
    expect(code).toBe(0);
    const trials = lines.filter((l) => l.event === 'trial');
    expect(trials).toHaveLength(6);
    const pruned = trials.filter((t) => t.state === 'pruned');
    expect(pruned.length).toBeGreaterThan(0);
    for (const t of pruned) {
      expect(t.stoppedEarly).toMatch(/^Stopped at epoch \d \(rung \d of \d\): val_loss .* ranks/);
      expect(t.value).toEqual(expect.any(Number));
      expect(t.epochs as number).toBeLessThan(4);
    }
    const completed = trials.filter((t) => t.state === 'complete');
    for (const t of completed) expect(t.epochs).toBe(4);
    const done = lines.at(-1) as Line;
    expect(done).toMatchObject({ status: 'completed', summary: { pruned_trials: pruned.length, completed_trials: completed.length } });
    expect((done.best as { value: number }).value).toBe(Math.min(...completed.map((t) => t.value as number)));
  }, 60_000);

  it('fails diverging trials (NaN loss) and the sweep when none completed, naming the error', async () => {
    const cols = ['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6'];
    const spec = irisSweep(
      { space: [{ path: 'optimizer.learningRate', type: 'choice', values: [0.05, 5] }], sampler: { type: 'grid' }, metric: { key: 'val_loss', goal: 'minimize' } },
      {
        data: { datasetId: 'diabetes', target: 'disease_progression', features: cols, split: { train: 0.6, validation: 0.2, test: 0.2, stratify: false } },
        task: 'regression',
        optimizer: { name: 'sgd', learningRate: 0.1 },
        epochs: 4,
      },
    );
    const { code, lines, stderr } = await cli('sweep', await specFile('diverge.json', spec));
    expect(code).toBe(1);
    const trials = lines.filter((l) => l.event === 'trial');
    expect(trials.map((t) => [t.state, t.error])).toEqual([
      ['failed', 'Stopped at epoch 1: val_loss is NaN; training diverged.'],
      ['failed', 'Stopped at epoch 1: val_loss is NaN; training diverged.'],
    ]);
    const message = 'None of the 2 trials completed with a value of val_loss (2 failed, 0 stopped early, 0 canceled); trial 0 failed with: Stopped at epoch 1: val_loss is NaN; training diverged.';
    expect(lines.at(-1)).toEqual({ event: 'done', status: 'failed', error: message, trials: 2 });
    expect(stderr).toContain(`Error: ${message}`);
  }, 60_000);

  it('rejects a bad sweep spec before reading any data, naming every problem', async () => {
    const cases: [string, unknown[], Record<string, unknown>, string[]][] = [
      [
        'ranges',
        [
          { path: 'optimizer.learningRate', type: 'loguniform', min: 0, max: 0.1 },
          { path: 'model.layers[0].units', type: 'int', min: 64, max: 8 },
        ],
        {},
        ['space[0].min: a log-scale range needs min greater than 0, got 0', 'space[1].max: expected max greater than min, got an inverted range [64, 8]'],
      ],
      ['path', [{ path: 'optimizer.lr', type: 'uniform', min: 0.1, max: 0.2 }], {}, ['space[0].path: "optimizer.lr" is not in the base spec']],
      [
        'grid',
        [
          { path: 'optimizer.learningRate', type: 'choice', values: Array.from({ length: 4000 }, (_, i) => (i + 1) / 4000) },
          { path: 'model.layers[0].units', type: 'int', min: 1, max: 4000 },
        ],
        { sampler: { type: 'grid' } },
        ['sampler: the grid has 16,000,000 points (4,000 × 4,000), more than the 100,000 allowed'],
      ],
    ];
    for (const [name, space, changes, problems] of cases) {
      const { code, lines, stderr } = await cli('sweep', await specFile(`bad-${name}.json`, irisSweep({ space, ...changes })));
      expect(code, name).toBe(1);
      expect(lines, name).toHaveLength(1);
      expect(lines[0]).toMatchObject({ event: 'done', status: 'failed' });
      expect(stderr, name).toMatch(/^Error: The sweep spec has \d problems?:/);
      expect(stderr, name).not.toContain('Importing');
      for (const problem of problems) expect(stderr, name).toContain(`  ${problem}`);
    }
  });

  it('reports usage errors with exit code 2', async () => {
    expect((await cli('sweep')).code).toBe(2);
    const target = await cli('sweep', 'x.json', '--target', 'species');
    expect(target.code).toBe(2);
    expect(target.stderr).toContain('--target does not apply to sweep');
    const missing = await cli('sweep', 'missing.json');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Spec file "missing.json" does not exist');
  });
});
