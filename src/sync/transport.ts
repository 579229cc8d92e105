/**
 * @file HTTP to an MLflow tracking server: `fetch` with a timeout, the token in the `Authorization` header and
 * nowhere else, `{error_code, message}` bodies turned into {@link SyncError}s, retries with backoff for what is safe
 * to repeat, `Retry-After` honoured, and the CORS diagnosis when a browser hides the cause. Every message and log
 * line goes through {@link redactSecret} first.
 */
import { Backoff, DEFAULT_BACKOFF, parseRetryAfter, withRetry, type BackoffPolicy, type Sleep } from './backoff';
import { corsAdvice, currentPageContext, diagnoseFetchFailure, isMlflowCorsRefusal, isMlflowHostRefusal, mixedContentError, type PageContext } from './cors';
import { kindOf, redactSecret, SyncError, type SyncErrorKind } from './sync-error';

/** Where the server is and how to authenticate. */
export interface MlflowConnection {
  /** A URI checked by `normalizeTrackingUri` (no trailing slash). */
  trackingUri: string;
  /** Bearer token; sent only as `Authorization: Bearer <token>`. */
  token?: string;
}

/** Options of {@link MlflowTransport}. */
export interface TransportOptions extends MlflowConnection {
  fetch?: typeof globalThis.fetch;
  /** Milliseconds one request may take before it counts as timed out (default 30 s). */
  timeoutMs?: number;
  backoff?: Partial<BackoffPolicy>;
  /** Seed of the backoff jitter (tests). */
  seed?: number;
  sleep?: Sleep;
  /** The page the requests come from (default: the current global scope); decides the CORS diagnosis. */
  page?: PageContext;
  /** Receives one line per request and per retry, token-free. */
  log?: (line: string) => void;
  /** Aborts every request (and retry wait) of this client: the sync queue's stop button. */
  signal?: AbortSignal;
}

/** One request. */
export interface RequestOptions {
  query?: Readonly<Record<string, string | number | undefined>>;
  /** A JSON body (sent as `application/json`). */
  json?: unknown;
  /** A raw body (artifact uploads). */
  body?: Blob | ArrayBuffer | Uint8Array;
  contentType?: string;
  /**
   * Whether repeating the request is harmless (reads, and writes MLflow applies idempotently): then any retryable
   * failure is retried. Otherwise only a 429 (refused before any work) is. Default: true for GET, false otherwise.
   */
  idempotent?: boolean;
  /** `json` (default) parses the answer; `bytes` returns it as an ArrayBuffer. */
  responseType?: 'json' | 'bytes';
  signal?: AbortSignal;
}

/** The HTTP layer of the MLflow client. */
export class MlflowTransport {
  readonly trackingUri: string;
  readonly #token: string | undefined;
  readonly #fetch: typeof globalThis.fetch;
  readonly #timeoutMs: number;
  readonly #backoff: Backoff;
  readonly #sleep: Sleep | undefined;
  readonly #page: PageContext;
  readonly #log: ((line: string) => void) | undefined;
  readonly #signal: AbortSignal | undefined;

  constructor(options: TransportOptions) {
    this.trackingUri = options.trackingUri.replace(/\/+$/, '');
    this.#token = options.token === undefined || options.token.trim() === '' ? undefined : options.token.trim();
    // Bound: a browser's fetch called as a method of another object throws "Illegal invocation".
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#backoff = new Backoff({ ...DEFAULT_BACKOFF, ...options.backoff }, options.seed);
    this.#sleep = options.sleep;
    this.#page = options.page ?? currentPageContext();
    this.#log = options.log;
    this.#signal = options.signal;
  }

