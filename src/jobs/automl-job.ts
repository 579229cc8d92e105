/**
 * @file The AutoML job as a worker exposes it (`AutoMLWorkerApi`): one run at a time per call, one AbortController per
 * run. The lifecycle of a run, under its Web Lock: queued (or interrupted) → running; its old trials cleared (a
 * restarted job starts over: with a trial budget it finds the same trials again); the dataset version read as raw
 * columns; `runAutoML` with each finished trial written as a completed child run and the parent's info (task,
 * metric, findings, best so far) updated as soon as known; then, when a best model exists, the model refit and
 * explained (`automl-final.ts`) and stored as the parent's `AUTOML_MODEL_FILE` artifact; the run ends completed.
 * The search fits up to `spec.concurrency` trials at once in a pool of nested fit workers (`tabular-fit-pool.ts`),
 * terminated when the search ends, is canceled or fails. A bad input (`AutoMLInputError`) fails the run with its user-facing message; a budget too short for one trial
 * completes it with a message and no model; a cancel ends it canceled, keeping the trials that finished.
 */
import { defaultMetric, parseAutoMLSpec } from '../core/automl/automl-spec';
import { detectAutoMLTask, type GuardrailFinding } from '../core/automl/guardrails';
import { AutoMLInputError, runAutoML, type AutoMLResult } from '../core/automl/search';
import type { AutoMLEnsembleInfo, AutoMLFinding, AutoMLTrialInfo } from '../protocol/automl';
import type { AutoMLJobOutcome, AutoMLJobProgress, AutoMLWorkerApi } from '../protocol/automl-worker';
import type { MetricValue, RunEnvironment, RunError } from '../protocol/run';
import { addAutoMLTrials, clearAutoMLTrials, getAutoMLRun, updateAutoMLInfo, type AutoMLInfoUpdate, type AutoMLRecord } from '../storage/automl-runs';
import { getWorkspaceDb } from '../storage/connections';
import { getVersion } from '../storage/datasets';
import { withRunLock } from '../storage/run-recovery';
import { transitionRun } from '../storage/run-status';
import type { WorkspaceDb } from '../storage/workspace-schema';
import { loadAutoMLTable } from './automl-data';
import { finalizeAutoMLModel } from './automl-final';
import { createTabularFitPool } from './tabular-fit-pool';

/** What the environment provides to every AutoML job. */
export interface AutoMLJobOptions {
  /** The app's version (`package.json`). */
  appVersion: string;
  /** Commit or build id, when the build knows it. */
  buildHash?: string;
  /** Clock for a time budget (default `performance.now`). */
  now?: () => number;
}

/**
 * Thrown (as the abort reason) when a job is abandoned without a final status, as a killed worker would leave it: the
 * run stays `running` until the runner's recovery marks it `interrupted`.
 */
export class AutoMLJobAbandoned extends Error {
  override name = 'AutoMLJobAbandoned';
  constructor(runId: string) {
    super(`The AutoML job of run "${runId}" was abandoned; the run is left for recovery`);
  }
}

/** The AutoML job API, plus `abandon` for tests. */
export interface AutoMLJob extends AutoMLWorkerApi {
  /** Stops a run without a final status, as a killed worker would; `runAutoML` rejects with {@link AutoMLJobAbandoned}. */
  abandon(runId: string): void;
}

/** An AutoML job bound to its environment. */
export function createAutoMLJob(options: AutoMLJobOptions): AutoMLJob {
  const controllers = new Map<string, AbortController>();
  return {
    async runAutoML(workspaceId, runId, onProgress) {
      if (controllers.has(runId)) throw new Error(`AutoML run "${runId}" is already running here`);
      const controller = new AbortController();
      controllers.set(runId, controller);
      try {
        return await runAutoMLRun(getWorkspaceDb(workspaceId), runId, { onProgress, signal: controller.signal, options });
      } finally {
        controllers.delete(runId);
      }
    },
    async cancel(runId) {
      controllers.get(runId)?.abort(new Error('Canceled'));
    },
    abandon(runId) {
      controllers.get(runId)?.abort(new AutoMLJobAbandoned(runId));
    },
  };
}

/** One AutoML run to execute. */
export interface AutoMLRunRequest {
  onProgress: (progress: AutoMLJobProgress) => void;
  signal: AbortSignal;
  options: AutoMLJobOptions;
}

