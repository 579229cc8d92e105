/**
 * @file What a new sweep starts from: a search space that suits the base spec's model family, the metrics a training
 * job of the task records (with the direction that is better), and the sampler and early-termination settings a
 * newcomer gets. The user edits all of it; these only make the first click useful.
 */
import type { MetricGoal, TerminationPolicy } from '../../protocol/termination';
import type { SamplerSpec, SearchParam } from '../../protocol/sweep';
import type { TrainSpec, TrainTask } from '../../protocol/train';
import { metricLabel } from '../runs/run-format';

/** A metric a sweep can optimize: a key the training job writes every epoch, and its better direction. */
export interface SweepMetricOption {
  key: string;
  goal: MetricGoal;
  label: string;
}

/** Per-epoch validation metrics of `src/jobs/train-progress.ts`, by task (what ASHA and the others compare). */
const METRIC_KEYS: Readonly<Record<TrainTask, readonly string[]>> = Object.freeze({
  binary: ['val_loss', 'val_accuracy'],
  multiclass: ['val_loss', 'val_accuracy'],
  regression: ['val_loss', 'val_rmse', 'val_mae', 'val_r2'],
});

/** Keys whose larger values are better; every other metric here is a loss or an error. */
const MAXIMIZED = new Set(['val_accuracy', 'val_r2']);

/** The metrics a sweep of `task` can optimize; the first (validation loss: smooth, and written for every task) is the default. */
export function sweepMetricOptions(task: TrainTask): SweepMetricOption[] {
  return METRIC_KEYS[task].map((key) => ({ key, goal: metricGoal(key), label: metricLabel(key) }));
}

/** Whether a larger or a smaller value of `key` is better. */
export function metricGoal(key: string): MetricGoal {
  return MAXIMIZED.has(key) ? 'maximize' : 'minimize';
}

/** Batch sizes offered by default. */
const BATCH_SIZES = [16, 32, 64, 128];

/**
 * A search space for `base`'s model family: the learning rate (log-uniform 1e-4 to 1e-1) and the batch size (a
 * choice) for every family, plus what shapes the model: the units (log-scale integers) and dropout (0 to 0.5) of each
 * MLP layer, the L2 penalty of linear and logistic models, the filters of each CNN block and its dense layer, the
 * embedding size and dropout of a text model.
 */
export function defaultSearchSpace(base: TrainSpec): SearchParam[] {
  const space: SearchParam[] = [{ path: 'optimizer.learningRate', type: 'loguniform', min: 1e-4, max: 1e-1 }];
  const model = base.model;
  switch (model.family) {
    case 'mlp':
      model.layers.forEach((layer, i) => {
        // Around the layer's own width: a 64-unit first layer searches 16 to 256.
        const max = Math.min(4096, Math.max(16, 2 ** Math.ceil(Math.log2(layer.units * 4))));
        space.push({ path: `model.layers[${i}].units`, type: 'int', min: Math.max(1, max / 16), max, log: true });
        space.push({ path: `model.layers[${i}].dropout`, type: 'uniform', min: 0, max: 0.5 });
      });
      break;
    case 'linear':
    case 'logistic':
      space.push({ path: 'model.l2', type: 'loguniform', min: 1e-6, max: 1e-1 });
      break;
    case 'cnn':
      model.blocks.forEach((_, i) => space.push({ path: `model.blocks[${i}].filters`, type: 'int', min: 8, max: 64, log: true }));
      space.push({ path: 'model.dropout', type: 'uniform', min: 0, max: 0.5 });
      break;
    case 'text':
      space.push({ path: 'model.embeddingDim', type: 'int', min: 8, max: 128, log: true });
      space.push({ path: 'model.dropout', type: 'uniform', min: 0, max: 0.5 });
      break;
  }
  space.push({ path: 'batchSize', type: 'choice', values: BATCH_SIZES });
  return space;
}

/** The default sampler: TPE, with its first 5 trials random (Optuna's 10 is more than a small sweep has). */
export function defaultSampler(): SamplerSpec {
  return { type: 'tpe', options: { startupTrials: 5 } };
}

/**
 * The default early termination: ASHA with its first rung at a tenth of the trial's epochs (at least 1), so a sweep
 * of 50-epoch trials judges them at epochs 5 and 15.
 */
export function defaultTermination(epochs: number): TerminationPolicy {
  return { type: 'asha', minEpochs: Math.max(1, Math.floor(epochs / 10)), reductionFactor: 3 };
}

/** Default budget: 20 trials, as many at once as the runtime trains (at most 4). */
export function defaultBudget(concurrency: number): { maxTrials: number; maxConcurrentTrials: number } {
  return { maxTrials: 20, maxConcurrentTrials: Math.max(1, Math.min(4, concurrency)) };
}
