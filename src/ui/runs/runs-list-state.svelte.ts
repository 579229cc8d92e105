/**
 * @file UI state of the runs list: the status and tag filters, the metric column, the order and the runs selected
 * for comparison, with the visible rows derived from the live list of runs.
 */
import type { RunStatus } from '../../protocol/run';
import type { RunRecord } from '../../storage/records';
import { SvelteSet } from 'svelte/reactivity';
import { higherIsBetter } from './run-format';
import { allTags } from './run-compare';
import { orderRuns, summaryKeys, type RunsMetric, type RunsOrder } from './runs-order';

/** A sortable column of the runs list. */
export type RunsColumn = 'createdAt' | 'metric';

/** Filter and order of the runs list over a live source of runs. */
export class RunsListState {
  #source: () => readonly RunRecord[];
  #status = $state<RunStatus | ''>('');
  #metric = $state.raw<RunsMetric>({ kind: 'primary' });
  #order = $state.raw<RunsOrder>({ by: 'createdAt', direction: 'desc' });
  #tag = $state('');
  #selected = new SvelteSet<string>();
  #rows = $derived.by(() => {
    const tag = this.#tag;
    const source = tag ? this.#source().filter((run) => run.tags.includes(tag)) : this.#source();
    return orderRuns(source, { ...(this.#status ? { status: this.#status } : {}), order: this.#order, metric: this.#metric });
  });
  #metricKeys = $derived.by(() => summaryKeys(this.#source()));
  #tags = $derived.by(() => allTags(this.#source()));
  /** Selected runs that still exist, in list order. */
  #selectedIds = $derived.by(() => this.#source().filter((run) => this.#selected.has(run.id)).map((run) => run.id));

  constructor(source: () => readonly RunRecord[]) {
    this.#source = source;
  }

  /** The runs to show, filtered and ordered. */
  get rows(): RunRecord[] {
    return this.#rows;
  }

  /** Every summary metric key of the runs, for the metric picker. */
  get metricKeys(): string[] {
    return this.#metricKeys;
  }

  /** The status shown, or `''` for every status. */
  get status(): RunStatus | '' {
    return this.#status;
  }
  set status(status: RunStatus | '') {
    this.#status = status;
  }

  /** The tag shown, or `''` for every run. */
  get tag(): string {
    return this.#tag;
  }
  set tag(tag: string) {
    this.#tag = tag;
  }

  /** Every tag of the runs, sorted, for the tag filter. */
  get tags(): string[] {
    return this.#tags;
  }

  /** Ids of the runs selected for comparison (existing runs only, in list order). */
  get selected(): string[] {
    return this.#selectedIds;
  }

  isSelected(runId: string): boolean {
    return this.#selected.has(runId);
  }

  /** Select or unselect a run for comparison. */
  select(runId: string, on: boolean): void {
    if (on) this.#selected.add(runId);
    else this.#selected.delete(runId);
  }

  get metric(): RunsMetric {
    return this.#metric;
  }

  /** The metric column's picker value: `''` for each run's primary metric, else a summary key. */
  get metricChoice(): string {
    return this.#metric.kind === 'primary' ? '' : this.#metric.key;
  }
  set metricChoice(choice: string) {
    this.#metric = choice ? { kind: 'key', key: choice } : { kind: 'primary' };
  }

  get order(): RunsOrder {
    return this.#order;
  }

  /** Sort by `column`; a second click on the same column reverses the order. */
  sortBy(column: RunsColumn): void {
    if (this.#order.by === column) {
      this.#order = { by: column, direction: this.#order.direction === 'asc' ? 'desc' : 'asc' };
      return;
    }
    // Best first: newest runs, highest accuracy, lowest error.
    const best = column === 'createdAt' || this.#metric.kind === 'primary' || higherIsBetter(this.#metric.key) ? 'desc' : 'asc';
    this.#order = { by: column, direction: best };
  }

  /** `aria-sort` of a column header. */
  ariaSort(column: RunsColumn): 'ascending' | 'descending' | 'none' {
    if (this.#order.by !== column) return 'none';
    return this.#order.direction === 'asc' ? 'ascending' : 'descending';
  }
}
