/**
 * @file A FLAML-style cost-frugal AutoML search (Wang et al., "FLAML", MLSys 2021) over the tabular families.
 * - Bad inputs are refused with a clear message (a target with one class, more classes than rows, no usable
 *   feature); the guardrails (`guardrails.ts`) decide each column's featurization, fitted within each fold.
 * - Every trial is cross-validated on the same seeded folds (stratified for classification); its out-of-fold
 *   predictions are kept for the ensemble.
 * - Each family starts at its low-cost configuration, then its defaults, then a randomized direct local search
 *   (FLAML's CFO: a random direction, then the opposite one, step shrinking after failures, restart when tiny).
 * - Each family's low-cost trial comes first, cheapest family first; then the next family is the one with the
 *   lowest estimated cost for improvement (ECI): the cost it took the family to improve lately, or, when behind
 *   the leader, the cost to close the gap at its recent rate of improvement.
 * - Costs: with a TRIAL budget they come from each family's work model (its estimated work scaled by its
 *   cost-related parameters), so the same data, seed and trial budget give the same leaderboard on any machine.
 *   With a time budget (`timeMs`) they are measured milliseconds and the clock stops the search: results depend
 *   on the machine. A trial still running when the time is up is cancelled; the best finished trial is kept.
 */
import { TABULAR_FAMILIES, familiesFor, fitTabularModel } from '../../engines/tabular/families';
import type { FamilySearchSpace } from '../../engines/tabular/tabular-family';
import type { TabularFamilyName } from '../../engines/tabular/tabular-model';
import type { JsonValue, SearchParam } from '../../protocol/sweep';
import { kFolds, type Fold } from '../data/k-fold';
import { Rng } from '../random/rng';
import { canonicalJson, choiceIndex, domainOf, fromUnit, toInternal, type Domain } from '../tune/space';
import { defaultMetric, parseAutoMLSpec, type AutoMLMetric, type AutoMLSpec } from './automl-spec';
import { greedyEnsemble, type EnsembleResult } from './ensemble';
import { fitFeaturizer } from './featurize';
import { analyseColumns, detectAutoMLTask, encodeTarget, isMissing, leakageFindings, type AutoMLTask, type GuardrailFinding, type RawColumn } from './guardrails';
import { higherIsBetter, meanStd, metricValue, sortLeaderboard, type LeaderboardRow } from './leaderboard';

/** A bad input: the message says what is wrong and what to do. */
export class AutoMLInputError extends Error {
  constructor(
    readonly code: 'no-target' | 'target-one-class' | 'too-many-classes' | 'no-features' | 'too-few-rows' | 'bad-target',
    message: string,
  ) {
    super(message);
    this.name = 'AutoMLInputError';
  }
}

/** A finished trial as reported while the search runs. */
export interface TrialReport extends LeaderboardRow {
  /** The estimated cost (work units with a trial budget, milliseconds with a time budget). */
  cost: number;
}

export interface AutoMLOptions {
  signal?: AbortSignal;
  onFindings?: (findings: GuardrailFinding[]) => void;
  onTrial?: (trial: TrialReport) => void;
  /** Clock for the time budget (default `performance.now`). */
  now?: () => number;
}

export interface AutoMLResult {
  task: AutoMLTask;
  metric: AutoMLMetric;
  classes: string[];
  findings: GuardrailFinding[];
  featureNames: string[];
  /** Best first. */
  leaderboard: LeaderboardRow[];
  ensemble?: EnsembleResult;
  /** The recommended model: the ensemble when kept, else the leaderboard's first row; undefined when none finished. */
  best?: { kind: 'single'; trial: number; family: string; params: Readonly<Record<string, unknown>>; mean: number; std: number } | { kind: 'ensemble'; weights: { trial: number; weight: number }[]; mean: number; std: number };
  stoppedBy: 'trials' | 'time' | 'canceled' | 'exhausted';
  /** Set when the budget ran out before any trial finished, or other notes for the user. */
  message?: string;
}

interface FoldData {
  train: Uint32Array;
  validation: Uint32Array;
  Xtrain: Float64Array;
  Xval: Float64Array;
  ytrain: Float64Array;
}

