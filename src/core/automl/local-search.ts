/**
 * @file One family's part of the AutoML search (FLAML's CFO, Wu et al. 2021): its low-cost configuration, then its
 * defaults, then a randomized direct local search in the unit cube of its space: a random direction, then the
 * opposite one, the step shrinking after failures and restarting near the best when tiny. Also the family's work
 * model (estimated work scaled by its cost-related parameters). The choice between families is in `search.ts`.
 */
import type { FamilySearchSpace } from '../../engines/tabular/tabular-family';
import type { TabularFamilyName } from '../../engines/tabular/tabular-model';
import type { JsonValue, SearchParam } from '../../protocol/sweep';
import type { Rng } from '../random/rng';
import { canonicalJson, choiceIndex, domainOf, fromUnit, toInternal, type Domain } from '../tune/space';

/** A family's search state. */
export interface FamilyState {
  name: TabularFamilyName;
  fs: FamilySearchSpace;
  params: SearchParam[];
  domains: Domain[];
  rng: Rng;
  /** Families that take class weights get balanced ones. */
  classWeights: boolean;
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

/** A configuration to try, with its unit coordinates when the local search made it. */
export interface Proposal {
  config: Record<string, JsonValue>;
  u?: number[];
}

const INITIAL_STEP = 0.1;
const MIN_STEP = 0.002;

/** A family's fresh state: its low-cost configuration queued first, then its defaults. */
export function createFamilyState(name: TabularFamilyName, fs: FamilySearchSpace, rng: Rng, classWeights: boolean): FamilyState {
  const params = fs.space.filter((p) => !p.when);
  const base: Record<string, JsonValue> = { ...fs.base };
  const lowCost: Record<string, JsonValue> = { ...fs.base, ...(fs.cost.lowCost as Record<string, JsonValue>) };
  if (classWeights && 'classWeight' in base) {
    base.classWeight = 'balanced';
    lowCost.classWeight = 'balanced';
  }
  return {
    name,
    fs,
    params,
    domains: params.map(domainOf),
    rng,
    classWeights,
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
}

/** The estimated work of `config`: the family's low-cost work scaled by each cost-related parameter's ratio. */
export function workOf(state: FamilyState, config: Record<string, JsonValue>): number {
  let work = state.fs.cost.estimatedWork;
  const low = state.fs.cost.lowCost as Record<string, JsonValue>;
  for (const { path, cheap } of state.fs.cost.costRelated) {
    const v = config[path];
    const l = low[path];
    if (typeof v === 'number' && typeof l === 'number' && v > 0 && l > 0) work *= cheap === 'low' ? v / l : l / v;
  }
  return Math.max(1, work);
}

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

/** The configuration at unit coordinates `u`. */
export function configFromUnit(state: FamilyState, u: number[]): Record<string, JsonValue> {
  const config: Record<string, JsonValue> = { ...state.fs.base };
  if (state.classWeights && 'classWeight' in config) config.classWeight = 'balanced';
  state.params.forEach((p, i) => (config[p.path] = fromUnit(state.domains[i], clampUnit(u[i]))));
  return config;
}

function unitFromConfig(state: FamilyState, config: Record<string, JsonValue>): number[] {
  return state.params.map((p, i) => unitOf(state.domains[i], config[p.path] ?? null));
}

/** The next untried configuration of a family, advancing its local search; undefined when it has no new one. */
export function proposeConfig(state: FamilyState): Proposal | undefined {
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
}

/** A local-search step did not improve: try the opposite direction, then a new one; shrink the step after failures. */
function failed(state: FamilyState): void {
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
}

/** Records a finished trial of `proposal` (its `cost`, and `score` where larger is better) in the family's state. */
export function recordTrial(state: FamilyState, proposal: Proposal, cost: number, score: number): void {
  state.spent += cost;
  state.lastCost = cost;
  if (!state.best || score > state.best.score) {
    state.prevBestScore = state.best?.score;
    state.spentAtPrevBest = state.spentAtBest;
    state.spentAtBest = state.spent;
    state.best = { u: proposal.u ?? unitFromConfig(state, proposal.config), score };
    state.direction = undefined;
    state.negative = false;
    state.failures = 0;
  } else if (proposal.u) {
    failed(state);
  }
}
