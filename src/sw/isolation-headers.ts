/**
 * @file Cross-origin isolation supplied by the service worker, for static hosts that cannot send headers.
 *
 * Multi-threaded wasm (onnxruntime-web, tfjs-wasm) needs `SharedArrayBuffer`, which a page only gets when
 * it is cross-origin isolated: its document is served with COOP `same-origin` and COEP `require-corp`.
 * The service worker rebuilds every same-origin response it hands out (network, precache or runtime cache)
 * with those headers, so the lab is isolated on GitHub Pages and offline alike.
 */

/** The headers that make a document cross-origin isolated, and the resource policy for its same-origin subresources. */
export const ISOLATION_HEADERS = Object.freeze({
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
});

/**
 * Return `response` with the isolation headers added, as a new `Response` sharing the same body stream.
 *
 * Left untouched: opaque and opaque-redirect responses (their headers cannot be read or rebuilt, and a
 * navigation must receive an opaque redirect as-is so the browser follows it), CORS responses from another
 * origin, error responses, and statuses a `Response` cannot be constructed with. A resource policy the
 * server already sent is kept; COOP and COEP are always set, since the lab needs exactly those.
 */
export function withIsolationHeaders(response: Response): Response {
  if (response.type !== 'basic' && response.type !== 'default') return response;
  if (response.status < 200 || response.status > 599) return response;
  const headers = new Headers(response.headers);
  headers.set('Cross-Origin-Opener-Policy', ISOLATION_HEADERS['Cross-Origin-Opener-Policy']);
  headers.set('Cross-Origin-Embedder-Policy', ISOLATION_HEADERS['Cross-Origin-Embedder-Policy']);
  if (!headers.has('Cross-Origin-Resource-Policy')) {
    headers.set('Cross-Origin-Resource-Policy', ISOLATION_HEADERS['Cross-Origin-Resource-Policy']);
  }
  // A rebuilt response is neither `redirected` nor tied to a URL, so a navigation may use it even when the
  // original fetch followed a same-origin redirect (Chromium rejects redirected responses for navigations).
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
