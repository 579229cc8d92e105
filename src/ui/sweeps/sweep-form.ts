/**
 * @file The new-sweep form without its state: the first spec from a base training spec, the conversions its
 * controls make (a parameter's type, the sampler, the early-termination policy), choice lists typed as text, and
 * which control fixes an issue at a spec path (so an error names and points at its field).
 */
import type { JsonValue, SamplerSpec, SamplerType, SearchParam, SweepSpec } from '../../protocol/sweep';
import type { TerminationPolicy } from '../../protocol/termination';
import type { ModelFamily, TrainSpec } from '../../protocol/train';
import { defaultBudget, defaultSampler, defaultSearchSpace, defaultTermination, sweepMetricOptions } from './sweep-defaults';

/** Ids of the form's controls, shared by the components and {@link sweepFieldIdForPath}. */
export const SWEEP_FIELD_IDS = Object.freeze({
  name: 'sweep-name',
  epochs: 'sweep-epochs',
  space: 'sweep-space',
  metric: 'sweep-metric',
  sampler: 'sweep-sampler',
  startupTrials: 'sweep-startup-trials',
  constantLiar: 'sweep-constant-liar',
  multivariate: 'sweep-multivariate',
  pointsPerAxis: 'sweep-points-per-axis',
  shuffle: 'sweep-shuffle',
  scramble: 'sweep-scramble',
  termination: 'sweep-termination',
  minEpochs: 'sweep-min-epochs',
  reductionFactor: 'sweep-reduction-factor',
  evaluationInterval: 'sweep-evaluation-interval',
  delayEvaluation: 'sweep-delay-evaluation',
  slackFactor: 'sweep-slack-factor',
  truncationPercentage: 'sweep-truncation-percentage',
  maxTrials: 'sweep-max-trials',
  maxConcurrentTrials: 'sweep-max-concurrent',
  timeBudget: 'sweep-time-budget',
  seed: 'sweep-seed',
  json: 'sweep-json',
});

/** A field of a search-space row. */
export type ParamField = 'path' | 'type' | 'min' | 'max' | 'step' | 'log' | 'values';

/** Id of a field of the `index`-th parameter row. */
export function paramFieldId(index: number, field: ParamField): string {
  return `sweep-param-${index}-${field}`;
}

const LABELS: Readonly<Record<string, string>> = {
  [SWEEP_FIELD_IDS.name]: 'Sweep name',
  [SWEEP_FIELD_IDS.epochs]: 'Epochs per trial',
  [SWEEP_FIELD_IDS.space]: 'Search space',
  [SWEEP_FIELD_IDS.metric]: 'Metric to optimize',
  [SWEEP_FIELD_IDS.sampler]: 'Sampler',
  [SWEEP_FIELD_IDS.startupTrials]: 'Random trials first',
  [SWEEP_FIELD_IDS.constantLiar]: 'Spread out concurrent trials',
  [SWEEP_FIELD_IDS.multivariate]: 'Model parameters jointly',
  [SWEEP_FIELD_IDS.pointsPerAxis]: 'Points per continuous axis',
  [SWEEP_FIELD_IDS.shuffle]: 'Shuffle the grid',
  [SWEEP_FIELD_IDS.scramble]: 'Scramble the sequence',
  [SWEEP_FIELD_IDS.termination]: 'Early termination',
  [SWEEP_FIELD_IDS.minEpochs]: 'First rung (epochs)',
  [SWEEP_FIELD_IDS.reductionFactor]: 'Reduction factor η',
  [SWEEP_FIELD_IDS.evaluationInterval]: 'Evaluation interval',
  [SWEEP_FIELD_IDS.delayEvaluation]: 'Delay evaluation',
  [SWEEP_FIELD_IDS.slackFactor]: 'Slack factor',
  [SWEEP_FIELD_IDS.truncationPercentage]: 'Truncation percentage',
  [SWEEP_FIELD_IDS.maxTrials]: 'Trials',
  [SWEEP_FIELD_IDS.maxConcurrentTrials]: 'Trials at once',
  [SWEEP_FIELD_IDS.timeBudget]: 'Time budget',
  [SWEEP_FIELD_IDS.seed]: 'Seed',
};

const PARAM_LABELS: Readonly<Record<ParamField, string>> = { path: 'path', type: 'type', min: 'min', max: 'max', step: 'step', log: 'log scale', values: 'values' };

/** The label of a control for the error summary: `Parameter 2 max`, `Trials at once`; null for an unknown id. */
export function sweepFieldLabel(fieldId: string): string | null {
  const param = /^sweep-param-(\d+)-(\w+)$/.exec(fieldId);
  if (param) return `Parameter ${Number(param[1]) + 1} ${PARAM_LABELS[param[2] as ParamField] ?? param[2]}`;
  return LABELS[fieldId] ?? null;
}

