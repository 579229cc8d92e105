/**
 * @file Link → payload, refusing anything unsafe before it costs anything: the length before decoding, the inflated
 * size while inflating (a small link must not inflate into gigabytes), the nesting before parsing, keys and the shape
 * after. Every refusal is a {@link ShareLinkError} with a message a person can act on.
 */
import { Inflate } from 'fflate';
import { fromBase64Url } from './base64url';
import { parseGuardedJson } from './json-guard';
import { MAX_DEPTH, MAX_JSON_BYTES, MAX_LINK_CHARS, MAX_VALUES, validateSharePayload, type SharePayload } from './payload';
import { ShareLinkError } from './share-error';

/** Input bytes per inflate step: bounds how far past the cap one step can write (deflate expands at most ~1032x). */
const INFLATE_STEP = 1024;

/** Decodes and validates the text after `#/shared/`. */
export function decodeSharePayload(encoded: string): SharePayload {
  if (encoded.length > MAX_LINK_CHARS) {
    throw new ShareLinkError(
      'too-large',
      `The link is ${encoded.length.toLocaleString('en')} characters long; share links have at most ${MAX_LINK_CHARS.toLocaleString('en')}`,
    );
  }
  if (encoded.length === 0) throw new ShareLinkError('bad-encoding', 'The link has no shared run after "#/shared/"; copy the whole link and try again');
  const bytes = fromBase64Url(encoded);
  if (!bytes) {
    throw new ShareLinkError('bad-encoding', 'The link is damaged: it has characters (or a length) a share link never has. Copy the whole link again');
  }
  const json = inflateCapped(bytes, MAX_JSON_BYTES);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(json);
  } catch {
    throw new ShareLinkError('bad-json', "The link's data is not UTF-8 text; the link may have been altered");
  }
  return validateSharePayload(parseGuardedJson(text, { maxDepth: MAX_DEPTH, maxValues: MAX_VALUES }));
}

/** Inflates raw deflate data, refusing output past `maxBytes` as it streams (never holding more than a step over). */
export function inflateCapped(data: Uint8Array, maxBytes: number): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  let ended = false;
  const inflate = new Inflate((chunk, final) => {
    total += chunk.length;
    if (total > maxBytes) {
      throw new ShareLinkError('too-large', `The link's data inflates to more than ${(maxBytes / 1024 / 1024).toLocaleString('en')} MB; share links hold less`);
    }
    parts.push(chunk);
    if (final) ended = true;
  });
  try {
    for (let at = 0; at < data.length; at += INFLATE_STEP) {
      const end = Math.min(data.length, at + INFLATE_STEP);
      inflate.push(data.subarray(at, end), end === data.length);
    }
  } catch (err) {
    if (err instanceof ShareLinkError) throw err;
    throw new ShareLinkError('bad-encoding', 'The link is damaged: its data does not decompress. Copy the whole link again');
  }
  if (!ended) throw new ShareLinkError('bad-encoding', 'The link is cut short: its data ends early. Copy the whole link again');
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
