/**
 * @file The lifecycle of one training run, under its Web Lock: start it (queued or interrupted → running, with its
 * environment), validate its spec against the dataset version, choose the backend, prepare the data, build the
 * model (resuming from the latest checkpoint when there is one), train while writing metrics, logs, checkpoints and
 * progress, evaluate on the test split, store the model, and end it completed, canceled or failed with a message.
 */
import type { ImageDecoder } from '../core/features/image';
import { assertTrainSpec } from '../core/jobs/train-spec';
import { buildModel, type BuiltModel } from '../engines/tfjs/model-builder';
import { exportModel } from '../engines/tfjs/model-export';
import type { TrainJobOutcome, TrainJobProgress } from '../protocol/train-worker';
import type { LineageRef, RunEnvironment } from '../protocol/run';
import type { TrainSpec } from '../protocol/train';
import { putArtifact } from '../storage/artifacts';
import { latestCheckpoint } from '../storage/checkpoints';
import { getWorkspaceDb } from '../storage/connections';
import { getVersion } from '../storage/datasets';
import type { RunRecord } from '../storage/records';
import { withRunLock } from '../storage/run-recovery';
import { requireRun, transitionRun, updateRunningRun } from '../storage/run-status';
import type { WorkspaceDb } from '../storage/workspace-schema';
import { MODEL_ARTIFACTS, saveModelArtifacts } from './model-artifacts';
import { RunJournal } from './run-journal';
import { startTrainBackend, type TrainBackendOptions } from './train-backend';
import { fromCheckpointRecord } from './train-checkpoint';
import { prepareTrainData } from './train-data';
import { evaluateOnTest } from './train-evaluation';
import { trainWithJournal } from './train-progress';

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

/** Runs (or resumes) one training run to its end. Rejects only when the run cannot start, or is abandoned. */
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
  return withRunLock(runId, async () => {
    const run = await startRun(db, runId, request.options, signal);
    if (run.status === 'canceled') {
      report({ status: 'done', outcome: 'canceled' });
      return { status: 'canceled' };
    }
    const journal = new RunJournal(db, runId);
    const built: Partial<BuiltModel> = {};
    try {
      const outcome = await execute(db, run, request, journal, built, report);
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
      const error = err instanceof Error ? err : new Error(String(err));
      journal.log('error', error.message);
      await journal.flush().catch(() => undefined);
      await transitionRun(db, runId, 'failed', { error: { message: error.message, code: error.name, ...(error.stack ? { detail: error.stack } : {}) } });
      report({ status: 'done', outcome: 'failed' });
      return { status: 'failed', error: error.message };
    } finally {
      built.model?.dispose();
      built.optimizer?.dispose();
    }
  });
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

async function execute(
  db: WorkspaceDb,
  run: RunRecord,
  request: TrainRunRequest,
  journal: RunJournal,
  built: Partial<BuiltModel>,
  report: (progress: TrainJobProgress) => void,
): Promise<TrainJobOutcome> {
  const { runId, signal, options } = request;
  report({ status: 'preparing', message: 'Checking the spec against the dataset' });
  const version = await getVersion(db, run.spec.data.versionId);
  if (!version) throw new Error(`Dataset version "${run.spec.data.versionId}" does not exist or is not fully imported; re-import the dataset`);
  const spec: TrainSpec = assertTrainSpec(run.spec, { columns: version.columns, contentHash: version.contentHash });

  report({ status: 'preparing', message: 'Choosing a compute backend' });
  const backend = await startTrainBackend(spec, options);
  const adapter = backend.environment.adapter;
  journal.log('info', `Backend: ${backend.decision.backend}${adapter ? ` (${[adapter.vendor, adapter.architecture, adapter.description].filter(Boolean).join(', ')})` : ''}`);
  for (const skipped of backend.decision.skipped) journal.log('info', `Backend ${skipped.backend} not used: ${skipped.reason}`);
  await updateRunningRun(db, runId, { environment: backend.environment });

  report({ status: 'preparing', message: 'Reading and featurizing the data' });
  const data = await prepareTrainData(db, version, spec, { signal, ...(options.decodeImage ? { decodeImage: options.decodeImage } : {}) });
  for (const note of data.notes) journal.log('warn', note);
  const [train, validation, test] = [data.train, data.validation, data.test].map((s) => s.y.length);
  journal.log('info', `Data: ${train} training, ${validation} validation, ${test} test rows; ${data.pipeline.featureCount} features${data.missingTarget ? `; ${data.missingTarget} rows without a target left out` : ''}`);
  signal.throwIfAborted();

  Object.assign(built, buildModel(spec, data.pipeline, data.classCount));
  const { model, optimizer } = built as BuiltModel;
  const checkpoint = await latestCheckpoint(db, runId);
  const resumeFrom = checkpoint ? fromCheckpointRecord(checkpoint) : undefined;
  if (resumeFrom) journal.log('info', `Resuming from the checkpoint after epoch ${resumeFrom.epoch}`);

  const result = await trainWithJournal({
    db, runId, spec, model, optimizer, data, journal, signal, report,
    progressIntervalMs: options.progressIntervalMs ?? 250,
    ...(resumeFrom ? { resumeFrom } : {}),
  });
  if (result.status === 'canceled') {
    if (signal.reason instanceof TrainJobAbandoned) throw signal.reason;
    throw signal.reason ?? new Error('Canceled');
  }

  report({ status: 'evaluating', message: 'Evaluating on the test split' });
  const summary = result.summary;
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
    summary.push(...evaluation.summary);
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
  journal.log('info', `Completed: ${summary.map((m) => `${m.key} ${+m.value.toPrecision(4)}`).join(', ')}`);
  await journal.flush();
  await transitionRun(db, runId, 'completed', { summary, outputs: uniqueRefs([...run.outputs, ...outputs]), progress: { epoch: result.epochs, epochs: spec.epochs, etaMs: 0 } });
  return { status: 'completed' };
}

/** Lineage references without repeats (a resumed run replaces artifacts of the same name, keeping their ids). */
function uniqueRefs(refs: LineageRef[]): LineageRef[] {
  const seen = new Set<string>();
  return refs.filter((r) => !seen.has(`${r.kind}:${r.id}`) && seen.add(`${r.kind}:${r.id}`));
}