const EXACT_FIELDS: Readonly<Record<string, string>> = {
  'base.epochs': SWEEP_FIELD_IDS.epochs,
  space: SWEEP_FIELD_IDS.space,
  metric: SWEEP_FIELD_IDS.metric,
  'metric.key': SWEEP_FIELD_IDS.metric,
  'metric.goal': SWEEP_FIELD_IDS.metric,
  sampler: SWEEP_FIELD_IDS.sampler,
  'sampler.type': SWEEP_FIELD_IDS.sampler,
  'sampler.options.startupTrials': SWEEP_FIELD_IDS.startupTrials,
  'sampler.options.constantLiar': SWEEP_FIELD_IDS.constantLiar,
  'sampler.options.multivariate': SWEEP_FIELD_IDS.multivariate,
  'sampler.options.pointsPerAxis': SWEEP_FIELD_IDS.pointsPerAxis,
  'sampler.options.shuffle': SWEEP_FIELD_IDS.shuffle,
  'sampler.options.scramble': SWEEP_FIELD_IDS.scramble,
  termination: SWEEP_FIELD_IDS.termination,
  'termination.type': SWEEP_FIELD_IDS.termination,
  'termination.minEpochs': SWEEP_FIELD_IDS.minEpochs,
  'termination.maxEpochs': SWEEP_FIELD_IDS.minEpochs,
  'termination.reductionFactor': SWEEP_FIELD_IDS.reductionFactor,
  'termination.evaluationInterval': SWEEP_FIELD_IDS.evaluationInterval,
  'termination.delayEvaluation': SWEEP_FIELD_IDS.delayEvaluation,
  'termination.slackFactor': SWEEP_FIELD_IDS.slackFactor,
  'termination.slackAmount': SWEEP_FIELD_IDS.slackFactor,
  'termination.truncationPercentage': SWEEP_FIELD_IDS.truncationPercentage,
  maxTrials: SWEEP_FIELD_IDS.maxTrials,
  maxConcurrentTrials: SWEEP_FIELD_IDS.maxConcurrentTrials,
  timeBudgetMs: SWEEP_FIELD_IDS.timeBudget,
  seed: SWEEP_FIELD_IDS.seed,
};

const PARAM_PATH = /^space\[(\d+)\](?:\.(\w+))?/;

/** The id of the control that fixes an issue at `path`, or null when only the JSON editor can. */
export function sweepFieldIdForPath(path: string): string | null {
  const exact = EXACT_FIELDS[path];
  if (exact) return exact;
  const param = PARAM_PATH.exec(path);
  if (param) {
    const field = param[2];
    const known: readonly string[] = ['path', 'type', 'min', 'max', 'step', 'log', 'values'];
    return paramFieldId(Number(param[1]), (field && known.includes(field) ? field : field === 'when' ? 'path' : 'type') as ParamField);
  }
  if (/^termination\./.test(path)) return SWEEP_FIELD_IDS.termination;
  if (/^sampler\./.test(path)) return SWEEP_FIELD_IDS.sampler;
  return null;
}

/** Parameter types with labels, in the order the type picker lists them. */
export const PARAM_TYPE_LABELS: Readonly<Record<SearchParam['type'], string>> = Object.freeze({
  loguniform: 'Log-uniform',
  uniform: 'Uniform',
  quniform: 'Uniform on a grid',
  int: 'Integer',
  choice: 'Choice',
});

/** Sampler types with labels. */
export const SAMPLER_LABELS: Readonly<Record<SamplerType, string>> = Object.freeze({
  tpe: 'TPE (Bayesian, learns from the trials)',
  random: 'Random',
  sobol: 'Sobol (quasi-random, even coverage)',
  grid: 'Grid',
});

/** Early-termination policies with labels. */
export const TERMINATION_LABELS: Readonly<Record<TerminationPolicy['type'], string>> = Object.freeze({
  asha: 'ASHA (successive halving)',
  hyperband: 'Hyperband',
  median: 'Median stopping',
  bandit: 'Bandit (slack from the best)',
  truncation: 'Truncation selection',
  none: 'None: every trial runs all its epochs',
});

/** Rounds to 6 significant digits, so converted bounds read cleanly (0.1, not 0.10000000000000002). */
function tidy(x: number): number {
  return Number(x.toPrecision(6));
}