interface FamilyState {
  name: TabularFamilyName;
  fs: FamilySearchSpace;
  params: SearchParam[];
  domains: Domain[];
  rng: Rng;
  tried: Set<string>;
  queue: Record<string, JsonValue>[];
  best?: { u: number[]; score: number };
  prevBestScore?: number;
  step: number;
  direction?: number[];
  /** The current direction's positive step failed: try the negative one. */
  negative: boolean;
  failures: number;
  spent: number;
  spentAtBest: number;
  spentAtPrevBest: number;
  lastCost?: number;
  exhausted: boolean;
}

const INITIAL_STEP = 0.1;
const MIN_STEP = 0.002;
const ENSEMBLE_CANDIDATES = 20;

/** The unit coordinate of `value` on `domain` (the inverse of `fromUnit`, at a cell's centre). */
function unitOf(domain: Domain, value: JsonValue): number {
  if (domain.kind === 'categorical') {
    const i = choiceIndex(domain, value) ?? 0;
    return (i + 0.5) / domain.choices.length;
  }
  const x = typeof value === 'number' ? Math.min(domain.high, Math.max(domain.low, value)) : domain.low;
  if (domain.int && domain.log) {
    const lo = Math.log(domain.low - 0.5);
    const hi = Math.log(domain.high + 0.5);
    return (Math.log(x) - lo) / (hi - lo);
  }
  if (domain.step !== undefined && !domain.log) {
    const n = Math.round((domain.high - domain.low) / domain.step) + 1;
    return (Math.round((x - domain.low) / domain.step) + 0.5) / n;
  }
  const internal = toInternal(domain, x) ?? (domain.log ? Math.log(domain.low) : domain.low);
  const lo = domain.log ? Math.log(domain.low) : domain.low;
  const hi = domain.log ? Math.log(domain.high) : domain.high;
  return hi === lo ? 0 : (internal - lo) / (hi - lo);
}

function clampUnit(u: number): number {
  return Math.min(1 - 1e-9, Math.max(0, u));
}

