/**
 * @file Byte-range reads served from a cached full response, so range readers (hyparquet over HTTP) work offline.
 */

/** An inclusive byte range resolved against a known size. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Parse a single-range `Range` header (`bytes=a-b`, `bytes=a-`, `bytes=-n`) against a body of `size` bytes.
 * Returns `undefined` for anything else (multiple ranges, other units, malformed values) and `'unsatisfiable'`
 * when the range lies outside the body.
 */
export function parseByteRange(header: string, size: number): ByteRange | 'unsatisfiable' | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, first, last] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/**
 * Answer a `Range` request from a cached full (200) response: a 206 with the slice and `Content-Range`,
 * a 416 when the range is outside the body, or `undefined` when the header is not a single byte range
 * (the caller then fetches from the network).
 */
export async function rangeResponseFromFull(full: Response, rangeHeader: string): Promise<Response | undefined> {
  const body = await full.blob();
  const range = parseByteRange(rangeHeader, body.size);
  if (range === undefined) return undefined;
  if (range === 'unsatisfiable') {
    return new Response(null, { status: 416, headers: { 'Content-Range': `bytes */${body.size}` } });
  }
  const headers = new Headers(full.headers);
  headers.set('Content-Range', `bytes ${range.start}-${range.end}/${body.size}`);
  headers.set('Content-Length', String(range.end - range.start + 1));
  return new Response(body.slice(range.start, range.end + 1), { status: 206, statusText: 'Partial Content', headers });
}
