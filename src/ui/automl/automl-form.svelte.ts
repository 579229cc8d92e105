/**
 * @file The AutoML form's state: the draft as runes, its problems and the detected task derived, the metric kept
 * valid for the task.
 */
import type { FormProblem } from '../train/train-form.svelte';
import { AUTOML_FAMILIES, defaultDraft, draftProblems, draftToSpec, metricsFor, targetTask, type AutoMLDraft } from './automl-form';
import type { AutoMLFormSource } from './automl-service';
import type { AutoMLJobSpec } from '../../protocol/automl';

/** One AutoML form over one dataset version. */
export class AutoMLForm {
  readonly source: AutoMLFormSource;
  draft: AutoMLDraft;

  readonly #problems = $derived.by((): FormProblem[] => draftProblems(this.draft, this.source));
  readonly #detected = $derived.by(() => targetTask(this.source, this.draft.target));

  constructor(source: AutoMLFormSource, seed: number) {
    this.source = source;
    this.draft = $state(defaultDraft({ target: source.target, columns: source.columns, datasetName: source.datasetName, seed }));
  }

  get problems(): readonly FormProblem[] {
    return this.#problems;
  }

  /** The task the target implies, or why it cannot be a target (undefined: not a column). */
  get detected() {
    return this.#detected;
  }

  /** The metrics the chosen task offers. */
  get metrics() {
    return metricsFor(this.draft.task);
  }

  /** The error shown at a field (its first problem). */
  errorFor(fieldId: string): string | undefined {
    return this.#problems.find((p) => p.fieldId === fieldId)?.message;
  }

  /** Choose the task; a metric that does not fit it goes back to the default. */
  setTask(task: AutoMLDraft['task']): void {
    this.draft.task = task;
    if (!metricsFor(task).some((m) => m.value === this.draft.metric)) this.draft.metric = 'default';
  }

  /** Tick or untick a family. */
  toggleFamily(name: string, on: boolean): void {
    const chosen = this.draft.families;
    this.draft.families = AUTOML_FAMILIES.map((f) => f.name).filter((n) => (n === name ? on : chosen.includes(n)));
  }

  /** The spec to start, or null while there are problems. */
  specToStart(): AutoMLJobSpec | null {
    return this.#problems.length === 0 ? draftToSpec(this.draft) : null;
  }
}
