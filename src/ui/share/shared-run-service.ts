/**
 * @file Opening a shared run: where the viewer's copy of the data will come from (already in the workspace, the app's
 * sample, the link itself, or a file the viewer picks), hash checks before anything is imported, and the re-run on
 * this machine when, and only when, the viewer clicks. Reading is all this module does until `rerunShared`.
 */
import type { SampleDataset } from '../../core/catalog/sample-manifest';
import { hashBlob } from '../../core/ingest/content-hash';
import type { RerunMetrics } from '../../core/share/compare';
import type { SharePayload } from '../../core/share/payload';
import { rebindSpec, sharedSpecKey } from '../../core/share/rebind';
import type { ImportRequest } from '../../protocol/import';
import type { DatasetVersionRecord, RunRecord } from '../../storage/records';
import { datasetService } from '../datasets/dataset-service';
import { importJobs } from '../datasets/import-jobs.svelte';
import { sampleToImportRequest } from '../datasets/import-requests';
import { loadSampleManifest } from '../datasets/samples';
import { runService } from '../runs/run-service';
import { workspaceState } from '../settings/workspace-state.svelte';
import { formatBytes } from './share-service';

/** The tag of every re-run of a shared run: how the shared page finds its re-runs again after a reload. */
export const SHARED_RERUN_TAG = 'shared re-run';

/** Where the viewer's copy of the data comes from. */
export type DataPlan =
  /** A complete version with the link's hash is already in this workspace. */
  | { kind: 'local'; datasetName: string; version: DatasetVersionRecord }
  /** The app's own sample, with the same content hash. */
  | { kind: 'sample'; sample: SampleDataset }
  /** The CSV in the link, whose hash was checked. */
  | { kind: 'embedded'; rows: number }
  /** The viewer must pick the file; its hash is checked before it is imported. */
  | { kind: 'file' }
  /** Nothing can be re-run: why. */
  | { kind: 'unavailable'; message: string };

function workspaceId(): string {
  const id = workspaceState.current?.id;
  if (!id) throw new Error('No workspace is open');
  return id;
}

/** The hashes a local version may have to serve the link: the declared one, and for embedded data the original's. */
function acceptedHashes(payload: SharePayload): string[] {
  const { dataset } = payload;
  return dataset.kind === 'embedded' ? [dataset.contentHash, dataset.sourceHash] : [dataset.contentHash];
}

/** Works out where the data will come from. Reads only: nothing is stored. */
export async function planData(payload: SharePayload): Promise<DataPlan> {
  const hashes = acceptedHashes(payload);
  for (const summary of await datasetService.listDatasets()) {
    const detail = await datasetService.getDataset(summary.dataset.id);
    const version = detail?.versions.find((v) => hashes.includes(v.contentHash));
    if (detail && version) return { kind: 'local', datasetName: detail.dataset.name, version };
  }
  const { dataset } = payload;
  switch (dataset.kind) {
    case 'sample': {
      const manifest = await loadSampleManifest();
      const sample = manifest.datasets.find((s) => s.id === dataset.sampleId);
      if (!sample) return { kind: 'unavailable', message: `This app has no sample “${dataset.sampleId}”; the link was made by another version of Benchtop` };
      if (sample.sha256 !== dataset.contentHash) {
        return { kind: 'unavailable', message: `This app's copy of the sample “${sample.name}” differs from the one the run read (content ${dataset.contentHash.slice(0, 12)}…, here ${sample.sha256.slice(0, 12)}…)` };
      }
      return { kind: 'sample', sample };
    }
    case 'embedded': {
      const actual = await hashBlob(new Blob([dataset.csv]));
      if (actual !== dataset.contentHash) {
        return { kind: 'unavailable', message: `The data in this link does not match its declared content hash (${dataset.contentHash.slice(0, 12)}…, found ${actual.slice(0, 12)}…): the link was altered` };
      }
      return { kind: 'embedded', rows: countLines(dataset.csv) - 1 };
    }
    case 'file':
      if (dataset.format === 'images') {
        return { kind: 'unavailable', message: `The run read an image set (“${dataset.sourceName}”, content ${dataset.contentHash.slice(0, 12)}…). Import the same images on the Data page first; this link then finds them by their content hash` };
      }
      return { kind: 'file' };
  }
}

/** Checks a picked file against the link's data: its size, then its SHA-256. Throws a message naming both. */
export async function checkPickedFile(payload: SharePayload, file: File): Promise<void> {
  const { dataset } = payload;
  if (dataset.kind !== 'file') throw new Error('This link does not ask for a file');
  if (file.size !== dataset.sizeBytes) {
    throw new Error(`“${file.name}” is ${formatBytes(file.size)}; the run read ${formatBytes(dataset.sizeBytes)} (“${dataset.sourceName}”). Pick that file`);
  }
  const hash = await hashBlob(file);
  if (hash !== dataset.contentHash) {
    throw new Error(`“${file.name}” has other content than the file the run read (content ${hash.slice(0, 12)}…; expected ${dataset.contentHash.slice(0, 12)}…). Pick the same file`);
  }
}

