/**
 * @file How a bundle's records meet a workspace's, pure: the content key that says whether a run (or a model version)
 * already here is the same as the bundle's, and the rewriting of a record's references (run ids, the dataset version it
 * read, model version ids) once the importer has decided where each record goes.
 *
 * Same content means the same work, whatever was edited around it since: kind, status, parent, seed, the spec (without
 * which local dataset version it is bound to), the sweep, trial or AutoML state (without the ids of other records,
 * which a copy changes), the summary, every metric point, every log line and every artifact's name and SHA-256.
 * Names, tags, notes and times are left out: a run renamed after an earlier import is still that run.
 */
import type { LineageRef } from '../../protocol/run';
import type { TrainSpec } from '../../protocol/train';
import type { ArtifactRecord, LogRecord, MetricRecord, ModelVersionLineage, ModelVersionRecord, RunRecord } from '../records';

/** The dataset version a record is bound to. */
export interface DataBinding {
  datasetId: string;
  versionId: string;
  contentHash: string;
}

/** The content key of a run and what it wrote (see the file comment). */
export function runContentKey(
  run: RunRecord,
  metrics: readonly Pick<MetricRecord, 'key' | 'step' | 'value'>[],
  logs: readonly Pick<LogRecord, 'seq' | 'level' | 'message'>[],
  artifacts: readonly Pick<ArtifactRecord, 'name' | 'sha256'>[],
): string {
  const sweep = run.sweep
    ? {
        spec: { ...run.sweep.spec, base: unboundSpec(run.sweep.spec.base) },
        trialsStarted: run.sweep.trialsStarted,
        stopReason: run.sweep.stopReason ?? null,
        best: run.sweep.best ? [run.sweep.best.trialNumber, num(run.sweep.best.value)] : null,
      }
    : null;
  return JSON.stringify([
    run.kind,
    run.status,
    run.parentId ?? null,
    run.seed,
    unboundSpec(run.spec),
    sweep,
    run.trial ? { ...run.trial, value: run.trial.value === undefined ? null : num(run.trial.value) } : null,
    automlKey(run),
    run.summary.map((m) => [m.key, num(m.value)]),
    [...metrics].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.step - b.step)).map((m) => [m.key, m.step, num(m.value)]),
    [...logs].sort((a, b) => a.seq - b.seq).map((l) => [l.seq, l.level, l.message]),
    [...artifacts].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((a) => [a.name, a.sha256]),
  ]);
}

/**
 * The AutoML state of a parent or trial, as content: the best trial by number (its run id is the record's, which a
 * copy changes) and no model artifact id (the artifact itself is compared by name and SHA-256); numbers as `num` has them.
 */
function automlKey(run: RunRecord): unknown {
  if (run.automlTrial) {
    const t = run.automlTrial;
    return { trial: { ...t, foldScores: t.foldScores.map(num), mean: num(t.mean), std: num(t.std) } };
  }
  if (!run.automl) return null;
  const { bestTrial, modelArtifactId: _artifact, ...info } = run.automl;
  return JSON.parse(JSON.stringify({ ...info, bestTrial: bestTrial ? [bestTrial.trial, bestTrial.family, num(bestTrial.mean), num(bestTrial.std)] : null }, (_key, value: unknown) => (typeof value === 'number' ? num(value) : value)));
}

/** The content key of a model version: its format, files (names and SHA-256) and signature. */
export function modelVersionContentKey(version: Pick<ModelVersionRecord, 'format' | 'files' | 'signature'>): string {
  return JSON.stringify([version.format, [...version.files].map((f) => [f.name, f.sha256]).sort(), version.signature]);
}

/** A spec without the local dataset ids and hash (the rest of `data` stays: target, features, split). */
function unboundSpec(spec: TrainSpec): unknown {
  const { datasetId: _d, versionId: _v, contentHash: _h, ...data } = spec.data;
  return { ...spec, data };
}

/** NaN and infinities survive `JSON.stringify` as text. */
function num(value: number): number | string {
  return Number.isFinite(value) ? value : String(value);
}

/** What the importer decided: new ids of runs, artifacts and the model version, and each dataset version's binding. */
export interface IdMaps {
  runs: ReadonlyMap<string, string>;
  artifacts: ReadonlyMap<string, string>;
  modelVersions: ReadonlyMap<string, string>;
  /** Bundle dataset version id → the local version it is bound to (absent: not here, and not carried). */
  data: ReadonlyMap<string, DataBinding>;
}

