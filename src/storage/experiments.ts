/**
 * @file Experiments: named groups of runs. Every workspace has a default experiment, created on
 * first use, for runs started without one.
 */
import type { ExperimentRecord } from './records';
import type { WorkspaceDb } from './workspace-schema';

/** Id of the experiment runs go to when none is chosen. */
export const DEFAULT_EXPERIMENT_ID = 'default';
/** Name of the default experiment. */
export const DEFAULT_EXPERIMENT_NAME = 'Default';

/** Creates an experiment (name trimmed, 1 to 200 characters). */
export async function createExperiment(db: WorkspaceDb, name: string): Promise<ExperimentRecord> {
  const record: ExperimentRecord = { id: crypto.randomUUID(), name: checkedName(name), createdAt: Date.now() };
  await db.experiments.add(record);
  return record;
}

/** One experiment, or `undefined`. */
export async function getExperiment(db: WorkspaceDb, experimentId: string): Promise<ExperimentRecord | undefined> {
  return db.experiments.get(experimentId);
}

/** Every experiment, oldest first. Works inside `liveQuery`. */
export async function listExperiments(db: WorkspaceDb): Promise<ExperimentRecord[]> {
  return db.experiments.orderBy('createdAt').toArray();
}

/** The default experiment, created if missing. Call inside a transaction that includes `experiments`, or alone. */
export async function ensureDefaultExperiment(db: WorkspaceDb): Promise<ExperimentRecord> {
  const existing = await db.experiments.get(DEFAULT_EXPERIMENT_ID);
  if (existing) return existing;
  const record: ExperimentRecord = { id: DEFAULT_EXPERIMENT_ID, name: DEFAULT_EXPERIMENT_NAME, createdAt: Date.now() };
  await db.experiments.put(record);
  return record;
}

function checkedName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 200) throw new Error(`Experiment name has ${trimmed.length} characters; expected 1 to 200`);
  return trimmed;
}
