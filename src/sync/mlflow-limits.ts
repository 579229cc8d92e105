/**
 * @file MLflow's limits, as its tracking server enforces them (`mlflow/utils/validation.py`), and its rules for
 * metric, param and tag keys. The mapping stays inside them so no request is refused for its size or a key.
 */

/** Metrics per `runs/log-batch` call. */
export const MAX_METRICS_PER_BATCH = 1000;
/** Params per `runs/log-batch` call. */
export const MAX_PARAMS_PER_BATCH = 100;
/** Tags per `runs/log-batch` call. */
export const MAX_TAGS_PER_BATCH = 100;
/** Metrics, params and tags together per `runs/log-batch` call. */
export const MAX_ENTITIES_PER_BATCH = 1000;
/** Bytes of one `runs/log-batch` request body. */
export const MAX_BATCH_REQUEST_BYTES = 1_000_000;
/** Characters of a metric, param or tag key. */
export const MAX_KEY_LENGTH = 250;
/** Characters of a param value. */
export const MAX_PARAM_VALUE_LENGTH = 6000;
/** Characters of a run tag value. */
export const MAX_TAG_VALUE_LENGTH = 5000;
/** Characters of an experiment name. */
export const MAX_EXPERIMENT_NAME_LENGTH = 500;
/** Characters of a dataset name and of its digest (`runs/log-inputs`). */
export const MAX_DATASET_NAME_LENGTH = 500;
export const MAX_DATASET_DIGEST_LENGTH = 36;
/** Largest `max_results` of `runs/search`. */
export const MAX_SEARCH_RUNS_RESULTS = 50_000;
/** Largest `max_results` of `registered-models/search`. */
export const MAX_SEARCH_MODELS_RESULTS = 1000;
/** Largest `max_results` Benchtop asks of `metrics/get-history` (MLflow's own page size for it). */
export const MAX_METRIC_HISTORY_RESULTS = 25_000;

/**
 * Metric, param and tag keys: letters, digits, `_ - . /` and space (MLflow's `^[/\w.\- ]*$`; Benchtop keeps to ASCII
 * letters, as Python's `\w` also admits other scripts but other MLflow stores may not).
 */
export const KEY_PATTERN = /^[A-Za-z0-9_\-./ ]+$/;

/** Why `key` is refused as a metric, param or tag key, or `undefined` when MLflow accepts it. */
export function keyProblem(key: string): string | undefined {
  if (key.length === 0) return 'it is empty';
  if (key.length > MAX_KEY_LENGTH) return `it has ${key.length} characters; expected at most ${MAX_KEY_LENGTH}`;
  if (!KEY_PATTERN.test(key)) return 'it may only contain letters, digits, underscores, dashes, periods, spaces and slashes';
  // MLflow also refuses names that are not their own normalised path (`a//b`, `a/./b`, `/a`, `a/`, `..`).
  if (key.startsWith('/') || key.endsWith('/') || key.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    return 'it would not name a file of its own (a leading or trailing slash, "//", "." or "..")';
  }
  return undefined;
}

/** Registered model aliases: letters, digits, `_` and `-`; not `latest` and not `v<number>` (reserved). */
export function aliasProblem(alias: string): string | undefined {
  if (alias.length === 0 || alias.length > 255) return `it has ${alias.length} characters; expected 1 to 255`;
  if (!/^[A-Za-z0-9_-]+$/.test(alias)) return 'it may only contain letters, digits, underscores and dashes';
  if (alias.toLowerCase() === 'latest') return '"latest" is reserved';
  if (/^[vV]\d+$/.test(alias)) return 'v<number> names a version and is reserved';
  return undefined;
}