/** Runs an AutoML job on raw columns. Throws {@link AutoMLInputError} for bad input. */
export async function runAutoML(columns: readonly RawColumn[], specInput: unknown, options: AutoMLOptions = {}): Promise<AutoMLResult> {
  const spec: AutoMLSpec = parseAutoMLSpec(specInput);
  const now = options.now ?? (() => performance.now());
  const started = now();
  const targetColumn = columns.find((c) => c.name === spec.target);
  if (!targetColumn) {
    throw new AutoMLInputError('no-target', `Target column "${spec.target}" is not in the data; columns: ${columns.map((c) => c.name).join(', ')}`);
  }
  // Rows without a target take no part.
  const keep: number[] = [];
  targetColumn.values.forEach((v, i) => {
    if (!isMissing(v)) keep.push(i);
  });
  const findings: GuardrailFinding[] = [];
  if (keep.length < targetColumn.values.length) {
    findings.push({ code: 'missing-values', severity: 'warning', column: spec.target, message: `${targetColumn.values.length - keep.length} rows have no target and were left out` });
  }
  const data = columns.map((c) => ({ name: c.name, values: keep.map((i) => c.values[i]) }));
  const target = data.find((c) => c.name === spec.target) as RawColumn;
  const nRows = keep.length;
  if (nRows === 0) throw new AutoMLInputError('too-few-rows', `Target column "${spec.target}" has no values`);
  const task: AutoMLTask = spec.task ?? detectAutoMLTask(target);
  const metric = spec.metric ?? defaultMetric(task);
  if ((task === 'regression') !== (metric === 'r2' || metric === 'rmse')) {
    throw new AutoMLInputError('bad-target', `Metric "${metric}" does not fit a ${task} task; use ${task === 'regression' ? 'r2 or rmse' : 'accuracy or log-loss'}`);
  }
  const { y, classes } = encodeTarget(target, task);
  const nClasses = task === 'regression' ? 1 : classes.length;
  if (task !== 'regression') {
    if (nClasses < 2) {
      throw new AutoMLInputError('target-one-class', `Target "${spec.target}" has one class (${JSON.stringify(classes[0])}) in all ${nRows} rows: there is nothing to learn. Pick another target or add rows of other classes`);
    }
    if (task === 'binary' && nClasses !== 2) throw new AutoMLInputError('bad-target', `Task binary needs 2 classes; target "${spec.target}" has ${nClasses}`);
    if (nClasses > nRows / 2) {
      throw new AutoMLInputError(
        'too-many-classes',
        `Target "${spec.target}" has ${nClasses} classes for ${nRows} rows: ${nClasses >= nRows ? 'more classes than rows' : 'fewer than two rows per class'}, so no model can be validated. Is it an ID or a numeric target (use task "regression")?`,
      );
    }
  }
  const folds = makeFolds(spec, y, task, nRows);
  const report = analyseColumns(data, spec.target, task, y);
  findings.push(...report.findings);
  findings.push(...leakageFindings(data, report.actions, y, task, folds[0].train));
  options.onFindings?.(findings);
  if (report.actions.every((a) => a.kind === 'drop')) {
    throw new AutoMLInputError('no-features', `No usable feature: every column other than "${spec.target}" is constant, empty or ID-like (${report.actions.map((a) => a.column).join(', ') || 'none'})`);
  }

  const foldData: FoldData[] = [];
  let featureNames: string[] = [];
  for (const fold of folds) {
    const featurizer = fitFeaturizer(data, report.actions, fold.train, y, task, nClasses);
    featureNames = featurizer.names;
    foldData.push({ ...fold, Xtrain: featurizer.transform(fold.train), Xval: featurizer.transform(fold.validation), ytrain: Float64Array.from(fold.train, (r) => y[r]) });
  }
  const nFeatures = featureNames.length;
  const width = task === 'regression' ? 1 : nClasses;
  const trainRows = foldData[0].train.length;

  const names = familiesFor(task).filter((f) => !spec.families || (spec.families as readonly string[]).includes(f));
  if (names.length === 0) throw new AutoMLInputError('bad-target', `None of the families ${spec.families?.join(', ')} fits a ${task} task`);
  const seedRng = new Rng(spec.seed);
  const states: FamilyState[] = names.map((name) => {
    const fs = TABULAR_FAMILIES[name].searchSpace(task, trainRows, nFeatures, nClasses);
    const params = fs.space.filter((p) => !p.when);
    const base: Record<string, JsonValue> = { ...fs.base };
    const lowCost: Record<string, JsonValue> = { ...fs.base, ...(fs.cost.lowCost as Record<string, JsonValue>) };
    if (report.classWeights && 'classWeight' in base) {
      base.classWeight = 'balanced';
      lowCost.classWeight = 'balanced';
    }
    return {
      name,
      fs,
      params,
      domains: params.map(domainOf),
      rng: seedRng.fork(name),
      tried: new Set<string>(),
      queue: [lowCost, base],
      step: INITIAL_STEP * Math.sqrt(Math.max(1, params.length)),
      negative: false,
      failures: 0,
      spent: 0,
      spentAtBest: 0,
      spentAtPrevBest: 0,
      exhausted: false,
    };
  });

  const sign = higherIsBetter(metric) ? 1 : -1;
  const byTime = spec.budget.trials === undefined;
  const deadline = spec.budget.timeMs === undefined ? Infinity : started + spec.budget.timeMs;
  const maxTrials = spec.budget.trials ?? Infinity;
  const rows: LeaderboardRow[] = [];
  const oofs = new Map<number, Float64Array>();
  let msPerWork: number | undefined;
  let globalBest = -Infinity;
  let stoppedBy: AutoMLResult['stoppedBy'] = 'exhausted';

  const workOf = (state: FamilyState, config: Record<string, JsonValue>): number => {
    let work = state.fs.cost.estimatedWork;
    const low = state.fs.cost.lowCost as Record<string, JsonValue>;
    for (const { path, cheap } of state.fs.cost.costRelated) {
      const v = config[path];
      const l = low[path];
      if (typeof v === 'number' && typeof l === 'number' && v > 0 && l > 0) work *= cheap === 'low' ? v / l : l / v;
    }
    return Math.max(1, work);
  };
  const estimate = (state: FamilyState, config: Record<string, JsonValue>): number => {
    const work = workOf(state, config);
    return byTime && msPerWork !== undefined ? work * msPerWork : work;
  };

  const configFromUnit = (state: FamilyState, u: number[]): Record<string, JsonValue> => {
    const config: Record<string, JsonValue> = { ...state.fs.base };
    if (report.classWeights && 'classWeight' in config) config.classWeight = 'balanced';
    state.params.forEach((p, i) => (config[p.path] = fromUnit(state.domains[i], clampUnit(u[i]))));
    return config;
  };
  const unitFromConfig = (state: FamilyState, config: Record<string, JsonValue>): number[] => state.params.map((p, i) => unitOf(state.domains[i], config[p.path] ?? null));

  /** The next untried configuration of a family, advancing its local search; undefined when it has no new one. */
  const propose = (state: FamilyState): { config: Record<string, JsonValue>; u?: number[] } | undefined => {
    while (state.queue.length > 0) {
      const config = state.queue.shift() as Record<string, JsonValue>;
      if (!state.tried.has(canonicalJson(config))) return { config };
    }
    if (state.params.length === 0 || !state.best) return undefined;
    for (let attempt = 0; attempt < 50; attempt++) {
      if (!state.direction) {
        const dir = state.params.map(() => state.rng.normal());
        const norm = Math.hypot(...dir) || 1;
        state.direction = dir.map((d) => d / norm);
        state.negative = false;
      }
      const direction = state.direction;
      const s = state.negative ? -state.step : state.step;
      const u = state.best.u.map((x, i) => clampUnit(x + s * direction[i]));
      const config = configFromUnit(state, u);
      if (!state.tried.has(canonicalJson(config))) return { config, u };
      failed(state);
    }
    return undefined;
  };
  /** A local-search step did not improve: try the opposite direction, then a new one; shrink the step after failures. */
  const failed = (state: FamilyState): void => {
    if (state.direction && !state.negative) {
      state.negative = true;
      return;
    }
    state.direction = undefined;
    state.negative = false;
    state.failures++;
    if (state.failures >= 2 ** Math.min(4, Math.max(0, state.params.length - 1))) {
      state.step /= 2;
      state.failures = 0;
      if (state.step < MIN_STEP && state.best) {
        // Converged: restart near the best with the initial step (FLAML's restart).
        state.step = INITIAL_STEP * Math.sqrt(state.params.length);
        state.best = { u: state.best.u.map((x) => clampUnit(x + (state.rng.next() - 0.5) * 0.5)), score: state.best.score };
      }
    }
  };

  const eci = (state: FamilyState): number => {
    const next = state.best ? (state.lastCost ?? estimate(state, configFromUnit(state, state.best.u))) : estimate(state, state.queue[0] ?? state.fs.base);
    if (!state.best) return next;
    const eci1 = Math.max(state.spent - state.spentAtBest, state.spentAtBest - state.spentAtPrevBest, next);
    if (state.best.score >= globalBest) return eci1;
    const gain = state.prevBestScore === undefined ? 0 : state.best.score - state.prevBestScore;
    const speed = gain / Math.max(1e-9, state.spentAtBest - state.spentAtPrevBest);
    const eci2 = speed > 0 ? (globalBest - state.best.score) / speed : Infinity;
    return Math.max(eci1, Math.min(eci2, eci1 * 20));
  };

  let trialNo = 0;
  while (true) {
    if (trialNo >= maxTrials) {
      stoppedBy = 'trials';
      break;
    }
    if (options.signal?.aborted) {
      stoppedBy = 'canceled';
      break;
    }
    if (now() >= deadline) {
      stoppedBy = 'time';
      break;
    }
    const all = states.filter((s) => !s.exhausted);
    if (all.length === 0) break;
    // Every family gets its low-cost trial first (cheapest first), so that a family whose work model is off is
    // still measured; after that, the lowest ECI wins.
    const untried = all.filter((s) => !s.best);
    const live = untried.length > 0 ? untried : all;
    let pick = live[0];
    let pickEci = eci(pick);
    for (const s of live.slice(1)) {
      const e = eci(s);
      if (e < pickEci) {
        pick = s;
        pickEci = e;
      }
    }
    const proposal = propose(pick);
    if (!proposal) {
      pick.exhausted = true;
      continue;
    }
    const { config } = proposal;
    pick.tried.add(canonicalJson(config));
    const controller = new AbortController();
    const stop = () => controller.abort(options.signal?.reason ?? new Error('AutoML time budget reached'));
    options.signal?.addEventListener('abort', stop, { once: true });
    const timer = Number.isFinite(deadline) ? setTimeout(stop, Math.max(0, deadline - now())) : undefined;
    const t0 = now();
    const oof = new Float64Array(nRows * width);
    const foldScores: number[] = [];
    let aborted = false;
    try {
      for (const fold of foldData) {
        const model = await fitTabularModel(
          pick.name,
          { X: fold.Xtrain, nRows: fold.train.length, nFeatures, y: fold.ytrain, task, ...(task === 'regression' ? {} : { nClasses }) },
          config,
          { seed: spec.seed, signal: controller.signal },
        );
        const pred = task === 'regression' ? model.predict(fold.Xval, fold.validation.length) : model.predictProba(fold.Xval, fold.validation.length);
        fold.validation.forEach((r, i) => oof.set(pred.subarray(i * width, (i + 1) * width), r * width));
        foldScores.push(metricValue(metric, y, oof, width, fold.validation));
        if (controller.signal.aborted) throw controller.signal.reason;
      }
    } catch (err) {
      if (!controller.signal.aborted) throw err;
      aborted = true;
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', stop);
    }
    if (aborted) {
      stoppedBy = options.signal?.aborted ? 'canceled' : 'time';
      break;
    }
    const ms = now() - t0;
    const work = workOf(pick, config);
    msPerWork = msPerWork === undefined ? ms / work : 0.7 * msPerWork + (0.3 * ms) / work;
    const cost = byTime ? ms : work;
    trialNo++;
    const { mean, std } = meanStd(foldScores);
    const row: TrialReport = { trial: trialNo, family: pick.name, params: config, foldScores, mean, std, trainMs: ms, cost };
    rows.push(row);
    options.onTrial?.(row);
    oofs.set(trialNo, oof);
    if (oofs.size > ENSEMBLE_CANDIDATES) {
      const keepTrials = new Set(sortLeaderboard(rows, metric).slice(0, ENSEMBLE_CANDIDATES).map((r) => r.trial));
      for (const t of oofs.keys()) if (!keepTrials.has(t)) oofs.delete(t);
    }
    pick.spent += cost;
    pick.lastCost = cost;
    const score = sign * mean;
    if (!pick.best || score > pick.best.score) {
      pick.prevBestScore = pick.best?.score;
      pick.spentAtPrevBest = pick.spentAtBest;
      pick.spentAtBest = pick.spent;
      pick.best = { u: proposal.u ?? unitFromConfig(pick, config), score };
      pick.direction = undefined;
      pick.negative = false;
      pick.failures = 0;
    } else if (proposal.u) {
      failed(pick);
    }
    globalBest = Math.max(globalBest, score);
  }

  const leaderboard = sortLeaderboard(rows, metric);
  const result: AutoMLResult = { task, metric, classes, findings, featureNames, leaderboard, stoppedBy };
  if (leaderboard.length === 0) {
    result.message =
      stoppedBy === 'time'
        ? `The budget of ${spec.budget.timeMs} ms was too short for one trial (5-fold fits of the cheapest configuration); no model. Give a larger budget`
        : stoppedBy === 'canceled'
          ? 'Canceled before any trial finished; no model'
          : 'No trial ran';
    return result;
  }
  if (stoppedBy === 'time' && rows.length > 0) result.message = `Time budget reached after ${rows.length} trials; best model so far kept`;
  const top = leaderboard[0];
  result.best = { kind: 'single', trial: top.trial, family: top.family, params: top.params, mean: top.mean, std: top.std };
  if (spec.ensemble) {
    const candidates = leaderboard.filter((r) => oofs.has(r.trial)).slice(0, ENSEMBLE_CANDIDATES).map((r) => ({ trial: r.trial, oof: oofs.get(r.trial) as Float64Array }));
    const ensemble = greedyEnsemble(candidates, y, width, foldData.map((f) => f.validation), metric);
    if (ensemble) {
      result.ensemble = ensemble;
      if (ensemble.kept) result.best = { kind: 'ensemble', weights: ensemble.weights, mean: ensemble.mean, std: ensemble.std };
    }
  }
  return result;
}

function makeFolds(spec: AutoMLSpec, y: Float64Array, task: AutoMLTask, nRows: number): Fold[] {
  const validation = spec.validation;
  const target =
    task === 'regression'
      ? { kind: 'numeric' as const, values: y }
      : { kind: 'categorical' as const, codes: Int32Array.from(y), categories: Array.from({ length: Math.max(...y) + 1 }, (_, i) => String(i)) };
  const k = validation.kind === 'cv' ? validation.folds : Math.max(2, Math.round(1 / validation.fraction));
  if (nRows < k) throw new AutoMLInputError('too-few-rows', `${nRows} rows are too few for ${validation.kind === 'cv' ? `${k}-fold cross-validation` : 'a holdout'}; need at least ${k}`);
  const folds = kFolds(target, { k, task: task === 'regression' ? 'regression' : 'classification', seed: spec.seed, column: spec.target, stratify: validation.stratified });
  return validation.kind === 'cv' ? folds : [folds[0]];
}
