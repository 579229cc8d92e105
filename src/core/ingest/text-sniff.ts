/**
 * @file Tells text from binary by looking at the first bytes of a file.
 */

/** Bytes inspected by {@link findBinaryByte}. */
export const SNIFF_BYTES = 64 * 1024;

/**
 * Offset of the first byte that marks `bytes` as binary, or -1 when it looks like text:
 * any NUL byte, or more than 10% control characters (other than tab, line feed, carriage return, form feed, escape).
 * Only the first {@link SNIFF_BYTES} are examined.
 */
export function findBinaryByte(bytes: Uint8Array): number {
  const n = Math.min(bytes.length, SNIFF_BYTES);
  let controls = 0;
  let firstControl = -1;
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (b === 0) return i;
    if (b < 32 && b !== 9 && b !== 10 && b !== 13 && b !== 12 && b !== 27) {
      controls++;
      if (firstControl === -1) firstControl = i;
    }
  }
  return controls > n * 0.1 ? firstControl : -1;
}
