/**
 * @file The Train form's state: the spec being edited (the form's controls write into it), the run's name, and the
 * JSON editor's text. Two views of one spec: the form is the source until the user types in the JSON editor; from
 * then the JSON text is kept as typed, checked 150 ms after the last keystroke, and applied to the form whenever it is
 * a valid spec. While it is not, the form is read-only and Start is disabled; a form edit (or "Discard JSON edits")
 * hands the source back to the form.
 */
import type { ModelFamily, OptimizerSpec, SpecIssue, TrainSpec } from '../../protocol/train';
import { parseTrainSpec, type TrainDatasetContext } from '../../core/jobs/train-spec';
import { parseTrainSpecText, type SpecTextIssue } from '../../core/jobs/spec-text';
import { defaultTrainSpec } from '../../core/jobs/train-defaults';
import type { TrainFormSource } from '../runs/run-service';
import { withFineTune, type FineTuneRequest } from './fine-tune';
import {
  FIELD_IDS,
  cloneName,
  fieldIdForPath,
  fieldMessage,
  mlpLayer,
  newRunName,
  randomSeed,
  singleColumnType,
  withEarlyStopping,
  withFamily,
  withFeature,
  withOptimizer,
  withSplit,
  withTarget,
  type TrainFormContext,
} from './train-form';

/** Delay between the last keystroke in the JSON editor and its validation. */
export const JSON_CHECK_DELAY_MS = 150;

/** One problem shown in the error summary: the field that fixes it (null: only the JSON editor can). */
export interface FormProblem {
  fieldId: string | null;
  /** The spec path, or `line L, column C` of a JSON syntax error. */
  path: string;
  message: string;
  /** Where the problem is in the JSON text, for a problem of the typed JSON. */
  offset?: number;
}

/** The state of one Train form. */
export class TrainForm {
  readonly context: TrainFormContext;
  readonly sourceRun: TrainFormSource['sourceRun'];
  readonly notice: string | undefined;
  readonly #validation: TrainDatasetContext;

  #spec = $state<TrainSpec | null>(null);
  #target = $state('');
  #targetError = $state<string | null>(null);
  #notes = $state<string[]>([]);
  #name = $state('');
  #nameEdited = $state(false);
  #fineTuning = $state<string | null>(null);

  /** The settings of each family the user switched away from, for the current target. */
  #leftFamilies: Partial<Record<ModelFamily, { model: TrainSpec['model']; features: string[]; text: TrainSpec['featurization']['text'] }>> = {};

  #jsonText = $state<string | null>(null);
  /** The form's JSON when the typed text last matched it; a form edit since makes the form the source again. */
  #jsonBase = $state('');
  #jsonIssues = $state<SpecTextIssue[]>([]);
  #jsonPending = $state(false);
  #timer: ReturnType<typeof setTimeout> | undefined;

