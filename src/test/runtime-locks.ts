/**
 * @file An in-memory Web Locks manager for runtime tests in Node (which has no `navigator.locks`): exclusive and
 * shared modes, requests granted in order, `ifAvailable`, `signal`, and `query()`. Share one instance between
 * "tabs" and their fake workers, as a browser shares one per origin.
 */

interface LockRequest {
  name: string;
  mode: LockMode;
  callback: (lock: Lock | null) => unknown;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

/** A fake `LockManager` (the parts the runtime uses). */
export class FakeLockManager {
  readonly #held: LockRequest[] = [];
  readonly #pending: LockRequest[] = [];

  request<T>(name: string, callback: LockGrantedCallback<T>): Promise<Awaited<T>>;
  request<T>(name: string, options: LockOptions, callback: LockGrantedCallback<T>): Promise<Awaited<T>>;
  request<T>(name: string, a: LockOptions | LockGrantedCallback<T>, b?: LockGrantedCallback<T>): Promise<Awaited<T>> {
    const options: LockOptions = typeof a === 'function' ? {} : a;
    const callback = (typeof a === 'function' ? a : b) as LockGrantedCallback<T>;
    return new Promise<Awaited<T>>((resolve, reject) => {
      const request: LockRequest = { name, mode: options.mode ?? 'exclusive', callback, resolve: resolve as (value: unknown) => void, reject };
      if (options.signal?.aborted) return reject(options.signal.reason ?? new DOMException('Aborted', 'AbortError'));
      if (this.#grantable(request)) return this.#grant(request);
      if (options.ifAvailable) {
        Promise.resolve()
          .then(() => callback(null))
          .then(resolve as (value: unknown) => void, reject);
        return;
      }
      this.#pending.push(request);
      options.signal?.addEventListener('abort', () => {
        const index = this.#pending.indexOf(request);
        if (index < 0) return;
        this.#pending.splice(index, 1);
        reject(options.signal?.reason ?? new DOMException('Aborted', 'AbortError'));
      });
    });
  }

  async query(): Promise<LockManagerSnapshot> {
    const info = (r: LockRequest): LockInfo => ({ name: r.name, mode: r.mode, clientId: 'fake' });
    return { held: this.#held.map(info), pending: this.#pending.map(info) };
  }

  /** Names of the locks held now. */
  heldNames(): string[] {
    return this.#held.map((r) => r.name);
  }

  #grantable(request: LockRequest): boolean {
    // First come, first served: a request waits behind any earlier request for the same name.
    const firstWaiting = this.#pending.find((r) => r.name === request.name);
    if (firstWaiting && firstWaiting !== request) return false;
    const holders = this.#held.filter((r) => r.name === request.name);
    return holders.length === 0 || (request.mode === 'shared' && holders.every((r) => r.mode === 'shared'));
  }

  #grant(request: LockRequest): void {
    this.#held.push(request);
    const lock = { name: request.name, mode: request.mode } as Lock;
    Promise.resolve()
      .then(() => request.callback(lock))
      .then(request.resolve, request.reject)
      .finally(() => {
        this.#held.splice(this.#held.indexOf(request), 1);
        this.#drain();
      });
  }

  #drain(): void {
    for (const request of [...this.#pending]) {
      if (!this.#grantable(request)) continue;
      this.#pending.splice(this.#pending.indexOf(request), 1);
      this.#grant(request);
    }
  }
}
