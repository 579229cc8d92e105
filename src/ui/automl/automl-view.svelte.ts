/**
 * @file The AutoML page's state over a live job and its live trials: the leaderboard's rows and order, the findings
 * in reading order, and the metric's name, derived so that one storage change re-derives them once.
 */
import type { AutoMLRecord, AutoMLTrialRecord } from '../../storage/automl-runs';
import { automlMetricLabel, leaderboardRows, orderFindings, orderLeaderboard, type LeaderboardColumn, type LeaderboardOrder, type LeaderboardRow } from './automl-leaderboard';

/** One AutoML job's page state. */
export class AutoMLView {
  readonly #run: () => AutoMLRecord;
  readonly #trials: () => readonly AutoMLTrialRecord[];
  #order = $state.raw<LeaderboardOrder>({ by: 'rank', direction: 'asc' });

  readonly #rows = $derived.by(() => leaderboardRows(this.#trials(), this.#run().automl.metric));
  readonly #ordered = $derived.by(() => orderLeaderboard(this.#rows, this.#order));
  readonly #findings = $derived.by(() => orderFindings(this.#run().automl.findings));

  constructor(run: () => AutoMLRecord, trials: () => readonly AutoMLTrialRecord[]) {
    this.#run = run;
    this.#trials = trials;
  }

  /** The primary metric's name (`Accuracy`). */
  get metricName(): string {
    return automlMetricLabel(this.#run().automl.metric);
  }

  /** Every finished trial, best first. */
  get rows(): LeaderboardRow[] {
    return this.#rows;
  }

  /** The leaderboard's rows in the chosen order. */
  get orderedRows(): LeaderboardRow[] {
    return this.#ordered;
  }

  get findings() {
    return this.#findings;
  }

  get order(): LeaderboardOrder {
    return this.#order;
  }

  /** Sort by `column`; a second click reverses. Rank and metric start best first, the rest ascending. */
  sortBy(column: LeaderboardColumn): void {
    if (this.#order.by === column) {
      this.#order = { by: column, direction: this.#order.direction === 'asc' ? 'desc' : 'asc' };
      return;
    }
    this.#order = { by: column, direction: 'asc' };
  }

  /** `aria-sort` of a column header. */
  ariaSort(column: LeaderboardColumn): 'ascending' | 'descending' | 'none' {
    if (this.#order.by !== column) return 'none';
    return this.#order.direction === 'asc' ? 'ascending' : 'descending';
  }
}
