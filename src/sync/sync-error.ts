/**
 * @file The one error type of MLflow sync: a kind the UI and the queue act on (retry, ask for a token, explain
 * CORS), MLflow's `error_code` when the server sent one, and a human message that never contains the token.
 */

/**
 * What went wrong, as the queue and the settings page act on it:
 * - `auth`: 401, the token is missing, wrong or expired; `forbidden`: 403, the token may not do this.
 * - `not-found`: the experiment, run, model or endpoint does not exist; `conflict`: it already exists.
 * - `rate-limited`: 429; `server`: 5xx; `timeout`: no answer in time; `network`: no connection at all.
 * - `cors`: the browser refused to let this page read the answer (the server's CORS settings).
 * - `invalid`: the server refused the request's content (a changed parameter, a bad key, a batch limit).
 * - `unsupported`: the server does not offer this API (artifacts on a server started with `--no-serve-artifacts`).
 * - `canceled`: the caller aborted.
 */
export type SyncErrorKind =
  | 'auth'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'rate-limited'
  | 'server'
  | 'timeout'
  | 'network'
  | 'cors'
  | 'invalid'
  | 'unsupported'
  | 'canceled';

/** Kinds worth retrying on their own: the same request may succeed later without anyone changing anything. */
const RETRYABLE: ReadonlySet<SyncErrorKind> = new Set(['rate-limited', 'server', 'timeout', 'network']);

/** Our own codes, for failures MLflow has no `error_code` for. */
export type SyncErrorCode =
  | 'PARAM_CHANGED'
  | 'EXPERIMENT_DELETED'
  | 'REMOTE_RUN_DELETED'
  | 'MIXED_CONTENT'
  | 'CORS_BLOCKED'
  | 'UNREACHABLE'
  | 'BAD_RESPONSE';

/** What a {@link SyncError} is built from. */
export interface SyncErrorInit {
  kind: SyncErrorKind;
  message: string;
  /** MLflow's `error_code` (`INVALID_PARAMETER_VALUE`...) or one of {@link SyncErrorCode}. */
  code?: string;
  /** HTTP status, when a response came back. */
  status?: number;
  /** Milliseconds the server asked us to wait (`Retry-After`). */
  retryAfterMs?: number;
  /** The request, as `METHOD /path` (never a query string or a header). */
  request?: string;
  /** Whether the request may have taken effect on the server even though no answer came back. */
  outcomeUnknown?: boolean;
}

/** A failed sync operation. Its message and fields never contain the token ({@link redactSecret} runs on them). */
export class SyncError extends Error {
  override readonly name = 'SyncError';
  readonly kind: SyncErrorKind;
  readonly code?: string;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly request?: string;
  /** True when the same request may succeed if retried later, unchanged. */
  readonly retryable: boolean;
  /** True when the request may have been applied (a connection lost after sending): re-check before repeating it. */
  readonly outcomeUnknown: boolean;

  constructor(init: SyncErrorInit) {
    super(init.message);
    this.kind = init.kind;
    this.code = init.code;
    this.status = init.status;
    this.retryAfterMs = init.retryAfterMs;
    this.request = init.request;
    this.retryable = RETRYABLE.has(init.kind);
    this.outcomeUnknown = init.outcomeUnknown ?? false;
  }

  /** A copy with every occurrence of `secret` replaced, for errors built from text a server or a library wrote. */
  redacted(secret: string | undefined): SyncError {
    return new SyncError({
      kind: this.kind,
      message: redactSecret(this.message, secret),
      code: this.code === undefined ? undefined : redactSecret(this.code, secret),
      status: this.status,
      retryAfterMs: this.retryAfterMs,
      request: this.request === undefined ? undefined : redactSecret(this.request, secret),
      outcomeUnknown: this.outcomeUnknown,
    });
  }
}

/** Whether `error` is a {@link SyncError}. */
export function isSyncError(error: unknown): error is SyncError {
  return error instanceof SyncError;
}

/** What stands in for a secret in text. */
export const REDACTED = '[redacted]';

/**
 * `text` with every occurrence of `secret` (as is, URL-encoded, and base64-encoded as in a Basic header) replaced by
 * {@link REDACTED}. Secrets shorter than 4 characters are not searched for (they would match ordinary words).
 */
export function redactSecret(text: string, secret: string | undefined): string {
  if (secret === undefined || secret.length < 4) return text;
  let out = text;
  for (const form of secretForms(secret)) out = out.split(form).join(REDACTED);
  return out;
}

function secretForms(secret: string): string[] {
  const forms = new Set([secret, encodeURIComponent(secret)]);
  try {
    forms.add(btoa(secret));
  } catch {
    // Not Latin-1: it cannot be in a Basic header either.
  }
  return [...forms].filter((f) => f.length >= 4).sort((a, b) => b.length - a.length);
}

/** MLflow's error codes and the kind each one means. */
const KIND_OF_CODE: ReadonlyMap<string, SyncErrorKind> = new Map([
  ['UNAUTHENTICATED', 'auth'],
  ['PERMISSION_DENIED', 'forbidden'],
  ['RESOURCE_DOES_NOT_EXIST', 'not-found'],
  ['ENDPOINT_NOT_FOUND', 'unsupported'],
  ['RESOURCE_ALREADY_EXISTS', 'conflict'],
  ['INVALID_PARAMETER_VALUE', 'invalid'],
  ['BAD_REQUEST', 'invalid'],
  ['INVALID_STATE', 'invalid'],
  ['MALFORMED_REQUEST', 'invalid'],
  ['REQUEST_LIMIT_EXCEEDED', 'rate-limited'],
  ['TEMPORARILY_UNAVAILABLE', 'server'],
  ['INTERNAL_ERROR', 'server'],
  ['NOT_IMPLEMENTED', 'unsupported'],
  ['FEATURE_DISABLED', 'unsupported'],
]);

/** The kind an HTTP status means when the body has no (known) MLflow error code. */
export function kindOfStatus(status: number): SyncErrorKind {
  if (status === 401) return 'auth';
  if (status === 403) return 'forbidden';
  if (status === 404 || status === 410) return 'not-found';
  if (status === 409) return 'conflict';
  if (status === 408) return 'timeout';
  if (status === 429) return 'rate-limited';
  if (status === 501) return 'unsupported';
  if (status >= 500) return 'server';
  return 'invalid';
}

/** The kind for an MLflow `error_code` and HTTP status; the status decides when the code is unknown. */
export function kindOf(code: string | undefined, status: number): SyncErrorKind {
  // A gateway in front of MLflow may answer 401/403/429/5xx with any body: the status is the stronger signal then.
  if (status === 401 || status === 403 || status === 429 || status >= 500) return kindOfStatus(status);
  return (code === undefined ? undefined : KIND_OF_CODE.get(code)) ?? kindOfStatus(status);
}
