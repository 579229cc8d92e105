/**
 * @file Toast notices and the one `handleError` of the UI (STYLE.md point 9).
 */

/** One notice shown in the toast area. */
export interface Notice {
  id: number;
  kind: 'error' | 'info' | 'success' | 'warning';
  message: string;
  /** Technical detail (error text); shown on demand, never as HTML. */
  detail?: string;
}

/** The notices on screen; a repeated message is shown once. */
class Notices {
  #items = $state<Notice[]>([]);
  #nextId = 1;

  get items(): readonly Notice[] {
    return this.#items;
  }

  /** Show a notice; returns its id. Identical messages already on screen are not repeated. */
  push(kind: Notice['kind'], message: string, detail?: string): number {
    const existing = this.#items.find((item) => item.message === message && item.kind === kind);
    if (existing) return existing.id;
    const id = this.#nextId++;
    this.#items = [...this.#items, { id, kind, message, detail }];
    // Errors and warnings stay longer, but none stay forever; at most four are on screen.
    setTimeout(() => this.dismiss(id), kind === 'success' || kind === 'info' ? 6000 : 20000);
    if (this.#items.length > 4) this.#items = this.#items.slice(-4);
    return id;
  }

  dismiss(id: number): void {
    this.#items = this.#items.filter((item) => item.id !== id);
  }
}

/** The app's notices. */
export const notices = new Notices();

/** Text of any thrown value. */
export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  if (typeof err === 'string') return err;
  try {
    return JSON.stringify(err);
  } catch {
    return String(err);
  }
}

/**
 * Show a human message for a failure and log the detail. `userMessage` says what the user was doing;
 * the error's own text (which names the bad value) follows it.
 */
export function handleError(err: unknown, userMessage: string): void {
  if (err instanceof DOMException && err.name === 'AbortError') return;
  console.error(userMessage, err);
  const text = errorText(err);
  notices.push('error', `${userMessage}: ${text}`, err instanceof Error && err.stack ? err.stack : undefined);
}