/** A spec bound to the local dataset version. */
export function bindSpec(spec: TrainSpec, maps: IdMaps): TrainSpec {
  const binding = maps.data.get(spec.data.versionId);
  return binding ? { ...spec, data: { ...spec.data, datasetId: binding.datasetId, versionId: binding.versionId, contentHash: binding.contentHash } } : spec;
}

/**
 * A bundle run as it is stored here: its id, parent and experiment decided by the importer, bound to the local dataset
 * version, its lineage references pointing at the records' local ids (a model version neither in the bundle nor here
 * is dropped from its outputs).
 */
export function rewriteRun(run: RunRecord, target: { id: string; parentId: string | undefined; experimentId: string }, maps: IdMaps, modelVersionsHere: ReadonlySet<string>): RunRecord {
  const binding = maps.data.get(run.datasetVersionId);
  const { parentId: _parent, ...rest } = run;
  const next: RunRecord = {
    ...rest,
    id: target.id,
    experimentId: target.experimentId,
    ...(target.parentId === undefined ? {} : { parentId: target.parentId }),
    spec: bindSpec(run.spec, maps),
    ...(binding ? { datasetId: binding.datasetId, datasetVersionId: binding.versionId, contentHash: binding.contentHash } : {}),
    inputs: rewriteRefs(run.inputs, maps, modelVersionsHere, binding ? { from: run.datasetVersionId, fromDataset: run.datasetId, to: binding } : undefined),
    outputs: rewriteRefs(run.outputs, maps, modelVersionsHere, undefined),
  };
  if (run.sweep) {
    const best = run.sweep.best;
    next.sweep = {
      ...run.sweep,
      spec: { ...run.sweep.spec, base: bindSpec(run.sweep.spec.base, maps) },
      ...(best ? { best: { ...best, runId: maps.runs.get(best.runId) ?? best.runId } } : {}),
    };
  }
  if (run.automl) {
    const { bestTrial, modelArtifactId } = run.automl;
    next.automl = {
      ...run.automl,
      ...(bestTrial ? { bestTrial: { ...bestTrial, runId: maps.runs.get(bestTrial.runId) ?? bestTrial.runId } } : {}),
      ...(modelArtifactId === undefined ? {} : { modelArtifactId: maps.artifacts.get(modelArtifactId) ?? modelArtifactId }),
    };
  }
  return next;
}

function rewriteRefs(refs: readonly LineageRef[], maps: IdMaps, modelVersionsHere: ReadonlySet<string>, data: { from: string; fromDataset: string; to: DataBinding } | undefined): LineageRef[] {
  const out: LineageRef[] = [];
  for (const ref of refs) {
    if (ref.kind === 'run') out.push({ ...ref, id: maps.runs.get(ref.id) ?? ref.id });
    else if (ref.kind === 'artifact') out.push({ ...ref, id: maps.artifacts.get(ref.id) ?? ref.id });
    else if (ref.kind === 'modelVersion') {
      const id = maps.modelVersions.get(ref.id) ?? (modelVersionsHere.has(ref.id) ? ref.id : undefined);
      if (id !== undefined) out.push({ ...ref, id });
    } else if (ref.kind === 'datasetVersion' && data && ref.id === data.from) out.push({ ...ref, id: data.to.versionId });
    else if (ref.kind === 'dataset' && data && ref.id === data.fromDataset) out.push({ ...ref, id: data.to.datasetId });
    else out.push(ref);
  }
  return out;
}

/** A model version's lineage pointing at local run ids and the local dataset version. */
export function rewriteLineage(lineage: ModelVersionLineage, maps: IdMaps): ModelVersionLineage {
  const next: ModelVersionLineage = { ...lineage };
  if (lineage.runId !== undefined) next.runId = maps.runs.get(lineage.runId) ?? lineage.runId;
  if (lineage.parentRunId !== undefined) next.parentRunId = maps.runs.get(lineage.parentRunId) ?? lineage.parentRunId;
  const binding = lineage.datasetVersionId === undefined ? undefined : maps.data.get(lineage.datasetVersionId);
  if (binding) Object.assign(next, { datasetId: binding.datasetId, datasetVersionId: binding.versionId, contentHash: binding.contentHash });
  return next;
}
