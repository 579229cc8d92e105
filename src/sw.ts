/// <reference lib="webworker" />
/**
 * @file The lab's service worker: offline app shell, first-use caching of large files, an update that waits
 * for the page's word, and cross-origin isolation on hosts that cannot send COOP/COEP headers.
 *
 * Every same-origin GET/HEAD goes through one fetch listener: it answers from the precache, the runtime
 * caches or the network, then adds the isolation headers (`sw/isolation-headers.ts`). Cross-origin requests
 * are not touched (the registry's responses carry their own CORS headers).
 */
import { clientsClaim } from 'workbox-core';
import { ExpirationPlugin } from 'workbox-expiration';
import { PrecacheController, PrecacheRoute, cleanupOutdatedCaches } from 'workbox-precaching';
import { Route, Router } from 'workbox-routing';
import { CacheFirst, NetworkFirst, type Strategy } from 'workbox-strategies';
import { isAppNavigation } from './sw/app-navigation';
import { handleEndpointFetch } from './sw/endpoints';
import { rangeResponseFromFull } from './sw/byte-range';
import { withIsolationHeaders } from './sw/isolation-headers';
import {
  RUNTIME_CACHE_RULES,
  isObsoleteRuntimeCache,
  pathInScope,
  runtimeCacheName,
  runtimeCacheRuleFor,
  type RuntimeCacheRule,
} from './sw/runtime-caches';

declare const self: ServiceWorkerGlobalScope;

const scope = new URL(self.registration.scope);

// The app shell. Its install runs in `install`, and its stale entries are deleted in `activate`, which only
// happens once the page asks (SKIP_WAITING) or every tab of the old version is closed.
const precache = new PrecacheController();
precache.precache(self.__WB_MANIFEST);
cleanupOutdatedCaches();

const router = new Router();
router.registerRoute(new PrecacheRoute(precache));

// Offline reloads of any in-app address get index.html; direct visits to data files do not.
const appShell = precache.createHandlerBoundToURL('index.html');
router.registerRoute(
  new Route(({ request, url }) => {
    if (request.mode !== 'navigate') return false;
    const path = pathInScope(url, scope);
    return path !== undefined && isAppNavigation(path);
  }, appShell),
);

const runtimeStrategies = new Map<RuntimeCacheRule, Strategy>();
for (const rule of Object.values(RUNTIME_CACHE_RULES)) {
  const options = {
    cacheName: runtimeCacheName(rule, scope.href),
    plugins: [new ExpirationPlugin({ maxEntries: rule.maxEntries, maxAgeSeconds: rule.maxAgeSeconds, purgeOnQuotaError: true })],
  };
  const strategy = rule.strategy === 'cache-first' ? new CacheFirst(options) : new NetworkFirst({ ...options, networkTimeoutSeconds: 5 });
  runtimeStrategies.set(rule, strategy);
  router.registerRoute(new Route(({ url }) => ruleForUrl(url) === rule, strategy));
}

function ruleForUrl(url: URL): RuntimeCacheRule | undefined {
  const path = pathInScope(url, scope);
  return path === undefined ? undefined : runtimeCacheRuleFor(path);
}

/** A HEAD or byte-range read of a runtime-cached file is answered from the cached full copy when there is one. */
async function respondFromRuntimeCopy(request: Request, rule: RuntimeCacheRule): Promise<Response> {
  const cache = await caches.open(runtimeCacheName(rule, scope.href));
  const cached = await cache.match(request.url);
  if (cached) {
    if (request.method === 'HEAD') return new Response(null, { status: cached.status, statusText: cached.statusText, headers: cached.headers });
    const range = request.headers.get('Range');
    if (range) {
      const partial = await rangeResponseFromFull(cached, range);
      if (partial) return partial;
    }
  }
  return fetch(request);
}

async function respond(event: FetchEvent): Promise<Response> {
  const { request } = event;
  const rule = ruleForUrl(new URL(request.url));
  const partial = request.method === 'HEAD' || request.headers.has('Range');
  if (partial) return rule ? respondFromRuntimeCopy(request, rule) : fetch(request);
  return (await router.handleRequest({ request, event })) ?? fetch(request);
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (new URL(request.url).origin !== self.location.origin) return;
  // Model endpoints (`endpoints/<name>/invocations`, POST): relayed to an open lab tab, offline too.
  if (handleEndpointFetch(event, scope, self.clients, withIsolationHeaders)) return;
  if (request.method !== 'GET' && request.method !== 'HEAD') return;
  // Chromium throws on these when answered from a service worker (devtools opening a file).
  if (request.cache === 'only-if-cached' && request.mode !== 'same-origin') return;
  event.respondWith(respond(event).then(withIsolationHeaders));
});

// No skipWaiting on install: a new version waits until the page asks, so an open tab is never left
// running old code whose files the new version's activation has removed from the precache.
self.addEventListener('message', (event) => {
  const data: unknown = event.data;
  if (typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'SKIP_WAITING') {
    void self.skipWaiting();
  }
});

// Claiming only affects pages not yet controlled (a first visit): an update's activation moves controlled
// tabs over anyway. On a host without COOP/COEP, the page then reloads once to become isolated (runtime/pwa.ts).
clientsClaim();

self.addEventListener('activate', (event) => {
  const current = new Set([...runtimeStrategies.keys()].map((rule) => runtimeCacheName(rule, scope.href)));
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => isObsoleteRuntimeCache(name, scope.href, current)).map((name) => caches.delete(name)))),
  );
});
