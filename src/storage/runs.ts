/**
 * @file Runs: create (queued), read, list with filters and sorting, tags and notes, and delete with
 * everything a run owns. Status changes are in `run-status.ts`; recovery of interrupted runs in
 * `run-recovery.ts`.
 */
import { Dexie } from 'dexie';
import type { LineageRef, RunEnvironment, RunKind, RunSpec, RunStatus, SweepRunInfo, TrialRunInfo } from '../protocol/run';
import { ensureDefaultExperiment } from './experiments';
import type { RunRecord } from './records';
import { requireRun } from './run-status';
import type { WorkspaceDb } from './workspace-schema';

/** Every run kind. */
export const RUN_KINDS: readonly RunKind[] = Object.freeze(['train', 'sweep', 'trial', 'automl', 'pipeline', 'score'] as const);

/** Longest tag, in characters. */
export const MAX_TAG_LENGTH = 64;
/** Most tags on one run. */
export const MAX_TAGS = 50;
/** Longest notes, in characters. */
export const MAX_NOTES_LENGTH = 20_000;

/** What a new run needs. Seed and dataset are copied from the spec. */
export interface NewRun {
  spec: RunSpec;
  environment: RunEnvironment;
  /** `train` by default. */
  kind?: RunKind;
  /** Shown to the user; `<model family> <short id>` by default. */
  name?: string;
  /** The default experiment (created on first use), or the parent's, by default. */
  experimentId?: string;
  parentId?: string;
  /** Kind `sweep`: the sweep spec and its state. */
  sweep?: SweepRunInfo;
  /** Kind `trial`: number and parameters. */
  trial?: TrialRunInfo;
  /** The dataset version the spec reads, by default. */
  inputs?: LineageRef[];
  tags?: string[];
  notes?: string;
}

/** Creates a queued run. The experiment and the parent, when given, must exist. */
export async function createRun(db: WorkspaceDb, init: NewRun): Promise<RunRecord> {
  const id = crypto.randomUUID();
  const tags = checkedTags(init.tags ?? []);
  const notes = checkedNotes(init.notes);
  const name = (init.name ?? `${init.spec.model.family} ${id.slice(0, 8)}`).trim();
  if (name.length === 0 || name.length > 200) throw new Error(`Run name has ${name.length} characters; expected 1 to 200`);
  const kind = init.kind ?? 'train';
  if (!RUN_KINDS.includes(kind)) throw new Error(`Run kind "${kind}" is not one of: ${RUN_KINDS.join(', ')}`);
  return db.transaction('rw', db.runs, db.experiments, async () => {
    const parent = init.parentId === undefined ? undefined : await db.runs.get(init.parentId);
    if (init.parentId !== undefined && !parent) throw new Error(`Parent run "${init.parentId}" does not exist`);
    const experimentId = init.experimentId ?? parent?.experimentId ?? (await ensureDefaultExperiment(db)).id;
    if (!(await db.experiments.get(experimentId))) throw new Error(`Experiment "${experimentId}" does not exist`);
    const { data } = init.spec;
    const now = Date.now();
    const run: RunRecord = {
      id,
      experimentId,
      ...(init.parentId === undefined ? {} : { parentId: init.parentId }),
      kind,
      status: 'queued',
      name,
      spec: init.spec,
      ...(init.sweep === undefined ? {} : { sweep: init.sweep }),
      ...(init.trial === undefined ? {} : { trial: init.trial }),
      seed: init.spec.seed,
      datasetId: data.datasetId,
      datasetVersionId: data.versionId,
      contentHash: data.contentHash,
      environment: init.environment,
      // A fine-tuning run (spec.init) also reads the model version whose weights it starts from.
      inputs: init.inputs ?? [{ kind: 'datasetVersion', id: data.versionId }, ...(init.spec.init ? [{ kind: 'modelVersion' as const, id: init.spec.init.modelVersionId }] : [])],
      outputs: [],
      progress: { epoch: 0, epochs: init.spec.epochs },
      summary: [],
      tags,
      ...(notes === undefined ? {} : { notes }),
      createdAt: now,
      updatedAt: now,
    };
    await db.runs.add(run);
    return run;
  });
}

/** One run, or `undefined`. */
export async function getRun(db: WorkspaceDb, runId: string): Promise<RunRecord | undefined> {
  return db.runs.get(runId);
}

/** Which runs `listRuns` returns; every field given must match. */
export interface RunFilter {
  status?: RunStatus | readonly RunStatus[];
  kind?: RunKind | readonly RunKind[];
  /** Runs carrying this tag. */
  tag?: string;
  datasetId?: string;
  datasetVersionId?: string;
  experimentId?: string;
  /** Children of this run; `null` for top-level runs only. */
  parentId?: string | null;
}

/** Order of `listRuns`: by creation time, or by a summary metric (runs without it, or with NaN, come last). */
export type RunSort = { by: 'createdAt'; direction?: 'asc' | 'desc' } | { by: 'metric'; key: string; direction?: 'asc' | 'desc' };

