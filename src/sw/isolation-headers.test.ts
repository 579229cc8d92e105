import { describe, expect, it } from 'vitest';
import { withIsolationHeaders } from './isolation-headers';

describe('withIsolationHeaders', () => {
  it('adds COOP, COEP and CORP, keeping status, body and other headers', async () => {
    const original = new Response('<h1>Benchtop</h1>', { status: 200, statusText: 'OK', headers: { 'Content-Type': 'text/html' } });
    const isolated = withIsolationHeaders(original);
    expect(isolated).not.toBe(original);
    expect(isolated.status).toBe(200);
    expect(isolated.headers.get('Content-Type')).toBe('text/html');
    expect(isolated.headers.get('Cross-Origin-Opener-Policy')).toBe('same-origin');
    expect(isolated.headers.get('Cross-Origin-Embedder-Policy')).toBe('require-corp');
    expect(isolated.headers.get('Cross-Origin-Resource-Policy')).toBe('same-origin');
    await expect(isolated.text()).resolves.toBe('<h1>Benchtop</h1>');
  });

  it('keeps a resource policy the server chose, and rebuilds partial and bodiless responses', () => {
    const shared = withIsolationHeaders(new Response('x', { headers: { 'Cross-Origin-Resource-Policy': 'cross-origin' } }));
    expect(shared.headers.get('Cross-Origin-Resource-Policy')).toBe('cross-origin');
    const partial = withIsolationHeaders(new Response('abc', { status: 206, headers: { 'Content-Range': 'bytes 0-2/9' } }));
    expect(partial.status).toBe(206);
    expect(partial.headers.get('Content-Range')).toBe('bytes 0-2/9');
    expect(withIsolationHeaders(new Response(null, { status: 204 })).status).toBe(204);
  });

  it('leaves error responses alone (opaque ones cannot be built in Node, and take the same path)', () => {
    const error = Response.error();
    expect(withIsolationHeaders(error)).toBe(error);
  });
});
