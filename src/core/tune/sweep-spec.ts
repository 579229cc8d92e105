/**
 * @file Validation of a sweep spec (`SweepSpec`, version 1) at every boundary, before any trial runs: the shape
 * (valibot, every unknown or wrong field named), the base training spec (issues under `base.`), the search space
 * against that base (`space-checks.ts`: ranges, paths that exist, grid size, trial specs that validate), the
 * termination policy (`termination-schema.ts`) and the budgets. A parsed spec is complete: sampler options and
 * other defaults are written into it, so a stored sweep alone reproduces its suggestions.
 */
import * as v from 'valibot';
import type { JsonValue, SweepSpec } from '../../protocol/sweep';
import type { SpecIssue, SpecParseResult } from '../../protocol/train';
import { finite, flag, formatSpecIssues, intRange, name, numberRange, oneOf, strict, tagged } from '../jobs/spec-fields';
import { parseTrainSpec, type TrainDatasetContext } from '../jobs/train-spec';
import { TRAIN_LIMITS } from '../jobs/train-spec-schema';
import { DEFAULT_POINTS_PER_AXIS } from './samplers/grid';
import { TPE_DEFAULTS } from './samplers/tpe';
import { checkSearchSpace, completeChoiceValues } from './space-checks';
import { checkTermination, terminationSchema } from './termination-schema';

/** Limits of a sweep's numbers. */
export const SWEEP_LIMITS = Object.freeze({
  parameters: [1, 256],
  choices: [1, 10_000],
  maxTrials: [1, 100_000],
  maxConcurrentTrials: [1, 64],
  /** 30 days. */
  timeBudgetMs: [1, 30 * 24 * 3600 * 1000],
  pointsPerAxis: [2, 1000],
} as const satisfies Record<string, readonly [number, number]>);

const L = SWEEP_LIMITS;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A JSON value (finite numbers, nesting up to 32 levels, no keys that reach into prototypes). */
function isJsonValue(value: unknown, depth = 0): value is JsonValue {
  if (depth > 32) return false;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((item) => isJsonValue(item, depth + 1));
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.entries(value).every(([key, item]) => !FORBIDDEN_KEYS.has(key) && isJsonValue(item, depth + 1));
  }
  return false;
}

const json = v.custom<JsonValue>((value) => isJsonValue(value), 'expected a JSON value (finite numbers, strings, booleans, null, lists, objects)');

const ConditionSchema = strict({
  path: name(),
  equals: v.optional(json),
  oneOf: v.optional(v.array(json, 'expected a list of values')),
});

const paramEntries = { path: name(), when: v.optional(ConditionSchema) };
const bound = finite();

/** One search-space parameter, discriminated on `type`. */
export const SearchParamSchema = tagged('type', [
  strict({
    type: v.literal('choice'),
    ...paramEntries,
    values: v.pipe(
      v.array(json, `expected a list of 1 to ${L.choices[1]} values`),
      v.check((a) => a.length >= L.choices[0] && a.length <= L.choices[1], `expected a list of 1 to ${L.choices[1]} values`),
    ),
  }),
  strict({ type: v.literal('uniform'), ...paramEntries, min: bound, max: bound }),
  strict({ type: v.literal('loguniform'), ...paramEntries, min: bound, max: bound }),
  strict({ type: v.literal('quniform'), ...paramEntries, min: bound, max: bound, step: bound }),
  strict({ type: v.literal('int'), ...paramEntries, min: bound, max: bound, step: v.optional(bound, 1), log: v.optional(flag(), false) }),
]);

const T = TPE_DEFAULTS;
const TpeOptionsSchema = strict({
  startupTrials: v.optional(intRange(0, 10_000), T.startupTrials),
  eiCandidates: v.optional(intRange(1, 10_000), T.eiCandidates),
  priorWeight: v.optional(numberRange(0, 1e6, { minExclusive: true }), T.priorWeight),
  magicClip: v.optional(flag(), T.magicClip),
  endpoints: v.optional(flag(), T.endpoints),
  multivariate: v.optional(flag(), T.multivariate),
  bandwidth: v.optional(oneOf(['scott', 'range']), T.bandwidth),
  group: v.optional(flag(), T.group),
  constantLiar: v.optional(flag(), T.constantLiar),
  gammaFraction: v.optional(numberRange(0, 1, { minExclusive: true }), T.gammaFraction),
  gammaMax: v.optional(intRange(1, 10_000), T.gammaMax),
});

