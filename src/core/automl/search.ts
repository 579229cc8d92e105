/**
 * @file A FLAML-style cost-frugal AutoML search (Wang et al., "FLAML", MLSys 2021) over the tabular families.
 * - Bad inputs are refused with a clear message (a target with one class, more classes than rows, no usable
 *   feature); the guardrails (`guardrails.ts`) decide each column's featurization, fitted within each fold.
 * - Every trial is cross-validated on the same seeded folds (stratified for classification); its out-of-fold
 *   predictions are kept for the ensemble.
 * - Each family starts at its low-cost configuration, then its defaults, then a randomized direct local search
 *   (FLAML's CFO: a random direction, then the opposite one, step shrinking after failures, restart when tiny;
 *   `local-search.ts`). The input checks and folds are in `prepare.ts`.
 * - Each family's low-cost trial comes first, cheapest family first; then the next family is the one with the
 *   lowest estimated cost for improvement (ECI): the cost it took the family to improve lately, or, when behind
 *   the leader, the cost to close the gap at its recent rate of improvement.
 * - Costs: with a TRIAL budget they come from each family's work model (its estimated work scaled by its
 *   cost-related parameters), so the same data, seed and trial budget give the same leaderboard on any machine.
 *   With a time budget (`timeMs`) they are measured milliseconds and the clock stops the search: results depend
 *   on the machine. A trial still running when the time is up is cancelled; the best finished trial is kept.
 * - Up to `concurrency` trials run at once (`fit-trial.ts`, through an injectable fold executor): proposed together,
 *   numbered in proposal order, their results applied in that order, so the same data, seed, trial budget and
 *   concurrency give the same leaderboard whatever the timing. Concurrency 1 is the sequential search.
 */
import { TABULAR_FAMILIES, familiesFor } from '../../engines/tabular/families';
import type { JsonValue } from '../../protocol/sweep';
import { Rng } from '../random/rng';
import { canonicalJson } from '../tune/space';
import type { AutoMLMetric } from './automl-spec';
import { greedyEnsemble, type EnsembleResult } from './ensemble';
import { fitFeaturizer } from './featurize';
import { crossValidate, fitFoldInProcess, type FoldExecutor, type FoldMatrices } from './fit-trial';
import type { AutoMLTask, ColumnAction, GuardrailFinding, RawColumn } from './guardrails';
import { higherIsBetter, meanStd, sortLeaderboard, type LeaderboardRow } from './leaderboard';
import { configFromUnit, createFamilyState, proposeConfig, recordTrial, workOf, type FamilyState, type Proposal } from './local-search';
import { AutoMLInputError, prepareAutoML } from './prepare';

export { AutoMLInputError } from './prepare';
export type { FoldExecutor, FoldFitRequest, FoldMatrices } from './fit-trial';

/** A finished trial as reported while the search runs. */
export interface TrialReport extends LeaderboardRow {
  /** The estimated cost (work units with a trial budget, milliseconds with a time budget). */
  cost: number;
}

export interface AutoMLOptions {
  signal?: AbortSignal;
  onFindings?: (findings: GuardrailFinding[]) => void;
  /** A trial finished; a returned promise is awaited before the next trial (the AutoML job's storage writes, which need the event loop). */
  onTrial?: (trial: TrialReport) => unknown;
  /** A trial is about to be fitted (its folds); for progress. */
  onTrialStart?: (trial: { trial: number; family: string; params: Readonly<Record<string, unknown>> }) => void;
  /** Clock for the time budget (default `performance.now`). */
  now?: () => number;
  /**
   * Fits one fold of a trial (default: in this thread). Up to the spec's `concurrency` trials call it at once; the
   * browser's job passes a pool of workers. Must reject when its signal aborts (time up or canceled).
   */
  fitFold?: FoldExecutor;
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
  /** What a refit needs (`final-model.ts`): each column's featurization, as the search fitted it per fold. */
  actions: ColumnAction[];
  /** Whether families that take class weights were given balanced ones (imbalanced classes). */
  classWeights: boolean;
  /** Indices (into the given columns) of the rows with a target: the rows the search used. */
  keptRows: Uint32Array;
  /** Encoded targets of the kept rows (class indices into `classes`, or values). */
  y: Float64Array;
  /** The validation folds, as indices into the kept rows. */
  folds: { train: Uint32Array; validation: Uint32Array }[];
}

const ENSEMBLE_CANDIDATES = 20;

