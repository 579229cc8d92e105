/**
 * @file Cooperative fitting: between trees or iterations a fit calls {@link Cooperation.checkpoint}, which throws if
 * the fit was aborted and, once a time slice has passed, yields to the event loop so that a worker can receive the
 * cancel message that aborts it.
 */

/** Milliseconds of work between yields: short enough for a prompt cancel, long enough to cost under 1%. */
const SLICE_MS = 40;

/**
 * Resolves after the event loop has run once. A MessageChannel message, not `setTimeout(0)`: browsers clamp nested
 * timeouts to 4 ms, which would cost 10% of every slice.
 */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** Abort checks and yields for one fit. */
export class Cooperation {
  readonly #signal?: AbortSignal;
  #sliceStart = performance.now();

  constructor(signal?: AbortSignal) {
    this.#signal = signal;
    signal?.throwIfAborted();
  }

  /** Throws the abort reason if aborted; yields to the event loop when the current slice is used up. */
  async checkpoint(): Promise<void> {
    this.#signal?.throwIfAborted();
    if (performance.now() - this.#sliceStart < SLICE_MS) return;
    await yieldToEventLoop();
    this.#sliceStart = performance.now();
    this.#signal?.throwIfAborted();
  }
}
