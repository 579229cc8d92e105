/**
 * @file Opening an untrusted bundle zip: every entry's header is checked before anything is inflated (safe path, no
 * duplicate, declared size under the caps, the total under its cap, no bomb-like packing ratio), the manifest is read
 * and validated, the entries must be exactly the ones it lists with the sizes it lists, and each entry read later is
 * checked against its SHA-256. Nothing here touches storage.
 */
import type { UnzipFileInfo } from 'fflate';
import { jsonNestingDepth } from '../../core/share/json-guard';
import { decodeValue, type BinaryResolver } from '../archive-values';
import { checkEntrySize, entryBytes, unzipSelected, utf8Text, type ArchiveFail } from '../archive-zip';
import { WORKSPACE_SCHEMA_VERSION } from '../workspace-schema';
import {
  BOMB_MIN_BYTES,
  MANIFEST_ENTRY,
  MAX_BUNDLE_ENTRIES,
  MAX_BUNDLE_FILE_BYTES,
  MAX_ENTRY_BYTES,
  MAX_JSON_DEPTH,
  MAX_MANIFEST_BYTES,
  MAX_PACKING_RATIO,
  MAX_TOTAL_BYTES,
  isSafeEntryPath,
  parseBundleManifest,
  type BundleEntryInfo,
  type BundleManifest,
} from './bundle-format';
import { sha256Hex } from './bundle-writer';

/** A bundle that cannot be imported; the message says why. Nothing was stored. */
export class BundleImportError extends Error {
  override name = 'BundleImportError';
}

/** Makes a {@link BundleImportError}. */
export const bundleFail: ArchiveFail = (message, cause) => new BundleImportError(message, cause === undefined ? undefined : { cause });

/** An opened bundle: its manifest, and a reader of its entries. */
export class BundleZip {
  readonly #archive: Uint8Array;
  readonly #listed: Map<string, BundleEntryInfo>;

  private constructor(archive: Uint8Array, readonly manifest: BundleManifest) {
    this.#archive = archive;
    this.#listed = new Map(manifest.entries.map((e) => [e.path, e]));
  }

  /** Reads the zip's headers and manifest; throws a {@link BundleImportError} naming the first problem. */
  static async open(file: Blob): Promise<BundleZip> {
    if (file.size > MAX_BUNDLE_FILE_BYTES) throw bundleFail(`The file is ${file.size} bytes; bundles of at most ${MAX_BUNDLE_FILE_BYTES} bytes are accepted`);
    const archive = new Uint8Array(await file.arrayBuffer());
    const infos = new Map<string, UnzipFileInfo>();
    let total = 0;
    const small = unzipSelected(
      archive,
      (info) => {
        if (isDirectory(info)) return false;
        if (infos.size >= MAX_BUNDLE_ENTRIES) throw bundleFail(`The bundle has more than ${MAX_BUNDLE_ENTRIES} entries`);
        if (!isSafeEntryPath(info.name)) throw bundleFail(`The bundle has an entry with an unsafe path, ${quoted(info.name)}: a bundle's paths are letters, digits, ".", "_" and "-" joined by "/", never ".." or absolute`);
        if (infos.has(info.name)) throw bundleFail(`The bundle has two entries named "${info.name}"`);
        infos.set(info.name, info);
        checkEntrySize(info, info.name === MANIFEST_ENTRY ? MAX_MANIFEST_BYTES : MAX_ENTRY_BYTES, bundleFail);
        total += info.originalSize;
        if (total > MAX_TOTAL_BYTES) throw bundleFail(`The bundle unpacks to more than ${MAX_TOTAL_BYTES} bytes; refused unread`);
        if (info.originalSize > BOMB_MIN_BYTES && info.originalSize > MAX_PACKING_RATIO * Math.max(1, info.size)) {
          throw bundleFail(`${info.name} unpacks to ${info.originalSize} bytes from ${info.size}: a zip bomb, not a bundle; refused unread`);
        }
        return info.name === MANIFEST_ENTRY;
      },
      bundleFail,
    );
    const bytes = entryBytes(small, MANIFEST_ENTRY);
    if (!bytes) throw bundleFail('manifest.json is missing: this is not a Benchtop bundle');
    let manifest: BundleManifest;
    try {
      manifest = parseBundleManifest(parseJsonText(utf8Text(bytes, MANIFEST_ENTRY, bundleFail), MANIFEST_ENTRY), WORKSPACE_SCHEMA_VERSION);
    } catch (err) {
      throw err instanceof BundleImportError ? err : bundleFail((err as Error).message, err);
    }
    for (const entry of manifest.entries) {
      const info = infos.get(entry.path);
      if (!info) throw bundleFail(`${entry.path} is missing, though manifest.json lists it`);
      if (info.originalSize !== entry.size) throw bundleFail(`${entry.path} unpacks to ${info.originalSize} bytes; manifest.json says ${entry.size}`);
    }
    for (const name of infos.keys()) {
      if (name !== MANIFEST_ENTRY && !manifest.entries.some((e) => e.path === name)) throw bundleFail(`${name} is in the bundle but not in manifest.json`);
    }
    return new BundleZip(archive, manifest);
  }

