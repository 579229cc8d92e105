import { describe, expect, it } from 'vitest';
import type { EndpointRelayReply, EndpointRelayRequest } from '../protocol/scoring';
import { answerEndpointRequest, orderTargets, relayToTabs, type RelayTarget } from './endpoints';

const FAST = { acceptMs: 100, responseMs: 300 };
const REQUEST: EndpointRelayRequest = { type: 'benchtop-endpoint-invocation', id: 'r1', endpoint: 'iris', body: '{}' };

/** A tab that answers through the port as `behave` says. */
function tab(id: string, behave: (request: EndpointRelayRequest, reply: (r: EndpointRelayReply) => void) => void, seen: string[] = []): RelayTarget {
  return {
    id,
    postMessage(message, transfer) {
      seen.push(id);
      const port = transfer[0] as MessagePort;
      behave(message as EndpointRelayRequest, (reply) => port.postMessage(reply));
    },
  };
}

const answering = (status = 200) => (request: EndpointRelayRequest, reply: (r: EndpointRelayReply) => void) => {
  reply({ type: 'accepted', id: request.id });
  setTimeout(() => reply({ type: 'response', id: request.id, status, body: { predictions: [{ prediction: 'setosa' }] } }), 10);
};
const silent = () => undefined;
const notFound = (request: EndpointRelayRequest, reply: (r: EndpointRelayReply) => void) => reply({ type: 'not-found', id: request.id });

describe('relayToTabs', () => {
  it('skips silent and refusing tabs and returns the first answer', async () => {
    const seen: string[] = [];
    const answer = await relayToTabs([tab('a', silent, seen), tab('b', notFound, seen), tab('c', answering(), seen), tab('d', answering(), seen)], REQUEST, FAST);
    expect(answer).toEqual({ status: 200, body: { predictions: [{ prediction: 'setosa' }] }, clientId: 'c' });
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('answers 503 with no tab, 404 when every tab refuses, 504 when an accepted request is not answered', async () => {
    expect(await relayToTabs([], REQUEST, FAST)).toMatchObject({ status: 503, body: { error_code: 'TEMPORARILY_UNAVAILABLE', message: expect.stringMatching(/No Benchtop lab tab is open/) } });
    expect(await relayToTabs([tab('a', silent)], REQUEST, FAST)).toMatchObject({ status: 503 });
    expect(await relayToTabs([tab('a', notFound), tab('b', silent)], REQUEST, FAST)).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
    const started = Date.now();
    const stuck = await relayToTabs([tab('a', (r, reply) => reply({ type: 'accepted', id: r.id }))], REQUEST, FAST);
    expect(stuck).toMatchObject({ status: 504, body: { error_code: 'DEADLINE_EXCEEDED' } });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('ignores replies for another request and malformed replies', async () => {
    const confused = tab('a', (r, reply) => {
      reply({ type: 'response', id: 'other', status: 200, body: { predictions: [] } });
      reply({ type: 'response', id: r.id, status: 9999, body: { predictions: [] } });
    });
    expect(await relayToTabs([confused], REQUEST, FAST)).toMatchObject({ status: 503 });
  });
});

describe('orderTargets', () => {
  it('asks the last answering tab, then the caller, then focused and visible tabs', () => {
    const clients = [
      { id: 'hidden', visibilityState: 'hidden' },
      { id: 'visible', visibilityState: 'visible' },
      { id: 'focused', focused: true, visibilityState: 'visible' },
      { id: 'caller', visibilityState: 'hidden' },
      { id: 'last', visibilityState: 'hidden' },
    ];
    expect(orderTargets(clients, ['last', 'caller']).map((c) => c.id)).toEqual(['last', 'caller', 'focused', 'visible', 'hidden']);
    expect(orderTargets(clients, [undefined, undefined]).map((c) => c.id)).toEqual(['focused', 'visible', 'hidden', 'caller', 'last']);
  });
});

describe('answerEndpointRequest', () => {
  const url = 'https://lab.test/endpoints/iris/invocations';
  const clients = (targets: RelayTarget[]) => ({ matchAll: async () => targets as unknown as readonly Client[] }) as unknown as Pick<Clients, 'matchAll'>;

  it('relays a POST body and answers JSON', async () => {
    let received = '';
    const target = tab('a', (r, reply) => {
      received = r.body;
      answering()(r, reply);
    });
    const response = await answerEndpointRequest(new Request(url, { method: 'POST', body: '{"instances":[1]}' }), 'iris', undefined, clients([target]), FAST);
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('application/json');
    expect(await response.json()).toEqual({ predictions: [{ prediction: 'setosa' }] });
    expect(received).toBe('{"instances":[1]}');
  });

  it('relays a CSV body as CSV, and a JSON body (typed or not) as JSON', async () => {
    const received: EndpointRelayRequest[] = [];
    const target = tab('a', (r, reply) => {
      received.push(r);
      answering()(r, reply);
    });
    const csv = 'sepal_length,sepal_width\n5.1,3.5\n';
    const response = await answerEndpointRequest(new Request(url, { method: 'POST', body: csv, headers: { 'Content-Type': 'text/csv; charset=utf-8' } }), 'iris', undefined, clients([target]), FAST);
    expect(response.status).toBe(200);
    await answerEndpointRequest(new Request(url, { method: 'POST', body: '{"instances":[1]}', headers: { 'Content-Type': 'application/json' } }), 'iris', undefined, clients([target]), FAST);
    expect(received.map((r) => [r.body, r.bodyType])).toEqual([
      [csv, 'csv'],
      ['{"instances":[1]}', undefined],
    ]);
  });

  it('refuses other methods, content types and oversized bodies without asking a tab', async () => {
    const seen: string[] = [];
    const c = clients([tab('a', answering(), seen)]);
    const get = await answerEndpointRequest(new Request(url), 'iris', undefined, c, FAST);
    expect([get.status, get.headers.get('Allow')]).toEqual([405, 'POST, OPTIONS']);
    expect((await get.json()).message).toMatch(/Use POST/);
    expect((await answerEndpointRequest(new Request(url, { method: 'OPTIONS' }), 'iris', undefined, c, FAST)).status).toBe(204);
    const xml = await answerEndpointRequest(new Request(url, { method: 'POST', body: '<a/>', headers: { 'Content-Type': 'application/xml; charset=utf-8' } }), 'iris', undefined, c, FAST);
    expect(xml.status).toBe(415);
    expect(xml.headers.get('Accept')).toBe('application/json, text/plain, text/csv');
    expect((await xml.json()).message).toBe(
      'Content-Type "application/xml" is not supported; accepted: application/json, text/plain, text/csv (JSON in one of the MLflow shapes dataframe_split, dataframe_records, instances, inputs; or CSV with a header row)',
    );
    const big = await answerEndpointRequest(new Request(url, { method: 'POST', body: 'x', headers: { 'Content-Length': String(1e9) } }), 'iris', undefined, c, FAST);
    expect(big.status).toBe(413);
    expect(seen).toEqual([]);
  });
});
