/**
 * @file What starting an AutoML job checks and records before anything runs: the AutoML spec (complete with defaults),
 * that its target is a column of the dataset version, and the parent run's base training spec, built as one-click
 * Train builds it (`defaultTrainSpec`) with the AutoML seed, so that the parent has a dataset version, a target and a
 * seed like every run.
 */
import { parseAutoMLSpec } from '../core/automl/automl-spec';
import { defaultTrainSpec } from '../core/jobs/train-defaults';
import { assertTrainSpec } from '../core/jobs/train-spec';
import type { AutoMLJobSpec } from '../protocol/automl';
import type { TrainSpec } from '../protocol/train';
import type { DatasetVersionRecord } from '../storage/records';

/** A checked AutoML start: the spec as stored, and the parent's base training spec. */
export interface AutoMLStart {
  automl: AutoMLJobSpec;
  base: TrainSpec;
}

/** Checks `spec` against `version`; throws an Error naming the problem (an invalid field, a missing target column). */
export function checkAutoMLStart(version: DatasetVersionRecord, spec: AutoMLJobSpec): AutoMLStart {
  const automl = parseAutoMLSpec(spec);
  const target = version.columns.find((c) => c.name === automl.target);
  if (!target) {
    throw new Error(`Target column ${JSON.stringify(automl.target)} is not in this dataset version; columns are ${version.columns.map((c) => JSON.stringify(c.name)).join(', ')}`);
  }
  if (target.type === 'image') throw new Error(`Target column ${JSON.stringify(automl.target)} holds images; AutoML predicts a category or a number`);
  return { automl, base: automlBaseSpec(version, automl.target, automl.seed, automl.task) };
}

/**
 * The base training spec of an AutoML parent: `defaultTrainSpec` for the target and seed. Where one-click Train
 * refuses the target (a text target, one class...) the spec reads every other non-image column with the AutoML task
 * (or a guess from the column type), so that the run still exists and the job can report its own, specific error.
 */
export function automlBaseSpec(version: DatasetVersionRecord, target: string, seed: number, task?: AutoMLJobSpec['task']): TrainSpec {
  const dataset = { id: version.datasetId, versionId: version.id, contentHash: version.contentHash, columns: version.columns, profiles: version.profiles, rows: version.rows };
  try {
    return defaultTrainSpec({ dataset, target, seed }).spec;
  } catch (err) {
    const targetType = version.columns.find((c) => c.name === target)?.type;
    const guessed = task ?? (targetType === 'number' ? 'regression' : 'multiclass');
    const features = version.columns.filter((c) => c.name !== target && c.type !== 'image').map((c) => c.name);
    try {
      return assertTrainSpec(
        {
          specVersion: 1,
          kind: 'train',
          data: { datasetId: version.datasetId, versionId: version.id, contentHash: version.contentHash, target, features, split: { train: 0.7, validation: 0.15, test: 0.15, stratify: guessed !== 'regression' } },
          task: guessed,
          model: { family: 'mlp', layers: [{ units: 64, activation: 'relu' }, { units: 32, activation: 'relu' }] },
          optimizer: { name: 'adam', learningRate: 1e-3 },
          epochs: 50,
          batchSize: 32,
          seed,
          backend: 'auto',
        },
        { columns: version.columns, contentHash: version.contentHash },
      );
    } catch {
      throw err;
    }
  }
}
