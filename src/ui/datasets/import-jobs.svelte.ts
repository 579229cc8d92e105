/**
 * @file Imports in progress, kept across page changes. Each import runs in its own worker.
 */
import type { ImportProgress, ImportRequest, ImportResult } from '../../protocol/import';
import { runImport, type ImportHandle } from '../../runtime/import-runner';
import { errorText, notices } from '../shared/notices.svelte';
import { datasetService } from './dataset-service';

/** One import, observed by the UI. */
export class ImportJob {
  readonly id: number;
  readonly label: string;
  #progress = $state<ImportProgress | null>(null);
  #state = $state<'running' | 'done' | 'failed' | 'canceled'>('running');
  #error = $state<string | null>(null);
  #result = $state<ImportResult | null>(null);
  #handle: ImportHandle;
  readonly finished: Promise<ImportResult | null>;

  constructor(id: number, label: string, request: ImportRequest) {
    this.id = id;
    this.label = label;
    this.#handle = runImport(request, (progress) => {
      this.#progress = progress;
    });
    this.finished = this.#handle.result.then(
      (result) => {
        this.#result = result;
        this.#state = 'done';
        return result;
      },
      async (err: unknown) => {
        const canceled = err instanceof DOMException && err.name === 'AbortError';
        this.#state = canceled ? 'canceled' : 'failed';
        this.#error = canceled ? null : errorText(err);
        // A canceled or crashed worker leaves a staged version: remove it now.
        await datasetService.sweepAfterStop().catch(() => undefined);
        return null;
      },
    );
  }

  get progress() {
    return this.#progress;
  }
  get state() {
    return this.#state;
  }
  get error() {
    return this.#error;
  }
  get result() {
    return this.#result;
  }

  /** Fraction done in [0, 1], or null when unknown. */
  get fraction(): number | null {
    const p = this.#progress;
    if (!p) return null;
    if (p.status === 'hashing' || p.status === 'parsing') return p.total > 0 ? Math.min(1, p.bytes / p.total) : null;
    if (p.status === 'done') return 1;
    return null;
  }

  cancel(): void {
    if (this.#state === 'running') this.#handle.cancel();
  }
}

class ImportJobs {
  #jobs = $state<ImportJob[]>([]);
  #nextId = 1;

  get jobs(): readonly ImportJob[] {
    return this.#jobs;
  }

  /** Start an import; resolves with its result (null when it failed or was canceled). */
  start(label: string, request: ImportRequest): ImportJob {
    const job = new ImportJob(this.#nextId++, label, request);
    this.#jobs = [...this.#jobs, job];
    void datasetService.requestPersistenceOnce();
    void job.finished.then((result) => {
      if (result) {
        const what = result.reused ? 'already in the workspace (same content); opened the existing version' : `imported: ${result.rows.toLocaleString()} rows`;
        notices.push('success', `“${label}” ${what}`);
        this.dismiss(job);
      }
    });
    return job;
  }

  dismiss(job: ImportJob): void {
    this.#jobs = this.#jobs.filter((j) => j !== job);
  }
}

/** The app's imports. */
export const importJobs = new ImportJobs();
