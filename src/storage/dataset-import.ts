/**
 * @file The import job: core ingest streaming into a staged version, committed all-or-nothing.
 * Runs in the import worker (workers/import.worker.ts); testable in Node with fake-indexeddb.
 */
import type { ColumnProfile, ColumnSchema, ColumnType } from '../protocol/dataset';
import type { ImportProgress, ImportRequest, ImportResult, RetypeResult } from '../protocol/import';
import { detectFormat, ingestTable, type IngestInput } from '../core/ingest/ingest';
import { convertChunk } from '../core/table/convert-chunk';
import { ColumnProfiler } from '../core/table/profile';
import { getWorkspaceDb } from './connections';
import { getVersion, updateColumnTypes } from './datasets';
import { chunkCount, readChunk } from './chunks';
import { beginStagedVersion, withImportLock } from './staged-version';
import { isQuotaError } from './storage-health';
import type { WorkspaceDb } from './workspace-schema';

/** Largest sample file fetched by URL (the shipped samples are a few MB). */
const MAX_URL_BYTES = 512 * 1024 * 1024;

/** Import `request.source` as a version of a dataset; progress through `onProgress`. Nothing is kept on failure. */
export async function importDataset(
  request: ImportRequest,
  onProgress: (progress: ImportProgress) => void,
  options: { signal?: AbortSignal; hashBlob?: (blob: Blob) => Promise<string> } = {},
): Promise<ImportResult> {
  const { signal, hashBlob } = options;
  const db = getWorkspaceDb(request.workspaceId);
  const input = await resolveInput(request, signal);
  const datasetId = request.datasetId ?? (await findDatasetFor(db, request));
  const versionId = crypto.randomUUID();
  const sizeBytes = input.blob?.size ?? input.files?.reduce((sum, f) => sum + f.blob.size, 0) ?? 0;
  return withImportLock(versionId, async () => {
    const staged = await beginStagedVersion(db, {
      versionId,
      ...(datasetId === undefined ? {} : { datasetId }),
      datasetName: request.datasetName,
      ...(request.description === undefined ? {} : { description: request.description }),
      ...(request.sampleId === undefined ? {} : { sampleId: request.sampleId }),
      ...(request.target === undefined ? {} : { target: request.target }),
      format: input.format,
      sourceName: input.name,
      sizeBytes,
    });
    try {
      const table = await ingestTable(input, staged, { signal, onProgress, ...(hashBlob ? { hashBlob } : {}) });
      const target = request.target !== undefined && table.columns.some((c) => c.name === request.target) ? request.target : undefined;
      const committed = await staged.commit({
        contentHash: table.contentHash,
        rows: table.rows,
        columns: table.columns,
        profiles: table.profiles,
        issues: table.issues,
        ...(target === undefined ? {} : { target }),
      });
      const version = committed.reused ? await getVersion(db, committed.versionId) : undefined;
      return {
        datasetId: committed.datasetId,
        versionId: committed.versionId,
        reused: committed.reused,
        rows: version?.rows ?? table.rows,
        columns: version?.columns ?? table.columns,
        issues: version?.issues ?? table.issues,
      };
    } catch (err) {
      await staged.abort().catch(() => undefined);
      throw explainStorageError(err);
    }
  });
}

/** Turn a quota error into one clear message; other errors pass through. */
export function explainStorageError(err: unknown): unknown {
  if (isQuotaError(err)) {
    return new Error('Browser storage is full: the import was stopped and nothing of it was kept. Delete datasets you no longer need (each dataset page has Delete), or export a workspace and delete it (Settings), then try again.');
  }
  return err;
}

/** The dataset a request adds a version to: same sample, else same name; undefined for a new dataset. */
async function findDatasetFor(db: WorkspaceDb, request: ImportRequest): Promise<string | undefined> {
  const all = await db.datasets.toArray();
  const match = request.sampleId !== undefined ? all.find((d) => d.sampleId === request.sampleId) : all.find((d) => d.name === request.datasetName && d.sampleId === undefined);
  return match?.id;
}

async function resolveInput(request: ImportRequest, signal?: AbortSignal): Promise<IngestInput> {
  const { source } = request;
  switch (source.kind) {
    case 'file': {
      const head = new Uint8Array(await source.file.slice(0, 8).arrayBuffer());
      const format = request.format ?? detectFormat(source.file.name, head);
      return { format, name: source.file.name, blob: source.file };
    }
    case 'files':
      return { format: 'images', name: request.datasetName, files: source.files.map((f) => ({ path: f.path, blob: f.file })) };
    case 'url': {
      const url = new URL(source.url, globalThis.location?.href);
      if (globalThis.location && url.origin !== globalThis.location.origin) {
        throw new Error(`Only same-origin sample files can be opened; "${url.origin}" is another origin`);
      }
      const response = await fetch(url, { signal }).catch((err: unknown) => {
        if (err instanceof DOMException && err.name === 'AbortError') throw err;
        throw new Error(`Could not download "${source.name}": the network is unreachable and this file was not saved for offline use yet (it is saved the first time it is opened online)`);
      });
      if (!response.ok) throw new Error(`Could not download "${source.name}": the server answered ${response.status}`);
      const declared = Number(response.headers.get('content-length') ?? 0);
      if (declared > MAX_URL_BYTES) throw new Error(`"${source.name}" is ${declared} bytes; samples may be at most ${MAX_URL_BYTES}`);
      const blob = await response.blob();
      return { format: request.format ?? detectFormat(source.name), name: source.name, blob };
    }
  }
}

/**
 * Override column types: profiles are recomputed from the stored chunks converted to the new types.
 * Chunks themselves are not rewritten, so a change is never lossy and can be undone.
 */
export async function retypeColumns(workspaceId: string, versionId: string, changes: { column: string; type: ColumnType }[]): Promise<RetypeResult> {
  const db = getWorkspaceDb(workspaceId);
  const version = await getVersion(db, versionId);
  if (!version) throw new Error(`Dataset version ${versionId} does not exist`);
  const columns: ColumnSchema[] = version.columns.map((c) => ({ ...c }));
  const profiles: ColumnProfile[] = [...version.profiles];
  const notes: string[] = [];
  const chunks = chunkCount(version.rows, version.chunkRows);
  for (const change of changes) {
    const index = columns.findIndex((c) => c.name === change.column);
    if (index < 0) throw new Error(`Column "${change.column}" is not in this dataset; expected one of ${columns.map((c) => `"${c.name}"`).join(', ')}`);
    const column = columns[index];
    const profiler = new ColumnProfiler(column.name, change.type);
    let unparseable = 0;
    let first: { row: number; value: string } | undefined;
    for (let i = 0; i < chunks; i++) {
      const converted = convertChunk(await readChunk(db, versionId, index, i), column.inferredType, change.type);
      unparseable += converted.unparseable;
      if (!first && converted.firstUnparseable) first = { row: i * version.chunkRows + converted.firstUnparseable.row + 1, value: converted.firstUnparseable.value };
      profiler.add(converted.data);
    }
    const profile = profiler.result();
    if (unparseable > 0 && profile.count === 0) {
      throw new Error(`Column "${column.name}" has ${unparseable} values and none reads as ${change.type} (first at row ${first?.row}: "${first?.value}"); kept as ${column.type}`);
    }
    if (unparseable > 0 && first) {
      notes.push(`Column "${column.name}" has ${unparseable} values that are not ${change.type} (first at row ${first.row}: "${first.value}"); they count as missing`);
    }
    columns[index] = { ...column, type: change.type };
    profiles[index] = profile;
  }
  await updateColumnTypes(db, versionId, columns, profiles);
  return { columns, notes };
}
