/**
 * @file The job runtime of one workspace in one tab: the service the UI calls to queue, cancel and watch
 * training runs and sweeps. Every tab has one; the tab holding the leadership lock also runs the queue (`JobQueue`)
 * on its workers, drives the sweeps (`SweepRunner`: their trials are queued runs like any other), runs the AutoML jobs
 * (`AutoMLRunner`: one at a time, each on its own AutoML worker), pushes the MLflow
 * sync queue (`SyncRunner`), recovers interrupted runs, and acts on other tabs' cancel requests.
 */
import { Dexie, liveQuery, type Subscription } from 'dexie';
import { assertSweepSpec } from '../core/tune/sweep-spec';
import type { AutoMLJobSpec } from '../protocol/automl';
import type { RunEnvironment } from '../protocol/run';
import type { SweepSpec } from '../protocol/sweep';
import { getVersion } from '../storage/datasets';
import { createAutoMLRun } from '../storage/automl-runs';
import type { RunRecord } from '../storage/records';
import { RunTransitionError, transitionRun } from '../storage/run-status';
import { createRun, type NewRun } from '../storage/runs';
import { cancelSweepRun, createSweepRun, type NewSweep } from '../storage/sweeps';
import { getWorkspaceDb } from '../storage/connections';
import type { WorkspaceDb } from '../storage/workspace-schema';
import { AutoMLRunner, type AutoMLRunnerEvent } from './automl-runner';
import { checkAutoMLStart } from './automl-start';
import { createAutoMLWorker, type AutoMLWorkerFactory } from './automl-worker-client';
import { JobQueue, type JobQueueEvent } from './job-queue';
import { requestQueueLeadership, type QueueLeadership, type RuntimeLocks } from './queue-leader';
import { recoverRuns, type RecoveryReport } from './run-recovery-service';
import { RunProgressHub, type RunProgressListener } from './run-progress-hub';
import { openBroadcastChannel, parseRuntimeMessage, runtimeChannelName, type RuntimeChannelFactory, type RuntimeChannelPort, type RuntimeMessage } from './runtime-channel';
import { hardwareCores, readRuntimeSettings, RuntimeSettingKey, writeRuntimeSettings, type RuntimeSettings } from './runtime-settings';
import { SweepRunner, type SweepRunnerEvent } from './sweep-runner';
import { SyncRunner, type SyncRunnerOptions } from './sync-runner';
import { createTrainWorker } from './train-worker-client';
import { WorkerPool, type TrainWorkerFactory } from './worker-pool';

/** Something the runtime did: leadership, recovery, job starts and ends, sweep steps. */
export type JobRuntimeEvent = JobQueueEvent | SweepRunnerEvent | AutoMLRunnerEvent | { type: 'leader' } | ({ type: 'recovered' } & RecoveryReport);

/** Options of `JobRuntime.startAutoML` besides the dataset version and the spec. */
export interface AutoMLStartOptions {
  /** Shown to the user; `automl <short id>` by default. */
  name?: string;
  experimentId?: string;
  /** The environment known where the job is queued (the page's app version); the job fills in the rest. */
  environment?: RunEnvironment;
}

/** Options of `JobRuntime.enqueueSweep` besides the spec and the name. */
export interface SweepEnqueueOptions {
  /** The environment known where the sweep is queued (the page's app version); its trials copy it. */
  environment?: RunEnvironment;
  experimentId?: string;
  tags?: string[];
  notes?: string;
}

/** Options of `JobRuntime`; all but `workspaceId` have browser defaults. */
export interface JobRuntimeOptions {
  workspaceId: string;
  /** The workspace database; `getWorkspaceDb(workspaceId)` by default. */
  db?: WorkspaceDb;
  /** Starts a training worker; `createTrainWorker` (a module worker over comlink) by default. */
  createWorker?: TrainWorkerFactory;
  /** Starts an AutoML worker; `createAutoMLWorker` (a module worker over comlink) by default. */
  createAutoMLWorker?: AutoMLWorkerFactory;
  /** `navigator.locks` by default; `null` where there are none (this tab then leads alone). */
  locks?: RuntimeLocks | null;
  /** `BroadcastChannel` by default. */
  openChannel?: RuntimeChannelFactory;
  /** How long a canceled job may take to stop before its worker is terminated (5 s). */
  cancelGraceMs?: number;
  /** Recovery attempts while a closed tab may still hold its locks (10), and the pause between them (1 s). */
  recoveryAttempts?: number;
  recoveryDelayMs?: number;
  /** Worker deaths on one run after which it is left interrupted for a person to resume (3). */
  maxWorkerLosses?: number;
  /** Logical cores, the upper bound of concurrency; `navigator.hardwareConcurrency` by default. */
  cores?: number;
  onEvent?: (event: JobRuntimeEvent) => void;
  /** Options of the MLflow sync runner the leader runs (`false`: none). */
  sync?: Partial<Omit<SyncRunnerOptions, 'db' | 'workspaceId'>> | false;
}

