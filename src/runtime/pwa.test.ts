import { describe, expect, it, vi } from 'vitest';
import { createPwaController, type PwaEnvironment, type PwaState } from './pwa';
import { ISOLATION_RELOAD_KEY, type ReloadGuardStorage } from './isolation';

class FakeWorker extends EventTarget {
  postMessage = vi.fn();
  constructor(public state: ServiceWorkerState) {
    super();
  }
  become(state: ServiceWorkerState): void {
    this.state = state;
    this.dispatchEvent(new Event('statechange'));
  }
}

class FakeRegistration extends EventTarget {
  installing: FakeWorker | null = null;
  waiting: FakeWorker | null = null;
  active: FakeWorker | null = null;
  update = vi.fn(async () => {});
}

class FakeContainer extends EventTarget {
  registration = new FakeRegistration();
  register = vi.fn(async () => this.registration);
  constructor(public controller: FakeWorker | null) {
    super();
  }
}

function setup(options: { controller?: FakeWorker | null; isolated?: boolean } = {}) {
  const container = new FakeContainer(options.controller ?? null);
  const items = new Map<string, string>();
  const storage: ReloadGuardStorage = {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  };
  const reload = vi.fn();
  const env: PwaEnvironment = {
    enabled: true,
    container: container as unknown as ServiceWorkerContainer,
    scriptUrl: 'https://host/lab/sw.js',
    scopeUrl: 'https://host/lab/',
    isolated: () => options.isolated ?? false,
    sessionStorage: () => storage,
    reload,
    root: undefined,
    updateIntervalMs: 0,
  };
  const pwa = createPwaController(env);
  const states: PwaState[] = [];
  pwa.subscribe((state) => states.push(state));
  return { pwa, container, reg: container.registration, reload, items, states };
}

describe('createPwaController', () => {
  it('registers with the resolved script and scope, once', async () => {
    const { pwa, container } = setup();
    await Promise.all([pwa.register(), pwa.register()]);
    expect(container.register).toHaveBeenCalledTimes(1);
    expect(container.register).toHaveBeenCalledWith('https://host/lab/sw.js', { scope: 'https://host/lab/', updateViaCache: 'none' });
    expect(pwa.getState().registration).toBe('registered');
  });

  it('first visit on a header-less host: offline ready once active, reloads once when claimed', async () => {
    const { pwa, container, reg, reload, items } = setup();
    await pwa.register();
    const worker = new FakeWorker('installing');
    reg.installing = worker;
    reg.dispatchEvent(new Event('updatefound'));
    reg.installing = null;
    reg.active = worker;
    worker.become('activated');
    expect(pwa.getState()).toMatchObject({ offlineReady: true, updateAvailable: false });
    container.controller = worker;
    container.dispatchEvent(new Event('controllerchange'));
    expect(reload).toHaveBeenCalledTimes(1);
    expect(items.has(ISOLATION_RELOAD_KEY)).toBe(true);
  });

  it('first visit on a host with headers: no reload', async () => {
    const { pwa, container, reload } = setup({ isolated: true });
    await pwa.register();
    container.controller = new FakeWorker('activated');
    container.dispatchEvent(new Event('controllerchange'));
    expect(reload).not.toHaveBeenCalled();
    expect(pwa.getState().isolation).toBe('isolated');
  });

  it('reports a waiting version, and applies it with one reload after the switch', async () => {
    const active = new FakeWorker('activated');
    const { pwa, container, reg, reload } = setup({ controller: active, isolated: true });
    reg.active = active;
    await pwa.register();
    expect(pwa.getState().updateAvailable).toBe(false);
    const next = new FakeWorker('installing');
    reg.installing = next;
    reg.dispatchEvent(new Event('updatefound'));
    reg.installing = null;
    reg.waiting = next;
    next.become('installed');
    expect(pwa.getState().updateAvailable).toBe(true);
    expect(reload).not.toHaveBeenCalled();

    pwa.applyUpdate();
    expect(next.postMessage).toHaveBeenCalledWith({ type: 'SKIP_WAITING' });
    container.controller = next;
    container.dispatchEvent(new Event('controllerchange'));
    container.dispatchEvent(new Event('controllerchange'));
    expect(reload).toHaveBeenCalledTimes(1);
  });

  it('an update applied in another tab marks this tab stale without reloading it', async () => {
    const active = new FakeWorker('activated');
    const { pwa, container, reg, reload } = setup({ controller: active, isolated: true });
    reg.active = active;
    await pwa.register();
    container.controller = new FakeWorker('activated');
    container.dispatchEvent(new Event('controllerchange'));
    expect(reload).not.toHaveBeenCalled();
    expect(pwa.getState().updateAvailable).toBe(true);
    pwa.applyUpdate();
    expect(reload).toHaveBeenCalledTimes(1);
  });

  it('does not register when disabled or unsupported, and reports a failed registration', async () => {
    const disabled = createPwaController({ ...baseEnv(), enabled: false });
    await expect(disabled.register()).resolves.toMatchObject({ registration: 'disabled' });
    const unsupported = createPwaController({ ...baseEnv(), container: undefined });
    await expect(unsupported.register()).resolves.toMatchObject({ registration: 'unsupported' });
    const container = new FakeContainer(null);
    container.register.mockRejectedValueOnce(new Error('SecurityError: insecure origin'));
    const failing = createPwaController({ ...baseEnv(), container: container as unknown as ServiceWorkerContainer });
    await expect(failing.register()).resolves.toMatchObject({ registration: 'failed', error: 'SecurityError: insecure origin' });
  });
});

function baseEnv(): PwaEnvironment {
  return {
    enabled: true,
    container: new FakeContainer(null) as unknown as ServiceWorkerContainer,
    scriptUrl: 'https://host/sw.js',
    scopeUrl: 'https://host/',
    isolated: () => false,
    sessionStorage: () => undefined,
    reload: () => {},
    root: undefined,
    updateIntervalMs: 0,
  };
}
