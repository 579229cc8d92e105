/**
 * @file Valibot field schemas whose messages say what was expected (`expected an integer from 1 to 4096`), and
 * `strict()`, a strict object that names every unknown field. `formatSpecIssues()` turns valibot issues into
 * `path: message, got value` lines. Shared by the job-spec schemas.
 */
import * as v from 'valibot';
import type { SpecIssue } from '../../protocol/train';

/** An integer from `min` to `max` inclusive. */
export function intRange(min: number, max: number) {
  const message = `expected an integer from ${min} to ${max}`;
  return v.pipe(
    v.number(message),
    v.check((n) => Number.isInteger(n) && n >= min && n <= max, message),
  );
}

/** A finite number from `min` (exclusive when `minExclusive`) to `max` (exclusive when `maxExclusive`). */
export function numberRange(min: number, max: number, bounds: { minExclusive?: boolean; maxExclusive?: boolean } = {}) {
  const { minExclusive = false, maxExclusive = false } = bounds;
  const message =
    minExclusive || maxExclusive
      ? `expected a number ${minExclusive ? 'greater than' : 'at least'} ${min} and ${maxExclusive ? 'less than' : 'at most'} ${max}`
      : `expected a number from ${min} to ${max}`;
  return v.pipe(
    v.number(message),
    v.check((n) => (minExclusive ? n > min : n >= min) && (maxExclusive ? n < max : n <= max), message),
  );
}

/** Any finite number. */
export function finite() {
  const message = 'expected a finite number';
  return v.pipe(v.number(message), v.check((n) => Number.isFinite(n), message));
}

/** One of the listed strings or numbers. */
export function oneOf<const T extends readonly (string | number)[]>(values: T) {
  return v.picklist(values, `expected ${values.length === 1 ? '' : 'one of '}${values.map(show).join(', ')}`);
}

/** `true` or `false`. */
export function flag() {
  return v.boolean('expected true or false');
}

/** A string of 1 to `max` characters. */
export function name(max = 1000) {
  const message = `expected a non-empty string of at most ${max} characters`;
  return v.pipe(
    v.string(message),
    v.check((s) => s.length > 0 && s.length <= max, message),
  );
}

/**
 * A strict object: a missing field, a field that is not an object, and every unknown field (not just the first,
 * which is all valibot reports) are issues. Unknown keys include `__proto__`, `constructor` and `prototype`, so a
 * spec carrying them is rejected, and the output object is built from the known entries only.
 */
export function strict<const E extends v.ObjectEntries>(entries: E) {
  const known = Object.keys(entries);
  const message = (issue: v.StrictObjectIssue): string => {
    if (issue.expected === 'never') return `unknown field; expected ${known.length === 1 ? '' : 'one of '}${known.join(', ')}`;
    if (issue.expected === 'Object') return 'expected an object';
    return 'required field is missing';
  };
  const schema = v.strictObject(entries, message);
  const run = schema['~run'];
  const runReportingEveryUnknownKey: typeof run = function (this: typeof schema, dataset, config) {
    const input: unknown = dataset.value;
    if (Array.isArray(input)) {
      // valibot takes an array for an object; report it as "expected an object, got [...]"
      const out = run.call(this, { ...dataset, value: null }, config);
      for (const issue of out.issues ?? []) Object.assign(issue, { input, received: 'Array' });
      return out;
    }
    const out = run.call(this, dataset, config);
    const first = out.issues?.find((i) => i.type === 'strict_object' && i.expected === 'never' && i.path?.length === 1);
    if (first?.path && out.issues && input && typeof input === 'object') {
      const record = input as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        if (key === first.input || Object.prototype.hasOwnProperty.call(entries, key)) continue;
        const path = [{ ...first.path[0], key, value: record[key] }];
        out.issues.push({ ...first, input: key, received: JSON.stringify(key), path } as typeof first);
      }
    }
    return out;
  };
  (schema as { '~run': typeof run })['~run'] = runReportingEveryUnknownKey;
  return schema;
}

/** A discriminated union on `key` whose bad discriminator reads `model.family: expected one of "linear", ...`. */
export function tagged<const K extends string, const O extends v.VariantOptions<K>>(key: K, options: O) {
  return v.variant(key, options, (issue) =>
    issue.expected === 'Object' ? 'expected an object' : `expected one of ${(issue.expected ?? '').replace(/^\((.*)\)$/, '$1').split(' | ').join(', ')}`,
  );
}

/** Turns valibot issues into `{ path, message }` with the offending value appended: `..., got 0`. */
export function formatSpecIssues(issues: readonly v.BaseIssue<unknown>[]): SpecIssue[] {
  const out: SpecIssue[] = [];
  const seen = new Set<string>();
  for (const issue of issues) {
    const path = formatPath(issue.path?.map((p) => p.key as PropertyKey) ?? []);
    const keyIssue = issue.type === 'strict_object' && issue.path?.at(-1)?.origin === 'key';
    const message = keyIssue ? issue.message : `${issue.message}, got ${show(issue.input)}`;
    const line = `${path}\n${message}`;
    if (seen.has(line)) continue;
    seen.add(line);
    out.push({ path, message });
  }
  return out;
}

/** `data.columns[0].kind`; keys that are not identifiers are quoted: `data["my col"]`; the empty path is `(root)`. */
export function formatPath(keys: readonly PropertyKey[]): string {
  let path = '';
  for (const key of keys) {
    if (typeof key === 'number') path += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) path += path === '' ? key : `.${key}`;
    else path += `[${JSON.stringify(String(key))}]`;
  }
  return path === '' ? '(root)' : path;
}

/** A short, JSON-like rendering of a value for a message: `"mse"`, `0`, `[1,2]`, `an object`, `nothing`. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return clip(JSON.stringify(value));
  if (value === null) return 'null';
  if (typeof value === 'object') {
    try {
      return clip(JSON.stringify(value) ?? 'an object');
    } catch {
      return 'an object';
    }
  }
  return typeof value;
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
