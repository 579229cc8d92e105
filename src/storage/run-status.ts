/**
 * @file The run lifecycle: which status changes are allowed, and the one function that changes a
 * run's status (with the facts that come with it: start and end times, the backend used, the error).
 */
import type { LineageRef, MetricValue, RunEnvironment, RunError, RunProgress, RunStatus } from '../protocol/run';
import type { RunRecord } from './records';
import type { WorkspaceDb } from './workspace-schema';

/**
 * Allowed status changes. A queued run starts or is canceled; a running run ends (completed, failed,
 * canceled) or is interrupted (tab closed, worker died); an interrupted run is queued again to resume
 * from its last checkpoint, or canceled. Completed, failed and canceled are final.
 */
export const RUN_TRANSITIONS: Readonly<Record<RunStatus, readonly RunStatus[]>> = Object.freeze({
  queued: ['running', 'canceled'],
  running: ['completed', 'failed', 'canceled', 'interrupted'],
  interrupted: ['queued', 'canceled'],
  completed: [],
  failed: [],
  canceled: [],
});

/** Every run status. */
export const RUN_STATUSES: readonly RunStatus[] = Object.freeze(Object.keys(RUN_TRANSITIONS) as RunStatus[]);

/** Statuses after which a run never changes status again. */
const FINAL: ReadonlySet<RunStatus> = new Set(RUN_STATUSES.filter((s) => RUN_TRANSITIONS[s].length === 0));

/** True when `from` → `to` is allowed. */
export function canTransition(from: RunStatus, to: RunStatus): boolean {
  return RUN_TRANSITIONS[from].includes(to);
}

/** A status change that `RUN_TRANSITIONS` does not allow. */
export class RunTransitionError extends Error {
  override name = 'RunTransitionError';
  readonly runId: string;
  readonly from: RunStatus;
  readonly to: RunStatus;

  constructor(runId: string, from: RunStatus, to: RunStatus) {
    const allowed = RUN_TRANSITIONS[from];
    super(
      `Run "${runId}" cannot go from ${from} to ${to}; ` +
        (allowed.length ? `from ${from} it can go to: ${allowed.join(', ')}` : `${from} is final`),
    );
    this.runId = runId;
    this.from = from;
    this.to = to;
  }
}

/** Facts written with a status change, or while running. */
export interface RunUpdate {
  progress?: RunProgress;
  summary?: MetricValue[];
  outputs?: LineageRef[];
  /** Merged into the run's environment (the backend and adapter are known once the run starts). */
  environment?: Partial<RunEnvironment>;
}

/** Facts written with a status change; a change to `failed` needs `error`. */
export interface RunTransitionUpdate extends RunUpdate {
  error?: RunError;
}

/**
 * Changes a run's status, in one transaction (so two tabs cannot both start a run): checks the change
 * against `RUN_TRANSITIONS` (a `RunTransitionError` names from and to otherwise), sets `startedAt` on
 * the first start, `endedAt` on a final status, clears `endedAt` and `error` when an interrupted run is
 * queued again. Returns the updated run.
 */
export async function transitionRun(db: WorkspaceDb, runId: string, to: RunStatus, update: RunTransitionUpdate = {}): Promise<RunRecord> {
  if (to === 'failed' && !update.error?.message) throw new Error(`Run "${runId}" cannot be marked failed without an error message`);
  return db.transaction('rw', db.runs, async () => {
    const run = await requireRun(db, runId);
    if (!canTransition(run.status, to)) throw new RunTransitionError(runId, run.status, to);
    const now = Date.now();
    const { error: _error, endedAt: _endedAt, ...rest } = run;
    const next: RunRecord = {
      ...applyUpdate(to === 'queued' ? rest : run, update),
      status: to,
      updatedAt: now,
      ...(to === 'running' ? { startedAt: run.startedAt ?? now } : {}),
      ...(FINAL.has(to) ? { endedAt: now } : {}),
      ...(update.error ? { error: update.error } : {}),
    };
    await db.runs.put(next);
    return next;
  });
}

/** Writes progress, summary metrics, outputs or environment of a running run; refuses for any other status. */
export async function updateRunningRun(db: WorkspaceDb, runId: string, update: RunUpdate): Promise<RunRecord> {
  return db.transaction('rw', db.runs, async () => {
    const run = await requireRun(db, runId);
    if (run.status !== 'running') throw new Error(`Run "${runId}" is ${run.status}; progress is written only while it is running`);
    const next = { ...applyUpdate(run, update), updatedAt: Date.now() };
    await db.runs.put(next);
    return next;
  });
}

/** The run, or an error naming the missing id. */
export async function requireRun(db: WorkspaceDb, runId: string): Promise<RunRecord> {
  const run = await db.runs.get(runId);
  if (!run) throw new Error(`Run "${runId}" does not exist`);
  return run;
}

function applyUpdate(run: RunRecord, update: RunUpdate): RunRecord {
  return {
    ...run,
    ...(update.progress ? { progress: update.progress } : {}),
    ...(update.summary ? { summary: update.summary } : {}),
    ...(update.outputs ? { outputs: update.outputs } : {}),
    ...(update.environment ? { environment: { ...run.environment, ...update.environment } } : {}),
  };
}
