/**
 * @file The sweep page's state over a live sweep and its live trials: the trial table's rows and order, the
 * optimization history, the parallel-coordinates plot, parameter importance and the progress counts, all derived,
 * so that one storage change re-derives them once.
 */
import type { MetricGoal } from '../../protocol/termination';
import type { TrialRecord } from '../../storage/sweeps';
import { compileSpace } from '../../core/tune/apply-params';
import { metricLabel } from '../runs/run-format';
import { optimizationHistory } from './best-so-far';
import { parallelCoordinates } from './parallel-coordinates';
import { importanceSample, parameterImportance, type TrialCurveValues } from './param-importance';
import type { SweepRecord } from './sweep-service';
import { orderTrialRows, trialRows, type TrialColumn, type TrialOrder, type TrialRow } from './trial-rows';

/** How far a sweep has got. */
export interface SweepProgress {
  /** Trials that ended (completed, stopped early, failed or canceled). */
  finished: number;
  running: number;
  queued: number;
  /** The most trials the sweep runs. */
  planned: number;
}

/** One sweep's page state. */
export class SweepView {
  readonly #sweep: () => SweepRecord;
  readonly #trials: () => readonly TrialRecord[];
  readonly #curves: () => readonly TrialCurveValues[];
  #order = $state.raw<TrialOrder>({ by: 'number', direction: 'asc' });

  readonly #spec = $derived.by(() => this.#sweep().sweep.spec);
  readonly #rows = $derived.by(() => trialRows(this.#trials(), this.#spec.metric.key));
  readonly #ordered = $derived.by(() => orderTrialRows(this.#rows, this.#order));
  readonly #history = $derived.by(() => optimizationHistory(this.#rows, this.#spec.metric.goal));
  readonly #parallel = $derived.by(() => parallelCoordinates(this.#spec.space, this.#rows, this.metricName, this.#spec.metric.goal));
  readonly #importanceSample = $derived.by(() => importanceSample(this.#rows, this.#curves()));
  readonly #importance = $derived.by(() => {
    const sample = this.#importanceSample;
    return sample ? { basis: sample.basis, params: parameterImportance(this.#spec.space, sample.trials) } : null;
  });
  readonly #paramPaths = $derived.by(() => {
    try {
      return compileSpace(this.#spec.space).map((p) => p.path);
    } catch {
      return this.#spec.space.map((p) => p.path);
    }
  });
  readonly #progress = $derived.by((): SweepProgress => {
    let running = 0;
    let queued = 0;
    for (const row of this.#rows) {
      if (row.status === 'running' || row.status === 'interrupted') running++;
      else if (row.status === 'queued') queued++;
    }
    return { finished: this.#rows.length - running - queued, running, queued, planned: this.#spec.maxTrials };
  });

  constructor(sweep: () => SweepRecord, trials: () => readonly TrialRecord[], curves: () => readonly TrialCurveValues[]) {
    this.#sweep = sweep;
    this.#trials = trials;
    this.#curves = curves;
  }

  /** The metric's name ("Validation loss"). */
  get metricName(): string {
    return metricLabel(this.#spec.metric.key);
  }

  get goal(): MetricGoal {
    return this.#spec.metric.goal;
  }

  /** Every trial, by number. */
  get rows(): TrialRow[] {
    return this.#rows;
  }

  /** The trial table's rows, in the chosen order. */
  get orderedRows(): TrialRow[] {
    return this.#ordered;
  }

  get history() {
    return this.#history;
  }

  get parallel() {
    return this.#parallel;
  }

  /** Parameter importance and what it was computed on; null while too few trials have a value. */
  get importance() {
    return this.#importance;
  }

  /** The search space's parameter paths, in canonical form (the keys of a trial's parameters). */
  get paramPaths(): string[] {
    return this.#paramPaths;
  }

  get progress(): SweepProgress {
    return this.#progress;
  }

  get order(): TrialOrder {
    return this.#order;
  }

  /** Sort by `column`; a second click reverses. The metric sorts best first, the rest ascending. */
  sortBy(column: TrialColumn): void {
    if (this.#order.by === column) {
      this.#order = { by: column, direction: this.#order.direction === 'asc' ? 'desc' : 'asc' };
      return;
    }
    const bestFirst = column === 'value' && this.#spec.metric.goal === 'maximize' ? 'desc' : 'asc';
    this.#order = { by: column, direction: column === 'value' ? bestFirst : 'asc' };
  }

  /** `aria-sort` of a column header. */
  ariaSort(column: TrialColumn): 'ascending' | 'descending' | 'none' {
    if (this.#order.by !== column) return 'none';
    return this.#order.direction === 'asc' ? 'ascending' : 'descending';
  }
}
