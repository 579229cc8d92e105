/**
 * @file Checks of a search space against its base training spec, before anything runs: each path parses, is not a
 * lineage field, appears once, and exists in the spec (or in a spec that earlier parameters can produce: a fourth
 * layer's dropout after a layer count that reaches 4); each `when` is well formed and can hold; each range is sane;
 * the grid is not too large; and the trial specs that the space produces still validate as training specs (probed
 * at every parameter's extremes and choices, and at seeded random points).
 */
import type { JsonValue, SamplerSpec, SearchSpace } from '../../protocol/sweep';
import type { SpecIssue, TrainSpec } from '../../protocol/train';
import { show } from '../jobs/spec-fields';
import { parseTrainSpec } from '../jobs/train-spec';
import { Rng } from '../random/rng';
import { buildTrial, isActive, type CompiledParam } from './apply-params';
import { describeContainer, formatParamPath, parseParamPath, readPath, type PathKey } from './param-path';
import { countGridPoints, DEFAULT_POINTS_PER_AXIS, isRectangular, MAX_GRID_POINTS } from './samplers/grid';
import { SOBOL_MAX_DIMENSIONS } from './samplers/sobol';
import { canonicalJson, checkParamRange, domainOf, fromUnit, gridAxisSize } from './space';

/** Paths a sweep may not set: they name the spec's version and kind, and the data's identity (lineage). */
const LOCKED_PATHS = new Set(['specVersion', 'kind', 'data.datasetId', 'data.versionId', 'data.contentHash']);
/** Most spec variants followed while checking that paths exist. */
const MAX_PROBES = 256;
/** Random points probed to check that trial specs validate. */
const RANDOM_PROBES = 16;
/** Most trial-validity issues reported (the first of each kind). */
const MAX_TRIAL_ISSUES = 10;

/**
 * The space with each object-valued choice completed with the training spec's defaults where it sits
 * (`{ name: 'momentum', learningRate: 0.01 }` gains `momentum: 0.9, nesterov: false`), so that parameters under it
 * (`optimizer.momentum`) exist, and the stored sweep is complete. Values that do not validate are left as written
 * (the trial checks report them).
 */
export function completeChoiceValues(space: SearchSpace, base: TrainSpec): SearchSpace {
  return space.map((param) => {
    if (param.type !== 'choice' || !param.values.some((v) => typeof v === 'object' && v !== null)) return param;
    let keys: PathKey[];
    try {
      keys = parseParamPath(param.path);
    } catch {
      return param;
    }
    if (!readPath(base, keys).found) return param;
    const values = param.values.map((value) => {
      if (typeof value !== 'object' || value === null) return value;
      const trial = buildTrial(base, [{ index: 0, param, path: formatParamPath(keys), keys, domain: domainOf(param) }], () => value).spec;
      const parsed = parseTrainSpec(trial);
      const completed = parsed.ok ? readPath(parsed.spec, keys) : undefined;
      return completed?.found ? (completed.value as JsonValue) : value;
    });
    return { ...param, values };
  });
}

/** Every problem of `space` over `base` (a parsed training spec); compiled parameters when there is none. */
export function checkSearchSpace(space: SearchSpace, base: TrainSpec, sampler: SamplerSpec): { issues: SpecIssue[]; params?: CompiledParam[] } {
  const issues: SpecIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });
  if (space.length === 0) add('space', 'expected at least one parameter, got an empty list');

  const params: CompiledParam[] = [];
  const seen = new Map<string, number>();
  space.forEach((param, index) => {
    const at = `space[${index}]`;
    for (const [field, message] of checkParamRange(param)) add(`${at}.${field}`, message);
    let keys: PathKey[];
    try {
      keys = parseParamPath(param.path);
    } catch (err) {
      add(`${at}.path`, (err as Error).message);
      return;
    }
    const path = formatParamPath(keys);
    if ([...LOCKED_PATHS].some((locked) => locked === path || locked.startsWith(`${path}.`))) {
      add(`${at}.path`, `${JSON.stringify(param.path)} cannot be swept: it identifies the spec or its dataset`);
      return;
    }
    if (seen.has(path)) add(`${at}.path`, `${JSON.stringify(param.path)} is already set by space[${seen.get(path)}]; expected each path once`);
    seen.set(path, index);
    let when: CompiledParam['when'];
    if (param.when) {
      const { equals, oneOf } = param.when;
      if ((equals === undefined) === (oneOf === undefined)) add(`${at}.when`, `expected exactly one of equals and oneOf, got ${equals === undefined ? 'neither' : 'both'}`);
      try {
        when = { keys: parseParamPath(param.when.path), accepted: new Set((oneOf ?? (equals === undefined ? [] : [equals])).map(canonicalJson)) };
      } catch (err) {
        add(`${at}.when.path`, (err as Error).message);
        return;
      }
    }
    if (checkParamRange(param).length === 0) params.push({ index, param, path, keys, domain: domainOf(param), ...(when ? { when } : {}) });
  });
  if (issues.length > 0) return { issues };

  issues.push(...checkPathsExist(params, base));
  if (issues.length > 0) return { issues };
  issues.push(...checkSamplerLimits(params, base, sampler));
  if (issues.length > 0) return { issues };
  issues.push(...checkTrialSpecs(params, base));
  return issues.length > 0 ? { issues } : { issues, params };
}

/**
 * Each parameter's path (and `when` path) must exist in some spec that the earlier parameters can produce. Specs
 * are followed through the values of the parameters that change the spec's shape (list lengths, object or list
 * choices) or that a later `when` reads; each value of a choice, the ends of a range.
 */
