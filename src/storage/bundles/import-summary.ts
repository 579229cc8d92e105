/**
 * @file The one line that tells a person what a bundle import did (`Imported 1 sweep, 3 trials and its data.`), from
 * the importer's counts.
 */
import type { RunKind } from '../../protocol/run';
import type { BundleImportResult, RunCounts } from './import-bundle';

/** How a parent run is named in the summary, by kind. */
const PARENT_LABELS: Partial<Record<RunKind, [string, string]>> = { sweep: ['sweep', 'sweeps'], automl: ['AutoML search', 'AutoML searches'], pipeline: ['pipeline', 'pipelines'] };

/**
 * One line saying what an import did: `Imported 1 sweep, 3 trials and its data.`, `Skipped, already here: 1 run.
 * Nothing was duplicated.`, with copies and skipped duplicates counted. Names in it are untrusted: show it as text.
 */
export function describeImportResult(result: BundleImportResult): string {
  const imported: string[] = [];
  const skipped: string[] = [];
  let copies = 0;
  if (result.modelVersion) {
    const label = `model version ${result.modelVersion.modelName} v${result.modelVersion.version}`;
    (result.modelVersion.outcome === 'skipped' ? skipped : imported).push(label);
    if (result.modelVersion.outcome === 'copied') copies++;
  }
  const parent = result.parent ? PARENT_LABELS[result.parent.kind] ?? ['parent run', 'parent runs'] : undefined;
  const kinds: [RunCounts, string, string][] = [
    ...(result.parent && parent ? [[result.parent.counts, ...parent] as [RunCounts, string, string]] : []),
    [result.runs, 'run', 'runs'],
    [result.children, ...(result.parent?.kind === 'sweep' ? (['trial', 'trials'] as const) : (['run', 'runs'] as const))],
  ];
  for (const [count, one, many] of kinds) {
    if (count.imported > 0) imported.push(`${count.imported} ${count.imported === 1 ? one : many}`);
    if (count.skipped > 0) skipped.push(`${count.skipped} ${count.skipped === 1 ? one : many}`);
    copies += count.copied;
  }
  if (imported.length === 0) return skipped.length ? `Skipped, already here: ${skipped.join(', ')}. Nothing was duplicated.` : 'Nothing was imported.';
  const data = result.datasets.imported === 0 ? '' : result.datasets.imported === 1 ? ' and its data' : ` and ${result.datasets.imported} datasets`;
  const copied = copies === 0 ? '' : copies === 1 ? ' (1 as a copy under a new id)' : ` (${copies} as copies under new ids)`;
  const rest = skipped.length ? `; skipped, already here: ${skipped.join(', ')}` : '';
  return `Imported ${imported.join(', ')}${data}${copied}${rest}.`;
}