/** The sampler, discriminated on `type`, its options filled in. */
export const SamplerSchema = tagged('type', [
  strict({
    type: v.literal('grid'),
    options: v.optional(strict({ pointsPerAxis: v.optional(intRange(...L.pointsPerAxis), DEFAULT_POINTS_PER_AXIS), shuffle: v.optional(flag(), false) }), {}),
  }),
  strict({ type: v.literal('random'), options: v.optional(strict({}), {}) }),
  strict({ type: v.literal('sobol'), options: v.optional(strict({ scramble: v.optional(flag(), true) }), {}) }),
  strict({ type: v.literal('tpe'), options: v.optional(TpeOptionsSchema, {}) }),
]);

/** A sweep spec as written (defaults may be left out; `base` is checked by the training spec's own validation). */
export const SweepSpecSchema = strict({
  specVersion: v.literal(1, 'expected 1 (the only sweep spec version)'),
  kind: v.literal('sweep', 'expected "sweep"'),
  base: v.unknown(),
  space: v.pipe(
    v.array(SearchParamSchema, `expected a list of ${L.parameters[0]} to ${L.parameters[1]} parameters`),
    v.check((a) => a.length <= L.parameters[1], `expected a list of ${L.parameters[0]} to ${L.parameters[1]} parameters`),
  ),
  sampler: SamplerSchema,
  metric: strict({ key: name(200), goal: oneOf(['maximize', 'minimize']) }),
  maxTrials: intRange(...L.maxTrials),
  maxConcurrentTrials: v.optional(intRange(...L.maxConcurrentTrials), 1),
  timeBudgetMs: v.optional(intRange(...L.timeBudgetMs)),
  termination: v.optional(terminationSchema, { type: 'none' }),
  seed: v.optional(intRange(...TRAIN_LIMITS.seed)),
});

/**
 * Validates an untrusted value (parsed JSON) as a sweep spec and returns it complete, or every issue found, each
 * naming its field: `space[2].max: expected max greater than min, got an inverted range [0.1, 0.01]`. The seed
 * defaults to the base spec's. With `dataset`, the base spec's columns are checked against that version.
 */
export function parseSweepSpec(input: unknown, dataset?: TrainDatasetContext): SpecParseResult<SweepSpec> {
  const parsed = v.safeParse(SweepSpecSchema, input);
  if (!parsed.success) return { ok: false, issues: formatSpecIssues(parsed.issues) };
  const shape = parsed.output;
  const base = parseTrainSpec(shape.base, dataset);
  if (!base.ok) return { ok: false, issues: base.issues.map((i) => ({ path: i.path === '(root)' ? 'base' : `base.${i.path}`, message: i.message })) };

  const space = completeChoiceValues(shape.space as SweepSpec['space'], base.spec);
  const spec = { ...shape, base: base.spec, space, seed: shape.seed ?? base.spec.seed } as SweepSpec;
  const issues: SpecIssue[] = [];
  if (spec.maxConcurrentTrials > spec.maxTrials) {
    issues.push({ path: 'maxConcurrentTrials', message: `expected at most maxTrials (${spec.maxTrials}), got ${spec.maxConcurrentTrials}` });
  }
  const epochsSwept = spec.space.some((p) => p.path.replace(/\s/g, '') === 'epochs');
  issues.push(...checkTermination(spec.termination, epochsSwept ? undefined : spec.base.epochs));
  issues.push(...checkSearchSpace(spec.space, spec.base, spec.sampler).issues);
  return issues.length > 0 ? { ok: false, issues } : { ok: true, spec };
}

/** Like `parseSweepSpec`, but throws one `SweepSpecError` listing every issue. */
export function assertSweepSpec(input: unknown, dataset?: TrainDatasetContext): SweepSpec {
  const result = parseSweepSpec(input, dataset);
  if (!result.ok) throw new SweepSpecError(result.issues);
  return result.spec;
}

/** A sweep spec that failed validation; `issues` has each problem, `message` lists them all. */
export class SweepSpecError extends Error {
  readonly issues: readonly SpecIssue[];

  constructor(issues: readonly SpecIssue[]) {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super(`The sweep spec has ${count}:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`);
    this.name = 'SweepSpecError';
    this.issues = issues;
  }
}
