/**
 * @file Image sets from a zip (fflate) or a picked folder: label = name of the immediate parent folder.
 * Only headers are read (width, height, media type); absurd or corrupt images are rejected without decoding.
 * Rows are sorted by path, and the content hash covers sorted paths and bytes, so zip order does not matter.
 */
import { unzipSync } from 'fflate';
import type { ChunkData, ColumnSchema } from '../../protocol/dataset';
import { CHUNK_ROWS } from '../table/column-types';
import { type ImageHeader, imageSizeProblem, readImageHeader } from '../table/image-header';
import { createContentHasher } from './content-hash';
import { type IngestContext, type IngestedTable, progressThrottle } from './ingest-context';
import { IngestError, throwIfAborted } from './ingest-error';

/** Largest total uncompressed size of a zip (checked on declared sizes before inflating anything). */
export const MAX_ZIP_UNCOMPRESSED_BYTES = 2 * 1024 ** 3;

/** File extensions read as images. */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['.png', '.jpg', '.jpeg', '.gif', '.bmp', '.webp']);

/** Where the images come from. */
export type ImageSource = { kind: 'zip'; blob: Blob } | { kind: 'files'; files: { path: string; blob: Blob }[] };

/** The column layout of an imported image set. */
export const IMAGE_COLUMNS: readonly ColumnSchema[] = Object.freeze([
  { name: 'image', type: 'image', inferredType: 'image', storage: 'bytes' },
  { name: 'label', type: 'category', inferredType: 'category', storage: 'dict' },
  { name: 'path', type: 'text', inferredType: 'text', storage: 'dict' },
  { name: 'width', type: 'integer', inferredType: 'integer', storage: 'f64' },
  { name: 'height', type: 'integer', inferredType: 'integer', storage: 'f64' },
] satisfies ColumnSchema[]);

/** Label of an image path (its parent folder's name), or `null` for a file at the root. */
export function labelOf(path: string): string | null {
  const parts = path.split('/').filter((p) => p !== '');
  return parts.length >= 2 ? parts[parts.length - 2] : null;
}

interface Entry {
  path: string;
  label: string;
  load: () => Promise<Uint8Array>;
}

/** Reads an image set into `ctx.store`; returns the table and the SHA-256 over sorted paths and bytes. */
export async function ingestImages(source: ImageSource, ctx: IngestContext, name: string): Promise<IngestedTable> {
  const entries = source.kind === 'zip' ? await zipEntries(source.blob, name, ctx) : fileEntries(source.files, ctx);
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const chunkRows = ctx.chunkRows ?? CHUNK_ROWS;
  const hasher = await createContentHasher();
  const encoder = new TextEncoder();
  const report = progressThrottle(ctx.onProgress);
  const labels = new Set<string>();
  let rows = 0;
  let chunkIndex = 0;
  let batch: { path: string; label: string; bytes: Uint8Array; header: ImageHeader }[] = [];
  const flush = async (): Promise<void> => {
    const writes: [number, ChunkData][] = [
      [0, { kind: 'bytes', items: batch.map((e) => e.bytes), mediaTypes: batch.map((e) => e.header.mediaType) }],
      [1, dictOf(batch.map((e) => e.label))],
      [2, dictOf(batch.map((e) => e.path))],
      [3, { kind: 'f64', values: Float64Array.from(batch, (e) => e.header.width) }],
      [4, { kind: 'f64', values: Float64Array.from(batch, (e) => e.header.height) }],
    ];
    await Promise.all(writes.map(([column, data]) => ctx.store.write(column, chunkIndex, data)));
    chunkIndex++;
    batch = [];
  };
  for (let i = 0; i < entries.length; i++) {
    throwIfAborted(ctx.signal);
    const entry = entries[i];
    const bytes = await entry.load();
    const header = readImageHeader(bytes);
    const problem = header === null ? 'has a corrupt or unsupported header; expected a PNG, JPEG, GIF, BMP or WebP image' : imageSizeProblem(header);
    if (header === null || problem !== null) {
      ctx.issues.add({ code: 'bad-image', message: `"${entry.path}" ${problem}; skipped` });
      continue;
    }
    const pathBytes = encoder.encode(entry.path);
    hasher.update(lengthPrefix(pathBytes.length));
    hasher.update(pathBytes);
    hasher.update(lengthPrefix(bytes.length));
    hasher.update(bytes);
    batch.push({ path: entry.path, label: entry.label, bytes, header });
    labels.add(entry.label);
    rows++;
    if (batch.length === chunkRows) await flush();
    report({ status: 'parsing', bytes: i + 1, total: entries.length, rows });
  }
  if (rows === 0) throw new IngestError('no-images', `"${name}" has no readable images in subfolders; expected PNG, JPEG, GIF, BMP or WebP files in one folder per label`);
  if (batch.length > 0) await flush();
  if (labels.size < 2) ctx.issues.add({ code: 'other', message: `All images have the same label "${[...labels][0]}"; expected one subfolder per label` });
  return { rows, columns: IMAGE_COLUMNS.map((c) => ({ ...c })), chunkCount: chunkIndex, issues: ctx.issues.toArray(), contentHash: hasher.digest() };
}

