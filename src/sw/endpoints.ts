/**
 * @file `POST endpoints/<name>/invocations`, answered by the service worker without any network: it relays the
 * request to an open lab tab (`src/runtime/endpoint-relay.ts`), which routes, scores and counts it, and answers with
 * what the tab says. Tabs are asked one at a time over a `MessageChannel`: the last tab that answered, then the
 * calling tab, then the others (focused first). A tab answers `accepted` at once when its workspace has the endpoint;
 * one that stays silent is skipped after `acceptMs`. It never hangs: no tab → 503, no tab with that endpoint → 404,
 * an accepted request without a response after `responseMs` → 504, all as MLflow-style JSON errors.
 *
 * Why relay rather than score here: a service worker cannot `import()` modules, so it would have to bundle TF.js and
 * onnxruntime-web into the script every page load installs and checks; and the scoring worker's loaded models, the
 * registry and the counters already live in the tab.
 */
import { endpointNameFromPath } from '../core/scoring/endpoint-name';
import { MAX_SCORING_BODY_BYTES, SCORING_CONTENT_TYPES, scoringBodyType } from '../core/scoring/scoring-request';
import type { EndpointRelayReply, EndpointRelayRequest, PredictionsBody, ScoringErrorBody, ScoringErrorCode } from '../protocol/scoring';
import { pathInScope } from './runtime-caches';

/** How long a tab has to accept a request, and to answer one it accepted. */
export interface RelayTimeouts {
  acceptMs: number;
  responseMs: number;
}

/** Defaults: 3 s to accept (a background tab answers in milliseconds; a frozen one never), 30 s to answer. */
export const RELAY_TIMEOUTS: Readonly<RelayTimeouts> = Object.freeze({ acceptMs: 3_000, responseMs: 30_000 });

/** A window the request can be relayed to (a `Client`, or a fake in tests). */
export interface RelayTarget {
  readonly id: string;
  postMessage(message: unknown, transfer: Transferable[]): void;
}

/** The endpoint's answer. */
export interface RelayAnswer {
  status: number;
  body: PredictionsBody | ScoringErrorBody;
  /** The tab that answered. */
  clientId?: string;
}

type Outcome = { kind: 'response'; status: number; body: PredictionsBody | ScoringErrorBody } | { kind: 'not-found' } | { kind: 'silent' } | { kind: 'deadline' };

function error(status: number, errorCode: ScoringErrorCode, message: string): RelayAnswer {
  return { status, body: { error_code: errorCode, message } };
}

function isReply(data: unknown): data is EndpointRelayReply {
  if (typeof data !== 'object' || data === null) return false;
  const reply = data as { type?: unknown; status?: unknown; body?: unknown };
  if (reply.type === 'accepted' || reply.type === 'not-found') return true;
  return reply.type === 'response' && Number.isInteger(reply.status) && (reply.status as number) >= 200 && (reply.status as number) <= 599 && typeof reply.body === 'object' && reply.body !== null;
}

/** Asks one tab; resolves with its answer, a refusal, silence, or a missed deadline after accepting. */
function askOne(target: RelayTarget, request: EndpointRelayRequest, timeouts: RelayTimeouts): Promise<Outcome> {
  const channel = new MessageChannel();
  return new Promise<Outcome>((resolve) => {
    let timer: ReturnType<typeof setTimeout>;
    const finish = (outcome: Outcome) => {
      clearTimeout(timer);
      channel.port1.onmessage = null;
      channel.port1.close();
      resolve(outcome);
    };
    timer = setTimeout(() => finish({ kind: 'silent' }), timeouts.acceptMs);
    channel.port1.onmessage = (event: MessageEvent) => {
      const reply: unknown = event.data;
      if (!isReply(reply) || reply.id !== request.id) return;
      if (reply.type === 'accepted') {
        clearTimeout(timer);
        timer = setTimeout(() => finish({ kind: 'deadline' }), timeouts.responseMs);
      } else if (reply.type === 'not-found') {
        finish({ kind: 'not-found' });
      } else {
        finish({ kind: 'response', status: reply.status, body: reply.body });
      }
    };
    try {
      target.postMessage(request, [channel.port2]);
    } catch {
      finish({ kind: 'silent' });
    }
  });
}

