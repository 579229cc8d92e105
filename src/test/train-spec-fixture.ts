/**
 * @file Test fixtures for training specs (imported by tests only).
 */
import type { ColumnSchema } from '../protocol/dataset';
import type { SpecIssue } from '../protocol/train';
import { parseTrainSpec, type TrainDatasetContext } from '../core/jobs/train-spec';

/** A content hash for fixtures. */
export const FIXTURE_HASH = 'ab'.repeat(32);

/** A mutable spec input. */
export type SpecFixture = Record<string, unknown> & { data: Record<string, unknown>; model: Record<string, unknown> };

/** A valid binary-classification spec as a user might write it (defaults left out). */
export function specInput(): SpecFixture {
  return {
    specVersion: 1,
    kind: 'train',
    data: {
      datasetId: 'titanic',
      versionId: 'v1',
      contentHash: FIXTURE_HASH,
      target: 'survived',
      features: ['age', 'fare', 'sex'],
      split: { train: 0.7, validation: 0.15, test: 0.15, stratify: true },
    },
    task: 'binary',
    model: { family: 'mlp', layers: [{ units: 64 }, { units: 32, activation: 'tanh' }] },
    optimizer: { name: 'adam', learningRate: 0.001 },
    epochs: 50,
    batchSize: 32,
    seed: 7,
  };
}

/** The issues of a spec expected to be rejected. */
export function issuesOf(input: unknown, dataset?: TrainDatasetContext): SpecIssue[] {
  const result = parseTrainSpec(input, dataset);
  if (result.ok) throw new Error('expected the spec to be rejected');
  return result.issues;
}

/** A column schema. */
export function column(name: string, type: ColumnSchema['type']): ColumnSchema {
  const storage = type === 'image' ? 'bytes' : type === 'category' || type === 'text' ? 'dict' : 'f64';
  return { name, type, inferredType: type, storage };
}
