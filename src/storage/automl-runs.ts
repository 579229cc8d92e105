/**
 * @file AutoML jobs in storage: an AutoML job is a parent run (kind `automl`: its `spec` the base training spec, as a
 * sweep parent's is, and `automl` the AutoML job spec and its state) whose finished trials are child runs (kind
 * `trial`, status `completed`, `parentId` the parent: `trial` their number and parameters, `automlTrial` their family,
 * fold scores and timing). The job (src/jobs/automl-job.ts) writes through these functions as it goes, so a page
 * watching the rows with `liveQuery` sees each trial and the best so far as soon as they are known.
 */
import { higherIsBetter } from '../core/automl/leaderboard';
import { AUTOML_MODEL_FILE, type AutoMLJobSpec, type AutoMLRunInfo, type AutoMLTrialInfo } from '../protocol/automl';
import type { MetricValue, RunEnvironment, TrialRunInfo } from '../protocol/run';
import type { ParamAssignment } from '../protocol/sweep';
import type { TrainSpec } from '../protocol/train';
import type { RunRecord } from './records';
import { requireRun } from './run-status';
import { createRun } from './runs';
import type { WorkspaceDb } from './workspace-schema';

/** An AutoML parent run, with its AutoML info. */
export type AutoMLRecord = RunRecord & { automl: AutoMLRunInfo };

/** A trial of an AutoML run, with its trial and AutoML trial info. */
export type AutoMLTrialRecord = RunRecord & { trial: TrialRunInfo; automlTrial: AutoMLTrialInfo };

/** What a new AutoML run needs; `automl` should have passed `parseAutoMLSpec` (stored complete with defaults). */
export interface NewAutoMLRun {
  /** The base training spec (dataset version, target, seed), as one-click Train would build it. */
  spec: TrainSpec;
  automl: AutoMLJobSpec;
  environment: RunEnvironment;
  /** Shown to the user; `automl <short id>` by default. */
  name?: string;
  experimentId?: string;
  tags?: string[];
  notes?: string;
}

/** Creates a queued AutoML run; the leading tab's AutoML runner starts it. */
export async function createAutoMLRun(db: WorkspaceDb, init: NewAutoMLRun): Promise<AutoMLRecord> {
  return db.transaction('rw', db.runs, db.experiments, async () => {
    const run = await createRun(db, {
      kind: 'automl',
      spec: init.spec,
      environment: init.environment,
      name: init.name ?? `automl ${crypto.randomUUID().slice(0, 8)}`,
      ...(init.experimentId === undefined ? {} : { experimentId: init.experimentId }),
      ...(init.tags === undefined ? {} : { tags: init.tags }),
      ...(init.notes === undefined ? {} : { notes: init.notes }),
    });
    const next: AutoMLRecord = { ...run, automl: freshInfo(init.automl), progress: { epoch: 0, epochs: init.automl.budget.trials ?? 0 } };
    await db.runs.put(next);
    return next;
  });
}

function freshInfo(spec: AutoMLJobSpec): AutoMLRunInfo {
  return { spec, findings: [], trialsFinished: 0 };
}

/** An AutoML run; `undefined` when it does not exist. Throws when the run is not an AutoML run. Works inside `liveQuery`. */
export async function getAutoMLRun(db: WorkspaceDb, runId: string): Promise<AutoMLRecord | undefined> {
  const run = await db.runs.get(runId);
  return run && asAutoML(run);
}

function asAutoML(run: RunRecord): AutoMLRecord {
  if (run.kind !== 'automl' || !run.automl) throw new Error(`Run "${run.id}" is a ${run.kind} run, not an AutoML run`);
  return run as AutoMLRecord;
}

async function requireAutoML(db: WorkspaceDb, runId: string): Promise<AutoMLRecord> {
  return asAutoML(await requireRun(db, runId));
}