/** Runs matching `filter`, newest first by default. Reads through the narrowest index. Works inside `liveQuery`. */
export async function listRuns(db: WorkspaceDb, filter: RunFilter = {}, sort: RunSort = { by: 'createdAt' }): Promise<RunRecord[]> {
  const statuses = asList(filter.status);
  const kinds = asList(filter.kind);
  const matches = (run: RunRecord) =>
    (statuses === undefined || statuses.includes(run.status)) &&
    (kinds === undefined || kinds.includes(run.kind)) &&
    (filter.tag === undefined || run.tags.includes(filter.tag)) &&
    (filter.datasetId === undefined || run.datasetId === filter.datasetId) &&
    (filter.datasetVersionId === undefined || run.datasetVersionId === filter.datasetVersionId) &&
    (filter.experimentId === undefined || run.experimentId === filter.experimentId) &&
    (filter.parentId === undefined || (filter.parentId === null ? run.parentId === undefined : run.parentId === filter.parentId));
  const runs = (await candidates(db, filter, statuses)).filter(matches);
  const sign = sort.direction === 'asc' ? 1 : -1;
  if (sort.by === 'createdAt') return runs.sort((a, b) => sign * (a.createdAt - b.createdAt) || a.id.localeCompare(b.id));
  const value = (run: RunRecord) => run.summary.find((m) => m.key === sort.key)?.value;
  return runs.sort((a, b) => {
    const x = value(a);
    const y = value(b);
    const xMissing = x === undefined || Number.isNaN(x);
    const yMissing = y === undefined || Number.isNaN(y);
    if (xMissing || yMissing) return Number(xMissing) - Number(yMissing) || b.createdAt - a.createdAt;
    return sign * ((x as number) - (y as number)) || b.createdAt - a.createdAt;
  });
}

/** The rows to filter: through one index when the filter names an indexed field. */
function candidates(db: WorkspaceDb, filter: RunFilter, statuses: readonly RunStatus[] | undefined): Promise<RunRecord[]> {
  const runs = db.runs;
  if (statuses?.length === 1) return runs.where('[status+createdAt]').between([statuses[0], Dexie.minKey], [statuses[0], Dexie.maxKey]).toArray();
  if (typeof filter.parentId === 'string') return runs.where('parentId').equals(filter.parentId).toArray();
  if (filter.tag !== undefined) return runs.where('tags').equals(filter.tag).toArray();
  if (filter.datasetVersionId !== undefined) return runs.where('datasetVersionId').equals(filter.datasetVersionId).toArray();
  if (filter.datasetId !== undefined) return runs.where('datasetId').equals(filter.datasetId).toArray();
  if (filter.experimentId !== undefined) return runs.where('experimentId').equals(filter.experimentId).toArray();
  return runs.toArray();
}

function asList<T>(value: T | readonly T[] | undefined): readonly T[] | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? (value as readonly T[]) : [value as T];
}

/** Replaces a run's tags (trimmed, de-duplicated; each 1 to `MAX_TAG_LENGTH` characters; at most `MAX_TAGS`). */
export async function setRunTags(db: WorkspaceDb, runId: string, tags: readonly string[]): Promise<void> {
  const checked = checkedTags(tags);
  await updateRunFields(db, runId, { tags: checked });
}

/** Renames a run (trimmed, 1 to 200 characters). */
export async function renameRun(db: WorkspaceDb, runId: string, name: string): Promise<void> {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 200) throw new Error(`Run name has ${trimmed.length} characters; expected 1 to 200`);
  await updateRunFields(db, runId, { name: trimmed });
}

/** Sets a run's notes; empty or blank notes remove them. */
export async function setRunNotes(db: WorkspaceDb, runId: string, notes: string | undefined): Promise<void> {
  const checked = checkedNotes(notes);
  await db.transaction('rw', db.runs, async () => {
    const { notes: _old, ...rest } = await requireRun(db, runId);
    await db.runs.put({ ...rest, ...(checked === undefined ? {} : { notes: checked }), updatedAt: Date.now() });
  });
}

/**
 * Deletes a run, its child runs (recursively), and their metrics, logs, artifacts and checkpoints, in
 * one transaction. Refuses while the run or a child is running (cancel it first). Returns the deleted
 * run ids (none when the run does not exist).
 */
export async function deleteRun(db: WorkspaceDb, runId: string): Promise<string[]> {
  return db.transaction('rw', [db.runs, db.metrics, db.logs, db.artifacts, db.checkpoints], async () => {
    const root = await db.runs.get(runId);
    if (!root) return [];
    const runs = [root];
    for (let i = 0; i < runs.length; i++) runs.push(...(await db.runs.where('parentId').equals(runs[i].id).toArray()));
    const running = runs.find((r) => r.status === 'running');
    if (running) {
      const which = running.id === runId ? `Run "${runId}"` : `Run "${runId}" has a child run "${running.id}" that`;
      throw new Error(`${which} is running; cancel it before deleting`);
    }
    const ids = runs.map((r) => r.id);
    for (const table of [db.metrics, db.logs, db.artifacts, db.checkpoints] as const) await table.where('runId').anyOf(ids).delete();
    await db.runs.bulkDelete(ids);
    return ids;
  });
}

async function updateRunFields(db: WorkspaceDb, runId: string, changes: Partial<Pick<RunRecord, 'tags' | 'name'>>): Promise<void> {
  await db.transaction('rw', db.runs, async () => {
    const run = await requireRun(db, runId);
    await db.runs.put({ ...run, ...changes, updatedAt: Date.now() });
  });
}

function checkedTags(tags: readonly string[]): string[] {
  const unique = [...new Set(tags.map((t) => t.trim()))];
  const bad = unique.find((t) => t.length === 0 || t.length > MAX_TAG_LENGTH);
  if (bad !== undefined) throw new Error(`Tag "${bad.slice(0, 80)}" has ${bad.length} characters; expected 1 to ${MAX_TAG_LENGTH}`);
  if (unique.length > MAX_TAGS) throw new Error(`A run has ${unique.length} tags; at most ${MAX_TAGS} are allowed`);
  return unique;
}

function checkedNotes(notes: string | undefined): string | undefined {
  if (notes === undefined || notes.trim().length === 0) return undefined;
  if (notes.length > MAX_NOTES_LENGTH) throw new Error(`Notes have ${notes.length} characters; at most ${MAX_NOTES_LENGTH} are allowed`);
  return notes;
}
