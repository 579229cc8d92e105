/**
 * @file The lifecycle of one training run, under its Web Lock: start it (queued or interrupted → running, with its
 * environment), validate its spec against the dataset version, choose the backend, prepare the data, build the
 * model (resuming from the latest checkpoint when there is one), train while writing metrics, logs, checkpoints and
 * progress, evaluate on the test split, store the model, and end it completed, canceled or failed with a message.
 * A lost WebGPU device (watched through `DeviceLossWatch`) stops the attempt; the run resumes from its latest
 * checkpoint on a fresh device or the next backend, through the same resume path, or ends interrupted.
 */
import type { ImageDecoder } from '../core/features/image';
import { assertTrainSpec } from '../core/jobs/train-spec';
import { DeviceLossWatch, type GpuDeviceLostInfo } from '../engines/tfjs/device-loss';
import { buildModel, type BuiltModel } from '../engines/tfjs/model-builder';
import { exportModel } from '../engines/tfjs/model-export';
import type { TrainJobOutcome, TrainJobProgress } from '../protocol/train-worker';
import type { LibraryVersion, LineageRef, RunEnvironment } from '../protocol/run';
import type { InitSpec, TrainSpec } from '../protocol/train';
import { putArtifact } from '../storage/artifacts';
import { latestCheckpoint } from '../storage/checkpoints';
import { getWorkspaceDb } from '../storage/connections';
import { getVersion } from '../storage/datasets';
import type { DatasetVersionRecord, RunRecord } from '../storage/records';
import { withRunLock } from '../storage/run-recovery';
import { requireRun, transitionRun, updateRunningRun } from '../storage/run-status';
import type { WorkspaceDb } from '../storage/workspace-schema';
import { MODEL_ARTIFACTS, saveModelArtifacts } from './model-artifacts';
import { RunJournal } from './run-journal';
import { backendPlatform, startTrainBackend, type StartedBackend, type TrainBackendOptions } from './train-backend';
import { fromCheckpointRecord } from './train-checkpoint';
import { prepareTrainData, type PreparedData } from './train-data';
import { applyInitWeights, disposeInitWeights, readInitWeights } from './train-init';
import { evaluateOnTest } from './train-evaluation';
import { trainWithJournal, type JournaledResult } from './train-progress';

/** What the environment provides to every training job (injected: the worker, the CLI and tests differ). */
export interface TrainJobOptions extends TrainBackendOptions {
  /** The app's version (`package.json`). */
  appVersion: string;
  /** Commit or build id, when the build knows it. */
  buildHash?: string;
  /** Decodes image cells; default `createImageBitmap` + `OffscreenCanvas` (not available under Node). */
  decodeImage?: ImageDecoder;
  /** Least milliseconds between two `training` progress messages (default 250: about 4 a second). */
  progressIntervalMs?: number;
  /** Device losses in one execution: the one that makes this many ends the run interrupted (default {@link MAX_DEVICE_LOSSES}). */
  maxDeviceLosses?: number;
}

/** One run to execute. */
export interface TrainRunRequest {
  workspaceId: string;
  runId: string;
  onProgress: (progress: TrainJobProgress) => void;
  signal: AbortSignal;
  options: TrainJobOptions;
}

/**
 * Thrown (as the abort reason) when a job is abandoned without a final status, as a killed worker would leave it:
 * the run stays `running` until recovery marks it `interrupted`.
 */
export class TrainJobAbandoned extends Error {
  override name = 'TrainJobAbandoned';
  constructor(runId: string) {
    super(`The training job of run "${runId}" was abandoned; the run is left for recovery`);
  }
}

/** Device losses in one execution of a run: the one that makes this many ends it `interrupted`. */
export const MAX_DEVICE_LOSSES = 2;

/** The backend could not start again after a device loss: the run ends `interrupted`, resumable later. */
class BackendRecoveryError extends Error {
  override name = 'BackendRecoveryError';
}