/** The finished trials of an AutoML run, by trial number. Works inside `liveQuery`. */
export async function listAutoMLTrials(db: WorkspaceDb, parentId: string): Promise<AutoMLTrialRecord[]> {
  const children = await db.runs.where('parentId').equals(parentId).toArray();
  return children
    .filter((r): r is AutoMLTrialRecord => r.kind === 'trial' && r.trial !== undefined && r.automlTrial !== undefined)
    .sort((a, b) => a.automlTrial.number - b.automlTrial.number);
}

/** What `addAutoMLTrials` wrote: the trial runs and the parent as updated. */
export interface AddedAutoMLTrials {
  trials: AutoMLTrialRecord[];
  parent: AutoMLRecord;
}

/** Records one finished trial of a running AutoML run: {@link addAutoMLTrials} with one trial. */
export async function addAutoMLTrial(db: WorkspaceDb, parentId: string, info: AutoMLTrialInfo): Promise<{ trial: AutoMLTrialRecord; parent: AutoMLRecord }> {
  const { trials, parent } = await addAutoMLTrials(db, parentId, [info]);
  return { trial: trials[0], parent };
}

/**
 * Records finished trials of a running AutoML run, in one transaction (a job whose writes lag behind its search
 * catches up in one go): a completed child run per trial (kind `trial`, the parent's spec and environment, summary
 * `<metric>` = mean and `<metric>_std` = std over the folds), and on the parent `trialsFinished`, `bestTrial` (when a
 * trial beats it on the parent's metric), its progress and summary. The parent's `automl.metric` must be known.
 * Throws when the parent is not running, or a trial number is taken.
 */
export async function addAutoMLTrials(db: WorkspaceDb, parentId: string, infos: readonly AutoMLTrialInfo[]): Promise<AddedAutoMLTrials> {
  return db.transaction('rw', db.runs, async () => {
    const parent = await requireAutoML(db, parentId);
    if (parent.status !== 'running') throw new Error(`AutoML run "${parentId}" is ${parent.status}; trials are recorded only while it is running`);
    const metric = parent.automl.metric;
    if (metric === undefined) throw new Error(`AutoML run "${parentId}" has no metric yet; record its task and metric before its trials`);
    const taken = new Set((await listAutoMLTrials(db, parentId)).map((t) => t.automlTrial.number));
    const better = (a: number, b: number) => (higherIsBetter(metric) ? a > b : a < b);
    const now = Date.now();
    let automl: AutoMLRunInfo = parent.automl;
    const trials: AutoMLTrialRecord[] = [];
    for (const info of infos) {
      if (!Number.isInteger(info.number) || info.number < 1) throw new Error(`AutoML trial number ${info.number} is not valid; expected an integer from 1`);
      if (taken.has(info.number)) throw new Error(`AutoML run "${parentId}" already has a trial ${info.number}`);
      taken.add(info.number);
      const trial = trialRecord(parent, info, metric, now);
      trials.push(trial);
      const best = automl.bestTrial;
      automl = {
        ...automl,
        trialsFinished: Math.max(automl.trialsFinished, info.number),
        ...(best === undefined || better(info.mean, best.mean) ? { bestTrial: { trial: info.number, runId: trial.id, family: info.family, mean: info.mean, std: info.std } } : {}),
      };
    }
    await db.runs.bulkAdd(trials);
    const bestTrial = automl.bestTrial;
    const next: AutoMLRecord = {
      ...parent,
      automl,
      progress: { ...parent.progress, epoch: automl.trialsFinished },
      summary: bestTrial ? [{ key: metric, value: bestTrial.mean }, { key: `${metric}_std`, value: bestTrial.std }] : parent.summary,
      updatedAt: now,
    };
    await db.runs.put(next);
    return { trials, parent: next };
  });
}

/**
 * A finished trial as a run: recorded once finished, it never runs on a worker, so it is written `completed` directly
 * (in the parent's experiment, with its spec, environment and inputs).
 */
