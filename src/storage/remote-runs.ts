/**
 * @file Runs pulled from an MLflow server, stored as ordinary `runs` rows with a `remote` marker (so the runs list,
 * the run page and compare show them like any run) and their metric histories as `metrics` rows. A pulled run is a
 * copy: pulling again replaces it (and its metrics) with what the server has now, and it is never pushed back nor
 * queued for training (its status is always a final one).
 */
import { fnv1a32 } from '../core/random/fnv1a';
import type { ExperimentRecord, MetricRecord, RunRecord } from './records';
import type { WorkspaceDb } from './workspace-schema';

/** Id of the local copy of MLflow run `remoteRunId` from the server at `trackingUri` (the same on every pull). */
export function remoteRunLocalId(trackingUri: string, remoteRunId: string): string {
  return `mlflow-${hashOf(trackingUri)}-${remoteRunId}`;
}

/** Id of the local experiment holding the runs pulled from one MLflow experiment. */
export function remoteExperimentLocalId(trackingUri: string, remoteExperimentId: string): string {
  return `mlflow-${hashOf(trackingUri)}-exp-${remoteExperimentId}`;
}

function hashOf(text: string): string {
  return fnv1a32(text).toString(16).padStart(8, '0');
}

/** One pulled run with its metric points (their `runId` is the run's). */
export interface PulledRun {
  run: RunRecord & { remote: NonNullable<RunRecord['remote']> };
  metrics: MetricRecord[];
}

/** What {@link savePulledRuns} did. */
export interface SavedPull {
  added: number;
  updated: number;
}

/**
 * Stores pulled runs in one transaction: the experiment (named `<name> (MLflow)`), each run (replacing an earlier
 * copy with its metrics), and the metric points. Refuses a run whose id is taken by a run made here.
 */
export async function savePulledRuns(db: WorkspaceDb, experiment: ExperimentRecord, pulled: readonly PulledRun[]): Promise<SavedPull> {
  return db.transaction('rw', [db.experiments, db.runs, db.metrics], async () => {
    if (!(await db.experiments.get(experiment.id))) await db.experiments.add(experiment);
    let added = 0;
    let updated = 0;
    for (const { run, metrics } of pulled) {
      const existing = await db.runs.get(run.id);
      if (existing && existing.remote === undefined) throw new Error(`Run id "${run.id}" is taken by a run of this workspace; the pulled run was not stored`);
      if (metrics.some((m) => m.runId !== run.id)) throw new Error(`Metric points of pulled run "${run.name}" name another run`);
      if (existing) {
        await db.metrics.where('runId').equals(run.id).delete();
        updated++;
      } else {
        added++;
      }
      await db.runs.put(run);
      await db.metrics.bulkPut(metrics);
    }
    return { added, updated };
  });
}

/** The pulled runs of the workspace, newest first. */
export async function listPulledRuns(db: WorkspaceDb): Promise<RunRecord[]> {
  return (await db.runs.toArray()).filter((run) => run.remote !== undefined).sort((a, b) => b.createdAt - a.createdAt);
}