/** What one execution of a run keeps across the attempts that follow device losses. */
interface RunSession {
  /** The spec, checked against its dataset version (once). */
  checked?: { spec: TrainSpec; version: DatasetVersionRecord };
  /** The prepared data: backend-independent, so prepared once. */
  data?: PreparedData;
  /** Device losses so far. */
  losses: number;
  /** The loss the next attempt recovers from. */
  lost?: GpuDeviceLostInfo;
  /** Libraries of every backend that computed this run's numbers. */
  libraries: LibraryVersion[];
}

/** One attempt: the model it built (disposed after it) and the GPU device it watched. */
interface Attempt {
  built: Partial<BuiltModel>;
  watch?: DeviceLossWatch;
}

/**
 * Runs (or resumes) one training run to its end. Rejects only when the run cannot start, or is abandoned.
 * A lost WebGPU device stops the attempt; the run resumes from its last checkpoint on a fresh device or another
 * backend, or ends `interrupted` (resumable) when that fails or the device was lost `maxDeviceLosses` times.
 */
export async function runTrainRun(request: TrainRunRequest): Promise<TrainJobOutcome> {
  const { workspaceId, runId, signal } = request;
  const db = getWorkspaceDb(workspaceId);
  const report = (progress: TrainJobProgress) => {
    try {
      request.onProgress(progress);
    } catch {
      // A released comlink proxy: the page went away; storage still has every durable fact.
    }
  };
  const maxLosses = request.options.maxDeviceLosses ?? MAX_DEVICE_LOSSES;
  return withRunLock(runId, async () => {
    const run = await startRun(db, runId, request.options, signal);
    if (run.status === 'canceled') {
      report({ status: 'done', outcome: 'canceled' });
      return { status: 'canceled' };
    }
    const journal = new RunJournal(db, runId);
    const session: RunSession = { losses: 0, libraries: [] };
    for (;;) {
      const attempt: Attempt = { built: {} };
      try {
        const outcome = await execute(db, run, request, journal, session, attempt, report);
        report({ status: 'done', outcome: outcome.status });
        return outcome;
      } catch (err) {
        if (signal.reason instanceof TrainJobAbandoned) throw signal.reason;
        if (signal.aborted) {
          journal.log('info', 'Canceled');
          await journal.flush();
          await transitionRun(db, runId, 'canceled');
          report({ status: 'done', outcome: 'canceled' });
          return { status: 'canceled' };
        }
        const lost = await attempt.watch?.lossBehind(err);
        if (lost) {
          // Its tensors live on the lost backend: free them, then drop that backend so no later start reuses it.
          disposeModel(attempt.built);
          backendPlatform(request.options).forgetWebgpu();
          session.losses++;
          session.lost = lost;
          if (session.losses < maxLosses) continue;
          const times = session.losses === 2 ? 'twice' : `${session.losses} times`;
          return interrupt(db, runId, journal, report, `GPU device lost ${times} during this run (last: ${describeLoss(lost)})`);
        }
        if (err instanceof BackendRecoveryError) return interrupt(db, runId, journal, report, err.message);
        const error = err instanceof Error ? err : new Error(String(err));
        journal.log('error', error.message);
        await journal.flush().catch(() => undefined);
        await transitionRun(db, runId, 'failed', { error: { message: error.message, code: error.name, ...(error.stack ? { detail: error.stack } : {}) } });
        report({ status: 'done', outcome: 'failed' });
        return { status: 'failed', error: error.message };
      } finally {
        attempt.watch?.stop();
        disposeModel(attempt.built);
      }
    }
  });
}

function disposeModel(built: Partial<BuiltModel>): void {
  built.model?.dispose();
  built.optimizer?.dispose();
  delete built.model;
  delete built.optimizer;
}

