/**
 * @file Telling "MLflow refused this page's origin" from "MLflow is not there" after `fetch` rejected with a bare
 * `TypeError`: a browser gives script the same error for both, on purpose.
 *
 * What a page can find out (checked in Chromium, see docs/mlflow.md):
 * - MLflow 3.5+ answers preflights for every origin and refuses a state-changing request from an origin outside
 *   `--cors-allowed-origins` with a readable `403 Cross-origin request blocked`: {@link isMlflowCorsRefusal} spots it.
 * - A server that sends no CORS headers at all (older MLflow, a proxy) makes `fetch` reject. A second request in
 *   `no-cors` mode, without the token, then resolves (with an opaque answer) when the server is up and rejects when
 *   it is down: that tells CORS from down.
 * - Except in a cross-origin-isolated page with `Cross-Origin-Embedder-Policy: require-corp` (Benchtop's default,
 *   for threaded wasm): the embedder policy blocks that `no-cors` answer too, so the probe fails either way and the
 *   error says both causes are possible. (`COEP: credentialless` would keep the probe working.)
 * - An `https:` page may not call an `http:` server other than localhost (mixed content): caught before any probe.
 */
import { SyncError } from './sync-error';

/** Where the request was made from; in Node (the CLI, tests) there is no page origin and no CORS. */
export interface PageContext {
  /** `location.origin` of the page or worker, if any. */
  origin?: string;
  /** `crossOriginIsolated` of the page or worker. */
  crossOriginIsolated?: boolean;
}

/** The page context of the current global scope. */
export function currentPageContext(): PageContext {
  const scope = globalThis as { location?: { origin?: unknown }; crossOriginIsolated?: unknown };
  const origin = typeof scope.location?.origin === 'string' && scope.location.origin !== 'null' ? scope.location.origin : undefined;
  return { origin, crossOriginIsolated: scope.crossOriginIsolated === true };
}

/** MLflow 3.5's answer to a state-changing request from an origin it does not allow (text/plain, status 403). */
export const MLFLOW_CORS_BLOCKED_TEXT = 'Cross-origin request blocked';
/** MLflow 3.5's answer to a Host header outside `--allowed-hosts` (text/plain, status 403). */
export const MLFLOW_INVALID_HOST_TEXT = 'Invalid Host header';

/** Whether a 403 body is MLflow's own refusal of this page's origin. */
export function isMlflowCorsRefusal(status: number, body: string): boolean {
  return status === 403 && body.trim().startsWith(MLFLOW_CORS_BLOCKED_TEXT);
}

/** Whether a 403 body is MLflow's refusal of the Host header (DNS-rebinding protection). */
export function isMlflowHostRefusal(status: number, body: string): boolean {
  return status === 403 && body.trim().startsWith(MLFLOW_INVALID_HOST_TEXT);
}

/** The advice that fixes a CORS refusal, naming the page's origin. */
export function corsAdvice(pageOrigin: string | undefined, target: URL): string {
  const origin = pageOrigin ?? '<this page’s origin>';
  return (
    `Start MLflow 3.5 or later with \`mlflow server --cors-allowed-origins ${origin}\`` +
    ` (and \`--allowed-hosts ${target.host}\` when it is reached by that name), or put a proxy in front of it that allows ${origin}.`
  );
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost') || host === '127.0.0.1' || host === '[::1]';
}

/** The mixed-content refusal for an `https:` page calling a non-loopback `http:` server, or `undefined`. */
export function mixedContentError(target: URL, page: PageContext, request: string): SyncError | undefined {
  if (page.origin === undefined || !page.origin.startsWith('https:') || target.protocol !== 'http:' || isLoopback(target.hostname)) return undefined;
  return new SyncError({
    kind: 'cors',
    code: 'MIXED_CONTENT',
    request,
    message:
      `This page is served over HTTPS, so the browser blocks requests to ${target.origin} (plain HTTP). ` +
      'Serve MLflow over HTTPS (for example behind a reverse proxy), or open Benchtop from http://localhost.',
  });
}

/** Options of {@link diagnoseFetchFailure}. */
export interface DiagnoseOptions {
  target: URL;
  /** The tracking URI: probed instead of the failing endpoint (a GET there changes nothing). */
  probeUrl: string;
  page: PageContext;
  fetch: typeof globalThis.fetch;
  request: string;
  /** Text of the original failure (already redacted), for the message in Node. */
  detail: string;
  probeTimeoutMs?: number;
}

/**
 * The error to report after `fetch` rejected without an answer. In a page and cross-origin, probes the server in
 * `no-cors` mode (never with the token) to tell a CORS refusal from a server that is down.
 */
export async function diagnoseFetchFailure(options: DiagnoseOptions): Promise<SyncError> {
  const { target, page, request } = options;
  const crossOrigin = page.origin !== undefined && page.origin !== target.origin;
  if (!crossOrigin) {
    return new SyncError({
      kind: 'network',
      code: 'UNREACHABLE',
      request,
      outcomeUnknown: true,
      message: `Could not connect to ${target.origin} (${options.detail}). Check that MLflow is running there and that this computer is online.`,
    });
  }
  const reachable = await probe(options);
  if (reachable) {
    return new SyncError({
      kind: 'cors',
      code: 'CORS_BLOCKED',
      request,
      message: `${target.origin} answered, but the browser did not let this page (${page.origin}) read the answer: the server does not allow this origin (CORS). ${corsAdvice(page.origin, target)}`,
    });
  }
  if (page.crossOriginIsolated) {
    return new SyncError({
      kind: 'network',
      code: 'UNREACHABLE',
      request,
      outcomeUnknown: true,
      message:
        `Could not reach ${target.origin} from this page. Either the server is down or unreachable from this computer, ` +
        `or it refuses this page's origin (${page.origin}) under CORS; the browser does not say which. ` +
        `If ${options.probeUrl} opens in a browser tab, the cause is CORS: ${corsAdvice(page.origin, target)}`,
    });
  }
  return new SyncError({
    kind: 'network',
    code: 'UNREACHABLE',
    request,
    outcomeUnknown: true,
    message: `Could not reach ${target.origin}: the server is down or unreachable (offline, wrong address or port, or a firewall).`,
  });
}

async function probe(options: DiagnoseOptions): Promise<boolean> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.probeTimeoutMs ?? 5000);
  try {
    // No token and no custom header: a no-cors request may carry neither, and it needs none to show the server is up.
    await options.fetch(options.probeUrl, { method: 'GET', mode: 'no-cors', credentials: 'omit', cache: 'no-store', signal: controller.signal });
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
