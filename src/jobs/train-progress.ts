/**
 * @file The training loop with its durable side: each engine progress event becomes metric points (per N batches
 * and per epoch), log lines, checkpoints (the last two kept), the run row's progress, and a throttled progress
 * message for the page.
 *
 * Metric keys: per batch window `batch_loss` and `batch_accuracy` or `batch_rmse` (step = batches since the start);
 * per epoch `loss`, `accuracy`/`rmse` (train) and `val_loss`, `val_accuracy` or `val_rmse`/`val_mae`/`val_r2`
 * (validation), step = epoch. Steps depend only on (epoch, batch), so a resumed run overwrites the points of the
 * epochs it recomputes instead of adding new ones.
 */
import type * as tf from '@tensorflow/tfjs';
import type { SplitMetrics } from '../engines/tfjs/epoch-metrics';
import { trainModel, type EpochRecord, type TrainingCheckpoint, type TrainResult } from '../engines/tfjs/train-loop';
import type { MetricValue } from '../protocol/run';
import type { TrainSpec } from '../protocol/train';
import type { TrainJobProgress } from '../protocol/train-worker';
import { saveCheckpoint } from '../storage/checkpoints';
import { updateRunningRun } from '../storage/run-status';
import type { WorkspaceDb } from '../storage/workspace-schema';
import type { RunJournal } from './run-journal';
import { toCheckpointRecord } from './train-checkpoint';
import type { PreparedData } from './train-data';

/** What {@link trainWithJournal} needs. */
export interface JournaledTraining {
  db: WorkspaceDb;
  runId: string;
  spec: TrainSpec;
  model: tf.LayersModel;
  optimizer: tf.Optimizer;
  data: PreparedData;
  journal: RunJournal;
  signal: AbortSignal;
  report: (progress: TrainJobProgress) => void;
  progressIntervalMs: number;
  resumeFrom?: TrainingCheckpoint;
  /** Milliseconds, for the progress throttle; default `performance.now`. */
  now?: () => number;
}

/** How training ended, and the metrics of the weights kept (best epoch when early stopping restored it). */
export interface JournaledResult {
  status: TrainResult['status'];
  epochs: number;
  bestEpoch: number;
  summary: MetricValue[];
}

/** `loss` → `loss` (train) or `val_loss` (validation), as points or summary values. */
function epochMetrics(record: EpochRecord): MetricValue[] {
  const named = (metrics: SplitMetrics | undefined, prefix: string) =>
    Object.entries(metrics ?? {})
      .filter((entry): entry is [string, number] => typeof entry[1] === 'number')
      .map(([key, value]) => ({ key: prefix + key, value }));
  return [...named(record.train, ''), ...named(record.validation, 'val_')];
}

function shown(metrics: MetricValue[]): string {
  return metrics.map((m) => `${m.key} ${Number.isFinite(m.value) ? +m.value.toPrecision(4) : m.value}`).join(', ');
}

/** Trains `model` on the prepared data, journaling as it goes. Resolves `canceled` when `signal` aborts mid-epoch. */
export async function trainWithJournal(input: JournaledTraining): Promise<JournaledResult> {
  const { db, runId, spec, model, optimizer, data, journal, signal, report } = input;
  const now = input.now ?? (() => performance.now());
  const batches = Math.ceil(data.train.y.length / spec.batchSize);
  let lastSent = Number.NEGATIVE_INFINITY;
  const send = (progress: Extract<TrainJobProgress, { status: 'training' }>, force = false) => {
    const t = now();
    if (!force && t - lastSent < input.progressIntervalMs) return;
    lastSent = t;
    report(progress);
  };
  const etaMs = (seconds: number) => (Number.isFinite(seconds) ? Math.round(seconds * 1000) : null);
  const byEpoch = new Map<number, EpochRecord>((input.resumeFrom?.history ?? []).map((r) => [r.epoch, r]));

  const result = await trainModel({
    model,
    optimizer,
    task: spec.task,
    loss: spec.loss,
    classCount: data.classCount,
    train: data.train,
    ...(data.validation.y.length > 0 ? { validation: data.validation } : {}),
    epochs: spec.epochs,
    batchSize: spec.batchSize,
    seed: spec.seed,
    ...(spec.earlyStopping ? { earlyStopping: spec.earlyStopping } : {}),
    metricsEveryBatches: spec.metricsEveryBatches,
    checkpointEvery: spec.checkpointEvery,
    signal,
    ...(input.resumeFrom ? { resumeFrom: input.resumeFrom } : {}),
    onProgress: async (event) => {
      switch (event.status) {
        case 'epoch-start':
          send({ status: 'training', epoch: event.epoch, epochs: event.epochs, batch: 0, batches, etaMs: null, loss: null });
          return;
        case 'batch': {
          const step = (event.epoch - 1) * batches + event.batch;
          journal.metric('batch_loss', step, event.loss, 'train');
          journal.metric(`batch_${event.metric.name}`, step, event.metric.value, 'train');
          send({ status: 'training', epoch: event.epoch, epochs: spec.epochs, batch: event.batch, batches, etaMs: etaMs(event.etaSeconds), loss: event.loss });
          await journal.maybeFlush();
          return;
        }
        case 'epoch-end': {
          const { record, epoch } = event;
          byEpoch.set(epoch, record);
          const metrics = epochMetrics(record);
          for (const m of metrics) journal.metric(m.key, epoch, m.value, m.key.startsWith('val_') ? 'validation' : 'train');
          journal.log('info', `Epoch ${epoch}/${event.epochs}: ${shown(metrics)} (${record.seconds.toFixed(2)} s)`);
          await journal.flush();
          const eta = etaMs(event.etaSeconds);
          await updateRunningRun(db, runId, { progress: { epoch, epochs: event.epochs, step: epoch * batches, ...(eta === null ? {} : { etaMs: eta }) } });
          send({ status: 'training', epoch, epochs: event.epochs, batch: batches, batches, etaMs: eta, loss: record.train.loss }, true);
          return;
        }
        case 'checkpoint': {
          const record = byEpoch.get(event.epoch);
          await saveCheckpoint(db, toCheckpointRecord(runId, event.checkpoint, event.epoch * batches, record ? epochMetrics(record) : []));
          journal.log('debug', `Checkpoint saved after epoch ${event.epoch}`);
          return;
        }
      }
    },
  });

  if (result.status === 'canceled') {
    if (!signal.aborted) throw new Error('Training stopped without a cancel request');
    return { status: result.status, epochs: result.epochs, bestEpoch: result.bestEpoch, summary: [] };
  }
  if (result.status === 'early-stopped' && spec.earlyStopping) {
    const { metric, minDelta, patience, restoreBest } = spec.earlyStopping;
    const kept = restoreBest ? `; the weights of epoch ${result.bestEpoch} are kept` : '';
    journal.log('info', `Early stopping after epoch ${result.epochs}: ${metric} did not improve by more than ${minDelta} for ${patience} epochs${kept}`);
  }
  const best = result.history.find((r) => r.epoch === result.bestEpoch) ?? result.history[result.history.length - 1];
  const summary = [...(best ? epochMetrics(best) : []), { key: 'epochs', value: result.epochs }, { key: 'best_epoch', value: result.bestEpoch }];
  return { status: result.status, epochs: result.epochs, bestEpoch: result.bestEpoch, summary };
}
