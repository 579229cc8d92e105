import * as tf from '@tensorflow/tfjs';
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binaryCsv } from '../test/jobs-fixtures';
import { main, USAGE } from './main';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'benchtop-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Line = Record<string, unknown> & { event: string };

/** Runs the CLI in-process in the temp folder; stdout parsed as JSON lines (every line must parse; --help prints text). */
async function cli(...argv: string[]): Promise<{ code: number; lines: Line[]; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), cwd: dir });
  const help = argv.includes('--help');
  const lines = help ? [] : stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Line);
  return { code, lines, stdout, stderr };
}

/** A small spec for `table.csv` (binaryCsv) with its data ids left out, as a user writes it. */
function specFile(changes: Record<string, unknown> = {}, data: Record<string, unknown> = {}) {
  return {
    specVersion: 1,
    kind: 'train',
    data: { target: 'label', features: ['x1', 'x2', 'color'], split: { train: 0.6, validation: 0.2, test: 0.2, stratify: true }, ...data },
    task: 'binary',
    model: { family: 'mlp', layers: [{ units: 8, activation: 'relu' }] },
    optimizer: { name: 'adam', learningRate: 0.05 },
    epochs: 3,
    batchSize: 16,
    seed: 7,
    backend: 'cpu',
    ...changes,
  };
}

