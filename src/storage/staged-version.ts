/**
 * @file All-or-nothing import writes. An import stages a dataset version (`complete: 0`), writes
 * its chunks through the core `ChunkStore` interface, then either commits (final metadata, the
 * dataset row, `complete: 1` last, one transaction) or aborts (version and chunks deleted).
 * A tab closed or a worker killed mid-import leaves a staging version behind; the sweeper deletes
 * it once no import holds its Web Lock (`importLockName`).
 */
import { lockSnapshot, withLock } from './web-locks';
import type { ChunkStore } from '../core/table/chunk-store';
import { CHUNK_ROWS } from '../core/table/column-types';
import type { ChunkData, ColumnProfile, ColumnSchema, ImportFormat, ImportIssue } from '../protocol/dataset';
import { chunkByteSize, chunkCount, deleteVersionChunks } from './chunks';
import type { ColumnChunkRecord, DatasetRecord, DatasetVersionRecord } from './records';
import type { WorkspaceDb } from './workspace-schema';

/** What is known when an import starts. */
export interface StagedVersionInit {
  /** Pass one to take the version's import lock before the row exists; a new UUID otherwise. */
  versionId?: string;
  /** Add the version to this dataset; a new dataset (created at commit) otherwise. */
  datasetId?: string;
  /** Name of the dataset created at commit (ignored when the dataset exists). */
  datasetName: string;
  description?: string;
  sampleId?: string;
  target?: string;
  format: ImportFormat;
  sourceName: string;
  sizeBytes: number;
  /** Rows per chunk; `CHUNK_ROWS` by default. */
  chunkRows?: number;
  /** When hashed before parsing. */
  contentHash?: string;
}

/** What is known when an import finishes. */
export interface StagedVersionCommit {
  contentHash: string;
  rows: number;
  columns: ColumnSchema[];
  profiles: ColumnProfile[];
  issues: ImportIssue[];
  target?: string;
}

/** Where a committed import ended up. */
export interface StagedVersionResult {
  datasetId: string;
  versionId: string;
  /** True when a complete version with the same content hash already existed: it is returned and the staged one deleted. */
  reused: boolean;
}

/** Flush buffered chunks once they hold this many bytes... */
const FLUSH_BYTES = 16 * 1024 * 1024;
/** ...or this many chunks (one IndexedDB transaction per flush). */
const FLUSH_CHUNKS = 64;

/** Name of the Web Lock an import holds for the whole life of its staged version. */
export function importLockName(versionId: string): string {
  return `benchtop-import:${versionId}`;
}

/** Creates the staging version row and returns the writer. */
export async function beginStagedVersion(db: WorkspaceDb, init: StagedVersionInit): Promise<StagedVersion> {
  const chunkRows = init.chunkRows ?? CHUNK_ROWS;
  if (!Number.isInteger(chunkRows) || chunkRows < 1) throw new RangeError(`chunkRows is ${chunkRows}; expected a positive integer`);
  const row: DatasetVersionRecord = {
    id: init.versionId ?? crypto.randomUUID(),
    datasetId: init.datasetId ?? crypto.randomUUID(),
    contentHash: init.contentHash ?? '',
    format: init.format,
    sourceName: init.sourceName,
    sizeBytes: init.sizeBytes,
    rows: 0,
    chunkRows,
    columns: [],
    profiles: [],
    issues: [],
    ...(init.target === undefined ? {} : { target: init.target }),
    createdAt: Date.now(),
    complete: 0,
  };
  await db.datasetVersions.add(row);
  return new StagedVersion(db, row, init);
}

type StagedState = 'open' | 'committed' | 'aborted';

/**
 * A dataset version being imported: a `ChunkStore` that batches chunk writes into few
 * transactions. Use from one import only; `commit` or `abort` exactly once (abort after a
 * commit failure is allowed and cleans up).
 */
export class StagedVersion implements ChunkStore {
  readonly versionId: string;
  readonly datasetId: string;
  readonly chunkRows: number;
  readonly #db: WorkspaceDb;
  readonly #init: StagedVersionInit;
  #state: StagedState = 'open';
  #buffer = new Map<string, ColumnChunkRecord>();
  #bufferBytes = 0;
  /** Batches handed to the flush chain that are not written yet (oldest first): still readable. */
  #pending: Map<string, ColumnChunkRecord>[] = [];
  #flushChain: Promise<void> = Promise.resolve();
  #failure: unknown;

