/**
 * @file Readable text of a raw RFC 822 e-mail: the decoded Subject and the
 * first text/plain part (else text/html with tags stripped), whitespace
 * collapsed and e-mail addresses masked. Good enough for a spam classifier's
 * bag of words; not a full MIME parser.
 */

// Also catches truncated addresses ("name@y...") and hosts without a TLD; over-masking is the safe side.
const EMAIL = /[A-Za-z0-9._%+=-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)(?:\.{2,})?/g;

/** `text` with every e-mail address (a local part, "@", and a host name with at least one letter) replaced by "[email]". */
export function maskEmails(text) {
  return text.replace(EMAIL, (match, host) => (/[A-Za-z]/.test(host) ? '[email]' : match));
}

/** Decode `bytes` (a latin1 "binary" string) in `charset`, falling back to UTF-8, then Windows-1252. */
function decodeBytes(binary, charset) {
  const bytes = Buffer.from(binary, 'latin1');
  const tries = [charset, 'utf-8'].filter(Boolean);
  for (const label of tries) {
    try {
      return new TextDecoder(label, { fatal: true }).decode(bytes);
    } catch {
      // unknown label or invalid bytes: try the next decoder
    }
  }
  return new TextDecoder('windows-1252').decode(bytes);
}

function decodeQuotedPrintable(text) {
  return text.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
}

function decodeTransfer(body, encoding) {
  const enc = (encoding ?? '').trim().toLowerCase();
  if (enc === 'base64') return Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64').toString('latin1');
  if (enc === 'quoted-printable') return decodeQuotedPrintable(body);
  return body;
}

/** Split a message (or MIME part) into lower-cased headers and its body. */
function splitMessage(raw) {
  const match = /\r?\n\r?\n/.exec(raw);
  const head = match ? raw.slice(0, match.index) : raw;
  const body = match ? raw.slice(match.index + match[0].length) : '';
  const headers = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) {
      const name = line.slice(0, colon).trim().toLowerCase();
      headers[name] ??= line.slice(colon + 1).trim();
    }
  }
  return { headers, body };
}

function contentType(headers) {
  const value = headers['content-type'] ?? 'text/plain';
  const param = (name) => new RegExp(`${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(value);
  const boundary = param('boundary');
  const charset = param('charset');
  return { type: value.split(';')[0].trim().toLowerCase(), boundary: boundary && (boundary[1] ?? boundary[2]), charset: charset && (charset[1] ?? charset[2]) };
}

/** Decode RFC 2047 encoded words (=?charset?B|Q?…?=) in a header value. */
function decodeHeader(value) {
  return value.replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=\s*/g, (_, charset, kind, text) => {
    const binary = kind.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('latin1') : decodeQuotedPrintable(text.replaceAll('_', ' '));
    return decodeBytes(binary, charset);
  });
}

/** The best text part of a message or part: [text, isHtml], or null when it has none. */
function textPart(raw, depth = 0) {
  const { headers, body } = splitMessage(raw);
  const { type, boundary, charset } = contentType(headers);
  if (type.startsWith('multipart/') && boundary && depth < 5) {
    const parts = body.split(`--${boundary}`).slice(1).filter((p) => !p.startsWith('--'));
    const found = parts.map((p) => textPart(p.replace(/^\r?\n/, ''), depth + 1)).filter(Boolean);
    return found.find(([, html]) => !html) ?? found[0] ?? null;
  }
  if (type !== 'text/plain' && type !== 'text/html') return null;
  return [decodeBytes(decodeTransfer(body, headers['content-transfer-encoding']), charset), type === 'text/html'];
}

const ENTITIES = { nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function htmlToText(html) {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x?[0-9a-f]+|[a-z]+);/gi, (entity, name) => {
      if (name[0] !== '#') return ENTITIES[name.toLowerCase()] ?? entity;
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : ' ';
    });
}

/** Whitespace runs and control characters become single spaces; e-mail addresses become "[email]". */
export function cleanText(text) {
  return maskEmails(text).replace(/[\s\p{Cc}\p{Cf}\uFFFD]+/gu, ' ').trim();
}

/** Cut `text` to at most `max` UTF-16 units without splitting a surrogate pair. */
export function truncate(text, max) {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text[max - 1]) ? max - 1 : max;
  return text.slice(0, end);
}

/** Subject and body text of a raw message given as a latin1 ("binary") string. */
export function emailText(binary) {
  const { headers } = splitMessage(binary);
  const subject = cleanText(decodeHeader(headers.subject ?? ''));
  const part = textPart(binary);
  const body = part ? cleanText(part[1] ? htmlToText(part[0]) : part[0]) : '';
  return { subject, body };
}