/**
 * Re-runs the shared run here: imports the data if needed (the sample, the link's CSV, or the checked file), applies
 * the sharer's column types, and queues the shared spec and seed on that version. The viewer's click calls this.
 */
export async function rerunShared(payload: SharePayload, plan: DataPlan, file?: File): Promise<RunRecord> {
  let version = await versionFor(payload, plan, file);
  if (!acceptedHashes(payload).includes(version.contentHash)) {
    throw new Error(`The imported data has content ${version.contentHash.slice(0, 12)}…; the link expects ${payload.dataset.contentHash.slice(0, 12)}…. Nothing was run`);
  }
  const changes = payload.dataset.columnTypes.filter((t) => version.columns.some((c) => c.name === t.column && c.type !== t.type));
  if (changes.length > 0) {
    await datasetService.retypeColumns(version, changes);
    version = await requireVersion(version.datasetId, version.id);
  }
  const spec = rebindSpec(payload.spec, { datasetId: version.datasetId, versionId: version.id, contentHash: version.contentHash });
  const name = `${payload.run.name.slice(0, 180)} (shared re-run)`;
  const run = await runService.enqueueSpec(spec, { name });
  await runService.setTags(run.id, [SHARED_RERUN_TAG]);
  return run;
}

async function versionFor(payload: SharePayload, plan: DataPlan, file: File | undefined): Promise<DatasetVersionRecord> {
  const { dataset } = payload;
  const target = payload.spec.data.target;
  switch (plan.kind) {
    case 'local':
      return plan.version;
    case 'sample':
      return imported(plan.sample.name, sampleToImportRequest(workspaceId(), plan.sample, document.baseURI));
    case 'embedded': {
      if (dataset.kind !== 'embedded') throw new Error('This link does not embed its data');
      const csv = new File([dataset.csv], dataset.sourceName, { type: 'text/csv' });
      return imported(dataset.name, { workspaceId: workspaceId(), source: { kind: 'file', file: csv }, datasetName: dataset.name, format: 'csv', target });
    }
    case 'file': {
      if (!file || dataset.kind !== 'file') throw new Error('Pick the file the run read first');
      await checkPickedFile(payload, file); // again: the file may have changed on disk since it was picked
      return imported(dataset.name, { workspaceId: workspaceId(), source: { kind: 'file', file }, datasetName: dataset.name, format: dataset.format, target });
    }
    case 'unavailable':
      throw new Error(plan.message);
  }
}

/** Runs an import (shown with the app's other imports) and returns the version it made or reused. */
async function imported(label: string, request: ImportRequest): Promise<DatasetVersionRecord> {
  const job = importJobs.start(label, request);
  const result = await job.finished;
  if (!result) throw new Error(job.error ?? 'The import was canceled');
  return requireVersion(result.datasetId, result.versionId);
}

async function requireVersion(datasetId: string, versionId: string): Promise<DatasetVersionRecord> {
  const version = (await datasetService.getDataset(datasetId))?.versions.find((v) => v.id === versionId);
  if (!version) throw new Error(`Dataset version ${versionId} is not in this workspace`);
  return version;
}

/** This workspace's re-runs of the shared run (same spec and seed, any copy of the data), newest first. */
export async function findReruns(payload: SharePayload): Promise<RunRecord[]> {
  const key = sharedSpecKey(payload.spec);
  const runs = await runService.listRuns({ tag: SHARED_RERUN_TAG });
  return runs.filter((run) => sharedSpecKey(run.spec) === key);
}

/** The re-run's metrics for the keys the shared run recorded, in the payload's form. */
export async function rerunMetrics(run: RunRecord, payload: SharePayload): Promise<RerunMetrics> {
  const series = await Promise.all(
    payload.metrics.series.map(async (shared) => {
      const points = await runService.metricSeries(run.id, shared.key);
      return { key: shared.key, steps: points.map((p) => p.step), values: points.map((p) => (Number.isFinite(p.value) ? p.value : null)) };
    }),
  );
  const summary = run.summary.map((m) => ({ key: m.key, value: Number.isFinite(m.value) ? m.value : null }));
  return { series: series.filter((s) => s.steps.length > 0), summary };
}

function countLines(text: string): number {
  let lines = 0;
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) inQuotes = !inQuotes;
    else if (c === 10 && !inQuotes) lines++;
  }
  return lines;
}
