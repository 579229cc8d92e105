/**
 * @file The service worker's state (offline ready, update waiting) as rune state for the shell.
 */
import { applyUpdate, getPwaState, registerServiceWorker, subscribe, type PwaState } from '../../runtime/pwa';

class PwaStateView {
  #state = $state.raw<PwaState>(getPwaState());

  constructor() {
    subscribe((state) => {
      this.#state = state;
    });
  }

  get updateAvailable(): boolean {
    return this.#state.updateAvailable;
  }
  get offlineReady(): boolean {
    return this.#state.offlineReady;
  }

  start(): void {
    void registerServiceWorker();
  }

  apply(): void {
    applyUpdate();
  }
}

/** The app's service worker state. */
export const pwaState = new PwaStateView();
