/**
 * @file Payload → link: JSON, deflated with fflate, as base64url in the URL fragment `#/shared/<payload>`. The fragment
 * is never sent to a server. The payload is validated first, so a link this app makes is one it opens.
 */
import { deflateSync } from 'fflate';
import { toBase64Url } from './base64url';
import { MAX_LINK_CHARS, validateSharePayload, type SharePayload } from './payload';
import { ShareLinkError } from './share-error';

/** The route prefix of a shared run, in the URL fragment. */
export const SHARED_ROUTE_PREFIX = '#/shared/';

/** An encoded payload and what it weighs. */
export interface EncodedShare {
  /** The text after `#/shared/`. */
  encoded: string;
  /** Bytes of the payload JSON (UTF-8). */
  jsonBytes: number;
  /** Bytes after deflate. */
  compressedBytes: number;
}

/**
 * Encodes a payload for a link. Throws a {@link ShareLinkError}: the payload's own validation error, or `too-large`
 * when the encoded text passes {@link MAX_LINK_CHARS}.
 */
export function encodeSharePayload(payload: SharePayload): EncodedShare {
  // Through JSON and back: what is checked is exactly what the viewer will parse.
  const json = JSON.stringify(payload);
  validateSharePayload(JSON.parse(json));
  const bytes = new TextEncoder().encode(json);
  const compressed = deflateSync(bytes, { level: 9, mem: 8 });
  const encoded = toBase64Url(compressed);
  if (encoded.length > MAX_LINK_CHARS) {
    throw new ShareLinkError(
      'too-large',
      `The link would be ${encoded.length.toLocaleString('en')} characters; links may have at most ${MAX_LINK_CHARS.toLocaleString('en')}. Share without the data (the viewer is asked for the file) or with fewer recorded metrics`,
    );
  }
  return { encoded, jsonBytes: bytes.length, compressedBytes: compressed.length };
}

/** The full link: the app's address (any fragment dropped) followed by `#/shared/<encoded>`. */
export function shareUrl(appUrl: string, encoded: string): string {
  const hash = appUrl.indexOf('#');
  return `${hash < 0 ? appUrl : appUrl.slice(0, hash)}${SHARED_ROUTE_PREFIX}${encoded}`;
}

/** Deflated size of `bytes` at the link's compression level: what embedding them would add to a link, roughly. */
export function compressedSize(bytes: Uint8Array): number {
  return deflateSync(bytes, { level: 9, mem: 8 }).length;
}
