/**
 * @file Pure helpers of the model pages: a suggested model name, format labels, file sizes, alias ordering.
 */
import { WELL_KNOWN_MODEL_ALIASES, type ModelFormat } from '../../protocol/model';
import type { TrainTask } from '../../protocol/train';

/**
 * A model name from a dataset name and task: lower case, runs of other characters as one `-`, and `classifier` or
 * `regressor` (`Iris` + multiclass → `iris-classifier`).
 */
export function suggestModelName(datasetName: string, task: TrainTask): string {
  const base = datasetName
    .normalize('NFKD')
    .toLowerCase()
    .replace(/\.(csv|tsv|json|jsonl|parquet|zip)$/, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return `${base || 'model'}-${task === 'regression' ? 'regressor' : 'classifier'}`;
}

/** Bytes as `812 B`, `4.2 KB`, `1.3 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** The aliases offered first: the well-known ones, then the model's others, without duplicates. */
export function aliasChoices(existing: readonly string[]): string[] {
  return [...new Set([...WELL_KNOWN_MODEL_ALIASES, ...[...existing].sort()])];
}

const FORMAT_LABELS: Readonly<Record<ModelFormat, { short: string; long: string }>> = Object.freeze({
  tfjs: { short: 'TF.js', long: 'TF.js layers model' },
  onnx: { short: 'ONNX', long: 'ONNX model' },
  tabular: { short: 'Tabular (AutoML)', long: 'Tabular model (AutoML)' },
});

/** A model format as the registry shows it: `short` in tables (`TF.js`, `ONNX`, `Tabular (AutoML)`), `long` in headings. */
export function modelFormatLabel(format: ModelFormat, form: 'short' | 'long' = 'short'): string {
  return (Object.hasOwn(FORMAT_LABELS, format) ? FORMAT_LABELS[format] : { short: String(format), long: String(format) })[form];
}
