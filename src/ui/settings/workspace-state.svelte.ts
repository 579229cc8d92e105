/**
 * @file The current workspace and the list of workspaces, as UI state.
 */
import { liveQuery } from 'dexie';
import type { WorkspaceRecord } from '../../storage/records';
import { ensureDefaultWorkspace, getWorkspace, listWorkspaces, setCurrentWorkspace } from '../../storage/workspaces';
import { handleError } from '../shared/notices.svelte';
import { JobRuntime } from '../../runtime/job-runtime';
import { getWorkspaceDb } from '../../storage/connections';
import { importLockPredicate, sweepIncompleteVersions } from '../../storage/staged-version';

class WorkspaceState {
  #current = $state<WorkspaceRecord | null>(null);
  #all = $state.raw<WorkspaceRecord[]>([]);
  #ready = $state(false);
  // The current workspace's job runtime (queue, workers, leadership); replaced on every switch.
  #runtime = $state.raw<JobRuntime | null>(null);

  get current(): WorkspaceRecord | null {
    return this.#current;
  }
  get all(): readonly WorkspaceRecord[] {
    return this.#all;
  }
  get ready(): boolean {
    return this.#ready;
  }
  get runtime(): JobRuntime | null {
    return this.#runtime;
  }

  #startRuntime(): void {
    void this.#runtime?.dispose();
    this.#runtime = this.#current ? new JobRuntime({ workspaceId: this.#current.id }) : null;
  }

  /** Open (or create on a first visit) the current workspace, and watch the list. */
  async init(): Promise<void> {
    this.#current = await ensureDefaultWorkspace();
    liveQuery(() => listWorkspaces()).subscribe({
      next: (all) => {
        this.#all = all;
        const current = this.#current && all.find((w) => w.id === this.#current?.id);
        if (current) this.#current = current;
      },
      error: (err) => handleError(err, 'Could not list the workspaces'),
    });
    this.#startRuntime();
    this.#ready = true;
    void this.#sweepLeftovers();
  }

  /**
   * Imports interrupted by a closed tab or a killed worker leave staged versions: remove those no import holds.
   * A tab that just closed may still hold its lock for a moment, so look again a few times while some remain.
   */
  async #sweepLeftovers(): Promise<void> {
    const current = this.#current;
    if (!current) return;
    const db = getWorkspaceDb(current.id);
    try {
      for (let attempt = 0; attempt < 10; attempt++) {
        await sweepIncompleteVersions(db, await importLockPredicate());
        if ((await db.datasetVersions.where('complete').equals(0).count()) === 0 || this.#current?.id !== current.id) return;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    } catch (err) {
      console.warn('Could not sweep interrupted imports', err);
    }
  }

  /** Make `id` the current workspace. */
  async switchTo(id: string): Promise<void> {
    const workspace = await getWorkspace(id);
    if (!workspace) throw new Error(`Workspace ${id} does not exist`);
    await setCurrentWorkspace(id);
    this.#current = workspace;
    this.#startRuntime();
    void this.#sweepLeftovers();
  }

  /** After the current workspace was deleted: fall back to another one (or a new default). */
  async reopen(): Promise<void> {
    this.#current = await ensureDefaultWorkspace();
    this.#startRuntime();
  }
}

/** The app's workspace state. */
export const workspaceState = new WorkspaceState();
