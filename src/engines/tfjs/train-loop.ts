/**
 * @file The training loop over in-memory rows (row-major float32 features, one label per row).
 *
 * Reproducible: rows are shuffled each epoch by a seeded Rng stream (`fork('shuffle').fork(epoch)`), and dropout
 * layers are re-seeded every batch from `fork('dropout').fork('epoch:batch')` — never `Math.random`, and never one
 * fixed mask. Both depend only on (seed, epoch, batch), so a run resumed from a checkpoint (weights, optimizer
 * state, early-stopping state, history) continues exactly as the uninterrupted run would.
 *
 * Progress is a union keyed on `status`; `onProgress` may return a promise, which is awaited (backpressure).
 * Cancellation is checked between batches; the epoch in progress is then dropped and the run ends `canceled`.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../core/random/rng';
import type { EarlyStoppingSpec, LossName, TrainTask } from '../../protocol/train';
import { encodeModelWeights, restoreCheckpoint, restoreModelWeights, saveCheckpoint, type EncodedTensors, type ModelCheckpoint } from './checkpoint';
import { EarlyStopping, type EarlyStoppingState } from './early-stopping';
import { splitMetrics, type SplitMetrics } from './epoch-metrics';
import { predictRows } from './model-export';

/** Rows of one split: `x` is rows × features (row-major), `y` one label per row (class index or number). */
export interface LabeledRows {
  x: Float32Array;
  y: Float32Array;
}

/** One epoch's record. Train metrics are sample-weighted means over its batches (as the weights moved). */
export interface EpochRecord {
  epoch: number;
  train: SplitMetrics;
  validation?: SplitMetrics;
  seconds: number;
}

/** Everything needed to resume after `epoch` completed epochs. Structured-cloneable. */
export interface TrainingCheckpoint extends ModelCheckpoint {
  epoch: number;
  history: EpochRecord[];
  earlyStopping?: EarlyStoppingState;
  /** The best epoch's weights, when early stopping restores them. */
  bestWeights?: EncodedTensors;
}

/** How a training run ended. */
export interface TrainResult {
  status: 'completed' | 'early-stopped' | 'canceled';
  /** Completed epochs (including those before a resume). */
  epochs: number;
  /** The epoch whose weights the model holds when early stopping restored the best; else the last one. */
  bestEpoch: number;
  history: EpochRecord[];
}

/** Training metric reported per batch: accuracy, or RMSE for regression. */
export interface BatchMetric {
  name: 'accuracy' | 'rmse';
  value: number;
}

/** Progress of a training run, keyed on `status`. Epochs and batches are 1-based. */
export type TrainProgress =
  | { status: 'epoch-start'; epoch: number; epochs: number }
  | { status: 'batch'; epoch: number; batch: number; batches: number; loss: number; metric: BatchMetric; samplesPerSecond: number; etaSeconds: number }
  | { status: 'epoch-end'; epoch: number; epochs: number; record: EpochRecord; improved: boolean; etaSeconds: number }
  | { status: 'checkpoint'; epoch: number; checkpoint: TrainingCheckpoint }
  | { status: 'done'; result: TrainResult };

/** Options of {@link trainModel}. */
export interface TrainLoopOptions {
  model: tf.LayersModel;
  optimizer: tf.Optimizer;
  task: TrainTask;
  loss: LossName;
  /** Required for multiclass. */
  classCount?: number;
  train: LabeledRows;
  validation?: LabeledRows;
  epochs: number;
  batchSize: number;
  seed: number;
  earlyStopping?: EarlyStoppingSpec;
  /** Report training metrics every this many batches (means since the last report); 0: none. */
  metricsEveryBatches?: number;
  /** Emit a checkpoint every this many epochs and at the end; 0: never. */
  checkpointEvery?: number;
  signal?: AbortSignal;
  onProgress?: (progress: TrainProgress) => void | Promise<void>;
  /** Continue from this checkpoint (into a freshly built model and optimizer). */
  resumeFrom?: TrainingCheckpoint;
  /** Milliseconds, for timings and the ETA; default `performance.now`. */
  clock?: () => number;
}

