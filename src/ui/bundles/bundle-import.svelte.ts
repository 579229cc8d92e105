/**
 * @file The state of one "Import bundle…" control: what it is doing (with progress text), the result of the last
 * import (a summary line, notes, where the imported work is now) or its error, all as plain text.
 */
import type { BundleImportProgress, BundleImportResult } from '../../storage/bundles/import-bundle';
import type { Route } from '../shell/route';
import { bundleService } from './bundle-service';

/** What an import reports to the page once it is done. */
export interface BundleImportOutcome {
  fileName: string;
  summary: string;
  notes: readonly string[];
  /** Where to open the imported run, sweep or model version. */
  open: { route: Route; label: string };
}

/** Progress as a sentence. */
export function progressText(progress: BundleImportProgress): string {
  switch (progress.status) {
    case 'opening':
      return 'Opening the bundle…';
    case 'checking':
      return `Checking ${progress.entries} entries…`;
    case 'reading-data':
      return 'Reading the data it carries…';
    case 'writing':
      return 'Writing to this workspace…';
    case 'done':
      return 'Done.';
  }
}

/** The route and link text of an import's root. */
export function rootLink(result: BundleImportResult): BundleImportOutcome['open'] {
  const { root } = result;
  if (root.kind === 'modelVersion') {
    return { route: { name: 'model', modelId: root.modelId, ...(result.modelVersion ? { version: result.modelVersion.version } : {}) }, label: 'Open the model version' };
  }
  if (root.kind === 'sweep') return { route: { name: 'sweep', sweepId: root.id }, label: 'Open the sweep' };
  if (root.kind === 'automl') return { route: { name: 'automl', runId: root.id }, label: 'Open the AutoML job' };
  return { route: { name: 'run', runId: root.id }, label: 'Open the run' };
}

/** One import control's state. */
export class BundleImportState {
  #busy = $state(false);
  #progress = $state('');
  #outcome = $state<BundleImportOutcome | null>(null);
  #error = $state<{ fileName: string; message: string } | null>(null);

  get busy(): boolean {
    return this.#busy;
  }

  get progress(): string {
    return this.#progress;
  }

  get outcome(): BundleImportOutcome | null {
    return this.#outcome;
  }

  get error(): { fileName: string; message: string } | null {
    return this.#error;
  }

  /** Imports `file`; the outcome or the error (its message, as text) replaces the last one. */
  async import(file: File): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    this.#outcome = null;
    this.#error = null;
    this.#progress = 'Reading the file…';
    try {
      const { result, summary } = await bundleService.importBundle(file, (progress) => (this.#progress = progressText(progress)));
      this.#outcome = { fileName: file.name, summary, notes: result.notes, open: rootLink(result) };
    } catch (err) {
      console.error('Could not import the bundle', err);
      this.#error = { fileName: file.name, message: err instanceof Error ? err.message : String(err) };
    } finally {
      this.#busy = false;
      this.#progress = '';
    }
  }

  /** Forgets the last outcome or error. */
  dismiss(): void {
    this.#outcome = null;
    this.#error = null;
  }
}
