/**
 * @file Search-space dimensions as the samplers see them. Every parameter becomes a `Domain`: categorical (a list of
 * choices) or numeric (a range, maybe on a log scale, maybe on a grid of `step`). Samplers work in the domain's
 * internal coordinate (the value, or its logarithm) and map back with `toValue`. Also: the range checks of a
 * parameter (empty or inverted range, log bound at or below 0, a step that does not divide the range) and the grid
 * points of each axis. Integer axes always have a step (1 by default); a log integer axis has step 1.
 */
import type { JsonValue, SearchParam } from '../../protocol/sweep';

/** A numeric axis: values from `low` to `high` (inclusive), on a grid of `step` from `low` when `step` is set. */
export interface NumericDomain {
  kind: 'numeric';
  low: number;
  high: number;
  /** Sampled log-uniformly; the internal coordinate is `ln(value)`. */
  log: boolean;
  /** Grid spacing (in value units, not log units); integers have a step of at least 1. */
  step?: number;
  /** Values are integers. */
  int: boolean;
}

/** A categorical axis: the index into `choices` is what samplers model. */
export interface CategoricalDomain {
  kind: 'categorical';
  choices: readonly JsonValue[];
  /** `canonicalJson` of each choice, to find the index of an observed value. */
  keys: readonly string[];
}

/** One axis of a search space. */
export type Domain = NumericDomain | CategoricalDomain;

/** The domain of a parameter that passed `checkParamRange`. */
export function domainOf(param: SearchParam): Domain {
  switch (param.type) {
    case 'choice':
      return { kind: 'categorical', choices: param.values, keys: param.values.map(canonicalJson) };
    case 'uniform':
      return { kind: 'numeric', low: param.min, high: param.max, log: false, int: false };
    case 'loguniform':
      return { kind: 'numeric', low: param.min, high: param.max, log: true, int: false };
    case 'quniform':
      return { kind: 'numeric', low: param.min, high: param.max, log: false, step: param.step, int: false };
    case 'int': {
      const log = param.log ?? false;
      return { kind: 'numeric', low: param.min, high: param.max, log, step: param.step ?? 1, int: true };
    }
  }
}

/**
 * What is wrong with a parameter's range, as `[field, message]` pairs (empty when nothing): an empty or inverted
 * range, a log range touching 0, a step that is not positive or does not divide the range, an empty choice list or
 * a repeated choice.
 */
export function checkParamRange(param: SearchParam): [field: string, message: string][] {
  const issues: [string, string][] = [];
  if (param.type === 'choice') {
    if (param.values.length === 0) issues.push(['values', 'expected at least one value, got an empty list']);
    const seen = new Set<string>();
    param.values.forEach((value, i) => {
      const key = canonicalJson(value);
      if (seen.has(key)) issues.push([`values[${i}]`, `expected distinct values, got ${clip(key)} twice`]);
      seen.add(key);
    });
    return issues;
  }
  const { min, max } = param;
  if (!(min < max)) {
    issues.push(['max', min === max ? `expected max greater than min, got an empty range [${min}, ${max}]` : `expected max greater than min, got an inverted range [${min}, ${max}]`]);
    return issues;
  }
  const log = param.type === 'loguniform' || (param.type === 'int' && param.log === true);
  if (log && min <= 0) issues.push(['min', `a log-scale range needs min greater than 0, got ${min}`]);
  if (param.type === 'int') {
    if (!Number.isInteger(min)) issues.push(['min', `expected an integer, got ${min}`]);
    if (!Number.isInteger(max)) issues.push(['max', `expected an integer, got ${max}`]);
    const step = param.step ?? 1;
    if (!Number.isInteger(step) || step < 1) issues.push(['step', `expected an integer step of at least 1, got ${step}`]);
    else if (log && step !== 1) issues.push(['step', `a log-scale integer needs step 1, got ${step}`]);
    else if (Number.isInteger(min) && Number.isInteger(max) && (max - min) % step !== 0) {
      issues.push(['step', `expected max - min (${max - min}) to be a multiple of step ${step}`]);
    }
  }
  if (param.type === 'quniform') {
    const { step } = param;
    if (!(step > 0)) issues.push(['step', `expected a step greater than 0, got ${step}`]);
    else if (!isMultiple(max - min, step)) issues.push(['step', `expected max - min (${max - min}) to be a multiple of step ${step}`]);
  }
  return issues;
}

function isMultiple(span: number, step: number): boolean {
  const k = span / step;
  return Math.abs(k - Math.round(k)) <= 1e-9 * Math.max(1, k);
}

