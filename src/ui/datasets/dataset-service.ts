/**
 * @file What the dataset pages do: reads from storage for the current workspace, and jobs in workers.
 * Components call this module; they never touch tables directly.
 */
import type { ColumnType } from '../../protocol/dataset';
import type { DatasetRecord, DatasetVersionRecord } from '../../storage/records';
import { getWorkspaceDb } from '../../storage/connections';
import * as datasets from '../../storage/datasets';
import { RowWindowReader, type CellValue } from '../../storage/row-window-reader';
import { importLockPredicate, sweepIncompleteVersions } from '../../storage/staged-version';
import { requestPersistence } from '../../storage/storage-health';
import { withImportWorker } from '../../runtime/import-runner';
import { formatDatetime } from '../../core/table/column-types';
import type { ColumnSchema } from '../../protocol/dataset';
import { workspaceState } from '../settings/workspace-state.svelte';
import type { CellText } from '../shared/cell-text';

export type { DatasetSummary } from '../../storage/datasets';

/** A dataset with its complete versions, newest first. */
export interface DatasetDetail {
  dataset: DatasetRecord;
  versions: DatasetVersionRecord[];
}

/** One tile of the image grid. `url` is an object URL the caller must revoke. */
export interface ImageTile {
  row: number;
  url: string;
  label: string | null;
  path: string;
}

function currentDb() {
  const id = workspaceState.current?.id;
  if (!id) throw new Error('No workspace is open');
  return getWorkspaceDb(id);
}

function currentWorkspaceId(): string {
  const id = workspaceState.current?.id;
  if (!id) throw new Error('No workspace is open');
  return id;
}

let persistenceAsked = false;

/** The dataset pages' operations. */
export const datasetService = {
  listDatasets() {
    return datasets.listDatasets(currentDb());
  },

  async getDataset(id: string): Promise<DatasetDetail | null> {
    const db = currentDb();
    const dataset = await datasets.getDataset(db, id);
    if (!dataset) return null;
    return { dataset, versions: await datasets.listVersions(db, id) };
  },

  renameDataset(id: string, name: string) {
    return datasets.renameDataset(currentDb(), id, name);
  },

  setTarget(id: string, target: string | undefined) {
    return datasets.setDatasetTarget(currentDb(), id, target);
  },

  deleteDataset(id: string) {
    return datasets.deleteDataset(currentDb(), id);
  },

  deleteVersion(versionId: string) {
    return datasets.deleteVersion(currentDb(), versionId);
  },

  /** Change column types; the worker converts and re-profiles the columns, then storage is updated. */
  retypeColumns(version: DatasetVersionRecord, changes: { column: string; type: ColumnType }[]) {
    const workspaceId = currentWorkspaceId();
    return withImportWorker((api) => api.retypeColumns(workspaceId, version.id, changes));
  },

  /** A row fetcher for the preview table: rows as display text (null for missing). */
  rowReader(version: DatasetVersionRecord): (start: number, end: number) => Promise<CellText[][]> {
    const reader = new RowWindowReader(currentDb(), version);
    const columns = version.columns;
    return async (start, end) => (await reader.readRows(start, end)).map((row) => row.map((cell, c) => cellDisplay(cell, columns[c])));
  },

  /** Images of rows [start, end) as object URLs with their labels. */
  async readImages(version: DatasetVersionRecord, start: number, end: number): Promise<ImageTile[]> {
    const reader = new RowWindowReader(currentDb(), version);
    const imageColumn = version.columns.findIndex((c) => c.type === 'image');
    const labelColumn = version.columns.findIndex((c) => c.name === 'label');
    const pathColumn = version.columns.findIndex((c) => c.name === 'path');
    const cells = await reader.readRows(start, end);
    return cells.map((row, i) => {
      const image = row[imageColumn] as { bytes: Uint8Array; mediaType: string } | null;
      return {
        row: start + i,
        // Image bytes are shown only through an <img> element with a blob: URL of an image media type.
        url: image ? URL.createObjectURL(new Blob([image.bytes as BlobPart], { type: safeImageType(image.mediaType) })) : '',
        label: labelColumn >= 0 ? ((row[labelColumn] as string | null) ?? null) : null,
        path: pathColumn >= 0 ? String(row[pathColumn] ?? '') : '',
      };
    });
  },

  /** Delete staged versions no import holds any more (a canceled import, a closed tab, a crashed worker). */
  async sweepIncomplete(): Promise<number> {
    const deleted = await sweepIncompleteVersions(currentDb(), await importLockPredicate());
    return deleted.length;
  },

  /**
   * After a cancel or a crashed worker: the terminated worker's lock is released a moment later, so sweep
   * until something was removed or a few seconds have passed.
   */
  async sweepAfterStop(): Promise<void> {
    for (let attempt = 0; attempt < 20; attempt++) {
      if ((await this.sweepIncomplete()) > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  },

  /** Ask the browser to keep our storage (once per page; the first import triggers it). */
  async requestPersistenceOnce(): Promise<void> {
    if (persistenceAsked) return;
    persistenceAsked = true;
    await requestPersistence().catch(() => undefined);
  },
};

function safeImageType(mediaType: string): string {
  return /^image\/(png|jpeg|gif|bmp|webp)$/.test(mediaType) ? mediaType : 'application/octet-stream';
}

/** A cell as display text (always text: data is never rendered as HTML). */
export function cellDisplay(cell: CellValue, column: ColumnSchema): string | null {
  if (cell === null) return null;
  if (typeof cell === 'number') return column.type === 'datetime' ? formatDatetime(cell) : String(cell);
  if (typeof cell === 'boolean' || typeof cell === 'string') return String(cell);
  return `[${cell.mediaType}, ${cell.bytes.byteLength.toLocaleString()} bytes]`;
}
