/**
 * @file An in-memory `BroadcastChannel` for runtime tests: ports opened by name on one hub deliver each message
 * (structured-cloned, asynchronously) to every other open port of that name, never to the sender.
 */
import type { RuntimeChannelPort } from '../runtime/runtime-channel';

/** A set of fake broadcast channels: one hub per simulated origin. */
export class FakeBroadcastHub {
  readonly #ports = new Set<FakePort>();
  /** Every message posted, for assertions. */
  readonly posted: { name: string; message: unknown }[] = [];

  /** Opens a port on channel `name` (use as `openChannel`). */
  readonly open = (name: string): RuntimeChannelPort => {
    const port = new FakePort(name, this);
    this.#ports.add(port);
    return port;
  };

  deliver(from: FakePort, message: unknown): void {
    this.posted.push({ name: from.name, message });
    for (const port of this.#ports) {
      if (port === from || port.name !== from.name) continue;
      const data = structuredClone(message);
      setTimeout(() => port.receive(data), 0);
    }
  }

  remove(port: FakePort): void {
    this.#ports.delete(port);
  }
}

class FakePort implements RuntimeChannelPort {
  readonly name: string;
  readonly #hub: FakeBroadcastHub;
  readonly #listeners: ((event: MessageEvent) => void)[] = [];
  #closed = false;

  constructor(name: string, hub: FakeBroadcastHub) {
    this.name = name;
    this.#hub = hub;
  }

  postMessage(message: unknown): void {
    if (this.#closed) throw new DOMException('The channel is closed', 'InvalidStateError');
    this.#hub.deliver(this, message);
  }

  addEventListener(_type: 'message', listener: (event: MessageEvent) => void): void {
    this.#listeners.push(listener);
  }

  close(): void {
    this.#closed = true;
    this.#hub.remove(this);
  }

  receive(data: unknown): void {
    if (this.#closed) return;
    for (const listener of this.#listeners) listener({ data } as MessageEvent);
  }
}
