/**
 * @file Bundles from the pages: export a run, a sweep or a model version of the open workspace as one `.zip`
 * download, and import a bundle file into it. The bundle code (zip, CSV reading) loads on first use, so pages that
 * never export or import never load it.
 */
import type { BundleExportOptions, ExportedBundle } from '../../storage/bundles/export-bundle';
import type { BundleImportProgress, BundleImportResult } from '../../storage/bundles/import-bundle';
import { getWorkspaceDb } from '../../storage/connections';
import { workspaceState } from '../settings/workspace-state.svelte';

/** What a bundle is exported from. */
export type BundleTarget = { kind: 'run'; id: string } | { kind: 'sweep'; id: string } | { kind: 'modelVersion'; id: string };

/** What the export dialog lets a person choose. */
export type BundleChoices = Pick<BundleExportOptions, 'includeData' | 'includeCheckpoint'>;

function db() {
  const id = workspaceState.current?.id;
  if (!id) throw new Error('No workspace is open');
  return getWorkspaceDb(id);
}

/** Saves `blob` as a download named `fileName`. */
function download(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The bundle operations of the pages. */
export const bundleService = {
  /** Exports `target` and starts its download; returns the bundle (its file name and manifest). */
  async exportBundle(target: BundleTarget, choices: BundleChoices = {}): Promise<ExportedBundle> {
    const { exportModelVersionBundle, exportRunBundle, exportSweepBundle } = await import('../../storage/bundles/export-bundle');
    const options: BundleExportOptions = { appVersion: __APP_VERSION__, ...choices };
    const database = db();
    const bundle =
      target.kind === 'modelVersion'
        ? await exportModelVersionBundle(database, target.id, options)
        : target.kind === 'sweep'
          ? await exportSweepBundle(database, target.id, options)
          : await exportRunBundle(database, target.id, options);
    download(bundle.blob, bundle.fileName);
    return bundle;
  },

  /** Imports a bundle file into the open workspace (all or nothing), reporting progress. */
  async importBundle(file: Blob, onProgress: (progress: BundleImportProgress) => void): Promise<{ result: BundleImportResult; summary: string }> {
    const [{ importBundle }, { describeImportResult }] = await Promise.all([import('../../storage/bundles/import-bundle'), import('../../storage/bundles/import-summary')]);
    const result = await importBundle(db(), file, { onProgress });
    return { result, summary: describeImportResult(result) };
  },
};
