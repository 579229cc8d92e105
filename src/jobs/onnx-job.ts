/**
 * @file The ONNX worker's API, implemented: validation, sessions kept by id, runs, and a run's stored TF.js model
 * exported to ONNX and checked against TF.js before it is handed out. Tested without a Worker; the worker file
 * only passes the wasm URLs in.
 */
import type { OnnxExportResult, OnnxWorkerApi } from '../protocol/onnx';
import { compareWithTfjs, EXPORT_TOLERANCE } from '../engines/onnx/export-check';
import { exportSavedModelToOnnx } from '../engines/onnx/export-from-tfjs';
import { inspectOnnx } from '../engines/onnx/inspect';
import { configureOrt, OnnxSession, type OrtSetup } from '../engines/onnx/session';
import { initBackend } from '../engines/tfjs/backend-setup';
import { importModel } from '../engines/tfjs/model-export';
import { getWorkspaceDb } from '../storage/connections';
import { getRun } from '../storage/runs';
import { loadModelArtifacts } from './model-artifacts';

/** What the ONNX job needs from its host. */
export interface OnnxJobOptions {
  /** onnxruntime-web's wasm files and threads. */
  ort?: OrtSetup;
  /** Written into exported files as `producer_version`. */
  appVersion: string;
}

/** The job, plus how many sessions it holds (for tests and leak checks). */
export interface OnnxJob extends OnnxWorkerApi {
  sessionCount(): number;
}

/** A file name from a run's name: letters, digits, dots, dashes and underscores, ending in `.onnx`. */
export function onnxFileName(runName: string): string {
  const stem = runName.replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^[-.]+|-+$/g, '').slice(0, 80);
  return `${stem || 'model'}.onnx`;
}

/** Creates the ONNX job (configures onnxruntime-web once). */
export function createOnnxJob(options: OnnxJobOptions): OnnxJob {
  configureOrt(options.ort);
  const sessions = new Map<string, OnnxSession>();
  let nextId = 1;
  let tfjsReady: Promise<void> | undefined;

  const session = (id: string): OnnxSession => {
    const found = sessions.get(id);
    if (!found) throw new Error(`No ONNX session "${id}" here; it was released, or its worker was restarted`);
    return found;
  };

  return {
    async inspect(bytes, limits) {
      return inspectOnnx(bytes, limits);
    },

    async load(bytes, loadOptions) {
      const created = await OnnxSession.create(bytes, loadOptions);
      const sessionId = `onnx-${nextId++}`;
      sessions.set(sessionId, created);
      return { sessionId, provider: created.provider, skipped: created.skipped, inputs: created.inputs, outputs: created.outputs, model: created.model, loadMs: created.loadMs };
    },

    async run(sessionId, feeds) {
      return session(sessionId).run(feeds);
    },

    async runRows(sessionId, rows, rowCount, output) {
      return session(sessionId).runRows(rows, rowCount, output);
    },

    async release(sessionId) {
      const found = sessions.get(sessionId);
      sessions.delete(sessionId);
      await found?.release();
    },

    async exportRun(workspaceId, runId): Promise<OnnxExportResult> {
      const db = getWorkspaceDb(workspaceId);
      const run = await getRun(db, runId);
      if (!run) throw new Error(`Run "${runId}" does not exist in this workspace`);
      const artifacts = await loadModelArtifacts(db, runId);
      const exported = exportSavedModelToOnnx(artifacts.saved, {
        producerVersion: options.appVersion,
        docString: `Benchtop run "${run.name}" (${run.spec.model.family}, ${run.spec.task})`,
        // What a caller needs to turn raw columns into the model's input row, and to read its output.
        metadata: { 'benchtop.run': runId, 'benchtop.signature': JSON.stringify(artifacts.signature), 'benchtop.featurizer': JSON.stringify(artifacts.featurizer) },
      });
      // The check runs TF.js on its CPU backend: exact, and small (64 rows).
      tfjsReady ??= initBackend('cpu');
      await tfjsReady;
      const model = await importModel(artifacts.saved);
      const checkSession = await OnnxSession.create(exported.bytes, { providers: ['wasm'] });
      try {
        const { rows, maxAbsDiff } = await compareWithTfjs(model, checkSession, exported, { rows: 64, seed: run.seed });
        if (!(maxAbsDiff <= EXPORT_TOLERANCE)) {
          throw new Error(`The ONNX file differs from the TF.js model by up to ${maxAbsDiff.toExponential(2)} on ${rows} random rows (allowed: ${EXPORT_TOLERANCE}); it was not exported`);
        }
        return { fileName: onnxFileName(run.name), bytes: exported.bytes, info: checkSession.model, check: { rows, maxAbsDiff, tolerance: EXPORT_TOLERANCE, provider: checkSession.provider } };
      } finally {
        model.dispose();
        await checkSession.release();
      }
    },

    sessionCount: () => sessions.size,
  };
}
