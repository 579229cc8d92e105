/**
 * @file The end of an AutoML job with a recommended model, in the browser job: core's `finalizeAutoML` (the model
 * refit on every row with a target, and explained on the held-out rows of fold 1 by the same configuration refit on
 * that fold's training rows), then the model stored as the parent run's `AUTOML_MODEL_FILE` artifact (JSON).
 */
import { finalizeAutoML } from '../core/automl/finalize';
import type { AutoMLResult } from '../core/automl/search';
import { AUTOML_MODEL_FILE, type AutoMLExplanation } from '../protocol/automl';
import { putArtifact } from '../storage/artifacts';
import type { WorkspaceDb } from '../storage/workspace-schema';
import type { AutoMLTable } from './automl-data';

/** What the final step needs besides the table and the search result. */
export interface FinalizeModelOptions {
  seed: number;
  target: string;
  signal?: AbortSignal;
  /** Called as each phase starts (refitting, explaining), for the run's info and progress. */
  onPhase: (phase: 'refitting' | 'explaining') => void;
}

/** The stored model and its explanation. */
export interface FinalizedModel {
  artifactId: string;
  explanation: AutoMLExplanation;
}

/** Refits and explains the recommended model of `result` and stores it on run `runId`. */
export async function finalizeAutoMLModel(db: WorkspaceDb, runId: string, table: AutoMLTable, result: AutoMLResult, options: FinalizeModelOptions): Promise<FinalizedModel> {
  const { seed, target, signal } = options;
  const { model, explanation } = await finalizeAutoML(table.columns, result, {
    target,
    inputTypes: table.inputTypes.filter((t) => t.name !== target),
    seed,
    ...(signal ? { signal } : {}),
    onPhase: options.onPhase,
  });
  signal?.throwIfAborted();
  // JSON bytes, not a Blob: an ArrayBuffer stores and hashes the same in every IndexedDB (fake-indexeddb included).
  const bytes = new TextEncoder().encode(JSON.stringify(model));
  const artifact = await putArtifact(db, { runId, name: AUTOML_MODEL_FILE, mediaType: 'application/json', data: bytes.buffer as ArrayBuffer });
  return { artifactId: artifact.id, explanation };
}
