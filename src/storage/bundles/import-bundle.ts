/**
 * @file Importing a bundle into a workspace, all or nothing. Everything is read and validated first
 * (`read-bundle.ts`); then one transaction decides and writes:
 * - data: a dataset version here with the card's source hash or the carried CSV's hash is used (matched by content,
 *   whatever its id); else the carried CSV becomes a new version (under the CSV's hash); else the runs keep pointing
 *   at a version that is not here, and the result says so;
 * - runs: a run whose id is free is imported with it; a run already here with the same content (`bundle-merge.ts`) is
 *   skipped, no duplicate; a different run holding the id gets the bundle's run as a copy under a new id, with a note
 *   (a copied sweep takes its trials along: they move to the copy's new id);
 * - the model version likewise by id and content; its model is found by id, then by name, else created; a version
 *   number or alias already taken here is not taken over (the next number; the alias is left off, with a note).
 * Any error aborts the transaction: nothing of the bundle is stored.
 */
import { ensureDefaultExperiment } from '../experiments';
import { MAX_NOTES_LENGTH } from '../runs';
import type { RunKind } from '../../protocol/run';
import type { DatasetVersionRecord, ModelVersionRecord, RunRecord } from '../records';
import { isQuotaError } from '../storage-health';
import type { WorkspaceDb } from '../workspace-schema';
import type { BundleKind } from './bundle-format';
import { modelVersionContentKey, rewriteLineage, rewriteRun, runContentKey, type DataBinding, type IdMaps } from './bundle-merge';
import { BundleImportError } from './bundle-zip-reader';
import { readBundle, type BundleDataset, type BundleReadProgress, type ReadBundle } from './read-bundle';

export { BundleImportError } from './bundle-zip-reader';

/** Counts of one kind of run: imported (copies included), of those copied under a new id, and skipped as duplicates. */
export interface RunCounts {
  imported: number;
  copied: number;
  skipped: number;
}

/** What an import did. */
export interface BundleImportResult {
  kind: BundleKind;
  /** The bundle's title (untrusted: shown as text). */
  title: string;
  /** Where the imported root is now: a run, a sweep, an AutoML job, or a model version of a model. */
  root: { kind: 'run' | 'sweep' | 'automl'; id: string } | { kind: 'modelVersion'; modelId: string; versionId: string };
  /** The parent of a `sweep` bundle (a sweep, an AutoML search...): its kind, and what became of it. */
  parent?: { kind: RunKind; counts: RunCounts };
  /** Runs of their own: the run of a run bundle, the source run of a model version. */
  runs: RunCounts;
  /** The parent's children: a sweep's trials. */
  children: RunCounts;
  modelVersion?: { outcome: 'imported' | 'copied' | 'skipped'; modelName: string; version: number };
  datasets: { imported: number; matched: number; missing: number };
  /** Things the user should know, in plain text. */
  notes: string[];
}

/** Where an import is. */
export type BundleImportProgress = BundleReadProgress | { status: 'writing' } | { status: 'done' };

/** Options of {@link importBundle}. */
export interface BundleImportOptions {
  onProgress?: (progress: BundleImportProgress) => void;
  /** The import time (tests). */
  now?: number;
}