  constructor(db: WorkspaceDb, row: DatasetVersionRecord, init: StagedVersionInit) {
    this.#db = db;
    this.#init = init;
    this.versionId = row.id;
    this.datasetId = row.datasetId;
    this.chunkRows = row.chunkRows;
  }

  /**
   * Buffers a chunk (replacing one with the same key). When the buffer is full it is handed to the database
   * while parsing goes on: the call waits only for the batch before it, so IndexedDB's commit time overlaps the
   * parse and at most two batches are held in memory.
   */
  async write(column: number, index: number, data: ChunkData): Promise<void> {
    this.#assertWritable();
    const key = `${column}:${index}`;
    const previous = this.#buffer.get(key);
    if (previous) this.#bufferBytes -= chunkByteSize(previous.data);
    this.#buffer.set(key, { versionId: this.versionId, column, index, data });
    this.#bufferBytes += chunkByteSize(data);
    if (this.#bufferBytes >= FLUSH_BYTES || this.#buffer.size >= FLUSH_CHUNKS) {
      const before = this.#flushChain;
      this.#startFlush();
      await before;
      if (this.#failure !== undefined) throw this.#failure;
    }
  }

  /** Reads a chunk written earlier, buffered or stored. */
  async read(column: number, index: number): Promise<ChunkData> {
    const key = `${column}:${index}`;
    let buffered = this.#buffer.get(key);
    for (let i = this.#pending.length - 1; !buffered && i >= 0; i--) buffered = this.#pending[i].get(key);
    if (buffered) return buffered.data;
    const row = await this.#db.columnChunks.get([this.versionId, column, index]);
    if (!row) throw new Error(`Chunk ${index} of column ${column} was not written to staged version "${this.versionId}"`);
    return row.data;
  }

  /** Writes buffered chunks to the database; rejects with the first write failure (a quota error, a deleted version). */
  async flush(): Promise<void> {
    this.#startFlush();
    await this.#flushChain;
    if (this.#failure !== undefined) throw this.#failure;
  }

  /** Hands the buffer to the flush chain (batches are written in order, one transaction each). */
  #startFlush(): void {
    if (this.#buffer.size === 0) return;
    const batch = this.#buffer;
    this.#buffer = new Map();
    this.#bufferBytes = 0;
    this.#pending.push(batch);
    this.#flushChain = this.#flushChain.then(() => this.#writeBatch(batch));
  }

  /**
   * Flushes, then in one transaction: checks every chunk is there, writes the final metadata,
   * creates or updates the dataset (its `latestVersionId`), and sets `complete: 1` last.
   * When a complete version with the same content hash exists, returns it and deletes this one.
   */
  async commit(meta: StagedVersionCommit): Promise<StagedVersionResult> {
    this.#assertWritable();
    if (meta.columns.length !== meta.profiles.length) {
      throw new Error(`Commit has ${meta.columns.length} columns but ${meta.profiles.length} profiles; expected one profile per column`);
    }
    if (!Number.isInteger(meta.rows) || meta.rows < 0) throw new RangeError(`Commit has ${meta.rows} rows; expected an integer ≥ 0`);
    if (meta.contentHash.length === 0) throw new Error('Commit has an empty content hash');
    await this.flush();
    const db = this.#db;
    const result = await db.transaction('rw', db.datasets, db.datasetVersions, db.columnChunks, async () => {
      const staged = await db.datasetVersions.get(this.versionId);
      if (!staged || staged.complete === 1) throw new Error(`Staged version "${this.versionId}" was deleted during the import`);
      const duplicate = await db.datasetVersions
        .where('[datasetId+contentHash]')
        .equals([this.datasetId, meta.contentHash])
        .filter((v) => v.complete === 1)
        .first();
      if (duplicate) {
        await deleteVersionChunks(db, this.versionId);
        await db.datasetVersions.delete(this.versionId);
        return { datasetId: this.datasetId, versionId: duplicate.id, reused: true };
      }
      const expected = meta.columns.length * chunkCount(meta.rows, this.chunkRows);
      const written = await db.columnChunks.where('versionId').equals(this.versionId).count();
      if (written !== expected) {
        throw new Error(`Staged version "${this.versionId}" has ${written} chunks; expected ${expected} (${meta.columns.length} columns × ${chunkCount(meta.rows, this.chunkRows)} chunks)`);
      }
      const now = Date.now();
      const target = meta.target ?? this.#init.target;
      const dataset = await db.datasets.get(this.datasetId);
      const nextDataset: DatasetRecord = dataset
        ? { ...dataset, latestVersionId: this.versionId, updatedAt: now }
        : {
            id: this.datasetId,
            name: this.#init.datasetName,
            createdAt: now,
            updatedAt: now,
            latestVersionId: this.versionId,
            ...(this.#init.description === undefined ? {} : { description: this.#init.description }),
            ...(this.#init.sampleId === undefined ? {} : { sampleId: this.#init.sampleId }),
            ...(target === undefined ? {} : { target }),
          };
      await db.datasets.put(nextDataset);
      const final: DatasetVersionRecord = {
        ...staged,
        contentHash: meta.contentHash,
        rows: meta.rows,
        columns: meta.columns,
        profiles: meta.profiles,
        issues: meta.issues,
        ...(target === undefined ? {} : { target }),
        complete: 0,
      };
      await db.datasetVersions.put(final);
      // Last write of the transaction: the version becomes visible.
      await db.datasetVersions.update(this.versionId, { complete: 1 });
      return { datasetId: this.datasetId, versionId: this.versionId, reused: false };
    });
    this.#state = 'committed';
    return result;
  }

  /** Discards buffered chunks and deletes the staged version and its chunks. Idempotent; a no-op after a successful commit. */
  async abort(): Promise<void> {
    if (this.#state === 'committed') return;
    this.#state = 'aborted';
    this.#buffer.clear();
    this.#bufferBytes = 0;
    await this.#flushChain;
    await deleteStagedVersion(this.#db, this.versionId);
  }

  async #writeBatch(batch: Map<string, ColumnChunkRecord>): Promise<void> {
    if (this.#failure !== undefined || this.#state === 'aborted') {
      this.#pending = this.#pending.filter((b) => b !== batch);
      return;
    }
    try {
      const db = this.#db;
      await db.transaction('rw', db.datasetVersions, db.columnChunks, async () => {
        const staged = await db.datasetVersions.get(this.versionId);
        if (!staged || staged.complete === 1) throw new Error(`Staged version "${this.versionId}" was deleted during the import`);
        await db.columnChunks.bulkPut([...batch.values()]);
      });
    } catch (err) {
      this.#failure = err;
    } finally {
      this.#pending = this.#pending.filter((b) => b !== batch);
    }
  }

  #assertWritable(): void {
    if (this.#state !== 'open') throw new Error(`Staged version "${this.versionId}" is ${this.#state}; no more writes`);
    if (this.#failure !== undefined) throw this.#failure;
  }
}

/** Deletes an incomplete version and its chunks in one transaction; leaves a complete version alone. */
async function deleteStagedVersion(db: WorkspaceDb, versionId: string): Promise<boolean> {
  return db.transaction('rw', db.datasetVersions, db.columnChunks, async () => {
    const row = await db.datasetVersions.get(versionId);
    if (row?.complete === 1) return false;
    await deleteVersionChunks(db, versionId);
    await db.datasetVersions.delete(versionId);
    return row !== undefined;
  });
}

/** Options of `sweepIncompleteVersions`. */
export interface SweepOptions {
  /** Sweep only versions created before this time (epoch ms): a grace period where Web Locks are unavailable. */
  createdBefore?: number;
}

/**
 * Deletes staging versions (and their chunks) left by a closed tab or a killed worker: every
 * incomplete version for which `isLocked(versionId)` is false. Returns the deleted version ids.
 * In a browser pass `await importLockPredicate()`.
 */
export async function sweepIncompleteVersions(
  db: WorkspaceDb,
  isLocked: (versionId: string) => boolean | Promise<boolean>,
  options: SweepOptions = {},
): Promise<string[]> {
  const staging = await db.datasetVersions.where('complete').equals(0).toArray();
  const deleted: string[] = [];
  for (const version of staging) {
    if (options.createdBefore !== undefined && version.createdAt >= options.createdBefore) continue;
    if (await isLocked(version.id)) continue;
    if (await deleteStagedVersion(db, version.id)) deleted.push(version.id);
  }
  return deleted;
}

/**
 * A predicate telling whether an import holds (or waits for) a version's lock, from one snapshot of
 * `navigator.locks.query()`. Where Web Locks are unavailable (Node) it says "not locked".
 */
export async function importLockPredicate(): Promise<(versionId: string) => boolean> {
  const isLocked = await lockSnapshot();
  return (versionId) => isLocked(importLockName(versionId));
}

/** Runs `fn` holding the import lock of `versionId` (exclusive); without a lock where Web Locks are unavailable. */
export function withImportLock<T>(versionId: string, fn: () => Promise<T>): Promise<T> {
  return withLock(importLockName(versionId), fn);
}
