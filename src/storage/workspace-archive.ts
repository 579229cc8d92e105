/**
 * @file Export a whole workspace to one zip, and import such a zip as a new workspace (all or
 * nothing). Export streams (fflate `Zip`): records are read a page at a time and their binary
 * values go straight out as zip entries, so the workspace is not held twice in memory. Import
 * validates every entry before it is written and deletes the half-made database on any error.
 * Format: `archive-format.ts`; value markers: `archive-values.ts`.
 */
import { Dexie, type Table } from 'dexie';
import { Zip, unzipSync, type UnzipFileInfo } from 'fflate';
import {
  ARCHIVE_FORMAT,
  ARCHIVE_FORMAT_VERSION,
  MANIFEST_ENTRY,
  MAX_BINARY_BYTES,
  MAX_MANIFEST_BYTES,
  MAX_TABLE_FILE_BYTES,
  binaryEntryName,
  checkRecordShape,
  isBinaryEntry,
  parseManifest,
  tableEntryName,
  tableOfEntry,
  type ArchiveManifest,
} from './archive-format';
import { decodeValue, encodeValue, materializeBinary, type BinaryRef, type PendingBinary } from './archive-values';
import { addBinaryEntry, addTextEntry, checkEntrySize, entryBytes, unzipSelected, utf8Text } from './archive-zip';
import { closeWorkspaceDb, getMetaDb, getWorkspaceDb } from './connections';
import type { WorkspaceRecord } from './records';
import { markInterruptedRuns } from './run-recovery';
import { isQuotaError } from './storage-health';
import { WORKSPACE_SCHEMA_VERSION, openWorkspaceDbAtVersion, primaryKeyFields, workspaceDbName, workspaceTablesAt, type WorkspaceDb } from './workspace-schema';
import { getWorkspace, listWorkspaces } from './workspaces';

/** An archive that cannot be imported (or a workspace that cannot be exported); the message says why. */
export class WorkspaceArchiveError extends Error {
  override name = 'WorkspaceArchiveError';
}

/** Options of an export. */
export interface ExportOptions {
  /** Written to the manifest. */
  appVersion?: string;
}

/** Records read per database request while exporting. */
const EXPORT_PAGE = 32;
/** Records written per transaction while importing. */
const IMPORT_BATCH = 64;

/** Exports workspace `workspaceId` as one zip file. */
export async function exportWorkspace(workspaceId: string, options: ExportOptions = {}): Promise<Blob> {
  const parts: Uint8Array[] = [];
  await writeWorkspaceArchive(workspaceId, (chunk) => parts.push(chunk), options);
  return new Blob(parts as BlobPart[], { type: 'application/zip' });
}

/** Exports workspace `workspaceId` as a stream of zip bytes (to pipe into a file without holding the zip). */
export function exportWorkspaceStream(workspaceId: string, options: ExportOptions = {}): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      try {
        await writeWorkspaceArchive(workspaceId, (chunk) => controller.enqueue(chunk), options);
        controller.close();
      } catch (err) {
        controller.error(err);
      }
    },
  });
}

/** Writes the archive of a workspace, calling `emit` with each piece of zip output in order. */
export async function writeWorkspaceArchive(workspaceId: string, emit: (chunk: Uint8Array) => void, options: ExportOptions = {}): Promise<void> {
  const workspace = await getWorkspace(workspaceId);
  if (!workspace) throw new WorkspaceArchiveError(`Workspace "${workspaceId}" does not exist`);
  const db = getWorkspaceDb(workspaceId);
  let zipError: unknown;
  let finished = false;
  const zip = new Zip((err, data, final) => {
    if (err) zipError = err;
    else emit(data);
    if (final) finished = true;
  });
  const tables: Record<string, { rows: number }> = {};
  let binCount = 0;
  const nextName = () => binaryEntryName(binCount++);
  // Staging versions are not part of the lab yet: neither they nor their chunks are exported.
  const completeVersions = new Set(await db.datasetVersions.where('complete').equals(1).primaryKeys());
  const keep: Record<string, (record: Record<string, unknown>) => boolean> = {
    datasetVersions: (r) => completeVersions.has(r.id as string),
    columnChunks: (r) => completeVersions.has(r.versionId as string),
  };
  for (const table of workspaceTablesAt(WORKSPACE_SCHEMA_VERSION).keys()) {
    const store = db.table(table) as Table<Record<string, unknown>, unknown>;
    const keys = await store.toCollection().primaryKeys();
    const lines: string[] = [];
    for (let start = 0; start < keys.length; start += EXPORT_PAGE) {
      const page = (await store.bulkGet(keys.slice(start, start + EXPORT_PAGE))).filter((r) => r !== undefined);
      for (const record of page) {
        if (keep[table] && !keep[table](record)) continue;
        const binaries: PendingBinary[] = [];
        const encoded = encodeValue(record, nextName, binaries, `${table}[${lines.length}]`);
        for (const binary of binaries) await addBinaryEntry(zip, binary);
        lines.push(JSON.stringify(encoded));
      }
      if (zipError) throw zipError;
    }
    // The table file follows its binaries: fflate buffers an entry's output while an earlier one is open.
    addTextEntry(zip, tableEntryName(table), lines.length ? `${lines.join('\n')}\n` : '');
    tables[table] = { rows: lines.length };
  }
  const manifest: ArchiveManifest = {
    format: ARCHIVE_FORMAT,
    formatVersion: ARCHIVE_FORMAT_VERSION,
    schemaVersion: WORKSPACE_SCHEMA_VERSION,
    ...(options.appVersion === undefined ? {} : { appVersion: options.appVersion }),
    workspaceName: workspace.name,
    exportedAt: new Date().toISOString(),
    tables,
  };
  addTextEntry(zip, MANIFEST_ENTRY, JSON.stringify(manifest, null, 2));
  zip.end();
  if (zipError) throw zipError;
  if (!finished) throw new WorkspaceArchiveError('The zip writer did not finish');
}

