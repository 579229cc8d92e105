/**
 * @file FNV-1a, 32-bit, over the UTF-8 bytes of a string: a fast, well-known, platform-independent hash used for
 * string seeds and feature hashing. Not a cryptographic hash.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * The 32-bit FNV-1a hash of the UTF-8 encoding of `text`, as an unsigned integer.
 * Lone surrogates are hashed as U+FFFD, as `TextEncoder` would encode them.
 * `fnv1a32('')` is `0x811c9dc5`; `fnv1a32('a')` is `0xe40c292c` (the published test vectors).
 */
export function fnv1a32(text: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < text.length) {
      const lo = text.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      }
    }
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    if (cp < 0x80) {
      h = Math.imul(h ^ cp, FNV_PRIME);
    } else if (cp < 0x800) {
      h = Math.imul(h ^ (0xc0 | (cp >> 6)), FNV_PRIME);
      h = Math.imul(h ^ (0x80 | (cp & 63)), FNV_PRIME);
    } else if (cp < 0x10000) {
      h = Math.imul(h ^ (0xe0 | (cp >> 12)), FNV_PRIME);
      h = Math.imul(h ^ (0x80 | ((cp >> 6) & 63)), FNV_PRIME);
      h = Math.imul(h ^ (0x80 | (cp & 63)), FNV_PRIME);
    } else {
      h = Math.imul(h ^ (0xf0 | (cp >> 18)), FNV_PRIME);
      h = Math.imul(h ^ (0x80 | ((cp >> 12) & 63)), FNV_PRIME);
      h = Math.imul(h ^ (0x80 | ((cp >> 6) & 63)), FNV_PRIME);
      h = Math.imul(h ^ (0x80 | (cp & 63)), FNV_PRIME);
    }
  }
  return h >>> 0;
}
