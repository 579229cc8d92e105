/**
 * @file Where the table builder puts finished column chunks. Storage implements it over IndexedDB;
 * tests use an in-memory map.
 */
import type { ChunkData } from '../../protocol/dataset';

/**
 * Keyed storage of column chunks: `column` is the 0-based column position, `index` the 0-based chunk number.
 * A later `write` to the same key replaces the chunk (the builder rewrites demoted numeric chunks at finish).
 * The builder hands over ownership of the arrays it writes and never mutates them afterwards.
 */
export interface ChunkStore {
  write(column: number, index: number, data: ChunkData): Promise<void>;
  read(column: number, index: number): Promise<ChunkData>;
}
