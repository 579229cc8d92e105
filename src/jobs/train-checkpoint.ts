/**
 * @file The engine's training checkpoint ↔ the stored checkpoint record. The engine's record of past epochs (the
 * history early stopping and the final summary read) travels as `trainerState`.
 */
import type { EpochRecord, TrainingCheckpoint } from '../engines/tfjs/train-loop';
import type { MetricValue, TensorSpec } from '../protocol/run';
import type { NewCheckpoint } from '../storage/checkpoints';
import type { CheckpointRecord } from '../storage/records';
import type * as tf from '@tensorflow/tfjs';

/** What a training job keeps in `CheckpointRecord.trainerState`. */
interface TrainerState {
  version: 1;
  history: EpochRecord[];
}

/** The stored form of an engine checkpoint taken after `checkpoint.epoch` epochs and `step` batches. */
export function toCheckpointRecord(runId: string, checkpoint: TrainingCheckpoint, step: number, metricsSoFar: MetricValue[]): NewCheckpoint {
  const trainerState: TrainerState = { version: 1, history: checkpoint.history };
  return {
    runId,
    epoch: checkpoint.epoch,
    step,
    weights: checkpoint.weights.data,
    weightSpecs: checkpoint.weights.specs as TensorSpec[],
    optimizerState: checkpoint.optimizer.data,
    optimizerSpecs: checkpoint.optimizer.specs as TensorSpec[],
    optimizerClass: checkpoint.optimizerClass,
    metricsSoFar,
    ...(checkpoint.earlyStopping ? { earlyStopping: checkpoint.earlyStopping } : {}),
    ...(checkpoint.bestWeights ? { bestWeights: checkpoint.bestWeights.data, bestWeightSpecs: checkpoint.bestWeights.specs as TensorSpec[] } : {}),
    trainerState,
  };
}

/** The engine checkpoint stored in `record`; an Error names what is missing from a record this job did not write. */
export function fromCheckpointRecord(record: CheckpointRecord): TrainingCheckpoint {
  const state = record.trainerState as Partial<TrainerState> | undefined;
  if (state?.version !== 1 || !Array.isArray(state.history)) {
    throw new Error(`The checkpoint of epoch ${record.epoch} has no training history (trainerState version 1); it was not written by this training job`);
  }
  if (!record.optimizerState || !record.optimizerSpecs || !record.optimizerClass) {
    throw new Error(`The checkpoint of epoch ${record.epoch} has no optimizer state; it cannot resume training`);
  }
  const specs = (list: TensorSpec[]) => list as tf.io.WeightsManifestEntry[];
  return {
    epoch: record.epoch,
    history: state.history,
    weights: { data: record.weights, specs: specs(record.weightSpecs) },
    optimizer: { data: record.optimizerState, specs: specs(record.optimizerSpecs) },
    optimizerClass: record.optimizerClass,
    ...(record.earlyStopping ? { earlyStopping: record.earlyStopping } : {}),
    ...(record.bestWeights && record.bestWeightSpecs ? { bestWeights: { data: record.bestWeights, specs: specs(record.bestWeightSpecs) } } : {}),
  };
}