/**
 * Imports an archive made by `exportWorkspace` as a NEW workspace, named after the archive's
 * workspace ("X (imported)" when the name is taken). All or nothing: on any error the new database
 * is deleted and a `WorkspaceArchiveError` names what was wrong.
 */
export async function importWorkspace(file: Blob): Promise<WorkspaceRecord> {
  const archive = new Uint8Array(await file.arrayBuffer());
  const { manifest, tableFiles, binaries } = readArchiveIndex(archive);
  const workspaceId = crypto.randomUUID();
  const dbName = workspaceDbName(workspaceId);
  let db: WorkspaceDb | undefined;
  try {
    db = openWorkspaceDbAtVersion(dbName, manifest.schemaVersion);
    await db.open();
    const used = new Set<string>();
    for (const [table, text] of tableFiles) {
      await importTable(db, archive, table, text, manifest, binaries, used);
    }
    db.close();
    db = undefined;
    // Reopening with the current schema runs the upgrades of an archive from an older version.
    const upgraded = getWorkspaceDb(workspaceId);
    await upgraded.open();
    // Nothing executes in a workspace that was just imported: a run exported mid-run resumes from its checkpoint.
    await markInterruptedRuns(upgraded, () => false);
    const now = Date.now();
    const record: WorkspaceRecord = { id: workspaceId, name: await importedName(manifest.workspaceName), createdAt: now, updatedAt: now };
    await getMetaDb().workspaces.add(record);
    return record;
  } catch (err) {
    db?.close();
    closeWorkspaceDb(workspaceId);
    await Dexie.delete(dbName);
    if (err instanceof WorkspaceArchiveError) throw err;
    if (isQuotaError(err)) throw new WorkspaceArchiveError('Not enough storage space to import this workspace; free some space (delete datasets or workspaces) and try again', { cause: err });
    throw new WorkspaceArchiveError(`Could not import the workspace: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

interface ArchiveIndex {
  manifest: ArchiveManifest;
  /** Table name → its JSON-lines text, in schema order. */
  tableFiles: Map<string, string>;
  /** Binary entry name → its uncompressed size. */
  binaries: Map<string, number>;
}

/** Lists the zip's entries and reads the manifest and table files (not the binaries); validates what it can. */
function readArchiveIndex(archive: Uint8Array): ArchiveIndex {
  const entries = new Map<string, UnzipFileInfo>();
  const small = unzipSelected(
    archive,
    (info) => {
      if (entries.has(info.name)) throw new WorkspaceArchiveError(`The archive has two entries named "${info.name}"`);
      entries.set(info.name, info);
      if (info.name === MANIFEST_ENTRY) return checkSize(info, MAX_MANIFEST_BYTES);
      if (tableOfEntry(info.name) !== undefined) return checkSize(info, MAX_TABLE_FILE_BYTES);
      if (isBinaryEntry(info.name)) checkSize(info, MAX_BINARY_BYTES);
      // Binaries are read batch by batch later; anything else is ignored and never decompressed.
      return false;
    },
    archiveFail,
  );
  const manifestBytes = entryBytes(small, MANIFEST_ENTRY);
  if (!manifestBytes) throw new WorkspaceArchiveError('manifest.json is missing: this is not a Benchtop workspace archive');
  let manifest: ArchiveManifest;
  try {
    manifest = parseManifest(JSON.parse(utf8(manifestBytes, MANIFEST_ENTRY)), WORKSPACE_SCHEMA_VERSION);
  } catch (err) {
    throw new WorkspaceArchiveError(err instanceof SyntaxError ? `manifest.json is not valid JSON: ${err.message}` : (err as Error).message, { cause: err });
  }
  const known = workspaceTablesAt(manifest.schemaVersion);
  const listed = Object.keys(manifest.tables);
  const present = [...entries.keys()].map(tableOfEntry).filter((t): t is string => t !== undefined);
  for (const table of [...listed, ...present]) {
    if (!known.has(table)) throw new WorkspaceArchiveError(`table '${table}' is not a Benchtop table (schema version ${manifest.schemaVersion} has: ${[...known.keys()].join(', ')})`);
  }
  const tableFiles = new Map<string, string>();
  for (const table of known.keys()) {
    const bytes = entryBytes(small, tableEntryName(table));
    const inManifest = Object.hasOwn(manifest.tables, table);
    if (!bytes && inManifest) throw new WorkspaceArchiveError(`${tableEntryName(table)} is missing, though manifest.json lists table '${table}'`);
    if (bytes && !inManifest) throw new WorkspaceArchiveError(`manifest.json does not list table '${table}', though ${tableEntryName(table)} is present`);
    if (bytes) tableFiles.set(table, utf8(bytes, tableEntryName(table)));
  }
  const binaries = new Map<string, number>();
  for (const [name, info] of entries) if (isBinaryEntry(name)) binaries.set(name, info.originalSize);
  return { manifest, tableFiles, binaries };
}

function archiveFail(message: string, cause?: unknown): WorkspaceArchiveError {
  return new WorkspaceArchiveError(message, cause === undefined ? undefined : { cause });
}

function checkSize(info: UnzipFileInfo, max: number): boolean {
  return checkEntrySize(info, max, archiveFail);
}

function utf8(bytes: Uint8Array, entry: string): string {
  return utf8Text(bytes, entry, archiveFail);
}

/** Decodes, validates and writes one table's records, batch by batch, reading their binaries per batch. */
async function importTable(
  db: WorkspaceDb,
  archive: Uint8Array,
  table: string,
  text: string,
  manifest: ArchiveManifest,
  binaries: Map<string, number>,
  used: Set<string>,
): Promise<void> {
  const entry = tableEntryName(table);
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const expected = manifest.tables[table].rows;
  if (lines.length !== expected) throw new WorkspaceArchiveError(`${entry} has ${lines.length} records; manifest.json says ${expected}`);
  const primaryKey = primaryKeyFields(workspaceTablesAt(manifest.schemaVersion).get(table) ?? '');
  for (let start = 0; start < lines.length; start += IMPORT_BATCH) {
    const parsed = lines.slice(start, start + IMPORT_BATCH).map((line, i) => {
      try {
        return JSON.parse(line) as unknown;
      } catch {
        throw new WorkspaceArchiveError(`${entry} line ${start + i + 1} is not valid JSON`);
      }
    });
    // First pass: list the references, check each exists and is used once.
    const wanted = new Set<string>();
    parsed.forEach((json, i) => {
      const where = `${entry} line ${start + i + 1}`;
      withContext(where, () =>
        decodeValue(json, (ref) => {
          if (!binaries.has(ref.name)) throw new Error(`references ${ref.name}, which is not in the archive`);
          if (used.has(ref.name) || wanted.has(ref.name)) throw new Error(`references ${ref.name} a second time`);
          wanted.add(ref.name);
          return undefined;
        }),
      );
    });
    const bytes = wanted.size ? unzipSync(archive, { filter: (info) => wanted.has(info.name) }) : {};
    const records = parsed.map((json, i) => {
      const where = `${entry} line ${start + i + 1}`;
      return withContext(where, () => {
        const record = decodeValue(json, (ref: BinaryRef, path) => {
          const data = entryBytes(bytes, ref.name);
          if (!data || data.byteLength !== binaries.get(ref.name)) throw new Error(`${ref.name} could not be read in full`);
          used.add(ref.name);
          return materializeBinary(ref, data, path);
        });
        checkRecordShape(table, record, primaryKey);
        return record;
      });
    });
    try {
      await db.table(table).bulkAdd(records);
    } catch (err) {
      if (err instanceof Dexie.BulkError && !isQuotaError(err)) {
        throw new WorkspaceArchiveError(`${entry} has records that cannot be stored (duplicate keys?): ${err.message}`, { cause: err });
      }
      throw err;
    }
  }
}

function withContext<T>(where: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof WorkspaceArchiveError) throw err;
    throw new WorkspaceArchiveError(`${where} ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** The archive's workspace name when free, else "X (imported)", "X (imported 2)", ... */
async function importedName(name: string): Promise<string> {
  const taken = new Set((await listWorkspaces()).map((w) => w.name));
  if (!taken.has(name)) return name;
  const base = `${name.slice(0, 80)} (imported`;
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? `${base})` : `${base} ${n})`;
    if (!taken.has(candidate)) return candidate;
  }
}
