/**
 * @file Factories for run storage tests: a complete, validated train spec and runs created through
 * the real repository (`createRun`, `transitionRun`).
 */
import { parseTrainSpec } from '../core/jobs/train-spec';
import type { RunEnvironment, RunStatus } from '../protocol/run';
import type { TrainSpec } from '../protocol/train';
import type { RunRecord } from '../storage/records';
import { transitionRun } from '../storage/run-status';
import { createRun, type NewRun } from '../storage/runs';
import type { WorkspaceDb } from '../storage/workspace-schema';
import { specInput } from './train-spec-fixture';

/** A complete train spec (every default filled in) reading dataset `titanic`, version `v1`. */
export function testTrainSpec(changes: { datasetId?: string; versionId?: string; seed?: number } = {}): TrainSpec {
  const input = specInput();
  input.data = { ...input.data, ...(changes.datasetId ? { datasetId: changes.datasetId } : {}), ...(changes.versionId ? { versionId: changes.versionId } : {}) };
  if (changes.seed !== undefined) input.seed = changes.seed;
  const result = parseTrainSpec(input);
  if (!result.ok) throw new Error(`test spec is invalid: ${result.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  return result.spec;
}

/** An environment as the app records it at creation. */
export const TEST_ENVIRONMENT: RunEnvironment = Object.freeze({
  appVersion: '0.1.0',
  libraries: [{ name: '@tensorflow/tfjs', version: '4.22.0' }],
}) as RunEnvironment;

/** Path of statuses from `queued` to each status. */
const PATHS: Record<RunStatus, RunStatus[]> = {
  queued: [],
  running: ['running'],
  completed: ['running', 'completed'],
  failed: ['running', 'failed'],
  canceled: ['canceled'],
  interrupted: ['running', 'interrupted'],
};

/** Creates a run (a default spec and environment) and walks it to `status` through allowed transitions. */
export async function makeTestRun(db: WorkspaceDb, init: Partial<NewRun> = {}, status: RunStatus = 'queued'): Promise<RunRecord> {
  let run = await createRun(db, { spec: testTrainSpec(), environment: TEST_ENVIRONMENT, ...init });
  for (const to of PATHS[status]) {
    run = await transitionRun(db, run.id, to, to === 'failed' ? { error: { message: 'test failure' } } : {});
  }
  return run;
}