/** Number of grid points of a stepped axis: `(high - low) / step + 1`. */
export function stepCount(domain: NumericDomain): number {
  return domain.step === undefined ? Infinity : Math.round((domain.high - domain.low) / domain.step) + 1;
}

/** Digits after the point needed to write `x` (at most 15), so that `0.1 * 3` comes out as 0.3. */
function decimals(x: number): number {
  if (Number.isInteger(x)) return 0;
  for (let d = 1; d <= 15; d++) if (Number(x.toFixed(d)) === x) return d;
  return 15;
}

/** The k-th point of a stepped axis, rounded to the decimals of `low` and `step`. */
export function stepValue(domain: NumericDomain, k: number): number {
  const step = domain.step ?? 1;
  const value = domain.low + k * step;
  if (domain.int) return Math.round(value);
  const digits = Math.max(decimals(domain.low), decimals(step));
  return Math.min(domain.high, Number(value.toFixed(digits)));
}

/** The internal coordinate range of a numeric axis: `[low, high]`, in logs for a log axis. */
export function internalRange(domain: NumericDomain): [number, number] {
  return domain.log ? [Math.log(domain.low), Math.log(domain.high)] : [domain.low, domain.high];
}

/** A value of the axis from its internal coordinate: back from logs, onto the step grid, into `[low, high]`. */
export function toValue(domain: NumericDomain, internal: number): number {
  const x = domain.log ? Math.exp(internal) : internal;
  if (domain.step === undefined) return Math.min(domain.high, Math.max(domain.low, x));
  const k = Math.round((x - domain.low) / domain.step);
  return stepValue(domain, Math.min(stepCount(domain) - 1, Math.max(0, k)));
}

/** The internal coordinate of an observed value, or undefined when it is not a finite number inside the axis. */
export function toInternal(domain: NumericDomain, value: JsonValue): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  if (value < domain.low - 1e-12 * Math.abs(domain.low) || value > domain.high + 1e-12 * Math.abs(domain.high)) return undefined;
  return domain.log ? Math.log(value) : value;
}

/** The index of an observed value among the choices, or undefined. */
export function choiceIndex(domain: CategoricalDomain, value: JsonValue): number | undefined {
  const i = domain.keys.indexOf(canonicalJson(value));
  return i < 0 ? undefined : i;
}

/**
 * The value at `u` in [0, 1) of the axis, spread evenly: uniform over the range (log-uniform on a log axis), each
 * grid point or choice with the same probability. Random search and Sobol use it.
 */
export function fromUnit(domain: Domain, u: number): JsonValue {
  if (domain.kind === 'categorical') return domain.choices[Math.min(domain.choices.length - 1, Math.floor(u * domain.choices.length))];
  if (domain.step !== undefined && !domain.log) {
    const n = stepCount(domain);
    return stepValue(domain, Math.min(n - 1, Math.floor(u * n)));
  }
  if (domain.int && domain.log) {
    // Log-uniform over [low - 0.5, high + 0.5], rounded: each integer gets the mass of its cell on the log scale.
    const lo = Math.log(domain.low - 0.5);
    const hi = Math.log(domain.high + 0.5);
    return Math.min(domain.high, Math.max(domain.low, Math.round(Math.exp(lo + u * (hi - lo)))));
  }
  const [lo, hi] = internalRange(domain);
  return toValue(domain, lo + u * (hi - lo));
}

/**
 * The grid points of an axis: every choice; every step of a stepped axis; `pointsPerAxis` evenly spaced points,
 * ends included (geometrically on a log axis), of a continuous one.
 */
export function gridAxis(domain: Domain, pointsPerAxis: number): JsonValue[] {
  if (domain.kind === 'categorical') return [...domain.choices];
  if (domain.step !== undefined) return Array.from({ length: stepCount(domain) }, (_, k) => stepValue(domain, k));
  const [lo, hi] = internalRange(domain);
  return Array.from({ length: pointsPerAxis }, (_, k) => {
    if (k === 0) return domain.low;
    if (k === pointsPerAxis - 1) return domain.high;
    return toValue(domain, lo + ((hi - lo) * k) / (pointsPerAxis - 1));
  });
}

/** Number of grid points of an axis without listing them (see `gridAxis`). */
export function gridAxisSize(domain: Domain, pointsPerAxis: number): number {
  if (domain.kind === 'categorical') return domain.choices.length;
  return domain.step !== undefined ? stepCount(domain) : pointsPerAxis;
}

/** JSON with object keys sorted: equal values give equal strings whatever their key order. */
export function canonicalJson(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, JsonValue>;
    return `{${Object.keys(record)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
