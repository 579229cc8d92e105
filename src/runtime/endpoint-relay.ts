/**
 * @file The page side of `endpoints/<name>/invocations`. The service worker (`src/sw/endpoints.ts`) cannot run a
 * model itself, so it relays each request to an open lab tab over a `MessageChannel`; the tab answers `accepted`
 * at once when its workspace has that endpoint (`not-found` otherwise, and the service worker asks another tab),
 * routes the request by the endpoint's traffic split, scores it in the scoring worker, answers on the port, and adds
 * the outcome to the deployment's counters. Mirrored deployments score a shadow copy after the answer is sent.
 */
import { scoringErrorAnswer } from '../core/scoring/scoring-error';
import type { EndpointRelayReply, EndpointRelayRequest, PredictionsBody, ScoringBodyType, ScoringErrorBody } from '../protocol/scoring';
import { getWorkspaceDb } from '../storage/connections';
import { getEndpointByName, recordInvocations, routeInvocation } from '../storage/endpoints';
import { getScoreClient, type InvocationScorer } from './score-client';

/** An endpoint's answer, and a promise settled once its counters (and mirrors') are written. */
export interface InvocationAnswer {
  status: number;
  body: PredictionsBody | ScoringErrorBody;
  /** Milliseconds from routing to the answer, as recorded for the deployment. */
  ms: number;
  /** The deployment that answered, when one did. */
  deploymentId?: string;
  recorded: Promise<void>;
}

const warn = (err: unknown) => console.warn('Could not record an endpoint request', err);

/**
 * Routes `body` (JSON, or CSV when `bodyType` says so) to a deployment of endpoint `endpointName` in workspace
 * `workspaceId`, scores it, and counts it.
 */
export async function answerInvocation(workspaceId: string, endpointName: string, body: string, scorer: InvocationScorer, bodyType: ScoringBodyType = 'json'): Promise<InvocationAnswer> {
  const db = getWorkspaceDb(workspaceId);
  const started = performance.now();
  let route;
  try {
    route = await routeInvocation(db, endpointName);
  } catch (err) {
    return { ...scoringErrorAnswer(err), ms: performance.now() - started, recorded: Promise.resolve() };
  }
  const result = await scorer.invoke(workspaceId, route.primary.modelVersionId, body, bodyType);
  const ms = performance.now() - started;
  const answered = recordInvocations(db, [{ deploymentId: route.primary.deploymentId, outcome: { ms, ok: result.status < 400, mirror: false, at: Date.now() } }]);
  // Shadow copies run after the answer, one at a time: their cost never delays it; their answers are counted, then dropped.
  const recorded = answered.then(async () => {
    for (const mirror of route.mirrors) {
      const shadowStarted = performance.now();
      const shadow = await scorer.invoke(workspaceId, mirror.modelVersionId, body, bodyType);
      await recordInvocations(db, [{ deploymentId: mirror.deploymentId, outcome: { ms: performance.now() - shadowStarted, ok: shadow.status < 400, mirror: true, at: Date.now() } }]);
    }
  });
  return { status: result.status, body: result.body, ms, deploymentId: route.primary.deploymentId, recorded: recorded.catch(warn) };
}

/** True when `data` is a relayed invocation from the service worker. */
export function isRelayRequest(data: unknown): data is EndpointRelayRequest {
  if (typeof data !== 'object' || data === null) return false;
  const d = data as Partial<EndpointRelayRequest>;
  return d.type === 'benchtop-endpoint-invocation' && typeof d.id === 'string' && typeof d.endpoint === 'string' && typeof d.body === 'string' && (d.bodyType === undefined || d.bodyType === 'json' || d.bodyType === 'csv');
}

/** Answers one relayed request on `port`: `accepted` or `not-found` at once, then the `response`. */
export async function relayOne(request: EndpointRelayRequest, port: MessagePort, workspaceId: string | undefined, scorer: InvocationScorer): Promise<void> {
  const reply = (message: EndpointRelayReply) => port.postMessage(message);
  try {
    if (workspaceId === undefined || !(await getEndpointByName(getWorkspaceDb(workspaceId), request.endpoint))) {
      reply({ type: 'not-found', id: request.id });
      return;
    }
    reply({ type: 'accepted', id: request.id });
    const answer = await answerInvocation(workspaceId, request.endpoint, request.body, scorer, request.bodyType ?? 'json');
    reply({ type: 'response', id: request.id, status: answer.status, body: answer.body });
  } catch (err) {
    reply({ type: 'response', id: request.id, ...scoringErrorAnswer(err) });
  } finally {
    // The service worker keeps no use for the port after the response (or a not-found).
    port.close();
  }
}

/** Options of {@link startEndpointRelay}. */
export interface EndpointRelayOptions {
  /** The workspace open in this tab, read per request (it changes when the user switches). */
  workspaceId: () => string | undefined;
  scorer?: InvocationScorer;
  container?: ServiceWorkerContainer;
}

/** Starts answering relayed endpoint requests in this tab; returns the function that stops it. */
export function startEndpointRelay(options: EndpointRelayOptions): () => void {
  const container = options.container ?? (typeof navigator === 'undefined' ? undefined : navigator.serviceWorker);
  if (!container) return () => undefined;
  const onMessage = (event: MessageEvent) => {
    const port = event.ports[0];
    if (!isRelayRequest(event.data) || !port) return;
    void relayOne(event.data, port, options.workspaceId(), options.scorer ?? getScoreClient());
  };
  container.addEventListener('message', onMessage);
  // Messages from the service worker wait in a queue until the page says it listens.
  container.startMessages();
  return () => container.removeEventListener('message', onMessage);
}

/** An endpoint's answer as the test form shows it. */
export interface EndpointCall {
  status: number;
  body: unknown;
  /** Milliseconds from sending to reading the answer. */
  ms: number;
  /** `service-worker`: through `fetch` and the relay, as any caller; `page`: answered in this tab (no service worker). */
  via: 'service-worker' | 'page';
}

/**
 * Calls an endpoint as a caller would: `fetch` to `endpoints/<name>/invocations` when a service worker controls this
 * page; otherwise (the dev server) the same routing and scoring, in this tab.
 */
export async function callEndpoint(workspaceId: string, endpointName: string, body: string): Promise<EndpointCall> {
  const started = performance.now();
  if (typeof navigator !== 'undefined' && navigator.serviceWorker?.controller) {
    const response = await fetch(`./endpoints/${encodeURIComponent(endpointName)}/invocations`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON (a host's own error page): shown as text.
    }
    return { status: response.status, body: parsed, ms: performance.now() - started, via: 'service-worker' };
  }
  const answer = await answerInvocation(workspaceId, endpointName, body, getScoreClient());
  return { status: answer.status, body: answer.body, ms: performance.now() - started, via: 'page' };
}
