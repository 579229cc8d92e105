/**
 * @file Workspace operations behind the settings page and the error fallback: create, rename, switch,
 * delete, export to one zip, import from one, and the full reset.
 */
import Dexie from 'dexie';
import { closeAllConnections } from '../../storage/connections';
import { createWorkspace, deleteWorkspace, listWorkspaces, renameWorkspace, uniqueWorkspaceName } from '../../storage/workspaces';
import { exportWorkspace, importWorkspace } from '../../storage/workspace-archive';
import { META_DB_NAME } from '../../storage/meta-db';
import { WORKSPACE_DB_PREFIX } from '../../storage/workspace-schema';
import type { WorkspaceRecord } from '../../storage/records';
import { workspaceState } from './workspace-state.svelte';

/** A safe file name for an export: letters, digits, dot, dash and underscore only. */
export function exportFileName(workspaceName: string, date = new Date()): string {
  const base = workspaceName.normalize('NFKD').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'workspace';
  return `benchtop-${base}-${date.toISOString().slice(0, 10)}.zip`;
}

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

/** The workspace operations. */
export const workspaceService = {
  /** Create a workspace; a name already taken gets a suffix, so the switcher never shows two alike. */
  async create(name: string): Promise<WorkspaceRecord> {
    const workspace = await createWorkspace(await uniqueWorkspaceName(name));
    await workspaceState.switchTo(workspace.id);
    return workspace;
  },

  rename(id: string, name: string) {
    return renameWorkspace(id, name);
  },

  switchTo(id: string) {
    return workspaceState.switchTo(id);
  },

  async remove(id: string): Promise<void> {
    const wasCurrent = workspaceState.current?.id === id;
    await deleteWorkspace(id);
    if (wasCurrent) await workspaceState.reopen();
  },

  /** Download workspace `id` as one zip. */
  async exportById(id: string): Promise<void> {
    const workspace = (await listWorkspaces()).find((w) => w.id === id);
    if (!workspace) throw new Error(`Workspace ${id} does not exist`);
    const blob = await exportWorkspace(id);
    download(blob, exportFileName(workspace.name));
  },

  /** Download the current workspace as one zip. */
  async exportCurrent(): Promise<void> {
    const current = workspaceState.current;
    if (!current) throw new Error('No workspace is open');
    await this.exportById(current.id);
  },

  /** Import a workspace zip as a new workspace and switch to it. */
  async importArchive(file: Blob): Promise<WorkspaceRecord> {
    const workspace = await importWorkspace(file);
    await workspaceState.switchTo(workspace.id);
    return workspace;
  },

  /** Delete every Benchtop database in this origin. */
  async resetEverything(): Promise<void> {
    closeAllConnections();
    const names = await Dexie.getDatabaseNames();
    for (const name of names) {
      if (name === META_DB_NAME || name.startsWith(WORKSPACE_DB_PREFIX)) await Dexie.delete(name);
    }
  },
};