async function serve(folder: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    readFile(join(folder, (req.url ?? '/').slice(1)))
      .then((body) => res.end(body))
      .catch(() => {
        res.statusCode = 404;
        res.end();
      });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('benchtop train', () => {
  it('trains the iris sample: JSON lines, a done line, and a model folder that tf.loadLayersModel reads', async () => {
    const out = join(dir, 'iris-model');
    const { code, lines, stderr } = await cli('train', '--data', 'iris', '--target', 'species', '--epochs', '3', '--backend', 'cpu', '--out', out);
    expect(stderr).not.toMatch(/^Error/m);
    expect(code).toBe(0);

    expect(lines[0]).toMatchObject({ event: 'dataset', sample: 'iris', rows: 150 });
    expect(lines.find((l) => l.event === 'spec')).toMatchObject({ spec: { task: 'multiclass', epochs: 3, backend: 'cpu', data: { target: 'species' } } });
    const metrics = lines.filter((l) => l.event === 'metric');
    for (const m of metrics) expect(m).toEqual({ event: 'metric', key: expect.any(String), step: expect.any(Number), value: expect.any(Number), split: expect.any(String) });
    expect(metrics.filter((m) => m.key === 'loss').map((m) => m.step)).toEqual([1, 2, 3]);
    expect(metrics.some((m) => m.key === 'batch_loss')).toBe(true);
    expect(metrics.some((m) => m.key === 'test_accuracy' && m.split === 'test')).toBe(true);
    const epochs = lines.filter((l) => l.event === 'epoch');
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(epochs[2]).toMatchObject({ epochs: 3, metrics: { loss: expect.any(Number), accuracy: expect.any(Number), val_loss: expect.any(Number), val_accuracy: expect.any(Number) } });

    const done = lines.at(-1) as Line;
    expect(done).toMatchObject({ event: 'done', status: 'completed', backend: 'cpu', out, summary: { epochs: 3, test_accuracy: expect.any(Number) } });
    expect(stderr).toContain('Backend: cpu');
    expect(stderr).toContain('Epoch 3/3');

    const files = ['evaluation.json', 'featurizer.json', 'metrics.csv', 'model.json', 'model.weights.bin', 'signature.json', 'spec.json'];
    expect((await readdir(out)).sort()).toEqual(files);
    expect([...(done.files as string[])].sort()).toEqual(files);
    const csv = (await readFile(join(out, 'metrics.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]).toBe('key,step,value,split,time');
    expect(csv.length - 1).toBe(metrics.length);
    expect(JSON.parse(await readFile(join(out, 'signature.json'), 'utf8'))).toMatchObject({ task: 'multiclass', output: { classes: ['setosa', 'versicolor', 'virginica'] } });
    expect(JSON.parse(await readFile(join(out, 'spec.json'), 'utf8'))).toMatchObject({ epochs: 3, data: { target: 'species' } });

    const { server, url } = await serve(out);
    try {
      const model = await tf.loadLayersModel(`${url}/model.json`);
      const signature = JSON.parse(await readFile(join(out, 'signature.json'), 'utf8')) as { featureCount: number };
      const p = tf.tidy(() => model.predict(tf.zeros([2, signature.featureCount])) as tf.Tensor);
      expect(p.shape).toEqual([2, 3]);
      p.dispose();
      model.dispose();
    } finally {
      server.close();
    }
  });

  it('runs a spec file on a CSV, filling in the data ids it leaves out', async () => {
    await writeFile(join(dir, 'table.csv'), binaryCsv());
    await writeFile(join(dir, 'spec.json'), JSON.stringify(specFile({}, { contentHash: 'fill-me' })));
    const { code, lines } = await cli('train', 'spec.json', '--data', 'table.csv', '--seed', '3', '--out', 'table-model');
    expect(code).toBe(0);
    const spec = lines.find((l) => l.event === 'spec')?.spec as { seed: number; data: { contentHash: string; datasetId: string } };
    expect(spec.seed).toBe(3);
    expect(spec.data.contentHash).toBe(lines[0].contentHash);
    expect(spec.data.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(lines.at(-1)).toMatchObject({ event: 'done', status: 'completed', out: join(dir, 'table-model') });
  });

  it('trains on the wasm backend from the package\'s own binaries, and takes a sample named by the spec\'s data.datasetId', async () => {
    const spec = specFile({ task: 'multiclass', backend: 'wasm', epochs: 1 }, {
      datasetId: 'iris',
      target: 'species',
      features: ['sepal length (cm)', 'petal width (cm)'],
      split: { train: 0.8, validation: 0.1, test: 0.1, stratify: true },
    });
    await writeFile(join(dir, 'iris.json'), JSON.stringify(spec));
    const { code, lines } = await cli('train', 'iris.json', '--out', 'wasm-model');
    expect(code).toBe(0);
    expect(lines[0]).toMatchObject({ event: 'dataset', sample: 'iris' });
    expect(lines.at(-1)).toMatchObject({ event: 'done', status: 'completed', backend: 'wasm' });
  });

  it('names a spec file\'s unknown fields (exit 1) before reading any data', async () => {
    await writeFile(join(dir, 'unknown.json'), JSON.stringify(specFile({ colour: 'red' }, { bogus: true })));
    const { code, stderr, lines } = await cli('train', 'unknown.json', '--data', 'missing.csv');
    expect(code).toBe(1);
    expect(stderr).toMatch(/colour: unknown field/);
    expect(stderr).toMatch(/data\.bogus: unknown field/);
    expect(stderr).not.toContain('missing.csv');
    expect(lines).toEqual([expect.objectContaining({ event: 'done', status: 'failed', error: expect.stringContaining('colour') })]);
  });

  it('fails (exit 1) naming a data file or spec file that does not exist', async () => {
    const data = await cli('train', '--data', 'nowhere/data.csv', '--target', 'y');
    expect(data.code).toBe(1);
    expect(data.stderr).toContain('Data file "nowhere/data.csv" does not exist');
    expect(data.stderr).toContain('samples: iris');
    const spec = await cli('train', 'nowhere.json', '--data', 'iris');
    expect(spec.code).toBe(1);
    expect(spec.stderr).toContain('Spec file "nowhere.json" does not exist');
  });

  it('fails (exit 1) naming a target column the data does not have, and a content hash that does not match', async () => {
    const target = await cli('train', '--data', 'iris', '--target', 'colour', '--backend', 'cpu');
    expect(target.code).toBe(1);
    expect(target.stderr).toContain('No column "colour"');
    await writeFile(join(dir, 'table.csv'), binaryCsv());
    await writeFile(join(dir, 'other.json'), JSON.stringify(specFile({}, { contentHash: 'a'.repeat(64) })));
    const hash = await cli('train', 'other.json', '--data', 'table.csv');
    expect(hash.code).toBe(1);
    expect(hash.stderr).toContain('data.contentHash');
  });

  it('answers bad usage with exit 2 and the usage text', async () => {
    for (const argv of [
      [],
      ['fit'],
      ['train'],
      ['train', '--data', 'iris'],
      ['train', '--data', 'iris', '--target', 'species', '--epochs', 'ten'],
      ['train', '--data', 'iris', '--target', 'species', '--epochs', '0'],
      ['train', '--data', 'iris', '--target', 'species', '--backend', 'webgpu'],
      ['train', '--data', 'iris', '--target', 'species', '--colour', 'red'],
      ['train', 'a.json', 'b.json'],
    ]) {
      const { code, stderr, stdout } = await cli(...argv);
      expect(code, argv.join(' ')).toBe(2);
      expect(stderr).toContain(USAGE);
      expect(stdout).toBe('');
    }
    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toBe(USAGE);
  });
});
