/**
 * @file `benchtop sweep`: a hyperparameter sweep headless, through the lab's code: the sweep spec validated by
 * `assertSweepSpec` (every problem named before any data is read, and again against the imported columns), the data imported into a fresh in-memory workspace
 * as `benchtop train` does, a sweep run and its trial runs in storage as the lab writes them, the lab's planner
 * (`planSweep`), samplers and early-termination policies. Trials run one at a time (the spec's maxConcurrentTrials
 * does not apply here: one process trains one model at a time); the time budget counts from the sweep's start and
 * stops the running trial when it is spent.
 *
 * stdout carries JSON lines: `dataset`, `sweep` (the complete spec), one `trial` line per trial when it ends (number,
 * params, state, value, stoppedEarly, error, epochs), and last `done` (completed with the best trial, the summary and
 * the files written; or failed/canceled). Epoch lines and notes go to stderr. --out receives the best trial's model
 * folder (as `benchtop train` writes it), `trials.csv` and `sweep.json`.
 */
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { compileSpace } from '../core/tune/apply-params';
import { formatDuration, planSweep, sweepOutcome, sweepSampler, trialName, trialSpec, type SweepTrialSnapshot } from '../core/tune/sweep-plan';
import { assertSweepSpec } from '../core/tune/sweep-spec';
import type { TrialProgress } from '../core/tune/termination/trial-progress';
import { createTrainJob } from '../jobs/train-job';
import type { SweepSpec } from '../protocol/sweep';
import { getWorkspaceDb } from '../storage/connections';
import { importDataset } from '../storage/dataset-import';
import { getVersion } from '../storage/datasets';
import type { DatasetVersionRecord } from '../storage/records';
import { transitionRun } from '../storage/run-status';
import { createSweepRun, createTrialRuns } from '../storage/sweeps';
import { createWorkspace, deleteWorkspace } from '../storage/workspaces';
import { UsageError, type SweepCommand } from './args';
import { isSampleId, resolveDataSource } from './data-source';
import { writeModelFolder } from './model-folder';
import { completeSpecInput, readSpecFile, specDatasetId, type DataIds } from './spec-input';
import { runCliTrial, type CliTrialResult } from './sweep-trial';
import { EXIT, nodeProbe, nodeWasmPaths, type CliIo } from './train-command';
import { decodePng } from './png-decoder';

/** Stand-ins used to check a spec's shape before its data is imported. */
const PLACEHOLDER_IDS: DataIds = Object.freeze({ datasetId: 'benchtop-cli', versionId: 'benchtop-cli', contentHash: '0'.repeat(64) });

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The sweep spec input with its base's data ids filled in and the backend override applied (see `spec-input.ts`). */
function completeSweepInput(input: unknown, ids: DataIds, command: SweepCommand): unknown {
  if (!isObject(input) || !isObject(input.base)) return input;
  return { ...input, base: completeSpecInput(input.base, ids, command.backend === undefined ? {} : { backend: command.backend }) };
}

/** Runs a `sweep` command to its end; returns the exit code. Throws for bad usage and for failures before the sweep. */
export async function runSweepCommand(command: SweepCommand, io: CliIo, appVersion: string): Promise<number> {
  const emit = (event: Record<string, unknown>) => io.stdout(`${JSON.stringify(event)}\n`);
  const say = (message: string) => io.stderr(`${message}\n`);

  // The spec first: every problem is reported before any data is read.
  const input = await readSpecFile(command.specPath, io.cwd);
  assertSweepSpec(completeSweepInput(input, PLACEHOLDER_IDS, command));
  let data = command.data;
  if (data === undefined) {
    const id = specDatasetId(isObject(input) ? input.base : undefined);
    if (id === undefined || !(await isSampleId(id, io.root))) {
      throw new UsageError(`The sweep's base.data.datasetId ${id === undefined ? 'is missing' : `"${id}" is not a sample dataset`}; give the data with --data <file|sample-id>`);
    }
    data = id;
  }
  const source = await resolveDataSource(data, { cwd: io.cwd, root: io.root });
  io.signal?.throwIfAborted();

  const workspace = await createWorkspace('benchtop cli sweep');
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
    emit({ event: 'dataset', name: source.datasetName, path: source.path, ...(source.sample ? { sample: source.sample.id } : {}), rows: version.rows, contentHash: version.contentHash });
    const ids = { datasetId: version.datasetId, versionId: version.id, contentHash: version.contentHash };
    const spec = assertSweepSpec(completeSweepInput(input, ids, command), { columns: version.columns, contentHash: version.contentHash });
    if (spec.maxConcurrentTrials > 1) say(`Note: the CLI runs one trial at a time (the spec's maxConcurrentTrials is ${spec.maxConcurrentTrials})`);
    emit({ event: 'sweep', spec });

    const sweep = await createSweepRun(db, { spec, environment: { appVersion, libraries: [] }, name: 'cli sweep', tags: ['cli'] });
    await transitionRun(db, sweep.id, 'running');
    const outcome = await runTrials(db, workspace.id, sweep.id, spec, io, appVersion, emit, say);
    if (outcome.kind === 'canceled') {
      await transitionRun(db, sweep.id, 'canceled');
      emit({ event: 'done', status: 'canceled', trials: outcome.trials.length });
      return EXIT.canceled;
    }
    const fail = async (message: string) => {
      await transitionRun(db, sweep.id, 'failed', { error: { message, code: 'SweepFailed' } });
      say(`Error: ${message}`);
      emit({ event: 'done', status: 'failed', error: message, trials: outcome.trials.length });
      return EXIT.failed;
    };
    if (outcome.kind === 'fatal') return await fail(outcome.message);
    const end = sweepOutcome(spec, outcome.trials);
    if (end.status === 'failed') return await fail(end.message);
    await transitionRun(db, sweep.id, 'completed', { summary: end.summary });
    const out = resolve(io.cwd, command.out);
    const best = end.best;
    const files = await writeModelFolder(db, best.runId, best.spec, out);
    await writeFile(join(out, 'trials.csv'), trialsCsv(spec, outcome.trials));
    await writeFile(join(out, 'sweep.json'), `${JSON.stringify(spec, null, 2)}\n`);
    say(`Best: trial ${best.number} with ${spec.metric.key} ${best.value}; its model and the trials written to ${out}`);
    emit({
      event: 'done',
      status: 'completed',
      best: { number: best.number, params: best.params, value: best.value },
      trials: outcome.trials.length,
      stopReason: outcome.stopReason,
      summary: Object.fromEntries(end.summary.map((m) => [m.key, m.value])),
      out,
      files: [...files, 'trials.csv', 'sweep.json'],
    });
    return EXIT.completed;
  } finally {
    await deleteWorkspace(workspace.id).catch(() => undefined);
  }
}

