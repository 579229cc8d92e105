/**
 * @file Zip reading and writing shared by workspace archives (`workspace-archive.ts`) and bundles
 * (`bundles/`): entries written text-deflated or bytes-stored, and untrusted zips read defensively —
 * each entry's declared size checked before anything is inflated (fflate inflates into a buffer of
 * the declared size, so a lying entry comes out truncated, never larger), names checked, text decoded
 * strictly. Errors are made by the caller's `fail`, so each format keeps its own error type.
 */
import { ZipDeflate, ZipPassThrough, unzipSync, type UnzipFileInfo, type Zip } from 'fflate';
import type { PendingBinary } from './archive-values';

/** Makes the caller's error for a message (and its cause). */
export type ArchiveFail = (message: string, cause?: unknown) => Error;

/** Adds a text entry, deflated. */
export function addTextEntry(zip: Zip, name: string, text: string): void {
  addBytesEntry(zip, name, new TextEncoder().encode(text), 'deflate');
}

/** Adds an entry of bytes, deflated (`level 6`), lightly deflated (`level 1`) or stored. */
export function addBytesEntry(zip: Zip, name: string, bytes: Uint8Array, how: 'deflate' | 'light' | 'store'): void {
  const entry = how === 'store' ? new ZipPassThrough(name) : new ZipDeflate(name, { level: how === 'deflate' ? 6 : 1 });
  zip.add(entry);
  entry.push(bytes, true);
}

/** Adds the entry of a binary value met by `encodeValue`. */
export async function addBinaryEntry(zip: Zip, binary: PendingBinary): Promise<void> {
  const bytes = binary.bytes instanceof Uint8Array ? binary.bytes : new Uint8Array(await binary.bytes.arrayBuffer());
  addBytesEntry(zip, binary.name, bytes, binaryCompression(binary.type));
}

/**
 * How a binary value is compressed: bytes (images, blobs) are usually compressed already, so they are
 * stored; numeric arrays often compress well (integers in float64, dictionary codes): deflated lightly.
 */
export function binaryCompression(type: PendingBinary['type']): 'light' | 'store' {
  return type === 'Uint8Array' || type === 'ArrayBuffer' || type === 'Blob' || type === 'DataView' ? 'store' : 'light';
}

/**
 * Reads the entries of `archive` that `filter` accepts (it sees every entry's header first and may
 * throw to refuse the archive). A zip fflate cannot read becomes `fail("The file is not a readable zip
 * archive ...")`; an error `filter` throws passes through unchanged.
 */
export function unzipSelected(archive: Uint8Array, filter: (info: UnzipFileInfo) => boolean, fail: ArchiveFail): Record<string, Uint8Array> {
  const own = new Set<unknown>();
  try {
    return unzipSync(archive, {
      filter(info) {
        try {
          return filter(info);
        } catch (err) {
          own.add(err);
          throw err;
        }
      },
    });
  } catch (err) {
    if (own.has(err)) throw err;
    throw fail(`The file is not a readable zip archive (truncated or corrupt): ${err instanceof Error ? err.message : String(err)}`, err);
  }
}

/** Throws `fail` when an entry declares more than `max` bytes unpacked; true otherwise (a filter's answer). */
export function checkEntrySize(info: UnzipFileInfo, max: number, fail: ArchiveFail): boolean {
  if (info.originalSize > max) throw fail(`${info.name} unpacks to ${info.originalSize} bytes; at most ${max} are accepted`);
  return true;
}

/** The bytes of entry `name` in what `unzipSelected` returned, or `undefined` (never an inherited property). */
export function entryBytes(entries: Record<string, Uint8Array>, name: string): Uint8Array | undefined {
  return Object.hasOwn(entries, name) ? entries[name] : undefined;
}

/** Decodes an entry as strict UTF-8; `fail` names the entry when it is not. */
export function utf8Text(bytes: Uint8Array, entry: string, fail: ArchiveFail): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (err) {
    throw fail(`${entry} is not valid UTF-8 text`, err);
  }
}