function rowsOf(split: LabeledRows, features: number, name: string, task: TrainTask, classCount: number): number {
  const rows = split.y.length;
  if (split.x.length !== rows * features) {
    throw new Error(`The ${name} split has ${split.x.length} feature values for ${rows} labels; expected ${rows} × ${features} = ${rows * features}`);
  }
  for (let i = 0; i < rows; i++) {
    const label = split.y[i];
    const bad = task === 'regression' ? !Number.isFinite(label) : !Number.isInteger(label) || label < 0 || label >= (task === 'binary' ? 2 : classCount);
    if (bad) {
      const expected = task === 'regression' ? 'a finite number' : `a class index from 0 to ${task === 'binary' ? 1 : classCount - 1}`;
      throw new Error(`The ${name} split's label at row ${i + 1} is ${label}; expected ${expected}`);
    }
  }
  return rows;
}

/** Sets a fresh seed on every dropout layer for this batch (TF.js reuses a fixed seed's mask on every call). */
function seedDropout(dropouts: readonly tf.layers.Layer[], rng: Rng): void {
  for (const layer of dropouts) (layer as unknown as { seed: number }).seed = rng.uint32() || 1;
}

/** Trains `model` in place and reports progress; resolves with how the run ended. */
export async function trainModel(options: TrainLoopOptions): Promise<TrainResult> {
  const { model, optimizer, task, loss, train, validation, epochs, batchSize, signal, onProgress } = options;
  const classCount = options.classCount ?? (task === 'binary' ? 2 : 1);
  const every = options.metricsEveryBatches ?? 0;
  const checkpointEvery = options.checkpointEvery ?? 0;
  const clock = options.clock ?? (() => performance.now());
  const features = model.inputs[0].shape[1] as number;
  if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`Epochs ${epochs} is not a positive integer`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`Batch size ${batchSize} is not a positive integer`);
  const rows = rowsOf(train, features, 'training', task, classCount);
  if (rows === 0) throw new Error('The training split has no rows');
  if (validation) rowsOf(validation, features, 'validation', task, classCount);
  const hasValidation = validation !== undefined && validation.y.length > 0;
  if (options.earlyStopping && !hasValidation) {
    throw new Error(`Early stopping watches "${options.earlyStopping.metric}", but there is no validation split; add one or turn early stopping off`);
  }

  const root = new Rng(options.seed);
  const dropouts = model.layers.filter((l) => l.getClassName() === 'Dropout');
  const emit = async (progress: TrainProgress): Promise<void> => {
    await onProgress?.(progress);
  };
  const history: EpochRecord[] = [];
  let stopper = options.earlyStopping ? new EarlyStopping(options.earlyStopping) : null;
  let bestWeights: EncodedTensors | undefined;
  let startEpoch = 1;
  if (options.resumeFrom) {
    const resume = options.resumeFrom;
    await restoreCheckpoint(model, optimizer, resume);
    history.push(...resume.history);
    if (options.earlyStopping) stopper = new EarlyStopping(options.earlyStopping, resume.earlyStopping);
    bestWeights = resume.bestWeights;
    startEpoch = resume.epoch + 1;
  }

  const batches = Math.ceil(rows / batchSize);
  const started = clock();
  let batchesRun = 0;
  const eta = (epoch: number, batch: number): number => {
    const left = (epochs - epoch) * batches + (batches - batch);
    return batchesRun === 0 ? Number.NaN : (((clock() - started) / batchesRun) * left) / 1000;
  };
  const checkpoint = async (epoch: number): Promise<void> => {
    const saved: TrainingCheckpoint = { ...(await saveCheckpoint(model, optimizer)), epoch, history: [...history] };
    if (stopper) saved.earlyStopping = stopper.toJSON();
    if (bestWeights) saved.bestWeights = bestWeights;
    await emit({ status: 'checkpoint', epoch, checkpoint: saved });
  };

  let status: TrainResult['status'] = 'completed';
  let lastEpoch = startEpoch - 1;
  for (let epoch = startEpoch; epoch <= epochs && !stopper?.shouldStop; epoch++) {
    if (signal?.aborted) {
      status = 'canceled';
      break;
    }
    await emit({ status: 'epoch-start', epoch, epochs });
    const epochStarted = clock();
    const order = root.fork('shuffle').fork(epoch).permutation(rows);
    let lossSum = 0;
    let metricSum = 0;
    let windowLoss = 0;
    let windowMetric = 0;
    let windowRows = 0;
    let windowStarted = clock();
    for (let batch = 1; batch <= batches; batch++) {
      if (signal?.aborted) {
        status = 'canceled';
        break;
      }
      const start = (batch - 1) * batchSize;
      const size = Math.min(batchSize, rows - start);
      // A fresh buffer per batch: the cpu backend keeps a reference to the array a tensor was made from.
      const xb = new Float32Array(size * features);
      const yb = new Float32Array(size);
      for (let r = 0; r < size; r++) {
        const row = order[start + r];
        xb.set(train.x.subarray(row * features, (row + 1) * features), r * features);
        yb[r] = train.y[row];
      }
      seedDropout(dropouts, root.fork('dropout').fork(`${epoch}:${batch}`));
      const xs = tf.tensor2d(xb, [size, features]);
      const ys = tf.tensor2d(yb, [size, 1]);
      let values: number | number[];
      try {
        values = await model.trainOnBatch(xs, ys);
      } finally {
        tf.dispose([xs, ys]);
      }
      const [batchLoss, batchMetric] = values as number[];
      batchesRun++;
      lossSum += batchLoss * size;
      metricSum += batchMetric * size;
      windowLoss += batchLoss * size;
      windowMetric += batchMetric * size;
      windowRows += size;
      if (every > 0 && (batch % every === 0 || batch === batches)) {
        const metric = windowMetric / windowRows;
        const seconds = (clock() - windowStarted) / 1000;
        await emit({
          status: 'batch',
          epoch,
          batch,
          batches,
          loss: windowLoss / windowRows,
          metric: task === 'regression' ? { name: 'rmse', value: Math.sqrt(metric) } : { name: 'accuracy', value: metric },
          samplesPerSecond: seconds > 0 ? windowRows / seconds : Number.NaN,
          etaSeconds: eta(epoch, batch),
        });
        windowLoss = windowMetric = windowRows = 0;
        windowStarted = clock();
      }
    }
    if (status === 'canceled') break;

    const trainMetric = metricSum / rows;
    const record: EpochRecord = {
      epoch,
      train: task === 'regression' ? { loss: lossSum / rows, rmse: Math.sqrt(trainMetric) } : { loss: lossSum / rows, accuracy: trainMetric },
      seconds: 0,
    };
    let improved = false;
    if (hasValidation && validation) {
      const predictions = await predictRows(model, validation.x, Math.max(batchSize, 256));
      record.validation = splitMetrics(task, loss, validation.y, predictions, classCount);
      if (stopper) {
        improved = stopper.update(epoch, record.validation);
        if (improved && options.earlyStopping?.restoreBest) bestWeights = await encodeModelWeights(model);
      }
    }
    record.seconds = (clock() - epochStarted) / 1000;
    history.push(record);
    lastEpoch = epoch;
    await emit({ status: 'epoch-end', epoch, epochs, record, improved, etaSeconds: eta(epoch, batches) });
    const finished = epoch === epochs || stopper?.shouldStop === true;
    if (checkpointEvery > 0 && (epoch % checkpointEvery === 0 || finished)) await checkpoint(epoch);
  }

  if (status !== 'canceled' && stopper?.shouldStop) status = 'early-stopped';
  let bestEpoch = lastEpoch;
  if (status !== 'canceled' && bestWeights && stopper && stopper.bestEpoch !== lastEpoch) {
    restoreModelWeights(model, bestWeights);
    bestEpoch = stopper.bestEpoch;
  }
  const result: TrainResult = { status, epochs: lastEpoch, bestEpoch, history };
  await emit({ status: 'done', result });
  return result;
}
