/**
 * @file The new-sweep form's state: the sweep spec being edited (controls write into it), the typed text of each
 * choice list, the sweep's name, the workspace's concurrency, and the advanced JSON editor's text. As in the Train
 * form, the form is the source until the user types in the JSON editor; typed JSON is checked 150 ms after the last
 * keystroke and applied to the form whenever it is a valid sweep spec. Every problem names the field that fixes it.
 */
import type { SamplerType, SearchParam, SweepSpec } from '../../protocol/sweep';
import type { TerminationPolicy } from '../../protocol/termination';
import type { SpecIssue } from '../../protocol/train';
import type { TrainDatasetContext } from '../../core/jobs/train-spec';
import type { SpecTextIssue } from '../../core/jobs/spec-text';
import { parseSweepSpec } from '../../core/tune/sweep-spec';
import { cloneName, fieldMessage } from '../train/train-form';
import type { FormProblem } from '../train/train-form.svelte';
import { metricGoal, sweepMetricOptions, type SweepMetricOption } from './sweep-defaults';
import {
  SWEEP_FIELD_IDS,
  concurrencyProblem,
  convertParam,
  formatChoiceValues,
  initialSweepSpec,
  newSweepName,
  paramFieldId,
  parseChoiceValues,
  samplerOfType,
  sweepFieldIdForPath,
  terminationOfType,
} from './sweep-form';
import { parseSweepSpecText } from './sweep-spec-text';

/** Delay between the last keystroke in the JSON editor and its validation. */
export const SWEEP_JSON_CHECK_DELAY_MS = 150;

/** Where the form starts: the base training spec, the data it reads, and the workspace's runtime. */
export interface SweepFormSource {
  datasetName: string;
  /** The dataset version the base spec reads: validation checks the columns it names. */
  validation: TrainDatasetContext;
  base: SweepSpec['base'];
  /** The run whose spec is the base, when the sweep starts from a run. */
  sourceRun?: { id: string; name: string };
  notice?: string;
  /** Runs the workspace trains at once, and the most it may (the machine's cores). */
  concurrency: number;
  cores: number;
  /** uint32 seed of the sampler. */
  seed: number;
  /** The sweep to start from (a sweep's page: "New sweep from this"): its space, sampler, policy and budget. */
  sweep?: SweepSpec;
}

/** Sampler options the form shows, by name. */
export type SamplerOptionName = 'startupTrials' | 'constantLiar' | 'multivariate' | 'pointsPerAxis' | 'shuffle' | 'scramble';

/** Termination fields the form shows, by name. */
export type TerminationField = 'minEpochs' | 'reductionFactor' | 'evaluationInterval' | 'delayEvaluation' | 'slackFactor' | 'truncationPercentage';

/** The state of one new-sweep form. */
export class SweepForm {
  readonly datasetName: string;
  readonly sourceRun: SweepFormSource['sourceRun'];
  readonly notice: string | undefined;
  readonly cores: number;
  /** Whether the form started from another sweep (its page is where Cancel goes back to). */
  readonly fromSweep: boolean;
  readonly #validation: TrainDatasetContext;

  #spec = $state<SweepSpec>() as SweepSpec;
  /** The typed text of each choice row (null for other rows), kept as typed even when it does not parse. */
  #choiceText = $state<(string | null)[]>([]);
  /** A stable key per row, for keyed lists. */
  #rowKeys = $state<number[]>([]);
  #nextKey = 0;
  #name = $state('');
  #nameEdited = $state(false);
  #concurrency = $state(1);

  #jsonText = $state<string | null>(null);
  #jsonBase = $state('');
  #jsonIssues = $state<SpecTextIssue[]>([]);
  #jsonPending = $state(false);
  #timer: ReturnType<typeof setTimeout> | undefined;

  readonly #formJson = $derived.by(() => JSON.stringify($state.snapshot(this.#spec), null, 2));
  readonly #specIssues = $derived.by((): SpecIssue[] => {
    const result = parseSweepSpec($state.snapshot(this.#spec), this.#validation);
    return result.ok ? [] : result.issues;
  });

  constructor(source: SweepFormSource) {
    this.datasetName = source.datasetName;
    this.sourceRun = source.sourceRun;
    this.notice = source.notice;
    this.cores = Math.max(1, source.cores);
    this.fromSweep = source.sweep !== undefined;
    this.#validation = source.validation;
    this.#concurrency = source.concurrency;
    this.#setSpec(source.sweep ? { ...structuredClone(source.sweep), base: source.base, seed: source.seed } : initialSweepSpec(source.base, source.concurrency, source.seed));
    if (source.sweep && source.sourceRun) this.name = cloneName(source.sourceRun.name);
  }

  /** The spec being edited; controls bind to its fields. */
  get draft(): SweepSpec {
    return this.#spec;
  }

  /** The sweep's name; follows the dataset and model family until the user edits it. */
  get name(): string {
    return this.#nameEdited ? this.#name : newSweepName(this.datasetName, this.#spec.base.model.family);
  }
  set name(value: string) {
    this.#name = value;
    this.#nameEdited = true;
  }