  /** `text` without the token. */
  redact(text: string): string {
    return redactSecret(text, this.#token);
  }

  /** Writes a token-free line to the log. */
  log(line: string): void {
    this.#log?.(this.redact(line));
  }

  /** Sends a request (retrying per its idempotency) and returns the parsed JSON (or bytes). */
  async request(method: string, path: string, requestOptions: RequestOptions = {}): Promise<unknown> {
    const options = { ...requestOptions, signal: requestOptions.signal ?? this.#signal };
    const idempotent = options.idempotent ?? method === 'GET';
    return withRetry(() => this.#once(method, path, options), {
      backoff: this.#backoff,
      sleep: this.#sleep,
      signal: options.signal,
      shouldRetry: (error) => error.retryable && (idempotent || error.kind === 'rate-limited'),
      onRetry: ({ retry, delayMs, error }) => this.log(`${method} ${path} failed (${error.kind}${error.status ? ` ${error.status}` : ''}); retry ${retry} in ${delayMs} ms`),
    });
  }

  async #once(method: string, path: string, options: RequestOptions): Promise<unknown> {
    const request = `${method} ${path}`;
    const url = new URL(this.trackingUri + path);
    for (const [key, value] of Object.entries(options.query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
    const mixed = mixedContentError(url, this.#page, request);
    if (mixed) throw mixed;

    const headers = new Headers();
    if (this.#token !== undefined) headers.set('Authorization', `Bearer ${this.#token}`);
    let body: BodyInit | undefined;
    if (options.json !== undefined) {
      headers.set('Content-Type', 'application/json');
      body = JSON.stringify(options.json, jsonReplacer);
    } else if (options.body !== undefined) {
      headers.set('Content-Type', options.contentType ?? 'application/octet-stream');
      body = options.body as BodyInit;
    }

    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.#timeoutMs);
    const onAbort = (): void => controller.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const started = Date.now();
    try {
      if (options.signal?.aborted) throw new SyncError({ kind: 'canceled', message: 'Sync was canceled', request });
      let response: Response;
      try {
        response = await this.#fetch(url.href, { method, headers, body, signal: controller.signal, credentials: 'omit', cache: 'no-store' });
      } catch (error) {
        throw await this.#failure(error, url, request, timedOut, options.signal);
      }
      let payload: ArrayBuffer;
      try {
        payload = await response.arrayBuffer();
      } catch (error) {
        // Headers arrived, then the connection broke: the server may well have done the work.
        throw await this.#failure(error, url, request, timedOut, options.signal, true);
      }
      this.log(`${request} → ${response.status} (${Date.now() - started} ms)`);
      if (!response.ok) throw this.#httpError(response, new TextDecoder().decode(payload), url, request);
      if (options.responseType === 'bytes') return payload;
      return this.#parseJson(payload, response.status, request);
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  async #failure(error: unknown, url: URL, request: string, timedOut: boolean, signal: AbortSignal | undefined, afterHeaders = false): Promise<SyncError> {
    if (error instanceof SyncError) return error;
    if (timedOut) {
      this.log(`${request} timed out after ${this.#timeoutMs} ms`);
      return new SyncError({
        kind: 'timeout',
        request,
        outcomeUnknown: true,
        message: `${url.origin} did not answer ${request} within ${Math.round(this.#timeoutMs / 1000)} s.`,
      });
    }
    if (signal?.aborted) return new SyncError({ kind: 'canceled', request, message: 'Sync was canceled' });
    const detail = this.redact(describeCause(error));
    this.log(`${request} failed: ${detail}`);
    if (afterHeaders) {
      return new SyncError({
        kind: 'network',
        code: 'UNREACHABLE',
        request,
        outcomeUnknown: true,
        message: `The connection to ${url.origin} broke while reading the answer to ${request} (${detail}).`,
      });
    }
    const diagnosed = await diagnoseFetchFailure({ target: url, probeUrl: this.trackingUri + '/', page: this.#page, fetch: this.#fetch, request, detail });
    return diagnosed.redacted(this.#token);
  }

  #httpError(response: Response, text: string, url: URL, request: string): SyncError {
    const status = response.status;
    const retryAfterMs = parseRetryAfter(response.headers.get('Retry-After'));
    if (isMlflowCorsRefusal(status, text)) {
      return new SyncError({
        kind: 'cors',
        code: 'CORS_BLOCKED',
        status,
        request,
        message: `MLflow at ${url.origin} refused a request from this page (${this.#page.origin ?? 'unknown origin'}): the origin is not in its --cors-allowed-origins. ${corsAdvice(this.#page.origin, url)}`,
      }).redacted(this.#token);
    }
    if (isMlflowHostRefusal(status, text)) {
      return new SyncError({
        kind: 'forbidden',
        status,
        request,
        message: `MLflow at ${url.origin} refused the host name "${url.host}" (DNS-rebinding protection). Start it with \`--allowed-hosts ${url.host}\`.`,
      }).redacted(this.#token);
    }
    const { code, message } = parseErrorBody(text);
    // `mlflow server --no-serve-artifacts` answers the artifact proxy with a 503 that will never change.
    const kind = status === 503 && text.includes('no-serve-artifacts') ? 'unsupported' : kindOf(code, status);
    const said = message ? `: ${clip(message, 500)}` : '';
    return new SyncError({
      kind,
      code,
      status,
      request,
      retryAfterMs,
      message: `MLflow answered ${request} with ${status}${code ? ` ${code}` : ''}${said}${HINTS[kind] ?? ''}`,
    }).redacted(this.#token);
  }

  #parseJson(payload: ArrayBuffer, status: number, request: string): unknown {
    const text = new TextDecoder().decode(payload);
    if (text.trim() === '') return {};
    try {
      return JSON.parse(text);
    } catch {
      throw new SyncError({
        kind: 'unsupported',
        code: 'BAD_RESPONSE',
        status,
        request,
        message: `The answer to ${request} is not JSON (it starts with "${this.redact(clip(text, 60))}"): is the tracking URI an MLflow server's address?`,
      });
    }
  }
}

const HINTS: Partial<Record<SyncErrorKind, string>> = {
  auth: '. Check the token in Settings (it may be missing or expired).',
  forbidden: '. The token is valid but may not do this; ask for write access to the experiment or model.',
  'rate-limited': '. The server is busy; Benchtop will try again later.',
};

/** MLflow's `{error_code, message}`, Azure ML's `{error: {code, message}}`, or plain text. */
function parseErrorBody(text: string): { code?: string; message?: string } {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    if (typeof body.error_code === 'string') return { code: body.error_code, message: typeof body.message === 'string' ? body.message : undefined };
    const nested = body.error as Record<string, unknown> | undefined;
    if (nested && typeof nested === 'object') return { code: typeof nested.code === 'string' ? nested.code : undefined, message: typeof nested.message === 'string' ? nested.message : undefined };
    if (typeof body.message === 'string') return { message: body.message };
  } catch {
    // Not JSON: a proxy's HTML or text page.
  }
  const plain = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return { message: plain === '' ? undefined : plain };
}

/** A fetch failure's cause in a few words: Node puts the system error (ECONNREFUSED...) in `cause`. */
function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  const code = cause && typeof cause === 'object' && 'code' in cause ? String((cause as { code: unknown }).code) : undefined;
  return code ? `${error.message}: ${code}` : error.message;
}

/** JSON has no NaN or infinities; MLflow (protobuf JSON) reads them as these strings. */
function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  return value;
}

function clip(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length)}…` : text;
}