/** Relays `request` to `targets` in order until one answers; see the file comment for the errors. */
export async function relayToTabs(targets: readonly RelayTarget[], request: EndpointRelayRequest, timeouts: RelayTimeouts = RELAY_TIMEOUTS): Promise<RelayAnswer> {
  let refused = 0;
  for (const target of targets) {
    const outcome = await askOne(target, request, timeouts);
    if (outcome.kind === 'response') return { status: outcome.status, body: outcome.body, clientId: target.id };
    if (outcome.kind === 'deadline') return error(504, 'DEADLINE_EXCEEDED', `The lab tab accepted the request for endpoint "${request.endpoint}" but did not answer within ${Math.round(timeouts.responseMs / 1000)} s`);
    if (outcome.kind === 'not-found') refused++;
  }
  if (refused > 0) return error(404, 'RESOURCE_DOES_NOT_EXIST', `No endpoint named ${JSON.stringify(request.endpoint)} in the workspace open in the lab (${refused} tab${refused === 1 ? '' : 's'} asked)`);
  return error(503, 'TEMPORARILY_UNAVAILABLE', 'No Benchtop lab tab is open to answer: endpoints are served by an open lab tab (the models run there). Open the lab in a tab of this browser and try again');
}

/** The order tabs are asked in: the last one that answered, the caller, focused, visible, then the rest. */
export function orderTargets<T extends { id: string; focused?: boolean; visibilityState?: string }>(clients: readonly T[], preferred: readonly (string | undefined)[]): T[] {
  const rank = (c: T) => {
    const p = preferred.indexOf(c.id);
    if (p >= 0) return p;
    return preferred.length + (c.focused ? 0 : c.visibilityState === 'visible' ? 1 : 2);
  };
  return [...clients].sort((a, b) => rank(a) - rank(b));
}

function json(answer: RelayAnswer, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers } });
}

let lastAnswered: string | undefined;

/** Answers one invocations request (`name` from its path), reading its body and relaying it to the lab's tabs. */
export async function answerEndpointRequest(request: Request, name: string, callerId: string | undefined, clients: Pick<Clients, 'matchAll'>, timeouts: RelayTimeouts = RELAY_TIMEOUTS): Promise<Response> {
  if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: { Allow: 'POST, OPTIONS' } });
  if (request.method !== 'POST') return json(error(405, 'BAD_REQUEST', `Use POST to score with endpoint "${name}"; got ${request.method}`), { Allow: 'POST, OPTIONS' });
  const header = request.headers.get('Content-Type');
  const bodyType = scoringBodyType(header);
  if (bodyType === undefined) {
    const type = (header ?? '').split(';')[0].trim().toLowerCase();
    const accepted = Object.keys(SCORING_CONTENT_TYPES).join(', ');
    return json(
      error(415, 'BAD_REQUEST', `Content-Type ${JSON.stringify(type.slice(0, 100))} is not supported; accepted: ${accepted} (JSON in one of the MLflow shapes dataframe_split, dataframe_records, instances, inputs; or CSV with a header row)`),
      { Accept: accepted },
    );
  }
  const declared = Number(request.headers.get('Content-Length') ?? 0);
  if (declared > MAX_SCORING_BODY_BYTES) return json(error(413, 'REQUEST_LIMIT_EXCEEDED', `The body is ${declared} bytes; at most ${MAX_SCORING_BODY_BYTES} are accepted`));
  const body = await request.text();
  if (body.length > MAX_SCORING_BODY_BYTES) return json(error(413, 'REQUEST_LIMIT_EXCEEDED', `The body has ${body.length} characters; at most ${MAX_SCORING_BODY_BYTES} are accepted`));
  const windows = await clients.matchAll({ type: 'window', includeUncontrolled: true });
  const targets = orderTargets(windows as readonly (Client & { focused?: boolean; visibilityState?: string })[], [lastAnswered, callerId]);
  const answer = await relayToTabs(targets, { type: 'benchtop-endpoint-invocation', id: crypto.randomUUID(), endpoint: name, body, ...(bodyType === 'csv' ? { bodyType } : {}) }, timeouts);
  if (answer.clientId !== undefined) lastAnswered = answer.clientId;
  return json(answer);
}

/**
 * Takes `event` when it is a request for `endpoints/<name>/invocations` under `scope` (any method): answers it and
 * returns true; otherwise returns false and leaves it to the other routes.
 */
export function handleEndpointFetch(event: FetchEvent, scope: URL, clients: Pick<Clients, 'matchAll'>, decorate: (response: Response) => Response = (r) => r): boolean {
  const path = pathInScope(new URL(event.request.url), scope);
  const name = path === undefined ? undefined : endpointNameFromPath(path);
  if (name === undefined) return false;
  event.respondWith(answerEndpointRequest(event.request, name, event.clientId || undefined, clients).then(decorate));
  return true;
}
