/**
 * @file `benchtop train`: one training run headless, through the same code as the lab. The data is imported by the
 * import job into a fresh workspace of the in-memory IndexedDB (fake-indexeddb), a queued run is created, the
 * training job (`createTrainJob`) runs it on the cpu or wasm backend, and the stored model is written to a folder.
 *
 * stdout carries JSON lines only, one object each, keyed on `event`:
 * `dataset` (the imported version), `spec` (the complete spec run), `progress` (preparing/evaluating messages),
 * `metric` (every metric point the run stores: key, step, value, split), `epoch` (the epoch's train and validation
 * metrics), and last `done` (`completed` with the summary and the files written, or `failed`/`canceled` with the
 * error). The run's log lines, notes and errors go to stderr as text.
 */
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import type { WasmPaths } from '../engines/tfjs/backend-setup';
import type { BackendProbe } from '../engines/tfjs/backends';
import { createTrainJob } from '../jobs/train-job';
import type { TrainSpec } from '../protocol/train';
import type { TrainJobOutcome, TrainJobProgress } from '../protocol/train-worker';
import { getWorkspaceDb } from '../storage/connections';
import { importDataset } from '../storage/dataset-import';
import { getVersion } from '../storage/datasets';
import { logsAfter } from '../storage/logs';
import { metricKeys, metricSeries } from '../storage/metrics';
import type { DatasetVersionRecord, MetricRecord } from '../storage/records';
import { requireRun } from '../storage/run-status';
import { createRun } from '../storage/runs';
import type { WorkspaceDb } from '../storage/workspace-schema';
import { createWorkspace, deleteWorkspace } from '../storage/workspaces';
import { UsageError, type TrainCommand } from './args';
import { isSampleId, resolveDataSource } from './data-source';
import { writeModelFolder } from './model-folder';
import { checkSpecShape, readSpecFile, specDatasetId, specFromDefaults, specFromFile } from './spec-input';
import { decodePng } from './png-decoder';

/** What the CLI talks to: injected so that tests run `main` in-process. */
export interface CliIo {
  /** Receives stdout text (JSON lines, each ending in a newline). */
  stdout: (text: string) => void;
  /** Receives stderr text (human messages, each ending in a newline). */
  stderr: (text: string) => void;
  /** Working directory: relative paths (data, spec, --out) resolve against it. */
  cwd: string;
  /** The repository root: sample datasets, the wasm binaries and the app version are read from there. */
  root: string;
  /** Aborting it cancels the run (Ctrl-C). */
  signal?: AbortSignal;
}

/** Exit codes. */
export const EXIT = Object.freeze({ completed: 0, failed: 1, usage: 2, canceled: 130 });

/** Under Node the CLI offers the wasm and cpu backends; `auto` picks wasm (it has every training kernel, conv and embedding gradients included: `wasm-kernels.ts`). */
export const nodeProbe = async (): Promise<BackendProbe[]> => [
  { name: 'webgpu', ok: false, reason: 'the CLI runs on wasm or cpu under Node' },
  { name: 'webgl', ok: false, reason: 'the CLI runs on wasm or cpu under Node' },
  { name: 'wasm', ok: typeof WebAssembly === 'object', reason: 'WebAssembly is missing' },
  { name: 'cpu', ok: true },
];

/** The wasm binaries as file paths in the installed package: nothing is downloaded. */
export function nodeWasmPaths(root: string): WasmPaths {
  const dist = dirname(createRequire(join(root, 'package.json')).resolve('@tensorflow/tfjs-backend-wasm'));
  const names = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'] as const;
  // TF.js wants an entry for each binary, the threaded one too (multithreading is off: it is never loaded).
  return Object.fromEntries(names.map((name) => [name, join(dist, name)]));
}

