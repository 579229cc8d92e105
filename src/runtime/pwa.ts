/**
 * @file Service worker registration and the state the UI shows about it: offline readiness, a waiting
 * update, and cross-origin isolation. Framework-free; the UI wraps `subscribe` in a rune class.
 *
 * The state is also mirrored on `<html>` as `data-sw-state`, `data-sw-offline`, `data-sw-update` and
 * `data-isolated`, and reachable as `window.__benchtopPwa`, so end-to-end tests need no UI.
 */
import { decideIsolationReload, type IsolationDecision, type ReloadGuardStorage } from './isolation';

/** Where the service worker registration stands. */
export type RegistrationStatus =
  /** No service worker API (old browser, insecure origin, Node). */
  | 'unsupported'
  /** Not registered on purpose (the dev server, where sw.ts is not built). */
  | 'disabled'
  | 'registering'
  | 'registered'
  | 'failed';

/** What the UI shows about the service worker. Immutable; each change is a new object. */
export interface PwaState {
  readonly registration: RegistrationStatus;
  /** An active service worker holds the app shell: the lab reloads offline. */
  readonly offlineReady: boolean;
  /** A newer version is installed and waiting (or another tab already switched to it): offer `applyUpdate()`. */
  readonly updateAvailable: boolean;
  /** `crossOriginIsolated` of this page: multi-threaded wasm is possible. */
  readonly crossOriginIsolated: boolean;
  /** The last isolation decision taken at load or on the first takeover, for diagnostics. */
  readonly isolation: IsolationDecision | undefined;
  /** Why registration failed, in words. */
  readonly error: string | undefined;
}

/** What the controller needs from the browser; tests pass fakes. */
export interface PwaEnvironment {
  /** False on the dev server, where sw.ts is not built: nothing is registered. */
  enabled: boolean;
  container: ServiceWorkerContainer | undefined;
  /** Script and scope URLs, resolved against the document base so sub-path hosting works. */
  scriptUrl: string;
  scopeUrl: string;
  isolated: () => boolean;
  sessionStorage: () => ReloadGuardStorage | undefined;
  reload: () => void;
  /** Where the state is mirrored as data attributes (`document.documentElement`), if anywhere. */
  root: HTMLElement | undefined;
  /** How often to look for a new version while the tab is open; 0 for never. */
  updateIntervalMs: number;
}

/** The service worker lifecycle of one page: `registerServiceWorker` and friends delegate to one of these. */
export interface PwaController {
  register(): Promise<PwaState>;
  getState(): PwaState;
  subscribe(listener: (state: PwaState) => void): () => void;
  applyUpdate(): void;
  checkForUpdate(): Promise<void>;
}

/** Build a controller over `env`. Exported for tests; the app uses the module-level functions below. */
export function createPwaController(env: PwaEnvironment): PwaController {
  let state: PwaState = Object.freeze({
    registration: env.container ? 'registering' : 'unsupported',
    offlineReady: false,
    updateAvailable: false,
    crossOriginIsolated: env.isolated(),
    isolation: undefined,
    error: undefined,
  } satisfies PwaState);
  const listeners = new Set<(state: PwaState) => void>();
  let registration: ServiceWorkerRegistration | undefined;
  let registering: Promise<PwaState> | undefined;
  let applying = false;
  let reloading = false;
  let hadController = Boolean(env.container?.controller);

  function setState(patch: Partial<PwaState>): void {
    state = Object.freeze({ ...state, ...patch });
    mirror(state);
    for (const listener of listeners) listener(state);
  }

  function mirror(current: PwaState): void {
    if (!env.root) return;
    env.root.dataset.swState = current.registration;
    env.root.dataset.swOffline = current.offlineReady ? 'ready' : 'pending';
    env.root.dataset.swUpdate = current.updateAvailable ? 'available' : 'none';
    env.root.dataset.isolated = String(current.crossOriginIsolated);
  }

  function reloadOnce(): void {
    if (reloading) return;
    reloading = true;
    env.reload();
  }

  function considerIsolation(): void {
    const decision = decideIsolationReload({
      isolated: env.isolated(),
      controlled: Boolean(env.container?.controller),
      storage: env.sessionStorage,
    });
    setState({ isolation: decision });
    if (decision === 'reload') reloadOnce();
    else if (decision === 'already-reloaded') {
      console.warn('Benchtop: the page is still not cross-origin isolated after one reload; multi-threaded wasm is off.');
    }
  }

  function refresh(): void {
    if (!registration) return;
    setState({
      offlineReady: registration.active !== null,
      // A waiting worker next to an active one is a new version. Once another tab has switched to it,
      // this tab keeps `updateAvailable` (set in `controllerchange`), since its own code is now stale.
      updateAvailable: state.updateAvailable || (registration.waiting !== null && registration.active !== null),
    });
  }

  function watch(reg: ServiceWorkerRegistration): void {
    reg.addEventListener('updatefound', () => {
      const worker = reg.installing;
      worker?.addEventListener('statechange', refresh);
      refresh();
    });
    for (const worker of [reg.installing, reg.waiting, reg.active]) worker?.addEventListener('statechange', refresh);
  }

  function onControllerChange(): void {
    if (applying) {
      reloadOnce();
      return;
    }
    if (!hadController) {
      // The first worker just claimed this page (a first visit).
      hadController = true;
      refresh();
      considerIsolation();
      return;
    }
    // Another tab applied an update: this page runs the old version under the new worker.
    setState({ updateAvailable: true });
  }

  async function doRegister(): Promise<PwaState> {
    const container = env.container;
    if (!container) return state;
    if (!env.enabled) {
      setState({ registration: 'disabled' });
      return state;
    }
    container.addEventListener('controllerchange', onControllerChange);
    if (container.controller) considerIsolation();
    else setState({ isolation: decideIsolationReload({ isolated: env.isolated(), controlled: false, storage: env.sessionStorage }) });
    try {
      registration = await container.register(env.scriptUrl, { scope: env.scopeUrl, updateViaCache: 'none' });
    } catch (err) {
      setState({ registration: 'failed', error: err instanceof Error ? err.message : String(err) });
      return state;
    }
    watch(registration);
    setState({ registration: 'registered' });
    refresh();
    if (env.updateIntervalMs > 0) setInterval(() => void checkForUpdate(), env.updateIntervalMs);
    return state;
  }

  async function checkForUpdate(): Promise<void> {
    if (!registration) return;
    try {
      await registration.update();
    } catch {
      // Offline, or the host is down: the next check will try again.
    }
    refresh();
  }

  mirror(state);
  return {
    register() {
      registering ??= doRegister();
      return registering;
    },
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      listener(state);
      return () => listeners.delete(listener);
    },
    applyUpdate() {
      const waiting = registration?.waiting;
      if (waiting) {
        applying = true;
        waiting.postMessage({ type: 'SKIP_WAITING' });
      } else if (state.updateAvailable) {
        reloadOnce();
      }
    },
    checkForUpdate,
  };
}

