/**
 * @file Progress of a run for the UI: the run row's status and stored progress (every tab, through
 * `liveQuery`), plus the live progress events of its worker where this tab has them (the leader, and tabs
 * the leader shares them with).
 */
import { liveQuery } from 'dexie';
import type { RunProgress, RunStatus } from '../protocol/run';
import type { TrainJobProgress } from '../protocol/train-worker';
import type { WorkspaceDb } from '../storage/workspace-schema';

/** What a page shows of a run's progress. */
export interface RunProgressView {
  runId: string;
  /** `undefined` while loading, or when the run does not exist (deleted). */
  status: RunStatus | undefined;
  /** Progress written with the run row: the fallback, and what a reload shows. */
  stored: RunProgress | undefined;
  /** The worker's latest event (batch, ETA, loss); only while the run is queued or running, and only here. */
  live: TrainJobProgress | undefined;
}

/** Listener of `RunProgressHub.subscribe`. */
export type RunProgressListener = (view: RunProgressView) => void;

/** Live progress by run, merged with the stored run rows for subscribers. */
export class RunProgressHub {
  readonly #db: WorkspaceDb;
  readonly #live = new Map<string, TrainJobProgress>();
  readonly #listeners = new Map<string, Set<() => void>>();

  constructor(db: WorkspaceDb) {
    this.#db = db;
  }

  /** Records a live event of `runId` and tells its subscribers. */
  publish(runId: string, progress: TrainJobProgress): void {
    this.#live.set(runId, progress);
    for (const notify of this.#listeners.get(runId) ?? []) notify();
  }

  /** The latest live event of `runId` seen in this tab. */
  live(runId: string): TrainJobProgress | undefined {
    return this.#live.get(runId);
  }

  /**
   * Calls `listener` with the run's progress now and on every change (row or live event) until the returned
   * function is called. Works in every tab; `live` is filled only where events arrive.
   */
  subscribe(runId: string, listener: RunProgressListener): () => void {
    let row: { status: RunStatus; progress: RunProgress } | undefined;
    let loaded = false;
    const emit = () => {
      const active = row?.status === 'running' || row?.status === 'queued';
      if (row && !active) this.#live.delete(runId);
      listener({ runId, status: row?.status, stored: row?.progress, live: active || !loaded ? this.#live.get(runId) : undefined });
    };
    const notifiers = this.#listeners.get(runId) ?? new Set();
    this.#listeners.set(runId, notifiers);
    notifiers.add(emit);
    const subscription = liveQuery(() => this.#db.runs.get(runId)).subscribe({
      next: (run) => {
        loaded = true;
        row = run && { status: run.status, progress: run.progress };
        emit();
      },
      error: (err: unknown) => console.error(`Could not watch the progress of run ${runId}`, err),
    });
    return () => {
      subscription.unsubscribe();
      notifiers.delete(emit);
      if (notifiers.size === 0) this.#listeners.delete(runId);
    };
  }

  /** Forgets every live event and subscriber (the runtime is disposed). */
  close(): void {
    this.#live.clear();
    this.#listeners.clear();
  }
}
