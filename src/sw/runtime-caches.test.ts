import { describe, expect, it } from 'vitest';
import { RUNTIME_CACHE_RULES, isObsoleteRuntimeCache, pathInScope, runtimeCacheName, runtimeCacheRuleFor } from './runtime-caches';
import { isAppNavigation } from './app-navigation';

describe('runtime cache table', () => {
  it('caches datasets, models, ort and wasm first, and their indexes network first', () => {
    expect(runtimeCacheRuleFor('datasets/iris.csv')).toBe(RUNTIME_CACHE_RULES.datasets);
    expect(runtimeCacheRuleFor('datasets/manifest.json')).toBe(RUNTIME_CACHE_RULES.datasetIndex);
    expect(runtimeCacheRuleFor('models/manifest.json')).toBe(RUNTIME_CACHE_RULES.modelIndex);
    expect(runtimeCacheRuleFor('models/iris-mlp/model.json')).toBe(RUNTIME_CACHE_RULES.models);
    expect(runtimeCacheRuleFor('ort/ort-wasm-simd-threaded.mjs')).toBe(RUNTIME_CACHE_RULES.ort);
    expect(runtimeCacheRuleFor('assets/tfjs-backend-wasm-Ab12.wasm')).toBe(RUNTIME_CACHE_RULES.wasm);
    expect(runtimeCacheRuleFor('assets/index-Ab12.js')).toBeUndefined();
    expect(runtimeCacheRuleFor('index.html')).toBeUndefined();
  });

  it('names caches per scope and finds obsolete ones of this scope only', () => {
    const scope = 'https://host/lab/';
    const name = runtimeCacheName(RUNTIME_CACHE_RULES.ort, scope);
    expect(name).toBe('benchtop-runtime-v1-ort-https://host/lab/');
    const current = new Set([name]);
    expect(isObsoleteRuntimeCache(name, scope, current)).toBe(false);
    expect(isObsoleteRuntimeCache('benchtop-runtime-v0-ort-https://host/lab/', scope, current)).toBe(true);
    expect(isObsoleteRuntimeCache('benchtop-runtime-v0-ort-https://host/staging/', scope, current)).toBe(false);
    expect(isObsoleteRuntimeCache('workbox-precache-v2-https://host/lab/', scope, current)).toBe(false);
  });

  it('resolves paths relative to the scope', () => {
    const scope = new URL('https://host/benchtop/lab/');
    expect(pathInScope(new URL('https://host/benchtop/lab/datasets/a.csv?v=2'), scope)).toBe('datasets/a.csv');
    expect(pathInScope(new URL('https://host/other/datasets/a.csv'), scope)).toBeUndefined();
    expect(pathInScope(new URL('https://elsewhere/benchtop/lab/a.csv'), scope)).toBeUndefined();
  });
});

describe('isAppNavigation', () => {
  it('serves the shell for app addresses, not for files', () => {
    expect(isAppNavigation('')).toBe(true);
    expect(isAppNavigation('index.html')).toBe(true);
    expect(isAppNavigation('runs/42')).toBe(true);
    expect(isAppNavigation('datasets/iris.csv')).toBe(false);
    expect(isAppNavigation('datasets/')).toBe(false);
    expect(isAppNavigation('sw.js')).toBe(false);
    expect(isAppNavigation('assets/index-Ab12.js')).toBe(false);
  });
});