/** A finished CLI trial, as the planner and the outputs read it. */
type CliTrial = SweepTrialSnapshot & { runId: string; spec: ReturnType<typeof trialSpec>; error?: string; result: CliTrialResult };

type TrialsOutcome =
  | { kind: 'finished'; trials: CliTrial[]; stopReason?: string }
  | { kind: 'fatal'; trials: CliTrial[]; message: string }
  | { kind: 'canceled'; trials: CliTrial[] };

/** Plans and runs trials one at a time until the planner says the sweep is done. */
async function runTrials(
  db: ReturnType<typeof getWorkspaceDb>,
  workspaceId: string,
  sweepId: string,
  spec: SweepSpec,
  io: CliIo,
  appVersion: string,
  emit: (event: Record<string, unknown>) => void,
  say: (message: string) => void,
): Promise<TrialsOutcome> {
  const job = createTrainJob({ appVersion, wasmPaths: nodeWasmPaths(io.root), probe: nodeProbe, progressIntervalMs: 1000, decodeImage: decodePng });
  const sequential: SweepSpec = { ...spec, maxConcurrentTrials: 1 };
  const sampler = sweepSampler(spec);
  const started = Date.now();
  const trials: CliTrial[] = [];
  const curves: TrialProgress[] = [];
  for (;;) {
    if (io.signal?.aborted) return { kind: 'canceled', trials };
    const plan = planSweep({ spec: sequential, trials, elapsedMs: Date.now() - started, sampler });
    if (plan.done || plan.start.length === 0) return { kind: 'finished', trials, ...(plan.stopReason === undefined ? {} : { stopReason: plan.stopReason }) };
    const planned = plan.start[0];
    const trialRunSpec = trialSpec(spec, planned);
    const [trialRun] = await createTrialRuns(db, sweepId, [{ ...planned, spec: trialRunSpec, name: trialName('cli sweep', planned.number) }]);
    say(`Trial ${planned.number}: ${JSON.stringify(planned.params)}`);
    const budgetLeftMs = spec.timeBudgetMs === undefined ? Infinity : spec.timeBudgetMs - (Date.now() - started);
    const budgetReason = `The time budget of ${formatDuration(spec.timeBudgetMs ?? 0)} is spent`;
    const result = await runCliTrial({ db, workspaceId, job, spec, curves, budgetLeftMs, budgetReason, say, ...(io.signal ? { signal: io.signal } : {}) }, trialRun);
    const trial: CliTrial = {
      number: planned.number,
      status: result.status,
      params: planned.params,
      ...(result.value === undefined ? {} : { value: result.value }),
      ...(result.error === undefined ? {} : { error: result.error }),
      runId: trialRun.id,
      spec: trialRunSpec,
      result,
    };
    trials.push(trial);
    curves.push({ trialNumber: planned.number, values: result.values });
    emit({
      event: 'trial',
      number: trial.number,
      params: trial.params,
      state: trial.status,
      ...(result.value === undefined ? {} : { value: result.value }),
      ...(result.stoppedEarly === undefined ? {} : { stoppedEarly: result.stoppedEarly }),
      ...(result.error === undefined ? {} : { error: result.error }),
      epochs: result.epochs,
    });
    if (result.fatal !== undefined) return { kind: 'fatal', trials, message: result.fatal };
  }
}

/** `number,state,value,epochs,stoppedEarly,error,<one column per parameter>`; values that are not numbers as JSON. */
export function trialsCsv(spec: SweepSpec, trials: readonly CliTrial[]): string {
  const paths = compileSpace(spec.space).map((p) => p.path);
  const cell = (value: unknown) => {
    if (value === undefined) return '';
    const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : JSON.stringify(value);
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const header = ['number', 'state', 'value', 'epochs', 'stoppedEarly', 'error', ...paths];
  const rows = trials.map((t) => [t.number, t.status, t.value, t.result.epochs, t.result.stoppedEarly, t.error, ...paths.map((p) => t.params[p])].map(cell).join(','));
  return `${[header.map(cell).join(','), ...rows].join('\n')}\n`;
}