/** One workspace's job runtime in this tab. Start it once per workspace; `dispose()` on switching away. */
export class JobRuntime {
  readonly workspaceId: string;
  readonly db: WorkspaceDb;
  readonly #options: JobRuntimeOptions;
  readonly #locks: RuntimeLocks | null;
  readonly #cores: number;
  readonly #channel: RuntimeChannelPort;
  readonly #progress: RunProgressHub;
  readonly #leadership: QueueLeadership;
  readonly #leaderListeners = new Set<(isLeader: boolean) => void>();
  #queue: JobQueue | undefined;
  #sweeps: SweepRunner | undefined;
  #automl: AutoMLRunner | undefined;
  #sync: SyncRunner | undefined;
  #watch: Subscription | undefined;
  #recovering: Promise<void> | undefined;
  #recoverAgain = false;
  #disposed = false;

  constructor(options: JobRuntimeOptions) {
    this.#options = options;
    this.workspaceId = options.workspaceId;
    this.db = options.db ?? getWorkspaceDb(options.workspaceId);
    this.#locks = options.locks === undefined ? (globalThis.navigator?.locks ?? null) : options.locks;
    this.#cores = options.cores ?? hardwareCores();
    this.#progress = new RunProgressHub(this.db);
    this.#channel = (options.openChannel ?? openBroadcastChannel)(runtimeChannelName(this.workspaceId));
    this.#channel.addEventListener('message', (event) => {
      const message = parseRuntimeMessage(event.data);
      if (message) this.#receive(message);
    });
    this.#leadership = requestQueueLeadership(this.workspaceId, this.#locks, () => this.#lead());
  }

  /** True while this tab runs the workspace's queue. */
  get isLeader(): boolean {
    return this.#queue !== undefined;
  }

  /** Calls `listener` with the leadership now and whenever it changes; returns the unsubscribe. */
  subscribeLeadership(listener: (isLeader: boolean) => void): () => void {
    this.#leaderListeners.add(listener);
    listener(this.isLeader);
    return () => this.#leaderListeners.delete(listener);
  }

  /** Creates a queued run; the leading tab (this one or another) starts it when a worker is free. */
  async enqueue(init: NewRun): Promise<RunRecord> {
    const run = await createRun(this.db, init);
    this.#wake();
    return run;
  }

  /**
   * Validates a sweep spec against the dataset version its base spec reads (a `SweepSpecError` lists every problem)
   * and creates a queued sweep (a parent run of kind `sweep`, stored complete with defaults); the leading tab's sweep
   * runner starts it and queues its trials as child runs.
   */
  async enqueueSweep(spec: SweepSpec, name?: string, options: SweepEnqueueOptions = {}): Promise<RunRecord> {
    const versionId = (spec as { base?: { data?: { versionId?: unknown } } }).base?.data?.versionId;
    // The shape first (a spec without a base names its problems), then the base spec against its data.
    if (typeof versionId !== 'string') assertSweepSpec(spec);
    const version = await getVersion(this.db, versionId as string);
    if (!version) throw new Error(`Dataset version "${String(versionId)}" does not exist or is not fully imported; choose data to sweep on`);
    const checked = assertSweepSpec(spec, { columns: version.columns, contentHash: version.contentHash });
    const init: NewSweep = {
      spec: checked,
      environment: options.environment ?? { appVersion: 'unknown', libraries: [] },
      ...(name === undefined ? {} : { name }),
      ...(options.experimentId === undefined ? {} : { experimentId: options.experimentId }),
      ...(options.tags === undefined ? {} : { tags: options.tags }),
      ...(options.notes === undefined ? {} : { notes: options.notes }),
    };
    const run = await createSweepRun(this.db, init);
    this.#sweeps?.wake();
    return run;
  }

  /**
   * Checks an AutoML spec (`parseAutoMLSpec`: every bad field named) and that its target is a column of the dataset
   * version, and creates a queued AutoML run (a parent of kind `automl` whose base spec is one-click Train's for that
   * target, with the AutoML seed); the leading tab's AutoML runner starts it on its own worker.
   */
  async startAutoML(datasetVersionId: string, spec: AutoMLJobSpec, options: AutoMLStartOptions = {}): Promise<RunRecord> {
    const version = await getVersion(this.db, datasetVersionId);
    if (!version) throw new Error(`Dataset version "${datasetVersionId}" does not exist or is not fully imported; choose data for AutoML`);
    const { automl, base } = checkAutoMLStart(version, spec);
    const run = await createAutoMLRun(this.db, {
      spec: base,
      automl,
      environment: options.environment ?? { appVersion: 'unknown', libraries: [] },
      ...(options.name === undefined ? {} : { name: options.name }),
      ...(options.experimentId === undefined ? {} : { experimentId: options.experimentId }),
    });
    this.#wake();
    return run;
  }

  /**
   * Queues an interrupted run again; it resumes from its last checkpoint (an AutoML run starts its search over).
   */
  async resume(runId: string): Promise<RunRecord> {
    const run = await transitionRun(this.db, runId, 'queued');
    this.#wake();
    return run;
  }

  /**
   * Cancels a run. An interrupted run is canceled here; a queued or running one by the leader (this tab,
   * or another through the channel), which stops its worker. A sweep is canceled here, with its queued, running and
   * interrupted trials (each as above). Watch the run row for the result.
   */
  async cancel(runId: string): Promise<void> {
    const run = await this.db.runs.get(runId);
    if (run?.kind === 'sweep') {
      const trials = await cancelSweepRun(this.db, runId);
      await Promise.all(trials.map((trialId) => this.cancel(trialId)));
      return;
    }
    if (this.#queue) return this.#cancelHere(runId, run);
    if (run?.status === 'interrupted') {
      try {
        await transitionRun(this.db, runId, 'canceled');
        return;
      } catch (err) {
        if (!(err instanceof RunTransitionError)) throw err;
      }
    }
    this.#channel.postMessage({ type: 'cancel', runId } satisfies RuntimeMessage);
  }

  /** Progress of a run: its row from storage in every tab, and live worker events where this tab has them. */
  subscribeProgress(runId: string, listener: RunProgressListener): () => void {
    return this.#progress.subscribe(runId, listener);
  }

  /** The workspace's runtime settings. */
  settings(): Promise<RuntimeSettings> {
    return readRuntimeSettings(this.db, this.#cores);
  }

  /** Changes runtime settings (concurrency 1 to the machine's cores); every tab's leader applies them. */
  async updateSettings(changes: Partial<RuntimeSettings>): Promise<RuntimeSettings> {
    const settings = await writeRuntimeSettings(this.db, changes, this.#cores);
    this.#wake();
    return settings;
  }

  /** Resolves when recovery passes and the storage writes of ended jobs are done (tests, orderly shutdown). */
  async idle(): Promise<void> {
    while (this.#recovering) await this.#recovering;
    await this.#sweeps?.idle();
    await this.#automl?.idle();
    await this.#queue?.settled();
  }

  /**
   * Stops this tab's part: lets go of the leadership (another tab takes it), terminates this tab's workers as
   * a closing tab would, and writes nothing; the next leader recovers the runs they were running.
   */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#watch?.unsubscribe();
    const sweeps = this.#sweeps;
    this.#sweeps = undefined;
    await sweeps?.stop();
    const automl = this.#automl;
    this.#automl = undefined;
    await automl?.stop();
    await this.#sync?.stop();
    this.#sync = undefined;
    const queue = this.#queue;
    this.#queue = undefined;
    await queue?.stop();
    await this.#recovering;
    this.#channel.close();
    this.#progress.close();
    await this.#leadership.release();
    this.#notifyLeadership();
  }

  #lead(): void {
    if (this.#disposed) return;
    const cancelGraceMs = this.#options.cancelGraceMs ?? 5000;
    this.#queue = new JobQueue({
      db: this.db,
      workspaceId: this.workspaceId,
      pool: new WorkerPool(this.#options.createWorker ?? createTrainWorker),
      settings: () => this.settings(),
      cancelGraceMs,
      maxWorkerLosses: this.#options.maxWorkerLosses ?? 3,
      onProgress: (runId, progress) => {
        this.#progress.publish(runId, progress);
        this.#channel.postMessage({ type: 'progress', runId, progress } satisfies RuntimeMessage);
      },
      onWorkerLost: () => this.#recover(),
      onEvent: this.#options.onEvent,
    });
    const queue = this.#queue;
    this.#sweeps = new SweepRunner({
      db: this.db,
      cancelRun: (runId) => queue.cancel(runId),
      wake: () => this.#pump(),
      onEvent: this.#options.onEvent,
    });
    this.#automl = new AutoMLRunner({
      db: this.db,
      workspaceId: this.workspaceId,
      createWorker: this.#options.createAutoMLWorker ?? createAutoMLWorker,
      locks: this.#locks,
      cancelGraceMs,
      autoResume: async () => (await this.settings()).autoResume,
      recoveryAttempts: this.#options.recoveryAttempts ?? 10,
      recoveryDelayMs: this.#options.recoveryDelayMs ?? 1000,
      onEvent: this.#options.onEvent,
    });
    this.#notifyLeadership();
    this.#options.onEvent?.({ type: 'leader' });
    this.#sweeps.start();
    this.#automl.start();
    if (this.#options.sync !== false) {
      this.#sync = new SyncRunner({ ...this.#options.sync, db: this.db, workspaceId: this.workspaceId });
      this.#sync.start();
    }
    // Runs queued in any tab, and settings changed in any tab, reach the leader through storage.
    let lastAutoResume: unknown;
    this.#watch = liveQuery(async () => ({
      queued: await this.db.runs.where('[status+createdAt]').between(['queued', Dexie.minKey], ['queued', Dexie.maxKey]).primaryKeys(),
      settings: await this.db.settings.bulkGet([RuntimeSettingKey.concurrency, RuntimeSettingKey.autoResume]),
    })).subscribe({
      next: ({ settings }) => {
        const autoResume = settings[1]?.value;
        if (autoResume === true && lastAutoResume !== undefined && lastAutoResume !== true) this.#recover();
        lastAutoResume = autoResume ?? true;
        this.#pump();
      },
      error: (err: unknown) => console.error('Could not watch the job queue', err),
    });
    this.#recover();
  }

  /** Runs a recovery pass now, or once more after the one in progress. */
  #recover(): void {
    if (this.#recovering) {
      this.#recoverAgain = true;
      return;
    }
    const queue = this.#queue;
    if (!queue) return;
    this.#recovering = (async () => {
      do {
        this.#recoverAgain = false;
        const report = await recoverRuns({
          db: this.db,
          locks: this.#locks,
          isActive: (runId) => queue.isActive(runId),
          autoResume: async () => (await this.settings()).autoResume,
          mayResume: (runId) => queue.mayResume(runId),
          attempts: this.#options.recoveryAttempts ?? 10,
          delayMs: this.#options.recoveryDelayMs ?? 1000,
          onRequeued: () => this.#pump(),
          stopped: () => this.#queue !== queue,
        });
        this.#options.onEvent?.({ type: 'recovered', ...report });
        this.#pump();
      } while (this.#recoverAgain && this.#queue === queue);
    })()
      .catch((err: unknown) => console.error('Could not recover interrupted runs', err))
      .finally(() => (this.#recovering = undefined));
  }

  #pump(): void {
    this.#queue?.pump().catch((err: unknown) => console.error('Could not start queued runs', err));
    this.#automl?.wake();
  }

  /** The leader cancels: an AutoML run through the AutoML runner, any other run through the job queue. */
  async #cancelHere(runId: string, run?: RunRecord): Promise<void> {
    const kind = run?.kind ?? (await this.db.runs.get(runId))?.kind;
    if (kind === 'automl' && this.#automl) return this.#automl.cancel(runId);
    return this.#queue?.cancel(runId);
  }

  /** After a change to the queue or the settings: the leader schedules; another tab tells the leader. */
  #wake(): void {
    if (this.#queue) this.#pump();
    else if (!this.#disposed) this.#channel.postMessage({ type: 'wake' } satisfies RuntimeMessage);
  }

  #receive(message: RuntimeMessage): void {
    if (message.type === 'progress') {
      if (!this.#queue) this.#progress.publish(message.runId, message.progress);
    } else if (this.#queue) {
      if (message.type === 'cancel') this.#cancelHere(message.runId).catch((err: unknown) => console.error(`Could not cancel run ${message.runId}`, err));
      else this.#pump();
    }
  }

  #notifyLeadership(): void {
    for (const listener of this.#leaderListeners) listener(this.isLeader);
  }
}
