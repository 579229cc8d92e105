/**
 * @file Early stopping: watch one validation metric, stop after `patience` epochs without an improvement larger
 * than `minDelta`. Its state is plain JSON, saved in checkpoints so a resumed run stops where the original would.
 */
import type { EarlyStoppingMetric, EarlyStoppingSpec } from '../../protocol/train';
import type { SplitMetrics } from './epoch-metrics';

/** Where early stopping stands: the best value so far, its epoch (1-based; 0 before any), and epochs since. */
export interface EarlyStoppingState {
  best: number | null;
  bestEpoch: number;
  wait: number;
}

const METRIC_KEYS: Record<EarlyStoppingMetric, keyof SplitMetrics> = {
  val_loss: 'loss',
  val_accuracy: 'accuracy',
  val_rmse: 'rmse',
  val_mae: 'mae',
  val_r2: 'r2',
};

/** The watched value from a validation pass (NaN when the task does not compute it). */
export function watchedValue(metric: EarlyStoppingMetric, validation: SplitMetrics): number {
  const key = METRIC_KEYS[metric];
  if (!key) throw new Error(`Unknown early-stopping metric ${JSON.stringify(metric)}; expected one of ${Object.keys(METRIC_KEYS).join(', ')}`);
  return validation[key] ?? Number.NaN;
}

/** The stopping rule over epochs. */
export class EarlyStopping {
  readonly spec: EarlyStoppingSpec;
  #state: EarlyStoppingState;

  constructor(spec: EarlyStoppingSpec, state: EarlyStoppingState = { best: null, bestEpoch: 0, wait: 0 }) {
    if (!Number.isInteger(spec.patience) || spec.patience < 1) throw new Error(`Early-stopping patience ${spec.patience} is not a positive integer`);
    this.spec = spec;
    this.#state = { ...state };
  }

  /** Records epoch `epoch`'s validation metrics; true when it is the best so far (the weights worth keeping). */
  update(epoch: number, validation: SplitMetrics): boolean {
    const value = watchedValue(this.spec.metric, validation);
    const { best } = this.#state;
    const delta = Math.abs(this.spec.minDelta);
    const improved =
      Number.isFinite(value) && (best === null || (this.spec.mode === 'min' ? value < best - delta : value > best + delta));
    if (improved) this.#state = { best: value, bestEpoch: epoch, wait: 0 };
    else this.#state = { ...this.#state, wait: this.#state.wait + 1 };
    return improved;
  }

  /** Patience is used up. */
  get shouldStop(): boolean {
    return this.#state.wait >= this.spec.patience;
  }

  get bestEpoch(): number {
    return this.#state.bestEpoch;
  }

  /** The state, for a checkpoint. */
  toJSON(): EarlyStoppingState {
    return { ...this.#state };
  }
}