/** Runs one AutoML run to its end. Rejects only when the run cannot start, or is abandoned. */
export async function runAutoMLRun(db: WorkspaceDb, runId: string, request: AutoMLRunRequest): Promise<AutoMLJobOutcome> {
  const { signal } = request;
  const report = (progress: AutoMLJobProgress) => {
    try {
      request.onProgress(progress);
    } catch {
      // A released comlink proxy: the page went away; storage has every durable fact.
    }
  };
  return withRunLock(runId, async () => {
    const started = await startRun(db, runId, request.options, signal);
    if (started.status === 'canceled') return end(report, { status: 'canceled' });
    const writer = new InfoWriter(db, runId);
    try {
      return await execute(db, started, request, writer, report);
    } catch (err) {
      if (signal.reason instanceof AutoMLJobAbandoned) throw signal.reason;
      await writer.flush().catch(() => undefined);
      if (signal.aborted) {
        await updateAutoMLInfo(db, runId, { phase: null, stoppedBy: 'canceled' });
        await transitionRun(db, runId, 'canceled');
        return end(report, { status: 'canceled', stoppedBy: 'canceled' });
      }
      const error = err instanceof Error ? err : new Error(String(err));
      const runError: RunError =
        error instanceof AutoMLInputError
          ? { message: error.message, code: `AutoMLInputError:${error.code}` }
          : { message: error.message || 'The AutoML job failed', code: error.name || 'Error', ...(error.stack ? { detail: error.stack } : {}) };
      await updateAutoMLInfo(db, runId, { phase: null });
      await transitionRun(db, runId, 'failed', { error: runError });
      return end(report, { status: 'failed', message: runError.message });
    }
  });
}

function end(report: (progress: AutoMLJobProgress) => void, outcome: AutoMLJobOutcome): AutoMLJobOutcome {
  report({ status: 'done', outcome: outcome.status });
  return outcome;
}

/** queued → running (interrupted → queued → running) with its environment; canceled when already aborted. */
async function startRun(db: WorkspaceDb, runId: string, options: AutoMLJobOptions, signal: AbortSignal): Promise<AutoMLRecord> {
  let run = await getAutoMLRun(db, runId);
  if (!run) throw new Error(`Run "${runId}" does not exist`);
  if (run.status === 'interrupted') run = (await transitionRun(db, runId, 'queued')) as AutoMLRecord;
  if (run.status !== 'queued') throw new Error(`AutoML run "${runId}" is ${run.status}; only a queued or interrupted run can start`);
  if (signal.aborted && !(signal.reason instanceof AutoMLJobAbandoned)) return (await transitionRun(db, runId, 'canceled')) as AutoMLRecord;
  const environment: Partial<RunEnvironment> = { appVersion: options.appVersion, ...(options.buildHash ? { buildHash: options.buildHash } : {}), libraries: [] };
  return (await transitionRun(db, runId, 'running', { environment })) as AutoMLRecord;
}

