/**
 * @file Which files the service worker caches on first use, and how.
 *
 * The precache holds only the app shell. Datasets, models and wasm binaries are large, so they are cached
 * the first time the lab fetches them: a first visit stays light and a later visit works offline.
 */

/** How a runtime-cached file is answered: from the cache first, or from the network first (small indexes). */
export type RuntimeStrategy = 'cache-first' | 'network-first';

/** One rule of the runtime cache table. */
export interface RuntimeCacheRule {
  /** Short name, also the middle part of the cache's name. */
  readonly id: 'datasets' | 'models' | 'ort' | 'wasm';
  readonly strategy: RuntimeStrategy;
  readonly maxEntries: number;
  readonly maxAgeSeconds: number;
}

const DAY = 24 * 60 * 60;

/**
 * The runtime cache table. Files are cached first, so a file whose content changes must change its URL
 * (hashed name or versioned folder); see docs/hosting.md. The `manifest.json` indexes are the exception:
 * network first, so a new deployment's catalog shows up while the cached copy still serves offline.
 */
export const RUNTIME_CACHE_RULES = Object.freeze({
  datasets: Object.freeze({ id: 'datasets', strategy: 'cache-first', maxEntries: 200, maxAgeSeconds: 180 * DAY }),
  datasetIndex: Object.freeze({ id: 'datasets', strategy: 'network-first', maxEntries: 200, maxAgeSeconds: 180 * DAY }),
  models: Object.freeze({ id: 'models', strategy: 'cache-first', maxEntries: 100, maxAgeSeconds: 180 * DAY }),
  modelIndex: Object.freeze({ id: 'models', strategy: 'network-first', maxEntries: 100, maxAgeSeconds: 180 * DAY }),
  ort: Object.freeze({ id: 'ort', strategy: 'cache-first', maxEntries: 30, maxAgeSeconds: 365 * DAY }),
  wasm: Object.freeze({ id: 'wasm', strategy: 'cache-first', maxEntries: 30, maxAgeSeconds: 365 * DAY }),
} satisfies Record<string, RuntimeCacheRule>);

/**
 * The rule for a path relative to the service worker's scope (`datasets/iris.csv`, `assets/ort-abc.wasm`),
 * or `undefined` when the file is not runtime-cached (the app shell, or anything unknown).
 */
export function runtimeCacheRuleFor(relativePath: string): RuntimeCacheRule | undefined {
  const isIndex = relativePath.endsWith('/manifest.json');
  if (relativePath.startsWith('datasets/')) {
    return isIndex && relativePath === 'datasets/manifest.json' ? RUNTIME_CACHE_RULES.datasetIndex : RUNTIME_CACHE_RULES.datasets;
  }
  if (relativePath.startsWith('models/')) {
    return isIndex && relativePath === 'models/manifest.json' ? RUNTIME_CACHE_RULES.modelIndex : RUNTIME_CACHE_RULES.models;
  }
  if (relativePath.startsWith('ort/')) return RUNTIME_CACHE_RULES.ort;
  if (relativePath.endsWith('.wasm')) return RUNTIME_CACHE_RULES.wasm;
  return undefined;
}

/** Prefix shared by every runtime cache of the lab, so obsolete ones can be found and deleted. */
export const RUNTIME_CACHE_PREFIX = 'benchtop-runtime-v1';

/**
 * The cache name for a rule. The scope is part of it: two deployments on one origin (`/lab/`, `/staging/`)
 * share CacheStorage, and each must expire and clean up only its own files.
 */
export function runtimeCacheName(rule: RuntimeCacheRule, scope: string): string {
  return `${RUNTIME_CACHE_PREFIX}-${rule.id}-${scope}`;
}

/** True for a cache this lab (any version, this scope) created at run time that is not among `current`. */
export function isObsoleteRuntimeCache(name: string, scope: string, current: ReadonlySet<string>): boolean {
  return name.startsWith('benchtop-runtime-') && name.endsWith(`-${scope}`) && !current.has(name);
}

/** The path of `url` relative to `scope` (`https://h/lab/datasets/a.csv` under `https://h/lab/` is `datasets/a.csv`), or `undefined` outside it. */
export function pathInScope(url: URL, scope: URL): string | undefined {
  if (url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return undefined;
  return url.pathname.slice(scope.pathname.length);
}