function checkPathsExist(params: readonly CompiledParam[], base: TrainSpec): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const watched = new Set(params.flatMap((p) => (p.when ? [formatParamPath(p.when.keys)] : [])));
  let probes: unknown[] = [base];
  for (const param of params) {
    const at = `space[${param.index}]`;
    const reachable = probes.filter((spec) => readPath(spec, param.keys).found);
    if (reachable.length === 0) {
      issues.push({ path: `${at}.path`, message: missingMessage(base, param.keys, 'the base spec') });
      continue;
    }
    if (param.when) {
      const conditionFound = probes.some((spec) => readPath(spec, param.when!.keys).found);
      if (!conditionFound) {
        issues.push({ path: `${at}.when.path`, message: missingMessage(base, param.when.keys, 'the base spec') });
        continue;
      }
      if (!reachable.some((spec) => isActive(param, spec))) {
        issues.push({ path: `${at}.when`, message: `the condition never holds where ${param.path} exists, so the parameter would never be sampled` });
        continue;
      }
    }
    if (!shapesSpec(param) && !watched.has(param.path)) continue;
    const next = new Map<string, unknown>(probes.map((spec) => [JSON.stringify(spec), spec]));
    for (const spec of reachable) {
      if (!isActive(param, spec)) continue;
      for (const value of probeValues(param)) {
        if (next.size >= MAX_PROBES) break;
        const variant = buildTrial(spec, [param], () => value).spec;
        next.set(JSON.stringify(variant), variant);
      }
    }
    probes = [...next.values()];
  }
  return issues;
}

function shapesSpec(param: CompiledParam): boolean {
  if (param.keys[param.keys.length - 1] === 'length') return true;
  return param.domain.kind === 'categorical' && param.domain.choices.some((c) => typeof c === 'object' && c !== null);
}

/** "optimizer.learningrate" is not in the base spec (optimizer has fields name, learningRate, ...). */
function missingMessage(base: unknown, keys: readonly PathKey[], where: string): string {
  const found = readPath(base, keys);
  const depth = found.found ? keys.length : found.depth;
  const container = formatParamPath(keys.slice(0, depth)) || 'the spec';
  return `${JSON.stringify(formatParamPath(keys))} is not in ${where} (at ${JSON.stringify(formatParamPath(keys.slice(0, depth + 1)))}: ${container} has ${describeContainer(base, keys.slice(0, depth))})`;
}

/** Values that stand for a parameter when probing: every choice (at most 20), the ends of a range. */
function probeValues(param: CompiledParam): JsonValue[] {
  const { domain } = param;
  if (domain.kind === 'categorical') return domain.choices.slice(0, 20);
  return [domain.low, domain.high];
}

function checkSamplerLimits(params: readonly CompiledParam[], base: TrainSpec, sampler: SamplerSpec): SpecIssue[] {
  if (sampler.type === 'sobol' && params.length > SOBOL_MAX_DIMENSIONS) {
    return [{ path: 'space', message: `a Sobol sweep has at most ${SOBOL_MAX_DIMENSIONS} parameters, got ${params.length}; use random or TPE` }];
  }
  if (sampler.type !== 'grid') return [];
  const perAxis = sampler.options?.pointsPerAxis ?? DEFAULT_POINTS_PER_AXIS;
  const count = countGridPoints(params, base, perAxis);
  if (count <= MAX_GRID_POINTS) return [];
  const sizes = params.map((p) => gridAxisSize(p.domain, perAxis));
  const axes = sizes.map((s) => s.toLocaleString('en-US')).join(' × ');
  const limit = MAX_GRID_POINTS.toLocaleString('en-US');
  const advice = 'use fewer points per axis or choices, a larger step, or the random, Sobol or TPE sampler';
  const what = isRectangular(params)
    ? `the grid has ${sizes.reduce((a, b) => a * b, 1).toLocaleString('en-US')} points (${axes}), more than the ${limit} allowed`
    : `the grid has more than the ${limit} points allowed (axes of ${axes}, some of them conditional)`;
  return [{ path: 'sampler', message: `${what}; ${advice}` }];
}

/** Trial specs at each parameter's extremes and choices, and at random points, must validate as training specs. */
function checkTrialSpecs(params: readonly CompiledParam[], base: TrainSpec): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const reported = new Set<string>();
  const middle = (p: CompiledParam): JsonValue => (p.domain.kind === 'categorical' ? p.domain.choices[0] : fromUnit(p.domain, 0.5));
  const probe = (at: string, describe: (assignment: Readonly<Record<string, JsonValue>>) => string, pick: (p: CompiledParam) => JsonValue) => {
    const trial = buildTrial(base, params, pick);
    const result = parseTrainSpec(trial.spec);
    if (result.ok) return;
    for (const issue of result.issues) {
      // One report per field of the training spec: the same problem at other values adds nothing.
      const key = issue.path;
      if (reported.has(key) || issues.length >= MAX_TRIAL_ISSUES) continue;
      reported.add(key);
      issues.push({ path: at, message: `with ${describe(trial.params)} the trial spec is invalid: ${issue.path}: ${issue.message}` });
    }
  };
  for (const target of params) {
    for (const value of probeValues(target)) {
      probe(`space[${target.index}]`, () => `${target.path} = ${show(value)}`, (p) => (p === target ? value : middle(p)));
    }
  }
  const rng = new Rng('sweep-spec-check');
  for (let i = 0; i < RANDOM_PROBES; i++) {
    const describe = (assignment: Readonly<Record<string, JsonValue>>) =>
      Object.entries(assignment)
        .map(([k, v]) => `${k} = ${show(v)}`)
        .join(', ');
    probe('space', describe, (p) => fromUnit(p.domain, rng.next()));
  }
  return issues;
}