function trialRecord(parent: AutoMLRecord, info: AutoMLTrialInfo, metric: string, now: number): AutoMLTrialRecord {
  const suffix = ` · trial ${info.number}`;
  const { data } = parent.spec;
  const summary: MetricValue[] = [
    { key: metric, value: info.mean },
    { key: `${metric}_std`, value: info.std },
  ];
  // Started when its fits started: the measured fit time before now.
  const createdAt = Math.max(parent.startedAt ?? parent.createdAt, now - Math.round(info.trainMs));
  return {
    id: crypto.randomUUID(),
    experimentId: parent.experimentId,
    parentId: parent.id,
    kind: 'trial',
    status: 'completed',
    name: parent.name.slice(0, 200 - suffix.length) + suffix,
    spec: parent.spec,
    trial: { number: info.number, params: info.params as ParamAssignment, value: info.mean },
    automlTrial: info,
    seed: parent.spec.seed,
    datasetId: data.datasetId,
    datasetVersionId: data.versionId,
    contentHash: data.contentHash,
    environment: parent.environment,
    inputs: parent.inputs,
    outputs: [],
    progress: { epoch: 1, epochs: 1 },
    summary,
    tags: [],
    createdAt,
    startedAt: createdAt,
    endedAt: now,
    updatedAt: now,
  };
}

/** Changes to an AutoML run's info: a field given replaces it, `null` removes it (`spec` and `trialsFinished` are the store's). */
export type AutoMLInfoUpdate = { [K in Exclude<keyof AutoMLRunInfo, 'spec' | 'trialsFinished'>]?: AutoMLRunInfo[K] | null };

/** Updates an AutoML run's info (any status). Returns the updated run. */
export async function updateAutoMLInfo(db: WorkspaceDb, runId: string, changes: AutoMLInfoUpdate): Promise<AutoMLRecord> {
  return db.transaction('rw', db.runs, async () => {
    const run = await requireAutoML(db, runId);
    const info: Record<string, unknown> = { ...run.automl };
    for (const [key, value] of Object.entries(changes)) {
      if (key === 'spec' || key === 'trialsFinished' || value === undefined) continue;
      if (value === null) delete info[key];
      else info[key] = value;
    }
    const next: AutoMLRecord = { ...run, automl: info as unknown as AutoMLRunInfo, updatedAt: Date.now() };
    await db.runs.put(next);
    return next;
  });
}

/**
 * Deletes an AutoML run's trials (with anything they own) and its refit model artifact, and resets its info to a
 * fresh start (spec kept): what a restarted job does first. Refuses while a trial is running (none ever is). Returns
 * the deleted trial ids.
 */
export async function clearAutoMLTrials(db: WorkspaceDb, parentId: string): Promise<string[]> {
  return db.transaction('rw', [db.runs, db.metrics, db.logs, db.artifacts, db.checkpoints], async () => {
    const parent = await requireAutoML(db, parentId);
    const children = await db.runs.where('parentId').equals(parentId).toArray();
    const running = children.find((r) => r.status === 'running');
    if (running) throw new Error(`AutoML run "${parentId}" has a running child run "${running.id}"; it cannot be cleared`);
    const ids = children.map((r) => r.id);
    for (const table of [db.metrics, db.logs, db.artifacts, db.checkpoints] as const) await table.where('runId').anyOf(ids).delete();
    await db.runs.bulkDelete(ids);
    await db.artifacts.where('[runId+name]').equals([parentId, AUTOML_MODEL_FILE]).delete();
    const outputs = parent.outputs.filter((o) => !(o.kind === 'artifact' && o.id === parent.automl.modelArtifactId));
    await db.runs.put({ ...parent, automl: freshInfo(parent.automl.spec), summary: [], outputs, progress: { ...parent.progress, epoch: 0 }, updatedAt: Date.now() });
    return ids;
  });
}