  readonly #formJson = $derived.by(() => (this.#spec ? JSON.stringify($state.snapshot(this.#spec), null, 2) : ''));
  readonly #formIssues = $derived.by((): SpecIssue[] => {
    if (!this.#spec) return [];
    const result = parseTrainSpec($state.snapshot(this.#spec), this.#validation);
    return result.ok ? [] : result.issues;
  });

  constructor(source: TrainFormSource) {
    this.context = { dataset: source.dataset, datasetName: source.datasetName };
    this.sourceRun = source.sourceRun;
    this.notice = source.notice;
    this.#validation = { columns: source.dataset.columns, contentHash: source.dataset.contentHash };
    if (source.spec) {
      this.#spec = source.spec;
      this.#target = source.spec.data.target;
      this.#notes = notesFor(this.context, source.spec.data.target);
      if (source.sourceRun) this.#name = cloneName(source.sourceRun.name);
      this.#nameEdited = Boolean(source.sourceRun);
    } else if (source.target) {
      this.target = source.target;
    }
  }

  /** The spec being edited; null until a target is chosen. Controls bind to its fields through `draft`. */
  get spec(): TrainSpec | null {
    return this.#spec;
  }

  /** The spec, for binding controls inside `{#if form.spec}`. */
  get draft(): TrainSpec {
    if (!this.#spec) throw new Error('No target is chosen yet');
    return this.#spec;
  }

  /** The column to predict. Choosing one recomputes the defaults that depend on it (see `withTarget`). */
  get target(): string {
    return this.#target;
  }
  set target(value: string) {
    this.#target = value;
    if (!value) {
      this.#targetError = 'Choose the column the model should predict';
      return;
    }
    const result = withTarget(this.#snapshot(), value, this.context, randomSeed());
    if (!result.ok) {
      this.#targetError = result.message;
      return;
    }
    this.#targetError = null;
    this.#notes = result.notes;
    this.#leftFamilies = {};
    this.#edit(result.spec);
  }

  /** Why the chosen target cannot be one; null when it can. */
  get targetError(): string | null {
    return this.#targetError;
  }

  /** Notes on the defaults for this target: the detected task first, then the columns left out and why. */
  get notes(): readonly string[] {
    return this.#notes;
  }

  /** The run's name; follows the dataset and model family until the user edits it. */
  get name(): string {
    if (this.#nameEdited) return this.#name;
    return this.#spec ? newRunName(this.context.datasetName, this.#spec.model.family) : '';
  }
  set name(value: string) {
    this.#name = value;
    this.#nameEdited = true;
  }

  get family(): ModelFamily | '' {
    return this.#spec?.model.family ?? '';
  }
  set family(value: ModelFamily | '') {
    const spec = this.#snapshot();
    if (!value || !spec || spec.model.family === value) return;
    // Browsing the families (arrow keys on the select) must not lose the settings of one left behind.
    this.#leftFamilies[spec.model.family] = { model: spec.model, features: spec.data.features, text: spec.featurization.text };
    const next = withFamily(spec, value, this.context);
    const saved = this.#leftFamilies[value];
    if (saved) {
      next.model = saved.model;
      next.data = { ...next.data, features: saved.features };
      next.featurization = { ...next.featurization, text: saved.text };
    }
    this.#edit(next);
  }

  get optimizer(): OptimizerSpec['name'] | '' {
    return this.#spec?.optimizer.name ?? '';
  }
  set optimizer(value: OptimizerSpec['name'] | '') {
    if (value && this.#spec) this.#edit(withOptimizer(this.#snapshot()!, value));
  }

  get validationFraction(): number | null {
    return this.#spec?.data.split.validation ?? null;
  }
  set validationFraction(value: number | null) {
    if (this.#spec) this.#edit(withSplit(this.#snapshot()!, value, this.#spec.data.split.test));
  }

  get testFraction(): number | null {
    return this.#spec?.data.split.test ?? null;
  }
  set testFraction(value: number | null) {
    if (this.#spec) this.#edit(withSplit(this.#snapshot()!, this.#spec.data.split.validation, value));
  }

  get earlyStopping(): boolean {
    return Boolean(this.#spec?.earlyStopping);
  }
  set earlyStopping(on: boolean) {
    if (this.#spec) this.#edit(withEarlyStopping(this.#snapshot()!, on));
  }

  /** The one column a CNN or text model reads. */
  get singleFeature(): string {
    return this.#spec?.data.features[0] ?? '';
  }
  set singleFeature(column: string) {
    if (this.#spec) this.#edit({ ...this.#snapshot()!, data: { ...this.#snapshot()!.data, features: [column] } });
  }

  /** Whether `column` is a feature. */
  hasFeature(column: string): boolean {
    return this.#spec?.data.features.includes(column) ?? false;
  }

  setFeature(column: string, included: boolean): void {
    if (this.#spec) this.#edit(withFeature(this.#snapshot()!, column, included, this.context.dataset.columns));
  }

  /** Choose every column that can be a feature, or none. */
  chooseAllFeatures(on: boolean): void {
    const spec = this.#snapshot();
    if (!spec) return;
    const features = on ? this.featureChoices.map((c) => c.name) : [];
    this.#edit({ ...spec, data: { ...spec.data, features } });
  }

  addLayer(): void {
    const spec = this.#spec;
    if (spec?.model.family !== 'mlp') return;
    const last = spec.model.layers.at(-1);
    spec.model.layers.push(mlpLayer(Math.max(1, Math.round((last?.units ?? 64) / 2))));
  }

  removeLayer(index: number): void {
    const spec = this.#spec;
    if (spec?.model.family === 'mlp' && spec.model.layers.length > 1) spec.model.layers.splice(index, 1);
  }

  /** The text model's architecture; the embedding size, dense layer and dropout carry over. */
  get textArchitecture(): 'embedding-pool' | 'conv1d' | '' {
    return this.#spec?.model.family === 'text' ? this.#spec.model.architecture : '';
  }
  set textArchitecture(value: 'embedding-pool' | 'conv1d' | '') {
    const spec = this.#snapshot();
    if (spec?.model.family !== 'text' || !value || spec.model.architecture === value) return;
    const { embeddingDim, denseUnits, dropout } = spec.model;
    const model: TrainSpec['model'] =
      value === 'conv1d'
        ? { family: 'text', architecture: value, embeddingDim, filters: 64, kernelSize: 5, denseUnits, dropout }
        : { family: 'text', architecture: value, embeddingDim, pooling: 'mean', denseUnits, dropout };
    this.#edit({ ...spec, model });
  }

  newSeed(): void {
    if (this.#spec) this.#spec.seed = randomSeed();
  }

  /** Columns that can be features, for the family chosen: every other column, or those of the type it reads. */
  get featureChoices() {
    const single = this.#spec ? singleColumnType(this.#spec.model.family) : null;
    return this.context.dataset.columns.filter((c) => c.name !== this.#target && (single === null || c.type === single));
  }

  // --- the JSON editor ---

  /** The text the JSON editor shows: what the user typed while it is the source, else the form's spec. */
  get jsonText(): string {
    return this.#jsonOwns ? this.#jsonText! : this.#formJson;
  }

  /** Whether the JSON editor is the source (typed text not yet overridden by a form edit). */
  get #jsonOwns(): boolean {
    return this.#jsonText !== null && this.#formJson === this.#jsonBase;
  }

  /** The user typed in the JSON editor; it is checked after a pause. */
  editJson(text: string): void {
    if (!this.#jsonOwns) this.#jsonBase = this.#formJson;
    this.#jsonText = text;
    this.#jsonPending = true;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.checkJson(), JSON_CHECK_DELAY_MS);
  }

  /** Check the typed JSON now; a valid spec is applied to the form. */
  checkJson(): void {
    clearTimeout(this.#timer);
    this.#jsonPending = false;
    if (!this.#jsonOwns) return;
    const result = parseTrainSpecText(this.#jsonText!, this.#validation);
    if (!result.ok) {
      this.#jsonIssues = result.issues;
      return;
    }
    this.#jsonIssues = [];
    this.#leftFamilies = {};
    const targetChanged = result.spec.data.target !== this.#target;
    this.#spec = result.spec;
    this.#target = result.spec.data.target;
    this.#targetError = null;
    if (targetChanged) this.#notes = notesFor(this.context, this.#target);
    this.#jsonBase = this.#formJson;
  }

  /** Drop the typed JSON; the editor shows the form's spec again. */
  discardJson(): void {
    clearTimeout(this.#timer);
    this.#jsonText = null;
    this.#jsonIssues = [];
    this.#jsonPending = false;
  }

  /** Problems of the typed JSON, with their lines and columns (empty while the form is the source). */
  get jsonIssues(): readonly SpecTextIssue[] {
    return this.#jsonOwns ? this.#jsonIssues : [];
  }

  /**
   * Problems to mark in the editor's text: the typed JSON's, or, while the form is the source, the form's spec
   * problems located in its JSON (an emptied field shows as `null`).
   */
  get editorIssues(): readonly SpecTextIssue[] {
    if (this.#jsonOwns) return this.#jsonIssues;
    return this.#formIssues.length > 0 ? this.#formJsonIssues : [];
  }

  readonly #formJsonIssues = $derived.by(() => {
    const result = parseTrainSpecText(this.#formJson, this.#validation);
    return result.ok ? [] : result.issues;
  });

  /** Whether the typed JSON has problems: the form is read-only until they are fixed or discarded. */
  get jsonBlocked(): boolean {
    return this.jsonIssues.length > 0;
  }

  /** Whether the JSON typed last is still waiting for its check. */
  get jsonPending(): boolean {
    return this.#jsonPending;
  }

  // --- problems and starting ---

  /** Every problem, for the summary at the top: the JSON's while it is blocked, else the form's. */
  get problems(): readonly FormProblem[] {
    return this.#problems;
  }

  readonly #problems = $derived.by((): FormProblem[] => {
    if (this.jsonBlocked) {
      return this.jsonIssues.map((i) => ({ fieldId: null, path: i.kind === 'syntax' ? `line ${i.line}, column ${i.column}` : i.path, message: i.message, offset: i.from }));
    }
    const problems: FormProblem[] = [];
    if (this.#nameEdited && !this.#name.trim()) problems.push({ fieldId: FIELD_IDS.name, path: 'name', message: 'Enter a name for the run' });
    if (this.#targetError) problems.push({ fieldId: FIELD_IDS.target, path: 'data.target', message: this.#targetError });
    else if (this.#spec) {
      for (const issue of this.#formIssues) problems.push({ fieldId: fieldIdForPath(issue.path), path: issue.path, message: fieldMessage(issue.message) });
    }
    return problems;
  });

  /** The first problem of a control, shown next to it. */
  errorFor(fieldId: string): string | undefined {
    return this.problems.find((p) => p.fieldId === fieldId)?.message;
  }

  /** Whether Start can be pressed: a target, a name, and no problem. */
  get canStart(): boolean {
    return this.#spec !== null && this.problems.length === 0;
  }

  /** The spec to start, after checking any JSON still waiting; null when there is a problem. */
  specToStart(): TrainSpec | null {
    if (this.#jsonPending) this.checkJson();
    return this.canStart ? this.#snapshot() : null;
  }

  #snapshot(): TrainSpec | null {
    return this.#spec ? $state.snapshot(this.#spec) as TrainSpec : null;
  }

  /** A form edit: the new spec, and the form is the source again. */
  #edit(spec: TrainSpec): void {
    this.#spec = spec;
    if (this.#jsonText !== null && !this.jsonBlocked) this.discardJson();
  }

  /**
   * Starts from a registered model's weights (from the catalog): chooses its target when none is chosen yet, then
   * takes its model (and image size) and sets `init`. Returns why it cannot apply, or null when it did.
   */
  fineTune(request: FineTuneRequest): string | null {
    if (!this.#spec || this.#target !== request.target) {
      if (!this.context.dataset.columns.some((c) => c.name === request.target)) {
        return `This dataset has no column "${request.target}", which ${request.label} predicts; choose a target and set "init" in the JSON to fine-tune anyway`;
      }
      this.target = request.target;
      if (this.#targetError || !this.#spec) return this.#targetError ?? `"${request.target}" cannot be the target here`;
    }
    this.#edit(withFineTune(this.#snapshot() as TrainSpec, request));
    this.#fineTuning = request.label;
    return null;
  }

  /** The model being fine-tuned, when the form was opened for that (see `fineTune`). */
  get fineTuning(): string | null {
    return this.#spec?.init ? this.#fineTuning : null;
  }

  /** Stop the pending JSON check (the page is closing). */
  dispose(): void {
    clearTimeout(this.#timer);
  }
}

/** The notes on the defaults for `target` (the detected task and left-out columns); empty when it cannot be one. */
function notesFor(context: TrainFormContext, target: string): string[] {
  try {
    return defaultTrainSpec({ dataset: context.dataset, target }).notes;
  } catch {
    return [];
  }
}
