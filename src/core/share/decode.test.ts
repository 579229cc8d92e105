import { deflateSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { Rng } from '../random/rng';
import { embeddedPayload, samplePayload } from '../../test/share-payload-fixture';
import { fromBase64Url, toBase64Url } from './base64url';
import { decodeSharePayload, inflateCapped } from './decode';
import { SHARED_ROUTE_PREFIX, encodeSharePayload, shareUrl } from './encode';
import { MAX_LINK_CHARS } from './payload';
import { ShareLinkError } from './share-error';

/** An encoded link of any text, as a hostile or broken link would carry. */
function linkOf(text: string): string {
  return toBase64Url(deflateSync(new TextEncoder().encode(text)));
}

function refusal(encoded: string): ShareLinkError {
  try {
    decodeSharePayload(encoded);
  } catch (err) {
    if (err instanceof ShareLinkError) return err;
    throw err;
  }
  throw new Error('expected the link to be refused');
}

describe('base64url', () => {
  it('round-trips every length and byte, with the URL-safe alphabet and no padding', () => {
    for (let length = 0; length < 70; length++) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 97 + length * 31) & 255);
      const text = toBase64Url(bytes);
      expect(text).toMatch(/^[A-Za-z0-9_-]*$/);
      expect(text).toBe(Buffer.from(bytes).toString('base64url'));
      expect(fromBase64Url(text)).toEqual(bytes);
    }
  });

  it('refuses other characters and impossible lengths', () => {
    expect(fromBase64Url('ab+c')).toBeNull();
    expect(fromBase64Url('ab/c')).toBeNull();
    expect(fromBase64Url('abc=')).toBeNull();
    expect(fromBase64Url('abcde')).toBeNull();
    expect(fromBase64Url('é')).toBeNull();
  });
});

describe('encodeSharePayload and decodeSharePayload', () => {
  it('round-trip a payload through a link', () => {
    for (const payload of [samplePayload(), embeddedPayload()]) {
      const { encoded, jsonBytes, compressedBytes } = encodeSharePayload(payload);
      expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(compressedBytes).toBeLessThan(jsonBytes);
      expect(decodeSharePayload(encoded)).toEqual(payload);
    }
  });

  it('builds the link from the app address, replacing any fragment', () => {
    expect(shareUrl('https://lab.example/app/#/runs/r-1', 'abc')).toBe('https://lab.example/app/#/shared/abc');
    expect(shareUrl('http://localhost:4173/', 'abc')).toBe(`http://localhost:4173/${SHARED_ROUTE_PREFIX}abc`);
  });

  it('refuses to encode an invalid payload or one over the cap', () => {
    expect(() => encodeSharePayload({ ...samplePayload(), seed: 99 })).toThrow("seed: expected the spec's seed 7, got 99");
    // Incompressible data: random CSV text of ~1.4 MB does not fit in 512 K characters.
    const rng = new Rng(1);
    const noise = Array.from({ length: 200_000 }, () => Math.floor(rng.next() * 2 ** 32).toString(36)).join('\n');
    let error: unknown;
    try {
      encodeSharePayload(embeddedPayload(`a\n${noise}\n`));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ShareLinkError);
    expect((error as ShareLinkError).code).toBe('too-large');
    expect((error as ShareLinkError).message).toMatch(/^The link would be [\d,]+ characters; links may have at most 524,288/);
  });

  it('refuses a link over the size cap before decoding it', () => {
    const err = refusal('A'.repeat(MAX_LINK_CHARS + 1));
    expect(err.code).toBe('too-large');
    expect(err.message).toBe('The link is 524,289 characters long; share links have at most 524,288');
  });

  it('refuses damaged links: bad characters, not deflate, cut short, not UTF-8', () => {
    expect(refusal('').message).toMatch(/no shared run after "#\/shared\/"/);
    expect(refusal('abc$def').code).toBe('bad-encoding');
    expect(refusal(toBase64Url(Uint8Array.of(0xff, 0xff, 0xff, 0xff))).message).toMatch(/^The link is damaged: its data does not decompress/);
    const whole = encodeSharePayload(samplePayload()).encoded;
    expect(refusal(whole.slice(0, Math.floor(whole.length / 2) & ~3)).code).toBe('bad-encoding');
    expect(refusal(toBase64Url(deflateSync(Uint8Array.of(0xc3, 0x28)))).code).toBe('bad-json');
  });

  it('refuses invalid JSON, deep nesting, __proto__ keys, unknown versions, markup in names', () => {
    expect(refusal(linkOf('{"format": "benchtop-share", oops')).code).toBe('bad-json');
    expect(refusal(linkOf('['.repeat(10_000) + ']'.repeat(10_000))).code).toBe('too-deep');
    const polluted = JSON.stringify(samplePayload()).replace('"run":{', '"run":{"__proto__":{"isAdmin":true},');
    const pollutedError = refusal(linkOf(polluted));
    expect(pollutedError.code).toBe('forbidden-key');
    expect(pollutedError.message).toContain('"__proto__" key at (root).run');
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(refusal(linkOf(JSON.stringify({ ...samplePayload(), version: 7 }))).code).toBe('unknown-version');
    const html = { ...samplePayload(), run: { ...samplePayload().run, name: '<img src=x onerror=alert(1)>' } };
    expect(refusal(linkOf(JSON.stringify(html))).code).toBe('markup');
  });

  it('refuses a small link that inflates past the cap, while inflating', () => {
    const bomb = deflateSync(new Uint8Array(13 * 1024 * 1024), { level: 9 });
    expect(bomb.length).toBeLessThan(20_000);
    let error: unknown;
    try {
      inflateCapped(bomb, 12 * 1024 * 1024);
    } catch (err) {
      error = err;
    }
    expect((error as ShareLinkError).code).toBe('too-large');
    expect(refusal(toBase64Url(bomb)).message).toMatch(/^The link's data inflates to more than 12 MB/);
  });
});