function browserEnvironment(): PwaEnvironment {
  const base = document.baseURI;
  return {
    enabled: !import.meta.env.DEV,
    container: 'serviceWorker' in navigator ? navigator.serviceWorker : undefined,
    scriptUrl: new URL('sw.js', base).href,
    scopeUrl: new URL('./', base).href,
    isolated: () => globalThis.crossOriginIsolated === true,
    sessionStorage: () => globalThis.sessionStorage,
    reload: () => location.reload(),
    root: document.documentElement,
    updateIntervalMs: 60 * 60 * 1000,
  };
}

let controller: PwaController | undefined;

function pageController(): PwaController {
  controller ??= createPwaController(browserEnvironment());
  return controller;
}

declare global {
  interface Window {
    /** Debug and test handle on the service worker state (see runtime/pwa.ts). */
    __benchtopPwa?: Pick<PwaController, 'getState' | 'applyUpdate' | 'checkForUpdate'>;
  }
}

/**
 * Register the service worker (`sw.js` next to index.html, scope = the app's folder) and start tracking it.
 * Call once at startup; later calls return the same promise. Does nothing on the dev server. On a host
 * without COOP/COEP headers, the page reloads once when the worker first controls it, to become isolated.
 */
export function registerServiceWorker(): Promise<PwaState> {
  if (typeof window === 'undefined' || typeof document === 'undefined') return Promise.resolve(unsupportedState());
  const pwa = pageController();
  window.__benchtopPwa = { getState: pwa.getState, applyUpdate: pwa.applyUpdate, checkForUpdate: pwa.checkForUpdate };
  return pwa.register();
}

function unsupportedState(): PwaState {
  return { registration: 'unsupported', offlineReady: false, updateAvailable: false, crossOriginIsolated: false, isolation: undefined, error: undefined };
}

/** The current state; see `subscribe` to follow changes. */
export function getPwaState(): PwaState {
  return typeof window === 'undefined' ? unsupportedState() : pageController().getState();
}

/** Call `listener` now and on every state change. Returns the function that stops it. */
export function subscribe(listener: (state: PwaState) => void): () => void {
  if (typeof window === 'undefined') {
    listener(unsupportedState());
    return () => {};
  }
  return pageController().subscribe(listener);
}

/**
 * Switch to the waiting version: tell it to skip waiting, then reload once when it takes control.
 * When another tab already switched, just reload. Does nothing when no update is available.
 */
export function applyUpdate(): void {
  if (typeof window !== 'undefined') pageController().applyUpdate();
}

/** Ask the host for a newer service worker now (e.g. from a "Check for updates" button); offline it quietly does nothing. */
export function checkForUpdate(): Promise<void> {
  return typeof window === 'undefined' ? Promise.resolve() : pageController().checkForUpdate();
}
