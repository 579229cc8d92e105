/**
 * @file A run's progress as the page shows it: the worker's live events where this tab has them, else the
 * progress stored with the run row.
 */
import type { RunProgressView } from '../../runtime/run-progress-hub';
import { isActive } from './run-format';
import { runService } from './run-service';

/** Live progress of one run; call {@link RunProgressState.connect} during component init. */
export class RunProgressState {
  readonly #runId: string;
  #view = $state.raw<RunProgressView | undefined>(undefined);

  /** Fraction of the planned epochs done, 0 to 1; undefined before anything is known. */
  #fraction = $derived.by(() => {
    const live = this.#view?.live;
    if (live?.status === 'training' && live.epochs > 0) {
      const batches = Math.max(1, live.batches);
      return Math.min(1, (live.epoch - 1 + live.batch / batches) / live.epochs);
    }
    const stored = this.#view?.stored;
    if (stored && stored.epochs > 0) return Math.min(1, stored.epoch / stored.epochs);
    return undefined;
  });

  /** "Epoch 3 of 50 · batch 2/4", or the worker's phase ("Evaluating on the test split"). */
  #label = $derived.by(() => {
    const live = this.#view?.live;
    if (live?.status === 'training') return `Epoch ${live.epoch} of ${live.epochs} · batch ${live.batch}/${live.batches}`;
    if (live && (live.status === 'preparing' || live.status === 'evaluating')) return live.message;
    const stored = this.#view?.stored;
    if (stored) return `Epoch ${stored.epoch} of ${stored.epochs}`;
    return '';
  });

  #etaMs = $derived.by(() => {
    if (!isActive(this.#view?.status)) return undefined;
    const live = this.#view?.live;
    if (live?.status === 'training' && live.etaMs !== null) return live.etaMs;
    return this.#view?.stored?.etaMs;
  });

  constructor(runId: string) {
    this.#runId = runId;
  }

  /** Subscribe for the lifetime of the calling component. */
  connect(): void {
    $effect(() => runService.subscribeProgress(this.#runId, (view) => (this.#view = view)));
  }

  get fraction(): number | undefined {
    return this.#fraction;
  }
  get label(): string {
    return this.#label;
  }
  /** Estimated milliseconds left while the run is active. */
  get etaMs(): number | undefined {
    return this.#etaMs;
  }
}
