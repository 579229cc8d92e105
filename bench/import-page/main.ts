/**
 * @file Bench page for bench/import.mjs: exposes the baseline (papaparse alone in a worker) and the
 * lab's full import (the real import worker through src/runtime/import-runner.ts) on `window`.
 */
import { proxy, wrap } from 'comlink';
import { runImport } from '../../src/runtime/import-runner';
import { createWorkspace, deleteWorkspace } from '../../src/storage/workspaces';
import type { ImportProgress, ImportWorkerApi } from '../../src/protocol/import';

/** One timed run, as returned to the Node side. */
export interface BenchRun {
  ms: number;
  rows: number;
  detail?: Record<string, unknown>;
}

function pickedFile(): File {
  const input = document.getElementById('file') as HTMLInputElement | null;
  const file = input?.files?.[0];
  if (!file) throw new Error('No file on #file: the benchmark sets it with page.setInputFiles before running');
  return file;
}

/** Papaparse alone in a fresh worker; resolves when the worker reports completion. */
async function runPapaOnly(): Promise<BenchRun> {
  const file = pickedFile();
  const started = performance.now();
  const worker = new Worker(new URL('./papa.worker.ts', import.meta.url), { type: 'module', name: 'bench-papa' });
  try {
    const reply = await new Promise<{ ok: boolean; rows?: number; ms?: number; error?: string }>((resolve, reject) => {
      worker.onmessage = (e) => resolve(e.data);
      worker.onerror = (e) => reject(new Error(`papa worker failed: ${e.message}`));
      worker.postMessage({ file });
    });
    if (!reply.ok) throw new Error(`papaparse failed: ${reply.error}`);
    return { ms: performance.now() - started, rows: reply.rows ?? 0, detail: { inWorkerMs: reply.ms } };
  } finally {
    worker.terminate();
  }
}

/** The lab's import into a fresh workspace (so nothing is reused), which is deleted afterwards (not timed). */
async function runLabImport(): Promise<BenchRun> {
  const file = pickedFile();
  const workspace = await createWorkspace(`bench ${Date.now()}`);
  const phases: Record<string, number> = {};
  let last = '';
  try {
    const started = performance.now();
    const handle = runImport({ workspaceId: workspace.id, source: { kind: 'file', file }, datasetName: file.name }, (p: ImportProgress) => {
      if (p.status !== last) {
        phases[p.status] = Math.round(performance.now() - started);
        last = p.status;
      }
    });
    const result = await handle.result;
    const ms = performance.now() - started;
    return {
      ms,
      rows: result.rows,
      detail: { phaseStartMs: phases, columns: result.columns.map((c) => `${c.name}:${c.type}`), issues: result.issues.length, reused: result.reused },
    };
  } finally {
    await deleteWorkspace(workspace.id);
  }
}

let held: { worker: Worker; workspaceId: string } | undefined;

/**
 * For CPU profiling only: the same import worker (workers/import.worker.ts) started here rather than by
 * runImport, so that it stays alive after the import until {@link releaseHeld} (runImport terminates it at
 * once, which would lose the profile).
 */
async function runLabImportHeld(): Promise<BenchRun> {
  const file = pickedFile();
  const workspace = await createWorkspace(`bench ${Date.now()}`);
  const worker = new Worker(new URL('../../workers/import.worker.ts', import.meta.url), { type: 'module', name: 'benchtop-import' });
  held = { worker, workspaceId: workspace.id };
  const api = wrap<ImportWorkerApi>(worker);
  const started = performance.now();
  const result = await api.importDataset({ workspaceId: workspace.id, source: { kind: 'file', file }, datasetName: file.name }, proxy(() => undefined));
  return { ms: performance.now() - started, rows: result.rows };
}

async function releaseHeld(): Promise<void> {
  held?.worker.terminate();
  if (held) await deleteWorkspace(held.workspaceId);
  held = undefined;
}

Object.assign(window, { runPapaOnly, runLabImport, runLabImportHeld, releaseHeld, benchReady: true });
