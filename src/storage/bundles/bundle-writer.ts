/**
 * @file Writes a bundle's zip: entries at checked paths, each hashed (SHA-256) for the manifest, bytes met twice
 * stored once (a registered model's files are copies of its run's artifacts), and `manifest.json` last.
 */
import { Zip } from 'fflate';
import { createContentHasher } from '../../core/ingest/content-hash';
import { addBytesEntry } from '../archive-zip';
import { BUNDLE_FORMAT, BUNDLE_VERSION, MANIFEST_ENTRY, isSafeEntryPath, type BundleEntryInfo, type BundleManifest } from './bundle-format';

/** How an entry is compressed (`archive-zip.ts`). */
export type EntryCompression = 'deflate' | 'light' | 'store';

/** SHA-256 (lower-case hex) of some bytes. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const hasher = await createContentHasher();
  hasher.update(bytes);
  return hasher.digest();
}

/** Collects a bundle's entries, then gives the zip with its manifest. */
export class BundleWriter {
  readonly #zip: Zip;
  readonly #parts: Uint8Array[] = [];
  #error: unknown;
  #finished = false;
  readonly #entries: BundleEntryInfo[] = [];
  readonly #paths = new Set<string>();
  readonly #byHash = new Map<string, string>();

  constructor() {
    this.#zip = new Zip((err, data, final) => {
      if (err) this.#error = err;
      else this.#parts.push(data);
      if (final) this.#finished = true;
    });
  }

  /** Bytes written so far (compressed), for progress and tests. */
  get size(): number {
    return this.#parts.reduce((sum, part) => sum + part.byteLength, 0);
  }

  /**
   * A free path like `preferred`: itself, else with `-2`, `-3`... before its extension. Reserved: no later call
   * returns it.
   */
  reservePath(preferred: string): string {
    let path = preferred;
    for (let n = 2; this.#paths.has(path); n++) path = preferred.replace(/(\.[A-Za-z0-9]{1,8})?$/, (ext) => `-${n}${ext}`);
    if (!isSafeEntryPath(path)) throw new Error(`Bundle entry path "${path}" is not safe (an exporter bug)`);
    this.#paths.add(path);
    return path;
  }

  /** Adds a text entry at `path` (reserved now), deflated. */
  async addText(path: string, text: string): Promise<void> {
    await this.addBytes(this.reservePath(path), new TextEncoder().encode(text), 'deflate', true);
  }

  /**
   * Adds bytes at `path`. With `reserved`, `path` came from {@link reservePath}; otherwise it is reserved now.
   * Returns the SHA-256 of the bytes.
   */
  async addBytes(path: string, bytes: Uint8Array, how: EntryCompression, reserved = false): Promise<string> {
    const at = reserved ? path : this.reservePath(path);
    const sha256 = await sha256Hex(bytes);
    addBytesEntry(this.#zip, at, bytes, how);
    this.#entries.push({ path: at, size: bytes.byteLength, sha256 });
    this.#byHash.set(sha256, at);
    if (this.#error) throw this.#error;
    return sha256;
  }

  /** The path holding these bytes: an entry already written with the same SHA-256, else a new one like `preferred`. */
  async addContent(preferred: string, bytes: Uint8Array, how: EntryCompression): Promise<string> {
    const sha256 = await sha256Hex(bytes);
    const existing = this.#byHash.get(sha256);
    if (existing !== undefined) return existing;
    const path = this.reservePath(preferred);
    await this.addBytes(path, bytes, how, true);
    return path;
  }

  /** Writes `manifest.json` (the entries listed in the order written) and ends the zip. */
  finish(header: Omit<BundleManifest, 'format' | 'bundleVersion' | 'entries'>): { blob: Blob; manifest: BundleManifest } {
    const manifest: BundleManifest = { format: BUNDLE_FORMAT, bundleVersion: BUNDLE_VERSION, ...header, entries: [...this.#entries] };
    addBytesEntry(this.#zip, MANIFEST_ENTRY, new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`), 'deflate');
    this.#zip.end();
    if (this.#error) throw this.#error;
    if (!this.#finished) throw new Error('The zip writer did not finish');
    return { blob: new Blob(this.#parts as BlobPart[], { type: 'application/zip' }), manifest };
  }
}