/** Runs a `train` command to its end; returns the exit code. Throws for bad usage and for failures before the run. */
export async function runTrainCommand(command: TrainCommand, io: CliIo, appVersion: string): Promise<number> {
  const emit = (event: Record<string, unknown>) => io.stdout(`${JSON.stringify(event)}\n`);
  const say = (message: string) => io.stderr(`${message}\n`);
  const overrides = {
    ...(command.epochs === undefined ? {} : { epochs: command.epochs }),
    ...(command.seed === undefined ? {} : { seed: command.seed }),
    ...(command.backend === undefined ? {} : { backend: command.backend }),
  };

  // The spec file first: a bad field is reported before any data is read.
  const specInput = command.specPath === undefined ? undefined : await readSpecFile(command.specPath, io.cwd);
  if (specInput !== undefined) checkSpecShape(specInput, overrides);
  let data = command.data;
  if (data === undefined) {
    const id = specDatasetId(specInput);
    if (id === undefined || !(await isSampleId(id, io.root))) {
      throw new UsageError(`The spec's data.datasetId ${id === undefined ? 'is missing' : `"${id}" is not a sample dataset`}; give the data with --data <file|sample-id>`);
    }
    data = id;
  }
  const source = await resolveDataSource(data, { cwd: io.cwd, root: io.root });
  io.signal?.throwIfAborted();

  const workspace = await createWorkspace('benchtop cli');
  const db = getWorkspaceDb(workspace.id);
  try {
    say(`Importing ${source.path}`);
    const imported = await importDataset(
      {
        workspaceId: workspace.id,
        source: { kind: 'file', file: source.file },
        datasetName: source.datasetName,
        ...(source.sample ? { sampleId: source.sample.id, target: source.sample.target, description: source.sample.description } : {}),
      },
      () => undefined,
      io.signal ? { signal: io.signal } : {},
    );
    const version = (await getVersion(db, imported.versionId)) as DatasetVersionRecord;
    emit({
      event: 'dataset',
      name: source.datasetName,
      path: source.path,
      ...(source.sample ? { sample: source.sample.id } : {}),
      rows: version.rows,
      columns: version.columns.map((c) => ({ name: c.name, type: c.type })),
      contentHash: version.contentHash,
    });
    for (const issue of version.issues) say(`Import: ${issue.message}`);

    const dataset = { id: version.datasetId, versionId: version.id, contentHash: version.contentHash, columns: version.columns, profiles: version.profiles, rows: version.rows };
    let spec: TrainSpec;
    if (specInput !== undefined) {
      spec = specFromFile(specInput, dataset, overrides);
    } else {
      const defaults = specFromDefaults(dataset, command.target as string, overrides);
      spec = defaults.spec;
      for (const note of defaults.notes) say(note);
    }
    emit({ event: 'spec', spec });

    const run = await createRun(db, { spec, environment: { appVersion, libraries: [] }, tags: ['cli'] });
    const out = resolve(io.cwd, command.out);
    const outcome = await trainWithReports(db, workspace.id, run.id, spec, io, appVersion, emit, say);

    if (outcome.status === 'completed') {
      const files = await writeModelFolder(db, run.id, spec, out);
      const done = await requireRun(db, run.id);
      const summary = Object.fromEntries(done.summary.map((m) => [m.key, m.value]));
      say(`Model written to ${out}`);
      emit({ event: 'done', status: 'completed', runId: run.id, backend: done.environment.backend, summary, out, files });
      return EXIT.completed;
    }
    if (outcome.status === 'canceled') {
      emit({ event: 'done', status: 'canceled', runId: run.id }); // the run's log already said "Canceled"
      return EXIT.canceled;
    }
    say(`Error: training failed: ${outcome.error ?? 'unknown error'}`);
    emit({ event: 'done', status: 'failed', runId: run.id, error: outcome.error ?? 'unknown error' });
    return EXIT.failed;
  } finally {
    await deleteWorkspace(workspace.id).catch(() => undefined);
  }
}

/** Runs the training job, streaming progress, metric points and log lines as they reach storage. */
async function trainWithReports(
  db: WorkspaceDb,
  workspaceId: string,
  runId: string,
  spec: TrainSpec,
  io: CliIo,
  appVersion: string,
  emit: (event: Record<string, unknown>) => void,
  say: (message: string) => void,
): Promise<TrainJobOutcome> {
  const job = createTrainJob({ appVersion, wasmPaths: nodeWasmPaths(io.root), probe: nodeProbe, progressIntervalMs: 1000, decodeImage: decodePng });
  const nextStep = new Map<string, number>();
  let logSeq = 0;

  /** Reports what storage has gained since the last call: log lines, metric points, finished epochs. */
  const drain = async () => {
    for (const line of await logsAfter(db, runId, logSeq)) {
      logSeq = line.seq;
      // debug lines are checkpoint notes; the error line is reported once, as the run's outcome
      if (line.level !== 'debug' && line.level !== 'error') say(line.level === 'info' ? line.message : `${line.level}: ${line.message}`);
    }
    const points: MetricRecord[] = [];
    for (const key of await metricKeys(db, runId)) {
      const series = await metricSeries(db, runId, key, nextStep.get(key) ?? 0);
      if (series.length > 0) nextStep.set(key, series[series.length - 1].step + 1);
      points.push(...series);
    }
    points.sort((a, b) => a.time - b.time || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const epochs = new Map<number, Record<string, number>>();
    for (const p of points) {
      emit({ event: 'metric', key: p.key, step: p.step, value: p.value, ...(p.split ? { split: p.split } : {}) });
      if ((p.split === 'train' || p.split === 'validation') && !p.key.startsWith('batch_')) {
        epochs.set(p.step, { ...epochs.get(p.step), [p.key]: p.value });
      }
    }
    for (const [epoch, metrics] of [...epochs].sort((a, b) => a[0] - b[0])) emit({ event: 'epoch', epoch, epochs: spec.epochs, metrics });
  };
  // Drains run one after another, in the order progress arrives; the job never waits for them.
  let draining: Promise<void> = Promise.resolve();
  const scheduleDrain = () => {
    draining = draining.then(drain).catch((err: unknown) => say(`warn: could not read the run's metrics: ${(err as Error).message}`));
  };
  const onProgress = (progress: TrainJobProgress) => {
    if (progress.status === 'preparing' || progress.status === 'evaluating') emit({ event: 'progress', status: progress.status, message: progress.message });
    if (progress.status !== 'done') scheduleDrain();
  };

  const cancel = () => void job.cancel(runId);
  io.signal?.addEventListener('abort', cancel, { once: true });
  try {
    const outcome = await job.runTrain(workspaceId, runId, onProgress);
    scheduleDrain();
    await draining;
    return outcome;
  } finally {
    io.signal?.removeEventListener('abort', cancel);
  }
}