/** Runs an AutoML job on raw columns. Throws {@link AutoMLInputError} for bad input. */
export async function runAutoML(columns: readonly RawColumn[], specInput: unknown, options: AutoMLOptions = {}): Promise<AutoMLResult> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const prepared = prepareAutoML(columns, specInput, options.onFindings);
  const { spec, task, metric, classes, nClasses, data, y, folds, report, findings } = prepared;

  const foldData: FoldMatrices[] = [];
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
  const states = names.map((name) => createFamilyState(name, TABULAR_FAMILIES[name].searchSpace(task, trainRows, nFeatures, nClasses), seedRng.fork(name), report.classWeights));

  const sign = higherIsBetter(metric) ? 1 : -1;
  const byTime = spec.budget.trials === undefined;
  const deadline = spec.budget.timeMs === undefined ? Infinity : started + spec.budget.timeMs;
  const maxTrials = spec.budget.trials ?? Infinity;
  const rows: LeaderboardRow[] = [];
  const oofs = new Map<number, Float64Array>();
  let msPerWork: number | undefined;
  let globalBest = -Infinity;
  let stoppedBy: AutoMLResult['stoppedBy'] = 'exhausted';

  const estimate = (state: FamilyState, config: Record<string, JsonValue>): number => {
    const work = workOf(state, config);
    return byTime && msPerWork !== undefined ? work * msPerWork : work;
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

  const concurrency = spec.concurrency;
  const executor = options.fitFold ?? fitFoldInProcess;
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
    // Up to `concurrency` trials at once, proposed before any of them runs: the families by ECI, one configuration
    // each; a family proposes again only when every live family has one in the batch. Their results are applied in
    // trial-number order below, so the leaderboard does not depend on which trial finishes first.
    const batch: { trial: number; state: FamilyState; proposal: Proposal }[] = [];
    const inBatch = new Set<FamilyState>();
    while (batch.length < concurrency && trialNo + batch.length < maxTrials) {
      const all = states.filter((s) => !s.exhausted);
      if (all.length === 0) break;
      const fresh = all.filter((s) => !inBatch.has(s));
      const pool = fresh.length > 0 ? fresh : all;
      // Every family gets its low-cost trial first (cheapest first), so that a family whose work model is off is
      // still measured; after that, the lowest ECI wins.
      const untried = pool.filter((s) => !s.best);
      const live = untried.length > 0 ? untried : pool;
      let pick = live[0];
      let pickEci = eci(pick);
      for (const s of live.slice(1)) {
        const e = eci(s);
        if (e < pickEci) {
          pick = s;
          pickEci = e;
        }
      }
      const proposal = proposeConfig(pick);
      if (!proposal) {
        pick.exhausted = true;
        continue;
      }
      pick.tried.add(canonicalJson(proposal.config));
      inBatch.add(pick);
      batch.push({ trial: trialNo + batch.length + 1, state: pick, proposal });
    }
    if (batch.length === 0) break;
    const controller = new AbortController();
    const stop = () => controller.abort(options.signal?.reason ?? new Error('AutoML time budget reached'));
    options.signal?.addEventListener('abort', stop, { once: true });
    const timer = Number.isFinite(deadline) ? setTimeout(stop, Math.max(0, deadline - now())) : undefined;
    const runs = batch.map(({ trial, state, proposal }) => {
      options.onTrialStart?.({ trial, family: state.name, params: proposal.config });
      const base = { trial, family: state.name, params: proposal.config, nFeatures, task, nClasses, seed: spec.seed };
      return crossValidate(base, foldData, { y, metric, width, executor, signal: controller.signal, now });
    });
    const settled = await Promise.allSettled(runs);
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', stop);
    for (const [i, outcome] of settled.entries()) {
      if (outcome.status === 'rejected') {
        if (!controller.signal.aborted) throw outcome.reason;
        continue; // cancelled by the clock or the user: the trials that finished are kept
      }
      const { trial, state, proposal } = batch[i];
      const { oof, foldScores, ms } = outcome.value;
      const { config } = proposal;
      const work = workOf(state, config);
      msPerWork = msPerWork === undefined ? ms / work : 0.7 * msPerWork + (0.3 * ms) / work;
      const cost = byTime ? ms : work;
      const { mean, std } = meanStd(foldScores);
      const row: TrialReport = { trial, family: state.name, params: config, foldScores, mean, std, trainMs: ms, cost };
      rows.push(row);
      await options.onTrial?.(row);
      oofs.set(trial, oof);
      if (oofs.size > ENSEMBLE_CANDIDATES) {
        const keepTrials = new Set(sortLeaderboard(rows, metric).slice(0, ENSEMBLE_CANDIDATES).map((r) => r.trial));
        for (const t of oofs.keys()) if (!keepTrials.has(t)) oofs.delete(t);
      }
      const score = sign * mean;
      recordTrial(state, proposal, cost, score);
      globalBest = Math.max(globalBest, score);
    }
    trialNo += batch.length;
    if (controller.signal.aborted) {
      stoppedBy = options.signal?.aborted ? 'canceled' : 'time';
      break;
    }
  }

  const leaderboard = sortLeaderboard(rows, metric);
  const result: AutoMLResult = {
    task,
    metric,
    classes,
    findings,
    featureNames,
    leaderboard,
    stoppedBy,
    actions: report.actions,
    classWeights: report.classWeights,
    keptRows: prepared.keptRows,
    y,
    folds: folds.map(({ train, validation }) => ({ train, validation })),
  };
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