  /** True when the manifest lists `path`. */
  has(path: string): boolean {
    return this.#listed.has(path);
  }

  /** Every listed path. */
  paths(): string[] {
    return [...this.#listed.keys()];
  }

  /** The listed SHA-256 of `path`. */
  sha256(path: string): string {
    const entry = this.#listed.get(path);
    if (!entry) throw bundleFail(`${path} is not in the bundle`);
    return entry.sha256;
  }

  /**
   * Inflates the listed entries `paths` and checks each one's size and SHA-256 against the manifest (an entry whose
   * header lied about its size comes out truncated and fails here). Entries larger than `maxBytes` are refused unread.
   */
  async read(paths: readonly string[], maxBytes = MAX_ENTRY_BYTES): Promise<Map<string, Uint8Array>> {
    const wanted = new Set(paths);
    for (const path of wanted) {
      const entry = this.#listed.get(path);
      if (!entry) throw bundleFail(`${path} is missing from the bundle`);
      if (entry.size > maxBytes) throw bundleFail(`${path} is ${entry.size} bytes; at most ${maxBytes} are accepted`);
    }
    const found = wanted.size ? unzipSelected(this.#archive, (info) => wanted.has(info.name), bundleFail) : {};
    const out = new Map<string, Uint8Array>();
    for (const path of wanted) {
      const bytes = entryBytes(found, path);
      const entry = this.#listed.get(path) as BundleEntryInfo;
      if (!bytes || bytes.byteLength !== entry.size) throw bundleFail(`${path} could not be read in full`);
      if ((await sha256Hex(bytes)) !== entry.sha256) throw bundleFail(`${path} does not match its SHA-256 in manifest.json: the bundle is damaged or was altered`);
      out.set(path, bytes);
    }
    return out;
  }

  /** Reads entries as text (strict UTF-8). */
  async readText(paths: readonly string[], maxBytes: number): Promise<Map<string, string>> {
    const bytes = await this.read(paths, maxBytes);
    return new Map([...bytes].map(([path, data]) => [path, utf8Text(data, path, bundleFail)]));
  }
}

/**
 * Parses untrusted JSON text: nesting measured before `JSON.parse` (at most {@link MAX_JSON_DEPTH}), so no walker
 * below ever recurses deeper. Throws a {@link BundleImportError}. Keys are checked by the decoding that follows.
 */
export function parseJsonRaw(text: string, entry: string): unknown {
  if (jsonNestingDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) throw bundleFail(`${entry} is nested more than ${MAX_JSON_DEPTH} levels deep; a bundle never is`);
  try {
    return JSON.parse(text);
  } catch (err) {
    const detail = (err instanceof Error ? err.message : String(err)).replace(/,? ".*" is not valid JSON$/s, '');
    throw bundleFail(`${entry} is not valid JSON (${detail.slice(0, 160)})`, err);
  }
}

/**
 * Decodes a parsed value (`archive-values.ts` markers), refusing `__proto__`, `constructor` and `prototype` keys and
 * resolving binary references with `resolve` (refused when none is given). Errors name `where`.
 */
export function decodeJson(json: unknown, where: string, resolve?: BinaryResolver): unknown {
  try {
    return decodeValue(
      json,
      resolve ??
        (() => {
          throw new Error('holds a binary reference where none may be');
        }),
    );
  } catch (err) {
    if (err instanceof BundleImportError) throw err;
    throw bundleFail(`${where}: ${err instanceof Error ? err.message : String(err)}`, err);
  }
}

/** {@link parseJsonRaw} then {@link decodeJson} without binaries: for manifests, cards and other plain JSON. */
export function parseJsonText(text: string, entry: string): unknown {
  return decodeJson(parseJsonRaw(text, entry), entry);
}

function isDirectory(info: UnzipFileInfo): boolean {
  return info.name.endsWith('/') && info.originalSize === 0 && isSafeEntryPath(info.name.slice(0, -1));
}

function quoted(name: string): string {
  const clipped = name.length > 120 ? `${name.slice(0, 120)}…` : name;
  return JSON.stringify(clipped);
}
