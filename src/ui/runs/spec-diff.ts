/**
 * @file Parameter differences between runs: each run's spec flattened to dotted paths (`model.layers.1.units`)
 * with display values, and the paths where the runs disagree. Pure.
 */

/**
 * `spec` flattened to dotted paths in key order: objects by key, arrays by index. Leaves are shown as text:
 * strings as they are, numbers, booleans and null through `String`; empty objects and arrays as `{}` and `[]`.
 * Undefined values are left out (the same as a missing field).
 */
export function flattenSpec(spec: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (value: unknown, path: string) => {
    if (value === undefined) return;
    if (Array.isArray(value)) {
      if (value.length === 0) out.set(path, '[]');
      value.forEach((item, i) => visit(item, path ? `${path}.${i}` : String(i)));
      return;
    }
    if (value !== null && typeof value === 'object') {
      const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
      if (entries.length === 0) out.set(path, '{}');
      for (const [key, item] of entries) visit(item, path ? `${path}.${key}` : key);
      return;
    }
    out.set(path || '(root)', typeof value === 'string' ? value : String(value));
  };
  visit(spec, '');
  return out;
}

/** One row of a parameter-difference table: a path and each run's value (undefined where a run lacks it). */
export interface SpecDiffRow {
  path: string;
  values: (string | undefined)[];
}

/** The paths where the flattened specs do not all agree (missing counts as a value), in first-seen order. */
export function diffSpecs(specs: readonly unknown[]): SpecDiffRow[] {
  const flat = specs.map((spec) => flattenSpec(spec));
  const paths = new Set<string>();
  for (const map of flat) for (const path of map.keys()) paths.add(path);
  const rows: SpecDiffRow[] = [];
  for (const path of paths) {
    const values = flat.map((map) => map.get(path));
    if (values.some((v) => v !== values[0])) rows.push({ path, values });
  }
  return rows;
}