/** Keeps image files in subfolders; lists the rest as skipped. */
function keep(path: string, ctx: IngestContext): string | null {
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (path.endsWith('/')) return null; // a folder entry
  const dot = base.lastIndexOf('.');
  const extension = dot === -1 ? '' : base.slice(dot).toLowerCase();
  if (path.startsWith('__MACOSX/') || path.includes('/__MACOSX/') || base.startsWith('.') || !IMAGE_EXTENSIONS.has(extension)) {
    ctx.issues.add({ code: 'skipped-file', message: `"${path}" is not an image (expected ${[...IMAGE_EXTENSIONS].join(' ')}); skipped` });
    return null;
  }
  const label = labelOf(path);
  if (label === null) ctx.issues.add({ code: 'skipped-file', message: `"${path}" is not in a subfolder, so it has no label; skipped` });
  return label;
}

function fileEntries(files: { path: string; blob: Blob }[], ctx: IngestContext): Entry[] {
  const entries: Entry[] = [];
  for (const file of files) {
    const path = file.path.replace(/\\/g, '/');
    const label = keep(path, ctx);
    if (label !== null) entries.push({ path, label, load: async () => new Uint8Array(await file.blob.arrayBuffer()) });
  }
  return entries;
}

async function zipEntries(blob: Blob, name: string, ctx: IngestContext): Promise<Entry[]> {
  if (blob.size === 0) throw new IngestError('empty-file', `The file is empty: "${name}" has 0 bytes; expected a zip of images`);
  const data = new Uint8Array(await blob.arrayBuffer());
  let declared = 0;
  const wanted = new Map<string, string>();
  try {
    // first pass: names and declared sizes only, nothing is inflated
    unzipSync(data, {
      filter: (info) => {
        declared += info.originalSize;
        const label = keep(info.name, ctx);
        if (label !== null) wanted.set(info.name, label);
        return false;
      },
    });
  } catch (error) {
    throw new IngestError('bad-zip', `"${name}" is not a readable zip file (${(error as Error).message}); expected a .zip of image folders`, { cause: error });
  }
  if (declared > MAX_ZIP_UNCOMPRESSED_BYTES) {
    throw new IngestError('too-large', `"${name}" would expand to ${Math.round(declared / 1e6)} MB; expected at most ${MAX_ZIP_UNCOMPRESSED_BYTES / 1024 ** 3} GB uncompressed`);
  }
  throwIfAborted(ctx.signal);
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(data, { filter: (info) => wanted.has(info.name) });
  } catch (error) {
    throw new IngestError('bad-zip', `"${name}" has a damaged entry (${(error as Error).message}); expected a valid zip file`, { cause: error });
  }
  return [...wanted].map(([path, label]) => ({ path, label, load: async () => files[path] ?? new Uint8Array(0) }));
}

function dictOf(values: string[]): ChunkData {
  const map = new Map<string, number>();
  const dictionary: string[] = [];
  const codes = Int32Array.from(values, (v) => {
    let code = map.get(v);
    if (code === undefined) {
      code = dictionary.length;
      map.set(v, code);
      dictionary.push(v);
    }
    return code;
  });
  return { kind: 'dict', codes, dictionary };
}

function lengthPrefix(n: number): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(n));
  return bytes;
}
