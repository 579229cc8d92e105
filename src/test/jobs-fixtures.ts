/**
 * @file Fixtures for the training job's tests: tiny CSV datasets imported through the real import job, hand-made
 * versions for values a CSV cannot hold (Infinity), specs for them, and queued runs.
 */
import { assertTrainSpec } from '../core/jobs/train-spec';
import { Rng } from '../core/random/rng';
import type { ChunkData, ColumnSchema } from '../protocol/dataset';
import type { TrainSpec } from '../protocol/train';
import type { TrainJobProgress } from '../protocol/train-worker';
import { importDataset } from '../storage/dataset-import';
import { getVersion } from '../storage/datasets';
import type { DatasetVersionRecord, RunRecord } from '../storage/records';
import { createRun } from '../storage/runs';
import { beginStagedVersion } from '../storage/staged-version';
import type { WorkspaceDb } from '../storage/workspace-schema';
import { testProfile } from './storage-fixtures';
import { TEST_ENVIRONMENT } from './storage-run-fixtures';

/** A classification table: `x1`, `x2` (numbers), `color` (category), `label` ("dog" when x1 + x2 > 0, else "cat"). */
export function binaryCsv(rows = 120, seed = 5): string {
  const rng = new Rng(seed);
  const lines = ['x1,x2,color,label'];
  for (let i = 0; i < rows; i++) {
    const x1 = rng.next() * 4 - 2;
    const x2 = rng.next() * 4 - 2;
    lines.push(`${x1.toFixed(3)},${x2.toFixed(3)},${['red', 'green', 'blue'][i % 3]},${x1 + x2 > 0 ? 'dog' : 'cat'}`);
  }
  return lines.join('\n') + '\n';
}

/** A regression table: `x1`, `x2`, `y` = 2 x1 - x2 + 1 plus a little noise. */
export function regressionCsv(rows = 120, seed = 6): string {
  const rng = new Rng(seed);
  const lines = ['x1,x2,y'];
  for (let i = 0; i < rows; i++) {
    const x1 = rng.next() * 2 - 1;
    const x2 = rng.next() * 2 - 1;
    lines.push(`${x1.toFixed(3)},${x2.toFixed(3)},${(2 * x1 - x2 + 1 + (rng.next() - 0.5) * 0.1).toFixed(3)}`);
  }
  return lines.join('\n') + '\n';
}

/** Imports `csv` with the real import job; returns the committed version. */
export async function importCsv(workspaceId: string, db: WorkspaceDb, csv: string, name = 'table.csv'): Promise<DatasetVersionRecord> {
  const result = await importDataset({ workspaceId, source: { kind: 'file', file: new File([csv], name) }, datasetName: name }, () => undefined);
  return (await getVersion(db, result.versionId)) as DatasetVersionRecord;
}

/** A version from hand-made numeric columns (one chunk each; `NaN` is missing), e.g. holding Infinity. */
export async function numericVersion(db: WorkspaceDb, columns: Record<string, number[]>): Promise<DatasetVersionRecord> {
  const names = Object.keys(columns);
  const rows = columns[names[0]].length;
  const staged = await beginStagedVersion(db, { datasetName: 'Numbers', format: 'csv', sourceName: 'numbers.csv', sizeBytes: rows * 8 });
  const schema: ColumnSchema[] = names.map((name) => ({ name, type: 'number', inferredType: 'number', storage: 'f64' }));
  for (const [i, name] of names.entries()) await staged.write(i, 0, { kind: 'f64', values: Float64Array.from(columns[name]) } satisfies ChunkData);
  const { versionId } = await staged.commit({ contentHash: (crypto.randomUUID() + crypto.randomUUID()).replace(/-/g, ''), rows, columns: schema, profiles: schema.map((c) => testProfile(c, rows)), issues: [] });
  return (await getVersion(db, versionId)) as DatasetVersionRecord;
}

/** A small, fast spec over `version`: MLP 8, adam, 6 epochs, batch 16, checkpoints every 2 epochs, cpu. */
export function jobSpec(version: DatasetVersionRecord, changes: Partial<{ task: TrainSpec['task']; target: string; features: string[]; epochs: number; seed: number }> & Record<string, unknown> = {}): TrainSpec {
  const { task = 'binary', target = 'label', features, ...rest } = changes;
  return assertTrainSpec({
    specVersion: 1,
    kind: 'train',
    data: {
      datasetId: version.datasetId,
      versionId: version.id,
      contentHash: version.contentHash,
      target,
      features: features ?? version.columns.map((c) => c.name).filter((n) => n !== target),
      split: { train: 0.6, validation: 0.2, test: 0.2, stratify: task !== 'regression' },
    },
    task,
    model: { family: 'mlp', layers: [{ units: 8, activation: 'relu', dropout: 0.1 }] },
    optimizer: { name: 'adam', learningRate: 0.05 },
    epochs: 6,
    batchSize: 16,
    checkpointEvery: 2,
    metricsEveryBatches: 2,
    seed: 11,
    backend: 'cpu',
    ...rest,
  });
}

/** A queued run of `spec`. */
export function queueRun(db: WorkspaceDb, spec: TrainSpec): Promise<RunRecord> {
  return createRun(db, { spec, environment: TEST_ENVIRONMENT });
}

/** Collects progress messages. */
export function progressLog(): { messages: TrainJobProgress[]; onProgress: (p: TrainJobProgress) => void } {
  const messages: TrainJobProgress[] = [];
  return { messages, onProgress: (p) => messages.push(p) };
}
