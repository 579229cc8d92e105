/**
 * @file Trials from a base spec and parameter values. Parameters are applied in the order of the search space, each
 * on the trial spec as built so far, so that one parameter can make another one active or not:
 * a parameter is **active** when its path exists in the trial spec (`model.layers[2].dropout` exists only when the
 * trial has three layers; `optimizer.momentum` only when the optimizer has that field) and its `when` condition, if
 * any, holds. Inactive parameters are neither sampled nor written, and are absent from the trial's assignment.
 */
import type { JsonValue, ParamAssignment, ParamCondition, SearchParam, SearchSpace } from '../../protocol/sweep';
import { canonicalJson, domainOf, type Domain } from './space';
import { cloneJson, formatParamPath, hasPath, parseParamPath, readPath, writePath, type PathKey } from './param-path';

/** A parameter ready for sampling: its path parsed, its domain, its condition. */
export interface CompiledParam {
  /** Position in the search space. */
  index: number;
  param: SearchParam;
  /** The canonical path (`formatParamPath` of `keys`): the key of the parameter's value in an assignment. */
  path: string;
  keys: readonly PathKey[];
  domain: Domain;
  when?: { keys: readonly PathKey[]; accepted: ReadonlySet<string> };
}

/** The parameters of a space with paths parsed; throws a `ParamPathError` on a bad path (validation reports those first). */
export function compileSpace(space: SearchSpace): CompiledParam[] {
  return space.map((param, index) => {
    const keys = parseParamPath(param.path);
    return {
      index,
      param,
      path: formatParamPath(keys),
      keys,
      domain: domainOf(param),
      ...(param.when ? { when: compileCondition(param.when) } : {}),
    };
  });
}

function compileCondition(condition: ParamCondition): NonNullable<CompiledParam['when']> {
  const values = condition.oneOf ?? (condition.equals === undefined ? [] : [condition.equals]);
  return { keys: parseParamPath(condition.path), accepted: new Set(values.map(canonicalJson)) };
}

/** Whether `param` is active in the trial spec built so far (see the file comment). */
export function isActive(param: CompiledParam, trialSpec: unknown): boolean {
  if (!hasPath(trialSpec, param.keys)) return false;
  if (!param.when) return true;
  const found = readPath(trialSpec, param.when.keys);
  return found.found && param.when.accepted.has(canonicalJson(found.value as JsonValue));
}

/** A trial: the values of its active parameters and the spec they give. */
export interface BuiltTrial<T> {
  params: ParamAssignment;
  spec: T;
}

/**
 * Builds a trial from `base` (not modified): walks the parameters in order and, for each active one, asks `pick`
 * for its value (given the trial spec so far) and writes it. Every sampler suggests through this function, so
 * activity is decided in one place.
 */
export function buildTrial<T>(base: T, params: readonly CompiledParam[], pick: (param: CompiledParam, trialSpec: T) => JsonValue): BuiltTrial<T> {
  const spec = cloneJson(base);
  const assignment: Record<string, JsonValue> = {};
  for (const param of params) {
    if (!isActive(param, spec)) continue;
    const value = pick(param, spec);
    writePath(spec, param.keys, value);
    assignment[param.path] = value;
  }
  return { params: assignment, spec };
}

/**
 * The trial spec of `assignment` (as a sampler suggested it, or as stored with a trial): `base` with each active
 * parameter's value written. Throws when an active parameter has no value, or a value is given for a parameter that
 * is inactive or not in the space: the assignment does not belong to this space.
 */
export function applyParams<T>(base: T, space: SearchSpace | readonly CompiledParam[], assignment: ParamAssignment): T {
  const params = isCompiled(space) ? space : compileSpace(space);
  const used = new Set<string>();
  const { spec } = buildTrial(base, params, (param) => {
    if (!Object.prototype.hasOwnProperty.call(assignment, param.path)) {
      throw new Error(`Parameter ${param.path} is active in this trial but the assignment has no value for it`);
    }
    used.add(param.path);
    return assignment[param.path];
  });
  const extra = Object.keys(assignment).filter((key) => !used.has(key));
  if (extra.length > 0) {
    const what = extra.length === 1 ? 'is not an active parameter' : 'are not active parameters';
    throw new Error(`The assignment has values for ${extra.join(', ')}, which ${what} of this trial`);
  }
  return spec;
}

function isCompiled(space: SearchSpace | readonly CompiledParam[]): space is readonly CompiledParam[] {
  return space.length > 0 && 'domain' in space[0];
}
