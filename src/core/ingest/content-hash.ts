/**
 * @file SHA-256 of imported content, computed incrementally while the bytes stream by.
 */
import { createSHA256 } from 'hash-wasm';
import { throwIfAborted } from './ingest-error';

/** An incremental SHA-256: feed bytes in order, then read the hex digest once. */
export interface ContentHasher {
  update(bytes: Uint8Array): void;
  /** Lower-case hex SHA-256 of everything fed. */
  digest(): string;
}

/** Creates a {@link ContentHasher} (hash-wasm, runs in Node, workers and pages). */
export async function createContentHasher(): Promise<ContentHasher> {
  const sha = await createSHA256();
  sha.init();
  return {
    update: (bytes) => void sha.update(bytes),
    digest: () => sha.digest('hex'),
  };
}

/** A hasher that ignores its input: used when the content hash is computed elsewhere. */
export const SKIPPED_HASHER: ContentHasher = Object.freeze({ update: () => undefined, digest: () => '' });

/** The hasher a reader should use: a real one, or {@link SKIPPED_HASHER} when the caller hashes. */
export async function hasherFor(hashInline: boolean | undefined): Promise<ContentHasher> {
  return hashInline === false ? SKIPPED_HASHER : createContentHasher();
}

/** SHA-256 (hex) of a whole blob, read in slices. */
export async function hashBlob(blob: Blob, signal?: AbortSignal): Promise<string> {
  const hasher = await createContentHasher();
  for await (const bytes of readBlobSlices(blob, signal)) hasher.update(bytes);
  return hasher.digest();
}

/** Bytes per slice read from a Blob. */
export const SLICE_BYTES = 4 * 1024 * 1024;

/** Reads a blob in order as slices of at most `sliceBytes`, checking `signal` between slices. */
export async function* readBlobSlices(blob: Blob, signal?: AbortSignal, sliceBytes = SLICE_BYTES): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < blob.size; offset += sliceBytes) {
    throwIfAborted(signal);
    yield new Uint8Array(await blob.slice(offset, Math.min(blob.size, offset + sliceBytes)).arrayBuffer());
  }
}