async function execute(db: WorkspaceDb, run: AutoMLRecord, request: AutoMLRunRequest, writer: InfoWriter, report: (progress: AutoMLJobProgress) => void): Promise<AutoMLJobOutcome> {
  const { signal } = request;
  // A restarted run (interrupted, then queued again) starts over: its old trials would be found again.
  await clearAutoMLTrials(db, run.id);
  await updateAutoMLInfo(db, run.id, { phase: 'reading' });
  report({ status: 'reading', message: 'Reading the dataset' });
  const spec = parseAutoMLSpec(run.automl.spec);
  const version = await getVersion(db, run.spec.data.versionId);
  if (!version) throw new Error(`The dataset version "${run.spec.data.versionId}" no longer exists; AutoML cannot run`);
  const table = await loadAutoMLTable(db, version, signal);
  signal.throwIfAborted();

  let trialsFinished = 0;
  await updateAutoMLInfo(db, run.id, { phase: 'searching', findings: table.findings });
  // In a browser, `spec.concurrency` trials fit at once in nested fit workers; in Node (tests, CLI), in process.
  const pool = createTabularFitPool(spec.concurrency);
  let result: AutoMLResult;
  try {
    result = await runAutoML(table.columns, spec, {
      signal,
      ...(pool ? { fitFold: pool.fitFold } : {}),
      ...(request.options.now ? { now: request.options.now } : {}),
      onFindings: (findings) => {
        // Called once the target is checked: the task and metric are known from here on.
        const target = table.columns.find((c) => c.name === spec.target);
        const task = spec.task ?? (target ? detectAutoMLTask(target) : undefined);
        const metric = spec.metric ?? (task ? defaultMetric(task) : undefined);
        writer.update({ findings: [...table.findings, ...findings.map(copyFinding)], ...(task ? { task } : {}), ...(metric ? { metric } : {}) });
      },
      onTrial: (trial) => {
        const { trial: number, family, params, foldScores, mean, std, trainMs } = trial;
        writer.addTrial({ number, family, params, foldScores, mean, std, trainMs });
        report({ status: 'searching', trialsFinished: ++trialsFinished });
        // The search waits for the write: pages watching storage see each trial as it ends, and the event loop turns
        // (a cancel message reaches this worker) even when every fit is shorter than the engines' time slice.
        return writer.settled();
      },
    });
  } finally {
    pool?.close();
  }
  if (pool) console.info(`AutoML run ${run.id}: ${pool.maxBusy} trials at a time (concurrency ${spec.concurrency}, ${pool.started} fit workers started)`);
  await writer.flush();
  // An abandoned job (a worker being killed) stops the search like a cancel, but must write no final status.
  if (signal.reason instanceof AutoMLJobAbandoned) throw signal.reason;
  const info: AutoMLInfoUpdate = {
    task: result.task,
    metric: result.metric,
    classes: result.classes,
    findings: [...table.findings, ...result.findings.map(copyFinding)],
    stoppedBy: result.stoppedBy,
    ...(result.ensemble ? { ensemble: ensembleInfo(result.ensemble) } : {}),
    ...(result.message ? { message: result.message } : {}),
  };
  if (result.stoppedBy === 'canceled' || signal.aborted) {
    await updateAutoMLInfo(db, run.id, { ...info, phase: null, stoppedBy: 'canceled' });
    await transitionRun(db, run.id, 'canceled');
    return end(report, { status: 'canceled', stoppedBy: 'canceled' });
  }
  if (!result.best) {
    await updateAutoMLInfo(db, run.id, { ...info, phase: null });
    await transitionRun(db, run.id, 'completed');
    return end(report, { status: 'completed', stoppedBy: result.stoppedBy, ...(result.message ? { message: result.message } : {}) });
  }
  await updateAutoMLInfo(db, run.id, { ...info, best: result.best });
  const final = await finalizeAutoMLModel(db, run.id, table, result, {
    seed: spec.seed,
    target: spec.target,
    signal,
    onPhase: (phase) => {
      writer.update({ phase });
      report({ status: phase, message: phase === 'refitting' ? 'Refitting the recommended model on every row' : 'Explaining the recommended model on held-out rows' });
    },
  });
  await writer.flush();
  await updateAutoMLInfo(db, run.id, { phase: null, modelArtifactId: final.artifactId, ...(final.explanation ? { explanation: final.explanation } : {}) });
  const summary: MetricValue[] = [
    { key: result.metric, value: result.best.mean },
    { key: `${result.metric}_std`, value: result.best.std },
  ];
  const outputs = ((await getAutoMLRun(db, run.id))?.outputs ?? []).filter((o) => !(o.kind === 'artifact' && o.id === final.artifactId));
  await transitionRun(db, run.id, 'completed', { summary, outputs: [...outputs, { kind: 'artifact', id: final.artifactId }] });
  return end(report, { status: 'completed', stoppedBy: result.stoppedBy, ...(result.message ? { message: result.message } : {}) });
}

function ensembleInfo(e: NonNullable<AutoMLResult['ensemble']>): AutoMLEnsembleInfo {
  return { weights: e.weights, mean: e.mean, std: e.std, score: e.score, bestSingleScore: e.bestSingleScore, kept: e.kept };
}

function copyFinding(finding: GuardrailFinding): AutoMLFinding {
  return { code: finding.code, severity: finding.severity, ...(finding.column === undefined ? {} : { column: finding.column }), message: finding.message };
}

/**
 * Storage writes of the search's callbacks, one after another in call order. Trials waiting to be written (when
 * storage falls behind) are written together, in one transaction. The first error is kept and rethrown by `flush`.
 */
class InfoWriter {
  #chain: Promise<void> = Promise.resolve();
  #error: unknown;
  #pendingTrials: AutoMLTrialInfo[] = [];
  readonly #db: WorkspaceDb;
  readonly #runId: string;

  constructor(db: WorkspaceDb, runId: string) {
    this.#db = db;
    this.#runId = runId;
  }

  addTrial(info: AutoMLTrialInfo): void {
    this.#pendingTrials.push(info);
    if (this.#pendingTrials.length > 1) return; // a write of the pending trials is already queued
    this.write(async () => {
      const trials = this.#pendingTrials;
      this.#pendingTrials = [];
      await addAutoMLTrials(this.#db, this.#runId, trials);
    });
  }

  update(changes: AutoMLInfoUpdate): void {
    this.write(() => updateAutoMLInfo(this.#db, this.#runId, changes).then(() => undefined));
  }

  write(task: () => Promise<void>): void {
    this.#chain = this.#chain.then(async () => {
      if (this.#error !== undefined) return;
      try {
        await task();
      } catch (err) {
        this.#error = err;
      }
    });
  }

  /** Resolves (never rejects) once the writes queued so far are done or failed. */
  settled(): Promise<void> {
    return this.#chain;
  }

  async flush(): Promise<void> {
    await this.#chain;
    if (this.#error !== undefined) throw this.#error;
  }
}