/** `param` as another type, keeping its path and condition and, where they make sense, its bounds. */
export function convertParam(param: SearchParam, type: SearchParam['type']): SearchParam {
  if (param.type === type) return param;
  const base = { path: param.path, ...(param.when ? { when: param.when } : {}) };
  const numbers = param.type === 'choice' ? param.values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)) : [param.min, param.max];
  const lo = numbers.length > 0 ? Math.min(...numbers) : 0;
  const hi = numbers.length > 0 ? Math.max(...numbers) : 1;
  switch (type) {
    case 'choice': {
      if (param.type === 'choice') return param;
      const values = param.type === 'int' || param.type === 'quniform' ? [lo, tidy((lo + hi) / 2), hi] : [lo, hi];
      return { ...base, type, values: [...new Set(values.map((v) => (param.type === 'int' ? Math.round(v) : v)))] };
    }
    case 'uniform':
      return { ...base, type, min: lo, max: hi > lo ? hi : lo + 1 };
    case 'loguniform': {
      const min = lo > 0 ? lo : hi > 0 ? tidy(hi / 1000) : 1e-4;
      return { ...base, type, min, max: hi > min ? hi : tidy(min * 1000) };
    }
    case 'quniform': {
      const max = hi > lo ? hi : lo + 1;
      return { ...base, type, min: lo, max, step: tidy((max - lo) / 10) };
    }
    case 'int': {
      const min = Math.round(lo);
      const max = Math.max(min + 1, Math.round(hi));
      return { ...base, type, min, max };
    }
  }
}

/** The sampler of `type` with the options this form shows set to their defaults. */
export function samplerOfType(type: SamplerType): SamplerSpec {
  switch (type) {
    case 'tpe':
      return defaultSampler();
    case 'grid':
      return { type, options: { pointsPerAxis: 5, shuffle: false } };
    case 'sobol':
      return { type, options: { scramble: true } };
    case 'random':
      return { type };
  }
}

/** The early-termination policy of `type` with sensible numbers for trials of `epochs` epochs. */
export function terminationOfType(type: TerminationPolicy['type'], epochs: number): TerminationPolicy {
  const delay = Math.max(1, Math.floor(epochs / 10));
  switch (type) {
    case 'asha':
      return defaultTermination(epochs);
    case 'hyperband':
      return { type, minEpochs: delay, reductionFactor: 3 };
    case 'median':
      return { type, evaluationInterval: 1, delayEvaluation: delay };
    case 'bandit':
      return { type, slackFactor: 0.1, evaluationInterval: 1, delayEvaluation: delay };
    case 'truncation':
      return { type, truncationPercentage: 25, evaluationInterval: 1, delayEvaluation: delay };
    case 'none':
      return { type };
  }
}

/** A choice list as typed: JSON values separated by commas (`16, 32, 64` or `"adam", "sgd"`). */
export function formatChoiceValues(values: readonly JsonValue[]): string {
  return values.map((v) => JSON.stringify(v)).join(', ');
}

/** Parses a typed choice list; the message says what is wrong and how to write it. */
export function parseChoiceValues(text: string): { ok: true; values: JsonValue[] } | { ok: false; message: string } {
  if (text.trim() === '') return { ok: false, message: 'Enter at least one value, separated by commas' };
  try {
    const parsed = JSON.parse(`[${text}]`) as unknown;
    if (Array.isArray(parsed)) return { ok: true, values: parsed as JsonValue[] };
  } catch {
    // Falls through to the message below.
  }
  return { ok: false, message: 'Expected JSON values separated by commas, e.g. 16, 32, 64 or "adam", "sgd" (text in double quotes)' };
}

/** A sweep's starting name: `<dataset> · <family> sweep`. */
export function newSweepName(datasetName: string, family: ModelFamily): string {
  const name = `${datasetName} · ${family} sweep`;
  return name.length <= 200 ? name : `${name.slice(0, 199)}…`;
}

/** The first spec of the form for `base`: its default space, TPE, ASHA, the first metric of its task, a default budget. */
export function initialSweepSpec(base: TrainSpec, concurrency: number, seed: number): SweepSpec {
  const metric = sweepMetricOptions(base.task)[0];
  return {
    specVersion: 1,
    kind: 'sweep',
    base,
    space: defaultSearchSpace(base),
    sampler: defaultSampler(),
    metric: { key: metric.key, goal: metric.goal },
    ...defaultBudget(concurrency),
    termination: defaultTermination(base.epochs),
    seed,
  };
}

/**
 * Why `maxConcurrentTrials` does not fit the runtime: more trials at once than the workspace trains at once would
 * only wait in the queue. Null when it fits (or is not a number yet: validation says so).
 */
export function concurrencyProblem(maxConcurrentTrials: unknown, concurrency: number): string | null {
  if (typeof maxConcurrentTrials !== 'number' || maxConcurrentTrials <= concurrency) return null;
  return `expected at most ${concurrency}: this workspace trains ${concurrency} run${concurrency === 1 ? '' : 's'} at once (Settings), so more trials at once would only wait in the queue`;
}