/** Imports a bundle file into workspace `db`; throws a {@link BundleImportError} (nothing stored) when it cannot. */
export async function importBundle(db: WorkspaceDb, file: Blob, options: BundleImportOptions = {}): Promise<BundleImportResult> {
  const bundle = await readBundle(file, options.onProgress);
  options.onProgress?.({ status: 'writing' });
  const tables = [db.datasets, db.datasetVersions, db.columnChunks, db.experiments, db.runs, db.metrics, db.logs, db.artifacts, db.checkpoints, db.models, db.modelVersions, db.modelFiles];
  try {
    const result = await db.transaction('rw', tables, () => writeBundle(db, bundle, options.now ?? Date.now()));
    options.onProgress?.({ status: 'done' });
    return result;
  } catch (err) {
    if (err instanceof BundleImportError) throw err;
    if (isQuotaError(err)) throw new BundleImportError('Not enough storage space to import this bundle; nothing was stored. Free some space (delete datasets or runs) and try again', { cause: err });
    throw new BundleImportError(`Could not import the bundle; nothing was stored: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** Decides and writes, inside the transaction (IndexedDB requests only: no other await may run here). */
async function writeBundle(db: WorkspaceDb, bundle: ReadBundle, now: number): Promise<BundleImportResult> {
  const notes: string[] = [];
  const counts = { parent: zero(), runs: zero(), children: zero() };
  const datasets = { imported: 0, matched: 0, missing: 0 };
  const data = new Map<string, DataBinding>();
  for (const dataset of bundle.datasets) {
    const binding = await bindDataset(db, dataset, now);
    if (binding.outcome === 'missing') {
      datasets.missing++;
      notes.push(`The data “${dataset.card.name}” (content ${dataset.card.contentHash.slice(0, 12)}…) is not in this workspace or the bundle (${dataset.card.dataOmitted ?? 'not carried'}); import it to re-run these runs`);
    } else {
      datasets[binding.outcome]++;
      data.set(dataset.card.versionId, binding.binding);
    }
  }

  const experiments = new Map<string, string>();
  for (const experiment of bundle.experiments) {
    const here = (await db.experiments.get(experiment.id)) ?? (await db.experiments.where('name').equals(experiment.name).first());
    if (!here) await db.experiments.add(experiment);
    experiments.set(experiment.id, here?.id ?? experiment.id);
  }

  // Decide every run's id first: parents before children (the root is first), so a copied parent takes its trials along.
  const runIds = new Map<string, string>();
  const decisions: { index: number; outcome: 'import' | 'copy' | 'skip'; parentId: string | undefined }[] = [];
  const provisional: IdMaps = { runs: runIds, artifacts: new Map(), modelVersions: new Map(), data };
  for (const [index, { run, metrics, logs, artifacts }] of bundle.runs.entries()) {
    let parentId = run.parentId === undefined ? undefined : runIds.get(run.parentId);
    if (run.parentId !== undefined && parentId === undefined) {
      parentId = (await db.runs.get(run.parentId)) ? run.parentId : undefined;
      if (parentId === undefined) notes.push(`“${run.name}” belonged to a sweep that is not in this workspace; it is imported as a run of its own`);
    }
    const existing = await db.runs.get(run.id);
    let outcome: 'import' | 'copy' | 'skip' = 'import';
    if (existing) {
      const candidate = rewriteRun(run, { id: run.id, parentId, experimentId: existing.experimentId }, provisional, new Set());
      const [hereMetrics, hereLogs, hereArtifacts] = await Promise.all([db.metrics.where('runId').equals(run.id).toArray(), db.logs.where('runId').equals(run.id).toArray(), db.artifacts.where('runId').equals(run.id).toArray()]);
      const same = runContentKey(existing, hereMetrics, hereLogs, hereArtifacts) === runContentKey(candidate, metrics, logs, artifacts);
      outcome = same ? 'skip' : 'copy';
    }
    runIds.set(run.id, outcome === 'copy' ? crypto.randomUUID() : run.id);
    decisions.push({ index, outcome, parentId });
  }

  const artifactIds = new Map<string, string>();
  for (const { index, outcome } of decisions) {
    if (outcome === 'skip') continue;
    for (const artifact of bundle.runs[index].artifacts) {
      const taken = outcome === 'copy' || (await db.artifacts.get(artifact.id)) !== undefined;
      artifactIds.set(artifact.id, taken ? crypto.randomUUID() : artifact.id);
    }
  }
  const modelVersionIds = new Map<string, string>();
  const model = bundle.model ? await decideModelVersion(db, bundle, modelVersionIds) : undefined;
  const maps: IdMaps = { runs: runIds, artifacts: artifactIds, modelVersions: modelVersionIds, data };
  const versionsHere = new Set(await db.modelVersions.toCollection().primaryKeys());

  for (const { index, outcome, parentId } of decisions) {
    const { run, metrics, logs, artifacts, checkpoint } = bundle.runs[index];
    const category = bundle.manifest.kind !== 'sweep' ? counts.runs : index === 0 ? counts.parent : counts.children;
    if (outcome === 'skip') {
      category.skipped++;
      continue;
    }
    category.imported++;
    const id = runIds.get(run.id) as string;
    const experimentId = experiments.get(run.experimentId) ?? ((await db.experiments.get(run.experimentId))?.id ?? (await ensureDefaultExperiment(db)).id);
    let record = rewriteRun(run, { id, parentId, experimentId }, maps, versionsHere);
    if (outcome === 'copy') {
      category.copied++;
      record = withNote(record, `Imported from a bundle on ${new Date(now).toISOString().slice(0, 10)} as a copy: this workspace already had a different run with id ${run.id}.`);
      notes.push(`“${run.name}” differs from the run with the same id already here: imported as a copy under a new id`);
    }
    await db.runs.add(record);
    await db.metrics.bulkAdd(metrics.map((m) => ({ ...m, runId: id })));
    await db.logs.bulkAdd(logs.map((l) => ({ ...l, runId: id })));
    await db.artifacts.bulkAdd(artifacts.map((a) => ({ ...a, id: artifactIds.get(a.id) as string, runId: id })));
    if (checkpoint) await db.checkpoints.add({ ...checkpoint, runId: id });
  }

  if (model) await writeModelVersion(db, bundle, model, maps, now, notes);
  const root = rootOf(bundle, runIds, model);
  return {
    kind: bundle.manifest.kind,
    title: bundle.manifest.title,
    root,
    ...(bundle.manifest.kind === 'sweep' ? { parent: { kind: bundle.runs[0].run.kind, counts: counts.parent } } : {}),
    runs: counts.runs,
    children: counts.children,
    ...(model ? { modelVersion: { outcome: model.outcome, modelName: model.modelName, version: model.number } } : {}),
    datasets,
    notes,
  };
}

function zero(): RunCounts {
  return { imported: 0, copied: 0, skipped: 0 };
}

/** Finds the dataset version a card describes here (by content), or stores the carried data as a new version. */
async function bindDataset(db: WorkspaceDb, dataset: BundleDataset, now: number): Promise<{ outcome: 'matched' | 'imported'; binding: DataBinding } | { outcome: 'missing' }> {
  const { card, data } = dataset;
  const hashes = [card.contentHash, ...(data ? [data.csvHash] : [])];
  const byId = await db.datasetVersions.get(card.versionId);
  const candidates = (await db.datasetVersions.where('contentHash').anyOf(hashes).toArray()).filter((v) => v.complete === 1);
  candidates.sort((a, b) => Number(b.datasetId === card.datasetId) - Number(a.datasetId === card.datasetId) || a.createdAt - b.createdAt);
  const here: DatasetVersionRecord | undefined = byId?.complete === 1 && hashes.includes(byId.contentHash) ? byId : candidates[0];
  if (here) return { outcome: 'matched', binding: { datasetId: here.datasetId, versionId: here.id, contentHash: here.contentHash } };
  if (!data) return { outcome: 'missing' };
  const versionId = byId ? crypto.randomUUID() : card.versionId;
  const existing = await db.datasets.get(card.datasetId);
  if (existing) await db.datasets.put({ ...existing, ...(existing.latestVersionId === undefined ? { latestVersionId: versionId } : {}), updatedAt: now });
  else {
    await db.datasets.add({
      id: card.datasetId,
      name: card.name.trim() || 'Imported data',
      ...(card.description === undefined ? {} : { description: card.description }),
      ...(card.target !== undefined && data.columns.some((c) => c.name === card.target) ? { target: card.target } : {}),
      createdAt: now,
      updatedAt: now,
      latestVersionId: versionId,
    });
  }
  const datasetId = card.datasetId;
  await db.datasetVersions.add({
    id: versionId,
    datasetId,
    contentHash: data.csvHash,
    format: 'csv',
    sourceName: data.sourceName,
    sizeBytes: data.csvBytes,
    rows: data.rows,
    chunkRows: data.chunkRows,
    columns: data.columns,
    profiles: data.profiles,
    issues: data.issues,
    ...(card.target !== undefined && data.columns.some((c) => c.name === card.target) ? { target: card.target } : {}),
    createdAt: now,
    complete: 1,
  });
  await db.columnChunks.bulkAdd(data.chunks.flatMap((column, c) => column.map((chunk, index) => ({ versionId, column: c, index, data: chunk }))));
  return { outcome: 'imported', binding: { datasetId, versionId, contentHash: data.csvHash } };
}

/** Where the bundle's model version goes here. */
interface ModelDecision {
  outcome: 'imported' | 'copied' | 'skipped';
  versionId: string;
  modelId: string;
  modelName: string;
  number: number;
}

async function decideModelVersion(db: WorkspaceDb, bundle: ReadBundle, ids: Map<string, string>): Promise<ModelDecision> {
  const { model, version } = bundle.model as NonNullable<ReadBundle['model']>;
  const existing = await db.modelVersions.get(version.id);
  if (existing && modelVersionContentKey(existing) === modelVersionContentKey(version)) {
    ids.set(version.id, version.id);
    const here = await db.models.get(existing.modelId);
    return { outcome: 'skipped', versionId: existing.id, modelId: existing.modelId, modelName: here?.name ?? model.name, number: existing.version };
  }
  const versionId = existing ? crypto.randomUUID() : version.id;
  ids.set(version.id, versionId);
  const here = (await db.models.get(model.id)) ?? (await db.models.where('name').equals(model.name).first());
  const modelId = here?.id ?? model.id;
  const taken = here ? await db.modelVersions.where('[modelId+version]').equals([modelId, version.version]).first() : undefined;
  const highest = here ? Math.max(here.latestVersion, ...(await db.modelVersions.where('modelId').equals(modelId).toArray()).map((v) => v.version)) : 0;
  const number = taken ? highest + 1 : version.version;
  return { outcome: existing ? 'copied' : 'imported', versionId, modelId, modelName: here?.name ?? model.name, number };
}

async function writeModelVersion(db: WorkspaceDb, bundle: ReadBundle, decision: ModelDecision, maps: IdMaps, now: number, notes: string[]): Promise<void> {
  const { model, version, files } = bundle.model as NonNullable<ReadBundle['model']>;
  const sourceRunId = version.sourceRunId === undefined ? undefined : (maps.runs.get(version.sourceRunId) ?? version.sourceRunId);
  if (decision.outcome !== 'skipped') {
    if (decision.number !== version.version) notes.push(`Version ${version.version} of “${decision.modelName}” is taken here by another version: imported as version ${decision.number}`);
    const aliases: string[] = [];
    for (const alias of version.aliases) {
      const holder = (await db.modelVersions.where('aliases').equals(alias).toArray()).find((v) => v.modelId === decision.modelId);
      if (holder) notes.push(`The alias “${alias}” already points at version ${holder.version} of “${decision.modelName}” here: left there, not moved`);
      else aliases.push(alias);
    }
    const here = await db.models.get(decision.modelId);
    const latestVersion = Math.max(here?.latestVersion ?? 0, decision.number);
    await db.models.put(here ? { ...here, latestVersion, updatedAt: now } : { ...model, latestVersion, updatedAt: now });
    const record: ModelVersionRecord = {
      ...version,
      id: decision.versionId,
      modelId: decision.modelId,
      version: decision.number,
      aliases,
      ...(sourceRunId === undefined ? {} : { sourceRunId }),
      source: version.source.kind === 'run' ? { ...version.source, runId: sourceRunId ?? version.source.runId } : version.source,
      lineage: rewriteLineage(version.lineage, maps),
    };
    await db.modelVersions.add(record);
    await db.modelFiles.bulkAdd(files.map((file) => ({ ...file, modelVersionId: decision.versionId })));
  }
  // A source run already here (skipped as a duplicate) gains the version among its outputs, as registering does.
  if (sourceRunId !== undefined) {
    const run = await db.runs.get(sourceRunId);
    if (run && !run.outputs.some((ref) => ref.kind === 'modelVersion' && ref.id === decision.versionId)) {
      await db.runs.put({ ...run, outputs: [...run.outputs, { kind: 'modelVersion', id: decision.versionId }], updatedAt: now });
    }
  }
}

function rootOf(bundle: ReadBundle, runIds: ReadonlyMap<string, string>, model: ModelDecision | undefined): BundleImportResult['root'] {
  if (model) return { kind: 'modelVersion', modelId: model.modelId, versionId: model.versionId };
  const root = bundle.runs[0].run;
  return { kind: root.kind === 'sweep' || root.kind === 'automl' ? root.kind : 'run', id: runIds.get(root.id) ?? root.id };
}

/** Appends a note to a run's notes, keeping within `MAX_NOTES_LENGTH`. */
function withNote(run: RunRecord, note: string): RunRecord {
  const before = run.notes?.trim() ? `${run.notes.trim()}\n\n` : '';
  const room = MAX_NOTES_LENGTH - note.length;
  return { ...run, notes: `${before.slice(0, Math.max(0, room))}${note}` };
}
