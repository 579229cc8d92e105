/**
 * @file The one error a share link is refused with: a code for tests and a message for people. Messages name what was
 * wrong and what was expected; they never quote the link itself (it can be half a megabyte, and it is the user's data).
 */

/** Why a share link was refused. */
export type ShareLinkErrorCode =
  /** Longer than {@link MAX_LINK_CHARS}, or inflates past the JSON cap. */
  | 'too-large'
  /** Not base64url, or not a deflate stream. */
  | 'bad-encoding'
  /** The inflated bytes are not UTF-8 JSON. */
  | 'bad-json'
  /** Arrays and objects nested deeper than the cap. */
  | 'too-deep'
  /** A `__proto__`, `constructor` or `prototype` key. */
  | 'forbidden-key'
  /** Not a Benchtop share payload, or a version this app does not read. */
  | 'unknown-version'
  /** A name holds HTML markup. */
  | 'markup'
  /** Well-formed JSON of the right version with a missing, unknown or out-of-range field. */
  | 'invalid';

/** A refused share link (decoding or validation), or a payload that cannot be made into a link (encoding). */
export class ShareLinkError extends Error {
  readonly code: ShareLinkErrorCode;

  constructor(code: ShareLinkErrorCode, message: string) {
    super(message);
    this.name = 'ShareLinkError';
    this.code = code;
  }
}