/** The browser's message ("Device was destroyed"), without its final period, or its reason. */
function describeLoss(lost: GpuDeviceLostInfo): string {
  return lost.message.replace(/\.$/, '') || `reason "${lost.reason}"`;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Ends the run `interrupted` with `reason` and where a resume continues from. */
async function interrupt(db: WorkspaceDb, runId: string, journal: RunJournal, report: (progress: TrainJobProgress) => void, reason: string): Promise<TrainJobOutcome> {
  const checkpoint = await latestCheckpoint(db, runId);
  const message = `${reason}; the run is interrupted: Resume continues ${checkpoint ? `from the checkpoint after epoch ${checkpoint.epoch}` : 'from the start (no checkpoint yet)'}`;
  journal.log('error', message);
  await journal.flush().catch(() => undefined);
  await transitionRun(db, runId, 'interrupted', { error: { message, code: 'GpuDeviceLost' } });
  report({ status: 'done', outcome: 'interrupted' });
  return { status: 'interrupted', error: message };
}

/** queued → running (interrupted → queued → running), recording the environment; canceled if already aborted. */
async function startRun(db: WorkspaceDb, runId: string, options: TrainJobOptions, signal: AbortSignal): Promise<RunRecord> {
  let run = await requireRun(db, runId);
  if (run.kind !== 'train' && run.kind !== 'trial') throw new Error(`Run "${runId}" is a ${run.kind} run; the training job runs train and trial runs`);
  if (run.status === 'interrupted') run = await transitionRun(db, runId, 'queued');
  if (run.status !== 'queued') throw new Error(`Run "${runId}" is ${run.status}; only a queued or interrupted run can start`);
  if (signal.aborted && !(signal.reason instanceof TrainJobAbandoned)) return transitionRun(db, runId, 'canceled');
  const environment: Partial<RunEnvironment> = { appVersion: options.appVersion, ...(options.buildHash ? { buildHash: options.buildHash } : {}) };
  return transitionRun(db, runId, 'running', { environment });
}

/**
 * After a device loss: webgpu on a fresh device (after the first loss only), else the auto choice without webgpu.
 * Throws a {@link BackendRecoveryError} naming why neither started.
 */
async function restartBackend(spec: TrainSpec, options: TrainJobOptions, session: RunSession, journal: RunJournal): Promise<StartedBackend> {
  let freshFailure = '';
  if (session.losses === 1) {
    try {
      return await startTrainBackend(spec, options, { kind: 'fresh-webgpu' });
    } catch (err) {
      freshFailure = `a fresh WebGPU device did not start (${errorMessage(err)})`;
      journal.log('warn', `After the GPU device loss, ${freshFailure}; trying another backend`);
    }
  }
  try {
    return await startTrainBackend(spec, options, { kind: 'without-webgpu', reason: 'its GPU device was lost during this run' });
  } catch (err) {
    const lost = session.lost ? `GPU device lost: ${describeLoss(session.lost)}` : 'GPU device lost';
    throw new BackendRecoveryError(`${lost}; ${freshFailure ? `${freshFailure}, and ` : ''}no other backend could start (${errorMessage(err)})`, { cause: err });
  }
}

async function execute(
  db: WorkspaceDb,
  run: RunRecord,
  request: TrainRunRequest,
  journal: RunJournal,
  session: RunSession,
  attempt: Attempt,
  report: (progress: TrainJobProgress) => void,
): Promise<TrainJobOutcome> {
  const { runId, signal, options } = request;
  if (!session.checked) {
    report({ status: 'preparing', message: 'Checking the spec against the dataset' });
    const version = await getVersion(db, run.spec.data.versionId);
    if (!version) throw new Error(`Dataset version "${run.spec.data.versionId}" does not exist or is not fully imported; re-import the dataset`);
    session.checked = { version, spec: assertTrainSpec(run.spec, { columns: version.columns, contentHash: version.contentHash }) };
  }
  const { spec, version } = session.checked;

  const lost = session.lost;
  report({ status: 'preparing', message: lost ? 'Restarting the compute backend after a GPU device loss' : 'Choosing a compute backend' });
  const backend = lost ? await restartBackend(spec, options, session, journal) : await startTrainBackend(spec, options);
  // A loss stops training after the current batch; an op that fails on the lost device is recognised as one too.
  attempt.watch = new DeviceLossWatch(backendPlatform(options).webgpuDevice());
  const trainSignal = AbortSignal.any([signal, attempt.watch.signal]);
  const adapter = backend.environment.adapter;
  if (!lost) {
    journal.log('info', `Backend: ${backend.decision.backend}${adapter ? ` (${[adapter.vendor, adapter.architecture, adapter.description].filter(Boolean).join(', ')})` : ''}`);
    for (const skipped of backend.decision.skipped) journal.log('info', `Backend ${skipped.backend} not used: ${skipped.reason}`);
  }
  // The libraries of every backend that computed part of the run; the backend and adapter of the one in use now.
  const libraries = [...session.libraries, ...backend.environment.libraries.filter((l) => !session.libraries.some((k) => k.name === l.name))];
  session.libraries = libraries;
  await updateRunningRun(db, runId, { environment: { backend: backend.environment.backend, adapter, libraries } });

  if (!session.data) {
    report({ status: 'preparing', message: 'Reading and featurizing the data' });
    const data = await prepareTrainData(db, version, spec, { signal, ...(options.decodeImage ? { decodeImage: options.decodeImage } : {}) });
    for (const note of data.notes) journal.log('warn', note);
    const [train, validation, test] = [data.train, data.validation, data.test].map((s) => s.y.length);
    journal.log('info', `Data: ${train} training, ${validation} validation, ${test} test rows; ${data.pipeline.featureCount} features${data.missingTarget ? `; ${data.missingTarget} rows without a target left out` : ''}`);
    session.data = data;
  }
  const data = session.data;
  trainSignal.throwIfAborted();

  Object.assign(attempt.built, buildModel(spec, data.pipeline, data.classCount));
  const { model, optimizer } = attempt.built as BuiltModel;
  const checkpoint = await latestCheckpoint(db, runId);
  const resumeFrom = checkpoint ? fromCheckpointRecord(checkpoint) : undefined;
  if (spec.init && !resumeFrom) await fineTuneFrom(db, spec.init, model, data, journal);
  if (lost) {
    const from = resumeFrom ? `resuming from checkpoint epoch ${resumeFrom.epoch}` : 'restarting from epoch 1 (no checkpoint yet)';
    journal.log('warn', `GPU device lost: ${describeLoss(lost)}; ${from} on ${backend.decision.backend}`);
    session.lost = undefined;
  } else if (resumeFrom) {
    journal.log('info', `Resuming from the checkpoint after epoch ${resumeFrom.epoch}`);
  }

  const result = await trainWithJournal({
    db, runId, spec, model, optimizer, data, journal, signal: trainSignal, report,
    progressIntervalMs: options.progressIntervalMs ?? 250,
    ...(resumeFrom ? { resumeFrom } : {}),
  });
  if (result.status === 'canceled') {
    if (signal.reason instanceof TrainJobAbandoned) throw signal.reason;
    throw trainSignal.reason ?? new Error('Canceled');
  }
  const outputs = await storeResults(db, runId, { spec, version, data, model, result, journal, report, signal: trainSignal });
  // Every number above was read back from the device; a loss reported meanwhile still redoes the work elsewhere.
  trainSignal.throwIfAborted();
  journal.log('info', `Completed: ${result.summary.map((m) => `${m.key} ${+m.value.toPrecision(4)}`).join(', ')}`);
  await journal.flush();
  await transitionRun(db, runId, 'completed', { summary: result.summary, outputs: uniqueRefs([...run.outputs, ...outputs]), progress: { epoch: result.epochs, epochs: spec.epochs, etaMs: 0 } });
  return { status: 'completed' };
}

/** Loads the weights of the model version `init` names into `model` (see train-init.ts); logs what was loaded. */
async function fineTuneFrom(db: WorkspaceDb, init: InitSpec, model: BuiltModel['model'], data: PreparedData, journal: RunJournal): Promise<void> {
  const weights = await readInitWeights(db, init);
  try {
    applyInitWeights(model, weights);
  } finally {
    disposeInitWeights(weights);
  }
  const classes = data.classLabels?.classes;
  if (weights.classes && classes && weights.classes.join('\u0000') !== classes.join('\u0000')) {
    journal.log('warn', `Fine-tuning: the classes of ${weights.label} (${weights.classes.join(', ')}) differ from this data's (${classes.join(', ')}); output ${classes.length} starts from the other model's classes in order`);
  }
  journal.log('info', `Fine-tuning: starting from the weights of ${weights.label} (${weights.weights.length} tensors)`);
}

/** Evaluates on the test split (adding its metrics to `result.summary`) and stores the evaluation and the model. */
async function storeResults(
  db: WorkspaceDb,
  runId: string,
  input: { spec: TrainSpec; version: DatasetVersionRecord; data: PreparedData; model: BuiltModel['model']; result: JournaledResult; journal: RunJournal; report: (progress: TrainJobProgress) => void; signal: AbortSignal },
): Promise<LineageRef[]> {
  const { spec, version, data, model, result, journal, report, signal } = input;
  const test = data.test.y.length;
  report({ status: 'evaluating', message: 'Evaluating on the test split' });
  const outputs: LineageRef[] = [];
  if (test > 0) {
    const evaluation = await evaluateOnTest({
      model, task: spec.task, test: data.test, featureCount: data.pipeline.featureCount, segments: data.pipeline.segments,
      ...(data.classLabels ? { classNames: data.classLabels.classes } : {}),
      seed: spec.seed, signal,
    });
    const artifact = await putArtifact(db, { runId, name: MODEL_ARTIFACTS.evaluation, mediaType: 'application/json', data: new Blob([JSON.stringify(evaluation.artifact)], { type: 'application/json' }) });
    outputs.push({ kind: 'artifact', id: artifact.id });
    for (const m of evaluation.summary) journal.metric(m.key, result.epochs, m.value, 'test');
    result.summary.push(...evaluation.summary);
  } else {
    journal.log('warn', 'The test split is empty (data.split.test is 0): no evaluation');
  }
  signal.throwIfAborted();

  const columnType = (name: string) => version.columns.find((c) => c.name === name)?.type ?? 'number';
  const saved = await exportModel(model);
  outputs.push(
    ...(await saveModelArtifacts(db, runId, {
      saved,
      featurizer: { version: 1, pipeline: data.pipeline.toJSON(), ...(data.classLabels ? { classLabels: data.classLabels.toJSON() } : {}) },
      signature: {
        version: 1,
        task: spec.task,
        inputs: spec.data.features.map((name) => ({ name, type: columnType(name) })),
        target: { name: spec.data.target, type: columnType(spec.data.target) },
        featureCount: data.pipeline.featureCount,
        output:
          spec.task === 'regression'
            ? { kind: 'value', shape: [1] }
            : { kind: spec.task === 'binary' ? 'probability' : 'probabilities', shape: [spec.task === 'binary' ? 1 : data.classCount], classes: [...(data.classLabels?.classes ?? [])] },
      },
    })),
  );
  return outputs;
}

/** Lineage references without repeats (a resumed run replaces artifacts of the same name, keeping their ids). */
function uniqueRefs(refs: LineageRef[]): LineageRef[] {
  const seen = new Set<string>();
  return refs.filter((r) => !seen.has(`${r.kind}:${r.id}`) && seen.add(`${r.kind}:${r.id}`));
}