  /** Runs this workspace trains at once (the runtime setting); trials at once cannot exceed it. */
  get concurrency(): number {
    return this.#concurrency;
  }
  set concurrency(value: number) {
    this.#concurrency = value;
  }

  // --- the search space ---

  /** Stable key of row `index`. */
  rowKey(index: number): number {
    return this.#rowKeys[index] ?? index;
  }

  /** The typed values of choice row `index`. */
  choiceText(index: number): string {
    return this.#choiceText[index] ?? '';
  }

  /** Type a choice row's values; they are written to the spec whenever they parse. */
  setChoiceText(index: number, text: string): void {
    this.#choiceText[index] = text;
    const param = this.#spec.space[index];
    const parsed = parseChoiceValues(text);
    this.#mutate(() => {
      if (param?.type === 'choice' && parsed.ok) param.values = parsed.values;
    });
  }

  /** Change row `index`'s type, keeping what carries over (see `convertParam`). */
  setParamType(index: number, type: SearchParam['type']): void {
    // Snapshot through `unknown`: the snapshot type of a JSON value recurses too deep for the checker.
    const param = $state.snapshot(this.#spec.space[index] as unknown) as SearchParam | undefined;
    if (!param) return;
    const next = convertParam(param, type);
    this.#mutate(() => {
      (this.#spec.space as SearchParam[])[index] = next;
      this.#choiceText[index] = next.type === 'choice' ? formatChoiceValues(next.values) : null;
    });
  }

  /** Whether an integer row is sampled on a log scale. */
  paramLog(index: number): boolean {
    const param = this.#spec.space[index];
    return param?.type === 'int' && param.log === true;
  }
  setParamLog(index: number, on: boolean): void {
    const param = this.#spec.space[index];
    if (param?.type !== 'int') return;
    this.#mutate(() => {
      if (on) {
        param.log = true;
        delete param.step;
      } else delete param.log;
    });
  }

  /** A new row (a uniform parameter with an empty path to fill in). */
  addParam(): void {
    this.#mutate(() => {
      (this.#spec.space as SearchParam[]).push({ path: '', type: 'uniform', min: 0, max: 1 });
      this.#choiceText.push(null);
      this.#rowKeys.push(this.#nextKey++);
    });
  }

  removeParam(index: number): void {
    this.#mutate(() => {
      (this.#spec.space as SearchParam[]).splice(index, 1);
      this.#choiceText.splice(index, 1);
      this.#rowKeys.splice(index, 1);
    });
  }

  // --- sampler, termination, metric, budget ---

  get samplerType(): SamplerType {
    return this.#spec.sampler.type;
  }
  set samplerType(type: SamplerType) {
    if (type !== this.#spec.sampler.type) this.#mutate(() => (this.#spec.sampler = samplerOfType(type)));
  }

  /** A sampler option, or undefined when the spec leaves it to its default. */
  samplerOption(name: SamplerOptionName): number | boolean | undefined {
    const options = this.#spec.sampler.options as Record<string, number | boolean | undefined> | undefined;
    return options?.[name];
  }
  setSamplerOption(name: SamplerOptionName, value: number | boolean | null): void {
    this.#mutate(() => {
      const sampler = this.#spec.sampler as { options?: Record<string, unknown> };
      sampler.options ??= {};
      sampler.options[name] = value;
    });
  }

  get terminationType(): TerminationPolicy['type'] {
    return this.#spec.termination.type;
  }
  set terminationType(type: TerminationPolicy['type']) {
    if (type === this.#spec.termination.type) return;
    const epochs = typeof this.#spec.base.epochs === 'number' ? this.#spec.base.epochs : 10;
    this.#mutate(() => (this.#spec.termination = terminationOfType(type, epochs)));
  }

  /** A field of the termination policy, or undefined when this policy has no such field (or leaves it to its default). */
  terminationField(name: TerminationField): number | undefined {
    return (this.#spec.termination as unknown as Record<string, number | undefined>)[name];
  }
  setTerminationField(name: TerminationField, value: number | null): void {
    this.#mutate(() => ((this.#spec.termination as unknown as Record<string, number | null>)[name] = value));
  }

  /** The metrics the base spec's task records, for the picker. */
  get metricOptions(): SweepMetricOption[] {
    return sweepMetricOptions(this.#spec.base.task);
  }

  get metricKey(): string {
    return this.#spec.metric.key;
  }
  set metricKey(key: string) {
    this.#mutate(() => (this.#spec.metric = { key, goal: metricGoal(key) }));
  }

  /** The time budget in minutes; null for none. */
  get timeBudgetMinutes(): number | null {
    const ms = this.#spec.timeBudgetMs;
    return ms === undefined ? null : Math.round((ms / 60_000) * 100) / 100;
  }
  set timeBudgetMinutes(minutes: number | null) {
    this.#mutate(() => {
      if (minutes === null || (typeof minutes === 'number' && Number.isNaN(minutes))) delete this.#spec.timeBudgetMs;
      else this.#spec.timeBudgetMs = Math.round(minutes * 60_000);
    });
  }

  /** A fresh sampler seed. */
  newSeed(seed: number): void {
    this.#mutate(() => (this.#spec.seed = seed));
  }

  // --- the JSON editor ---

  /** The text the JSON editor shows: what the user typed while it is the source, else the form's spec. */
  get jsonText(): string {
    return this.#jsonOwns ? (this.#jsonText as string) : this.#formJson;
  }

  get #jsonOwns(): boolean {
    return this.#jsonText !== null && this.#formJson === this.#jsonBase;
  }

  /** The user typed in the JSON editor; it is checked after a pause. */
  editJson(text: string): void {
    if (!this.#jsonOwns) this.#jsonBase = this.#formJson;
    this.#jsonText = text;
    this.#jsonPending = true;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.checkJson(), SWEEP_JSON_CHECK_DELAY_MS);
  }

  /** Check the typed JSON now; a valid spec is applied to the form. */
  checkJson(): void {
    clearTimeout(this.#timer);
    this.#jsonPending = false;
    if (!this.#jsonOwns) return;
    const result = parseSweepSpecText(this.#jsonText as string, this.#validation);
    if (!result.ok) {
      this.#jsonIssues = result.issues;
      return;
    }
    this.#jsonIssues = [];
    this.#setSpec(result.spec);
    this.#jsonBase = this.#formJson;
  }

  /** Drop the typed JSON; the editor shows the form's spec again. */
  discardJson(): void {
    clearTimeout(this.#timer);
    this.#jsonText = null;
    this.#jsonIssues = [];
    this.#jsonPending = false;
  }

  /** Problems of the typed JSON (empty while the form is the source). */
  get jsonIssues(): readonly SpecTextIssue[] {
    return this.#jsonOwns ? this.#jsonIssues : [];
  }

  /** Problems to mark in the editor's text: the typed JSON's, or the form's located in its JSON. */
  get editorIssues(): readonly SpecTextIssue[] {
    if (this.#jsonOwns) return this.#jsonIssues;
    return this.#specIssues.length > 0 ? this.#formJsonIssues : [];
  }

  readonly #formJsonIssues = $derived.by(() => {
    const result = parseSweepSpecText(this.#formJson, this.#validation);
    return result.ok ? [] : result.issues;
  });

  /** Whether the typed JSON has problems: the form is read-only until they are fixed or discarded. */
  get jsonBlocked(): boolean {
    return this.jsonIssues.length > 0;
  }

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
    if (this.#nameEdited && !this.#name.trim()) problems.push({ fieldId: SWEEP_FIELD_IDS.name, path: 'name', message: 'Enter a name for the sweep' });
    this.#choiceText.forEach((text, index) => {
      if (text === null) return;
      const parsed = parseChoiceValues(text);
      if (!parsed.ok) problems.push({ fieldId: paramFieldId(index, 'values'), path: `space[${index}].values`, message: parsed.message });
    });
    const concurrent = concurrencyProblem(this.#spec.maxConcurrentTrials, this.#concurrency);
    if (concurrent) problems.push({ fieldId: SWEEP_FIELD_IDS.maxConcurrentTrials, path: 'maxConcurrentTrials', message: concurrent });
    for (const issue of this.#specIssues) {
      // A choice row whose text does not parse already says so; the spec still holds its last good values.
      if (problems.some((p) => p.path === issue.path)) continue;
      problems.push({ fieldId: sweepFieldIdForPath(issue.path), path: issue.path, message: fieldMessage(issue.message) });
    }
    return problems;
  });

  /** The first problem of a control, shown next to it. */
  errorFor(fieldId: string): string | undefined {
    return this.problems.find((p) => p.fieldId === fieldId)?.message;
  }

  /** Whether Start can be pressed. */
  get canStart(): boolean {
    return this.problems.length === 0;
  }

  /** The spec to start (validated, complete with defaults), after checking any JSON still waiting; null on a problem. */
  specToStart(): SweepSpec | null {
    if (this.#jsonPending) this.checkJson();
    if (!this.canStart) return null;
    const result = parseSweepSpec($state.snapshot(this.#spec), this.#validation);
    return result.ok ? result.spec : null;
  }

  /** Replace the whole spec (the first one, or valid typed JSON): rows and their texts follow it. */
  #setSpec(spec: SweepSpec): void {
    this.#spec = spec;
    this.#choiceText = spec.space.map((p) => (p.type === 'choice' ? formatChoiceValues(p.values) : null));
    this.#rowKeys = spec.space.map(() => this.#nextKey++);
  }

  /** A form edit: apply it, and the form is the source again. */
  #mutate(edit: () => unknown): void {
    edit();
    if (this.#jsonText !== null && !this.jsonBlocked) this.discardJson();
  }

  /** Stop the pending JSON check (the page is closing). */
  dispose(): void {
    clearTimeout(this.#timer);
  }
}
